"""The journal of a local state, seen from the command line: a run killed between a save to
the journal and the folding of the journal into the file loses none of its saves."""

from __future__ import annotations

import json
import signal
import stat
import time
from pathlib import Path
from typing import Any

import pytest

from tests.cli.harness import config, instance_yaml, run_process, spawn
from tests.cli.test_processes import live_access_paths

pytestmark = pytest.mark.slow

STATE = "cccform.state.json"


def journal_lines(directory: Path) -> list[dict[str, Any]]:
    """The whole lines of the journal (a last line cut short is no save)."""
    try:
        data = (directory / f"{STATE}.journal").read_bytes()
    except FileNotFoundError:
        return []
    return [json.loads(line) for line in data.split(b"\n")[:-1]]


def test_sigkill_between_journal_saves_and_compaction_keeps_every_save(tmp_path: Path) -> None:
    count = 40
    config(tmp_path, *(instance_yaml(f"i{n}", n) for n in range(count)))
    process = spawn(tmp_path, "apply", "--auto-approve", "--parallelism", "2")
    deadline = time.monotonic() + 30
    while not journal_lines(tmp_path) and process.poll() is None:
        assert time.monotonic() < deadline, "timed out waiting for a save in the journal"
        time.sleep(0.002)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    lines = journal_lines(tmp_path)
    assert lines, "the apply ended without a save to the journal"
    journal = tmp_path / f"{STATE}.journal"
    assert stat.S_IMODE(journal.stat().st_mode) == 0o600
    file_serial = json.loads((tmp_path / STATE).read_text())["serial"]
    assert lines[-1]["serial"] > file_serial

    pulled = run_process(tmp_path, "state", "pull")
    assert pulled.code == 0, pulled.err
    seen = json.loads(pulled.out)
    assert seen["serial"] == lines[-1]["serial"]
    assert set(lines[-1]["pending"]) <= set(seen["pending"])

    again = run_process(tmp_path, "apply", "--auto-approve")
    assert again.code == 0, again.out + again.err
    assert not journal.exists()
    assert sorted(live_access_paths(tmp_path)) == [f"acme-{n:04d}" for n in range(count)]
    on_disk = json.loads((tmp_path / STATE).read_text())
    assert len(on_disk["resources"]) == count and on_disk["pending"] == {}


def test_a_finished_apply_leaves_the_file_whole_and_its_start_as_the_backup(
    tmp_path: Path,
) -> None:
    config(tmp_path, *(instance_yaml(f"i{n}", n) for n in range(5)))
    applied = run_process(tmp_path, "apply", "--auto-approve", "--parallelism", "1")
    assert applied.code == 0, applied.err
    assert not (tmp_path / f"{STATE}.journal").exists()
    on_disk = json.loads((tmp_path / STATE).read_text())
    assert len(on_disk["resources"]) == 5 and on_disk["serial"] > 2
    # The saves between went to the journal: the backup is the first write, the intents.
    backup = json.loads((tmp_path / f"{STATE}.backup").read_text())
    assert (backup["serial"], backup["resources"]) == (1, {})


def test_a_journal_without_its_state_file_is_refused(tmp_path: Path) -> None:
    config(tmp_path, instance_yaml("i0", 0))
    (tmp_path / f"{STATE}.journal").write_text("")
    planned = run_process(tmp_path, "plan")
    assert planned.code != 0
    assert "Traceback" not in planned.err
    assert f"the state file {tmp_path / STATE} does not exist, but its journal" in planned.err
    assert "move the journal away first" in planned.err


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("{not json\n", "cccform.state.json.journal line 1 is damaged: it is not a JSON object."),
        (
            '{"lineage": "x", "serial": "2"}\n',
            "cccform.state.json.journal line 1 is not a cccform journal entry: serial: a whole "
            "number of 1 or more is required.",
        ),
        (None, "could not read the state journal"),
    ],
)
def test_a_damaged_journal_is_an_error_naming_it(
    tmp_path: Path, content: str | None, expected: str
) -> None:
    config(tmp_path, instance_yaml("i0", 0))
    assert run_process(tmp_path, "apply", "--auto-approve").code == 0
    journal = tmp_path / f"{STATE}.journal"
    if content is None:
        journal.mkdir()
    else:
        journal.write_text(content)
    for args in (("plan",), ("plan", "--lock=false"), ("state", "list")):
        run = run_process(tmp_path, *args)
        assert run.code == 1, run.err
        assert "Traceback" not in run.err
        assert expected in run.err
