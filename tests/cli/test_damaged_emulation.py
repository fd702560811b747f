"""A damaged emulation database: plan and apply end with one clear error, never a traceback."""

from __future__ import annotations

import gc
import random
import sqlite3

import pytest

from tests.cli.harness import Cli, config, instance_yaml


def _applied(cli: Cli) -> None:
    config(cli.directory, instance_yaml("support", 1))
    run = cli("apply", "--auto-approve")
    assert run.code == 0, run.err
    # The connections of apply's worker threads close when collected; then the WAL is folded in.
    gc.collect()


def _truncate(cli: Cli) -> None:
    path = cli.directory / ".cccform" / "ccc.sqlite3"
    path.write_bytes(path.read_bytes()[:4096])


def _garbage(cli: Cli) -> None:
    path = cli.directory / ".cccform" / "ccc.sqlite3"
    path.write_bytes(random.Random(3).randbytes(8192))


def _wrong_type(cli: Cli) -> None:
    conn = sqlite3.connect(cli.directory / ".cccform" / "ccc.sqlite3")
    conn.execute("UPDATE instances SET created_ms = 'yesterday'")
    conn.commit()
    conn.close()


DAMAGE = {
    "truncated": (_truncate, "database disk image is malformed"),
    "garbage": (_garbage, "file is not a database"),
    "wrong-type": (
        _wrong_type,
        "column instances.created_ms holds 'yesterday' (text) where INTEGER belongs",
    ),
}


@pytest.mark.parametrize("command", [["plan"], ["apply", "--auto-approve"]], ids=["plan", "apply"])
@pytest.mark.parametrize(("damage", "reason"), DAMAGE.values(), ids=DAMAGE.keys())
def test_a_damaged_database_names_the_file_and_what_to_do(
    cli: Cli, command: list[str], damage: object, reason: str
) -> None:
    _applied(cli)
    assert callable(damage)
    damage(cli)
    run = cli(*command)
    path = cli.directory / ".cccform" / "ccc.sqlite3"
    assert (run.code, run.out) == (1, "")
    assert run.err == (
        f"error: the local emulation's database {path} is damaged or not one cccform wrote:"
        f" {reason}. Nothing was changed. Move it away (with any ccc.sqlite3-wal and"
        " ccc.sqlite3-shm beside it) to start an empty emulation, or put back a copy of it.\n"
    )
