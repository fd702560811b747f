"""`cccform force-unlock LOCK_ID`: says what it does, asks, and frees a hung holder's lock."""

from __future__ import annotations

import io
import os
from collections.abc import Iterator

import pytest

from cccform.cli.context import Context
from cccform.state.postgres import lock as pg_lock
from tests.cli.harness import Cli, config, instance_yaml
from tests.cli.test_pg_state import pg_config
from tests.pg import PgSchema
from tests.state.helpers import Holder, PgHolder


@pytest.fixture
def holder(cli: Cli, pg_schema: PgSchema) -> Iterator[PgHolder]:
    pg_config(cli, pg_schema, instance_yaml("a", 1), workspace="w1")
    held = PgHolder(pg_schema, "w1")
    yield held
    held.kill()


def answering(cli: Cli, answer: str) -> None:
    cli.monkeypatch.setattr(Context, "interactive", staticmethod(lambda: True))
    cli.monkeypatch.setattr("sys.stdin", io.StringIO(answer))


def test_without_yes_and_without_a_terminal_nothing_happens(cli: Cli, holder: PgHolder) -> None:
    run = cli("force-unlock", holder.info["id"])
    assert run.code == 64
    assert f"is locked by {holder.info['who']}@{holder.info['host']}" in run.err
    assert "Force-unlocking ends the database session of that run" in run.err
    assert "a superuser, or a member of pg_signal_backend" in run.err
    assert "error: refusing to force-unlock without confirmation" in run.err
    assert cli("plan").code == 6  # still locked


def test_yes_ends_the_holder_and_frees_the_lock(cli: Cli, holder: PgHolder) -> None:
    run = cli("force-unlock", holder.info["id"], "--yes")
    assert run.code == 0, run.err
    assert run.out.startswith("Unlocked the PostgreSQL workspace 'w1' (schema ")
    assert f"(lock id {holder.info['id']})" in run.out
    planned = cli("plan")
    assert planned.code == 0, planned.err


def test_a_typed_yes_on_the_terminal_confirms(cli: Cli, holder: PgHolder) -> None:
    answering(cli, "yes\n")
    run = cli("force-unlock", holder.info["id"])
    assert run.code == 0, run.err
    assert "Only 'yes' will be accepted to go on." in run.err
    assert cli("plan").code == 0


def test_any_other_answer_cancels(cli: Cli, holder: PgHolder) -> None:
    answering(cli, "y\n")
    run = cli("force-unlock", holder.info["id"])
    assert run.code == 1
    assert run.err.endswith("Force-unlock cancelled; nothing was changed.\n")
    assert cli("plan").code == 6


def test_an_unknown_lock_id_changes_nothing(cli: Cli, holder: PgHolder) -> None:
    run = cli("force-unlock", "not-the-id", "--yes")
    assert run.code == 1
    assert "no run holds the lock of the PostgreSQL workspace 'w1'" in run.err
    assert f"with id not-the-id (it is held by {holder.info['who']}@" in run.err
    assert cli("plan").code == 6


def test_a_local_lock_is_not_taken_from_a_running_process(cli: Cli) -> None:
    config(cli.directory, instance_yaml("a", 1))
    held = Holder(cli.directory / "cccform.state.json.lock")
    try:
        run = cli("force-unlock", held.info["id"], "--yes")
    finally:
        held.release()
    assert run.code == 1
    assert "cccform cannot take it away while it runs" in run.err
    assert f"kill {held.pid} on " in run.err


def test_a_session_that_does_not_end_is_reported(cli: Cli, holder: PgHolder) -> None:
    # As if pg_terminate_backend gave up waiting (it answers false after its timeout).
    never_ends = "SELECT false FROM {schema}.locks WHERE workspace = %s AND lock_id = %s"
    cli.monkeypatch.setattr(pg_lock, "_TERMINATE", never_ends)
    run = cli("force-unlock", holder.info["id"], "--yes")
    assert run.code == 1
    assert "did not end within 5 s of being told to; the lock may still be held" in run.err
    assert cli("plan").code == 6


def test_a_role_that_may_not_end_the_session_is_told_what_it_needs(
    cli: Cli, pg_schema: PgSchema, holder: PgHolder
) -> None:
    own = os.environ["CCCFORM_PG_DSN"]
    with pg_schema.role("SELECT") as dsn:
        cli.monkeypatch.setenv("CCCFORM_PG_DSN", dsn)
        run = cli("force-unlock", holder.info["id"], "--yes")
    cli.monkeypatch.setenv("CCCFORM_PG_DSN", own)
    assert run.code == 1
    assert "the database refused to end the session of " in run.err
    assert "Run force-unlock as the same role, a superuser, or a member of pg_signal_backend" in (
        run.err
    )
    assert cli("plan").code == 6
