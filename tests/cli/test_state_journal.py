"""The journal of a local state, seen from the command line: a run killed between a save to
the journal and the folding of the journal into the file loses none of its saves."""

from __future__ import annotations

import json
import signal
import stat
import time
from pathlib import Path

import pytest

from tests.cli.harness import config, instance_yaml, run_process, spawn

pytestmark = pytest.mark.slow

STATE = "cccform.state.json"


def journalled_addresses(directory: Path) -> set[str]:
    """The addresses the whole lines of the journal set (a last line cut short is no save)."""
    try:
        data = (directory / f"{STATE}.journal").read_bytes()
    except FileNotFoundError:
        return set()
    found: set[str] = set()
    for line in data.split(b"\n")[:-1]:
        found |= set(json.loads(line)["resources"])
    return found


def wait_for_journalled(directory: Path, at_least: int, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while len(journalled_addresses(directory)) < at_least:
        assert time.monotonic() < deadline, "timed out waiting for saves in the journal"
        time.sleep(0.01)


def test_sigkill_between_journal_saves_and_compaction_keeps_every_save(tmp_path: Path) -> None:
    count = 30
    config(tmp_path, *(instance_yaml(f"i{n}", n) for n in range(count)))
    process = spawn(
        tmp_path,
        "apply",
        "--auto-approve",
        "--parallelism",
        "3",
        env={"CCCFORM_LOCAL_CREATE_SECONDS": "0.3"},
    )
    wait_for_journalled(tmp_path, 3)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    journal = tmp_path / f"{STATE}.journal"
    assert stat.S_IMODE(journal.stat().st_mode) == 0o600
    saved = journalled_addresses(tmp_path)
    assert saved and not saved <= set(json.loads((tmp_path / STATE).read_text())["resources"])

    listed = run_process(tmp_path, "state", "list")
    assert listed.code == 0, listed.err
    assert saved <= set(listed.out.splitlines())
    unlocked = run_process(tmp_path, "plan", "--lock=false")
    assert unlocked.code == 0, unlocked.err
    assert not any(f"{address} will be created" in unlocked.out for address in saved)

    again = run_process(tmp_path, "apply", "--auto-approve")
    assert again.code == 0, again.out + again.err
    assert not journal.exists()
    on_disk = json.loads((tmp_path / STATE).read_text())
    assert len(on_disk["resources"]) == count and on_disk["pending"] == {}
    final = run_process(tmp_path, "plan", "--detailed-exitcode")
    assert final.code == 0, final.out


def test_a_finished_apply_leaves_no_journal(tmp_path: Path) -> None:
    config(tmp_path, *(instance_yaml(f"i{n}", n) for n in range(5)))
    applied = run_process(tmp_path, "apply", "--auto-approve")
    assert applied.code == 0, applied.err
    assert not (tmp_path / f"{STATE}.journal").exists()
    assert len(json.loads((tmp_path / STATE).read_text())["resources"]) == 5


def test_a_journal_without_its_state_file_is_refused(tmp_path: Path) -> None:
    config(tmp_path, instance_yaml("i0", 0))
    (tmp_path / f"{STATE}.journal").write_text("")
    planned = run_process(tmp_path, "plan")
    assert planned.code != 0
    assert "Traceback" not in planned.err
    assert f"the state file {tmp_path / STATE} does not exist, but its journal" in planned.err
    assert "move the journal away first" in planned.err
