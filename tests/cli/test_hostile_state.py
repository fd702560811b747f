"""Hostile or broken state files: exit 1 naming the file and what to do, never a traceback,
a hang, or a new state founded over a lost one."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from cccform.state import local
from tests.cli.harness import Cli, config, instance_yaml, run_process, write

STATE = "cccform.state.json"


def _applied_twice(cli: Cli) -> None:
    """A state with a backup beside it."""
    config(cli.directory, instance_yaml("a", 1))
    assert cli("apply", "--auto-approve").code == 0
    config(cli.directory, instance_yaml("a", 1, description="changed"))
    assert cli("apply", "--auto-approve").code == 0


def _refused(cli: Cli, *command: str) -> str:
    run = cli(*command)
    assert run.code == 1, run.err
    assert "Traceback" not in run.err
    return run.err.replace(f"{cli.directory}/", "")  # some commands name it absolute


@pytest.mark.parametrize("rescue", [".backup", ".errored"])
def test_a_missing_state_beside_its_backup_is_refused_not_founded_anew(
    cli: Cli, rescue: str
) -> None:
    _applied_twice(cli)
    state, copy = Path(STATE), Path(STATE + rescue)
    if rescue == ".errored":
        state.rename(copy)
    else:
        state.unlink()
    kept = copy.read_bytes()
    for command in (
        ["plan"],
        ["apply", "--auto-approve"],
        ["state", "rm", "instance.a"],
        ["state", "mv", "instance.a", "instance.b"],
    ):
        err = _refused(cli, *command)
        assert f"the state file {state} does not exist, but {copy} does" in err
        assert f"cp {copy} {state}" in err
        assert f"mv {copy} {copy}.old" in err
    assert not state.exists() and copy.read_bytes() == kept
    shutil.copy(copy, state)  # restored as the message says: all is well again
    assert cli("plan", "--detailed-exitcode").code == 0
    state.unlink()
    for aside in (Path(STATE + ".errored"), Path(STATE + ".backup")):
        if aside.exists():  # a new state on purpose, as the message says
            aside.rename(f"{aside}.old")
    run = cli("plan")
    assert run.code == 0, run.err
    assert "1 to adopt" in run.out  # it exists: a new state takes it over, visibly


def test_a_fifo_as_the_state_is_refused_without_hanging(tmp_path: Path) -> None:
    config(tmp_path, instance_yaml("a", 1))
    os.mkfifo(tmp_path / STATE)
    run = run_process(tmp_path, "plan", timeout=60)
    assert run.code == 1, run.err
    assert "Traceback" not in run.err
    err = run.err.replace(f"{tmp_path}/", "")
    assert f"could not read the state file {STATE}: it is a named pipe (FIFO)" in err
    assert "point state.path at one" in err


def test_a_device_as_the_state_is_refused_not_read_to_the_end(cli: Cli) -> None:
    write(cli.directory, "cccform.yaml", "state:\n  path: /dev/zero\ninstances: {}\n")
    err = _refused(cli, "state", "list")
    assert "could not read the state file /dev/zero: it is a character device" in err


def test_a_symlinked_state_is_refused(cli: Cli) -> None:
    _applied_twice(cli)
    state = Path(STATE)
    state.rename("elsewhere.json")
    state.symlink_to("elsewhere.json")
    err = _refused(cli, "plan")
    assert f"could not read the state file {state}: it is a symbolic link" in err
    assert state.is_symlink()


def test_an_oversized_state_is_refused(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    _applied_twice(cli)
    size = (cli.directory / STATE).stat().st_size
    monkeypatch.setattr(local, "MAX_STATE_BYTES", size - 1)
    err = _refused(cli, "plan")
    assert f"it is larger than {size - 1} bytes ({size} bytes)" in err


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[" * 100_000 + "]" * 100_000, "it is nested too deeply to read"),
        (
            '{"format_version": 3, "lineage": "x", "serial": ' + "7" * 5000 + "}",
            "a number in it has too many digits (at most 4300)",
        ),
    ],
    ids=["nested-100000-deep", "5000-digit-number"],
)
def test_pathological_json_in_the_state_is_refused(cli: Cli, text: str, expected: str) -> None:
    config(cli.directory, instance_yaml("a", 1))
    (cli.directory / STATE).write_text(text)
    for command in (["plan"], ["apply", "--auto-approve"], ["state", "list"], ["show"]):
        err = _refused(cli, *command)
        assert f"{STATE} cannot be read as a state: {expected}." in err


def test_an_intent_not_keyed_by_an_instance_address_is_refused(cli: Cli) -> None:
    config(cli.directory, instance_yaml("a", 1))
    intent = '{"access_path": "acme-0001", "name": "Center 0001"}'
    (cli.directory / STATE).write_text(
        '{"format_version": 3, "lineage": "x", "serial": 1, "pending": {"zz": ' + intent + "}}"
    )
    for command in (["plan"], ["apply", "--auto-approve"]):
        err = _refused(cli, *command)
        assert f"{STATE} is not a valid cccform state: pending.zz: an intent is keyed" in err


def test_control_characters_in_a_state_are_escaped_by_show_and_state_list(cli: Cli) -> None:
    _applied_twice(cli)
    doc = json.loads(Path(STATE).read_text())
    forged = "instance.a.skill_group.vip\nApply complete! Resources: 9 added.\x1b[8m"
    doc["resources"][forged] = {
        "remote_id": "vip@acme",
        "deletion_protection": False,
        "attributes": {"display_name\x1b]0;t\x07": "VIP"},
    }
    Path(STATE).write_text(json.dumps(doc))
    for command in (["show"], ["state", "list"]):
        run = cli(*command)
        assert "\x1b" not in run.out + run.err and "\x07" not in run.out + run.err
        assert not any(line.startswith("Apply complete!") for line in run.out.splitlines())


def test_two_addresses_for_one_object_are_refused_before_any_plan(cli: Cli) -> None:
    # Else `instance.b` (the same call center as `instance.a`) plans a deletion of it.
    config(cli.directory, instance_yaml("a", 1))
    assert cli("apply", "--auto-approve").code == 0
    doc = json.loads(Path(STATE).read_text())
    doc["resources"]["instance.b"] = {
        **doc["resources"]["instance.a"],
        "deletion_protection": False,
    }
    Path(STATE).write_text(json.dumps(doc))
    err = _refused(cli, "apply", "--auto-approve", "--allow-delete")
    assert "instance.a and instance.b are both 'acme-0001'" in err
    with cli.emulation() as emulation:
        listed = emulation.handle("ListInstances", {"PageNumber": "1", "PageSize": "100"})
    assert "acme-0001" in json.dumps(listed)  # nothing was deleted
