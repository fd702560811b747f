"""The PostgreSQL lock: a session-level advisory lock per workspace, its holder named."""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator

import pytest

from cccform.errors import StateLockedError
from cccform.state.lock import user_name
from cccform.state.postgres.store import PostgresStateStore
from tests.pg import PgSchema

from .helpers import PgHolder as Holder
from .test_postgres import open_store


@pytest.fixture
def contender(pg_schema: PgSchema) -> Iterator[PostgresStateStore]:
    store = open_store(pg_schema)
    yield store
    store.close()


def test_a_second_holder_is_refused_naming_the_first(
    pg_schema: PgSchema, contender: PostgresStateStore
) -> None:
    holder = Holder(pg_schema)
    try:
        with pytest.raises(StateLockedError) as caught, contender.lock("plan"):
            pass
    finally:
        holder.release()
    message = str(caught.value)
    info = holder.info
    assert message.startswith(
        f"the state is locked by {user_name()}@{socket.gethostname()} (pid "
        f"{holder.process.pid}, cccform {info['version']}), running 'apply' since "
        f"{info['since']} (lock id {info['id']}) (PostgreSQL workspace 'w1', database "
    )
    assert message.endswith("Wait for it to finish, or retry with --lock-timeout 5m.")
    with contender.lock("plan") as mine:  # free again once released
        assert mine.pid == os.getpid()


def test_killing_the_holder_frees_the_lock_at_once(
    pg_schema: PgSchema, contender: PostgresStateStore
) -> None:
    holder = Holder(pg_schema)
    holder.kill()
    started = time.monotonic()
    with contender.lock("apply", timeout=5):
        waited = time.monotonic() - started
    assert waited < 2


def test_two_workspaces_never_block_each_other(pg_schema: PgSchema) -> None:
    holder = Holder(pg_schema, "w1")
    other = open_store(pg_schema, "w2")
    try:
        with other.lock("apply") as info:
            assert info.operation == "apply"
    finally:
        other.close()
        holder.release()


def test_a_lock_timeout_waits_for_the_holder(
    pg_schema: PgSchema, contender: PostgresStateStore
) -> None:
    holder = Holder(pg_schema)
    threading.Timer(0.5, holder.release).start()
    started = time.monotonic()
    with contender.lock("apply", timeout=10):
        assert time.monotonic() - started >= 0.4


def test_a_lock_timeout_gives_up_naming_the_holder(
    pg_schema: PgSchema, contender: PostgresStateStore
) -> None:
    holder = Holder(pg_schema)
    try:
        started = time.monotonic()
        with pytest.raises(StateLockedError) as caught, contender.lock("apply", timeout=0.3):
            pass
        assert time.monotonic() - started >= 0.3
    finally:
        holder.release()
    assert f"lock id {holder.info['id']}" in str(caught.value)
    assert "still locked after waiting 300ms" in str(caught.value)


def test_the_holder_row_goes_with_the_lock(
    pg_schema: PgSchema, contender: PostgresStateStore
) -> None:
    with contender.lock("apply") as info:
        rows = pg_schema.query("SELECT lock_id, operation, pid FROM {schema}.locks")
        assert rows == [(info.id, "apply", os.getpid())]
    assert pg_schema.query("SELECT * FROM {schema}.locks") == []


def test_the_row_of_a_killed_holder_names_nobody(
    pg_schema: PgSchema, contender: PostgresStateStore
) -> None:
    Holder(pg_schema).kill()  # its row stays behind, its session is gone
    assert contender.holder() is None
