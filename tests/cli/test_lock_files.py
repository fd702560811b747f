"""The lock never follows a symlink, never empties a file that is not its own, and survives
a forged holder record."""

from __future__ import annotations

import json
from pathlib import Path

from cccform.state.lock import StateLock
from tests.cli.harness import config, instance_yaml, run_process, write

LOCK = "cccform.state.json.lock"


def test_a_symlinked_lock_file_is_refused_and_its_target_kept(tmp_path: Path) -> None:
    config(tmp_path, instance_yaml("a", 1))
    victim = write(tmp_path, "precious.txt", "keep me\n")
    (tmp_path / LOCK).symlink_to(victim)
    run = run_process(tmp_path, "plan")
    assert run.code == 1, run.err
    assert "is a symbolic link" in run.err and "Traceback" not in run.err
    assert victim.read_text() == "keep me\n"


def test_a_state_path_whose_lock_name_is_another_file_is_refused(tmp_path: Path) -> None:
    config(tmp_path, instance_yaml("a", 1))
    cfg = tmp_path / "cccform.yaml"
    cfg.write_text(cfg.read_text() + "state:\n  path: yarn\n")
    yarn_lock = write(tmp_path, "yarn.lock", "# yarn lockfile v1\n")
    yarn_lock.chmod(0o644)
    run = run_process(tmp_path, "plan")
    assert run.code == 1, run.out + run.err
    assert "is not a cccform lock file" in run.err
    assert yarn_lock.read_text() == "# yarn lockfile v1\n"
    assert yarn_lock.stat().st_mode & 0o777 == 0o644


def test_a_state_path_whose_backup_name_is_another_file_is_refused(tmp_path: Path) -> None:
    config(tmp_path, instance_yaml("a", 1))
    cfg = tmp_path / "cccform.yaml"
    cfg.write_text(cfg.read_text() + "state:\n  path: notes\n")
    notes = write(tmp_path, "notes.backup", "my notes, not a state\n")
    for command in (["plan"], ["apply", "--auto-approve"]):
        run = run_process(tmp_path, *command)
        assert run.code == 1, run.out + run.err
        assert "notes.backup exists and is not a cccform state" in run.err
    assert notes.read_text() == "my notes, not a state\n"
    assert not (tmp_path / "notes").exists()


def test_a_symlinked_backup_is_refused_and_its_target_kept(tmp_path: Path) -> None:
    config(tmp_path, instance_yaml("a", 1))
    assert run_process(tmp_path, "apply", "--auto-approve").code == 0
    victim = write(tmp_path, "precious.json", '{"lineage": "not yours"}\n')
    backup = tmp_path / "cccform.state.json.backup"
    backup.unlink(missing_ok=True)
    backup.symlink_to(victim)
    run = run_process(tmp_path, "plan")
    assert run.code == 1 and "is not a cccform state" in run.err
    assert victim.read_text() == '{"lineage": "not yours"}\n'


def test_a_forged_holder_pid_out_of_range_still_exits_6(tmp_path: Path) -> None:
    config(tmp_path, instance_yaml("a", 1))
    lock = StateLock(tmp_path / LOCK)
    with lock.held("apply") as info:
        record = info.model_dump() | {"pid": 10**30}
        (tmp_path / LOCK).write_text(json.dumps(record))
        run = run_process(tmp_path, "plan")
    assert run.code == 6, run.err
    assert "Traceback" not in run.err


def test_control_characters_in_a_forged_holder_record_are_escaped(tmp_path: Path) -> None:
    config(tmp_path, instance_yaml("a", 1))
    lock = StateLock(tmp_path / LOCK)
    with lock.held("apply") as info:
        fake = "x\nApply complete! Resources: 0 added.\x1b[2K\r"
        record = info.model_dump() | {"who": fake, "operation": "apply\u202e"}
        (tmp_path / LOCK).write_text(json.dumps(record))
        run = run_process(tmp_path, "plan")
    assert run.code == 6, run.err
    assert "\x1b" not in run.err and "\r" not in run.err and "\u202e" not in run.err
    assert not any(line.startswith("Apply complete!") for line in run.err.splitlines())
    assert "x\\nApply complete! Resources: 0 added.\\x1b[2K\\r@" in run.err
    assert "'apply\\u202e'" in run.err


def test_plan_lock_false_reads_without_the_lock_and_warns(tmp_path: Path) -> None:
    config(tmp_path, instance_yaml("a", 1))
    with StateLock(tmp_path / LOCK).held("apply"):
        locked = run_process(tmp_path, "plan")
        unlocked = run_process(tmp_path, "plan", "--lock=false")
    assert locked.code == 6, locked.err
    assert unlocked.code == 0, unlocked.err
    assert "running without the state lock (--lock=false)" in unlocked.err
    assert "may change the state while this reads it" in unlocked.err
    assert "instance.a" in unlocked.out
    bad = run_process(tmp_path, "plan", "--lock=maybe")
    assert bad.code == 64 and "Traceback" not in bad.err


def test_temporary_files_of_an_interrupted_state_write_are_cleaned_under_the_lock(
    tmp_path: Path,
) -> None:
    config(tmp_path, instance_yaml("a", 1))
    assert run_process(tmp_path, "apply", "--auto-approve").code == 0
    ours = [
        tmp_path / ".cccform.state.json.0123456789ab.tmp",
        tmp_path / ".cccform.state.json.backup.ba9876543210.tmp",
        tmp_path / ".cccform.state.json.errored.00aa11bb22cc.tmp",
    ]
    theirs = [
        tmp_path / ".cccform.state.json.notours.tmp",  # not a name cccform makes
        tmp_path / ".other.json.0123456789ab.tmp",  # another file's temporary
    ]
    for path in ours + theirs:
        path.write_text("{half a state")
    unlocked = run_process(tmp_path, "plan", "--lock=false")
    assert unlocked.code == 0 and all(p.exists() for p in ours)  # without the lock: untouched
    planned = run_process(tmp_path, "plan")
    assert planned.code == 0, planned.err
    assert not any(p.exists() for p in ours)
    assert all(p.exists() for p in theirs)
