"""`--lock-timeout`: a run that has to wait for the lock says whom it waits for."""

from __future__ import annotations

import threading

from tests.cli.harness import Cli, config, instance_yaml
from tests.cli.test_pg_state import pg_config
from tests.pg import PgSchema
from tests.state.helpers import Holder, PgHolder


def test_a_plan_waiting_for_a_postgres_lock_names_the_holder(cli: Cli, pg_schema: PgSchema) -> None:
    pg_config(cli, pg_schema, instance_yaml("a", 1), workspace="w1")
    holder = PgHolder(pg_schema, "w1")
    info = holder.info
    threading.Timer(1.0, holder.release).start()
    run = cli("plan", "--lock-timeout", "20s")
    assert run.code == 0, run.err
    waiting = [line for line in run.err.splitlines() if line.startswith("Waiting")]
    assert waiting == [
        f"Waiting for the state lock (up to 20s): held by {info['who']}@{info['host']} (pid "
        f"{holder.process.pid}, cccform {info['version']}), running 'apply' since "
        f"{info['since']} (lock id {info['id']})"
    ]
    assert "Plan: 1 to create" in run.out


def test_an_apply_waiting_for_a_local_lock_names_the_holder(cli: Cli) -> None:
    config(cli.directory, instance_yaml("a", 1))
    holder = Holder(cli.directory / "cccform.state.json.lock", "plan", hold=1.0)
    run = cli("apply", "--auto-approve", "--lock-timeout", "1m")
    holder.wait_released()
    assert run.code == 0, run.err
    (waiting,) = [line for line in run.err.splitlines() if line.startswith("Waiting")]
    assert waiting.startswith("Waiting for the state lock (up to 60s): held by ")
    assert f"(pid {holder.pid}, " in waiting and "running 'plan' since" in waiting


def test_without_a_timeout_nothing_waits_and_nothing_is_said(cli: Cli) -> None:
    config(cli.directory, instance_yaml("a", 1))
    holder = Holder(cli.directory / "cccform.state.json.lock")
    try:
        run = cli("plan")
    finally:
        holder.release()
    assert run.code == 6
    assert "Waiting" not in run.err
