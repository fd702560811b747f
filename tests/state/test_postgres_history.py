"""Kept serials: every committed serial of a workspace can be listed and rebuilt."""

from __future__ import annotations

import pytest

from cccform.errors import StateError
from cccform.state.models import PendingCreate, State
from tests.pg import PgSchema

from .test_postgres import BINDING, open_store, resource


def test_every_kept_serial_is_rebuilt_as_it_was(pg_schema: PgSchema) -> None:
    store = open_store(pg_schema)
    seen: dict[int, State] = {}
    state = store.read().model_copy(update={"binding": BINDING})
    try:
        for step in range(6):
            state = state.model_copy(deep=True)
            state.resources[f"instance.i{step}"] = resource(step)
            if step % 2:
                del state.resources[f"instance.i{step - 1}"]
                state.pending["instance.p"] = PendingCreate(access_path=f"p-{step}", name="P one")
            else:
                state.pending.pop("instance.p", None)
            if step == 3:
                state.resources["instance.i1"] = resource(1, "edited")
            state = store.write(state)
            seen[state.serial] = state.model_copy(deep=True)
        for serial, expected in seen.items():
            rebuilt = store.read_serial(serial)
            assert (rebuilt.serial, rebuilt.lineage) == (serial, expected.lineage)
            assert rebuilt.content_equal(expected), serial
        listed = store.history()
    finally:
        store.close()
    assert [entry.serial for entry in listed] == [6, 5, 4, 3, 2, 1]
    assert [(e.resources, e.pending) for e in listed] == [
        (len(seen[s].resources), len(seen[s].pending)) for s in range(6, 0, -1)
    ]
    assert {entry.operation for entry in listed} == {"write"}


def test_the_history_names_the_lock_holder_and_operation(pg_schema: PgSchema) -> None:
    store = open_store(pg_schema)
    try:
        with store.lock("state push") as info:
            store.write(State(resources={"instance.a": resource(1)}))
        (entry,) = store.history()
    finally:
        store.close()
    assert (entry.who, entry.host, entry.operation) == (info.who, info.host, "state push")


def test_a_serial_that_is_not_kept_is_refused(pg_schema: PgSchema) -> None:
    store = open_store(pg_schema, history=2)
    try:
        state = store.read()
        for n in range(4):
            state = store.write(state.model_copy(update={"resources": {"instance.a": resource(n)}}))
        with pytest.raises(StateError, match=r"serial 1 is not kept in .* it keeps serials 3 to 4"):
            store.read_serial(1)
        assert store.read_serial(3).resources["instance.a"].remote_id == "acme-0002"
    finally:
        store.close()


def test_an_empty_workspace_has_no_history(pg_schema: PgSchema) -> None:
    store = open_store(pg_schema)
    try:
        assert store.history() == []
        with pytest.raises(StateError, match="holds no state yet"):
            store.read_serial(1)
    finally:
        store.close()
