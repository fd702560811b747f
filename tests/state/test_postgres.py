"""The PostgreSQL store: rows per resource, compare-and-swap saves, schema versions."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from cccform.errors import StateError
from cccform.state.models import PendingCreate, ProviderBinding, ResourceState, State
from cccform.state.postgres import schema as pg_schema_module
from cccform.state.postgres.connection import dsn_from_env
from cccform.state.postgres.store import PostgresStateStore
from tests.pg import PgSchema

BINDING = ProviderBinding(type="local", location=".cccform", account="1")


def open_store(pg: PgSchema, workspace: str = "w1", history: int = 100) -> PostgresStateStore:
    dsn = dsn_from_env("DSN", {"DSN": pg.dsn})
    return PostgresStateStore(dsn, workspace, pg.name, history, Path("/nonexistent/r.json"))


@pytest.fixture
def store(pg_schema: PgSchema) -> Iterator[PostgresStateStore]:
    opened = open_store(pg_schema)
    yield opened
    opened.close()


def resource(n: int, description: str = "d") -> ResourceState:
    return ResourceState(
        remote_id=f"acme-{n:04d}",
        attributes={"name": f"Center {n:04d}", "description": description, "phone_numbers": []},
    )


def with_resources(state: State, count: int) -> State:
    resources = {f"instance.i{n}": resource(n) for n in range(count)}
    return state.model_copy(update={"resources": resources, "binding": BINDING})


def test_a_written_state_reads_back_in_another_store(
    store: PostgresStateStore, pg_schema: PgSchema
) -> None:
    state = with_resources(store.read(), 3)
    state.pending["instance.new"] = PendingCreate(access_path="acme-new", name="New one")
    written = store.write(state)
    other = open_store(pg_schema)
    try:
        read = other.read()
    finally:
        other.close()
    assert (read.lineage, read.serial) == (state.lineage, 1) == (written.lineage, written.serial)
    assert read.content_equal(state)


def test_nothing_is_written_until_the_content_changes(
    store: PostgresStateStore, pg_schema: PgSchema
) -> None:
    state = store.read()
    assert store.write(state) is state
    assert not store.exists()
    assert (
        pg_schema.query("SELECT nspname FROM pg_namespace WHERE nspname = %s", pg_schema.name) == []
    )
    written = store.write(with_resources(state, 1))
    assert store.write(written).serial == 1
    assert store.exists()


def test_a_read_of_an_empty_database_creates_nothing(
    store: PostgresStateStore, pg_schema: PgSchema
) -> None:
    assert store.read().serial == 0
    assert not store.exists()
    assert pg_schema.query("SELECT 1 FROM pg_namespace WHERE nspname = %s", pg_schema.name) == []


def test_a_save_writes_only_the_rows_that_changed(
    store: PostgresStateStore, pg_schema: PgSchema
) -> None:
    state = store.write(with_resources(store.read(), 50))
    versions = {
        a: x for a, x in pg_schema.query("SELECT address, xmin::text FROM {schema}.entries")
    }
    state.resources["instance.i7"] = resource(7, "changed")
    del state.resources["instance.i8"]
    store.write(state)
    after = {a: x for a, x in pg_schema.query("SELECT address, xmin::text FROM {schema}.entries")}
    rewritten = {a for a in after if after[a] != versions[a]}
    assert rewritten == {"instance.i7"}
    assert set(versions) - set(after) == {"instance.i8"}
    assert sorted(
        pg_schema.query("SELECT address FROM {schema}.history_entries WHERE serial = 2")
    ) == [
        ("instance.i7",),
        ("instance.i8",),
    ]


def test_a_stale_writer_fails_and_overwrites_nothing(pg_schema: PgSchema) -> None:
    # Neither store holds the lock: the compare-and-swap on the serial is all that decides.
    first, stale = open_store(pg_schema), open_store(pg_schema)
    try:
        base = first.write(with_resources(first.read(), 2))
        behind = stale.read()
        ahead = base.model_copy(deep=True)
        ahead.resources["instance.i0"] = resource(0, "by the first")
        first.write(ahead)
        behind.resources["instance.i1"] = resource(1, "by the stale one")
        with pytest.raises(StateError) as caught:
            stale.write(behind)
    finally:
        first.close()
        stale.close()
    message = str(caught.value)
    assert "holds serial 2, but this run read serial 1 there" in message
    assert "without holding the lock. Nothing was written" in message
    descriptions = pg_schema.query(
        "SELECT body->'attributes'->>'description' FROM {schema}.entries"
    )
    assert sorted(descriptions) == [("by the first",), ("d",)]
    assert pg_schema.query("SELECT serial FROM {schema}.workspaces") == [(2,)]


def test_two_first_writers_of_a_workspace_do_not_both_found_it(pg_schema: PgSchema) -> None:
    first, second = open_store(pg_schema), open_store(pg_schema)
    try:
        one, two = with_resources(first.read(), 1), with_resources(second.read(), 2)
        first.write(one)
        with pytest.raises(StateError, match="holds serial 1, but this run read no state there"):
            second.write(two)
    finally:
        first.close()
        second.close()
    assert pg_schema.query("SELECT lineage FROM {schema}.workspaces") == [(one.lineage,)]


def test_a_state_of_another_lineage_is_refused(store: PostgresStateStore) -> None:
    store.write(with_resources(store.read(), 1))
    with pytest.raises(StateError, match="refusing to write a state of lineage"):
        store.write(with_resources(State(), 2))


def test_workspaces_in_one_schema_are_separate(pg_schema: PgSchema) -> None:
    a, b = open_store(pg_schema, "a"), open_store(pg_schema, "b")
    try:
        a.write(with_resources(a.read(), 2))
        assert b.read().resources == {}
        assert not b.exists()
    finally:
        a.close()
        b.close()


def test_the_tables_carry_their_version(store: PostgresStateStore, pg_schema: PgSchema) -> None:
    store.write(with_resources(store.read(), 1))
    versions = pg_schema.query("SELECT version FROM {schema}.schema_version")
    assert versions == [(pg_schema_module.SCHEMA_VERSION,)]


def test_a_schema_made_by_a_newer_cccform_is_refused(
    store: PostgresStateStore, pg_schema: PgSchema
) -> None:
    store.write(with_resources(store.read(), 1))
    newer = pg_schema_module.SCHEMA_VERSION + 1
    pg_schema.query(
        "INSERT INTO {schema}.schema_version (version, cccform_version) VALUES (%s, '9.0')", newer
    )
    other = open_store(pg_schema)
    try:
        with pytest.raises(StateError) as caught:
            other.read()
    finally:
        other.close()
    assert f"is at version {newer}, made by a newer cccform" in str(caught.value)
    assert "Upgrade cccform" in str(caught.value)


def test_only_the_last_serials_are_kept(pg_schema: PgSchema) -> None:
    store = open_store(pg_schema, history=3)
    try:
        state = store.read()
        for n in range(5):
            state = store.write(with_resources(state, n + 1))
    finally:
        store.close()
    serials = pg_schema.query("SELECT serial FROM {schema}.history ORDER BY serial")
    assert serials == [(3,), (4,), (5,)]
    undo = pg_schema.query("SELECT DISTINCT serial FROM {schema}.history_entries ORDER BY serial")
    assert undo == [(3,), (4,), (5,)]


def test_a_later_version_migrates_the_tables_in_order(
    store: PostgresStateStore, pg_schema: PgSchema, monkeypatch: pytest.MonkeyPatch
) -> None:
    store.write(with_resources(store.read(), 1))
    current = pg_schema_module.SCHEMA_VERSION
    later = {
        **pg_schema_module.MIGRATIONS,
        current + 1: ("ALTER TABLE {schema}.workspaces ADD COLUMN note text",),
        current + 2: ("UPDATE {schema}.workspaces SET note = 'migrated'",),
    }
    monkeypatch.setattr(pg_schema_module, "MIGRATIONS", later)
    monkeypatch.setattr(pg_schema_module, "SCHEMA_VERSION", current + 2)
    upgraded = open_store(pg_schema)
    try:
        upgraded.write(with_resources(upgraded.read(), 2))
    finally:
        upgraded.close()
    versions = pg_schema.query("SELECT version FROM {schema}.schema_version ORDER BY version")
    assert versions == [(v,) for v in range(1, current + 3)]
    assert pg_schema.query("SELECT note FROM {schema}.workspaces") == [("migrated",)]
