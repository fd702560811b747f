"""`cccform state mv`, `state rm` and `state show`: the state by address, under the lock."""

from __future__ import annotations

import json

from tests.cli.harness import Cli, config, instance_yaml


def _state(cli: Cli) -> dict[str, object]:
    data: dict[str, object] = json.loads((cli.directory / "cccform.state.json").read_text())
    return data


def _applied(cli: Cli) -> None:
    config(cli.directory, instance_yaml("a", 1), instance_yaml("b", 2))
    assert cli("apply", "--auto-approve").code == 0


def test_mv_renames_an_instance_and_keeps_the_backup(cli: Cli) -> None:
    _applied(cli)
    before = _state(cli)
    run = cli("state", "mv", "instance.a", "instance.c")
    assert run.code == 0, run.err
    assert "Moved instance.a to instance.c" in run.out
    after = _state(cli)
    assert after["serial"] == before["serial"] + 1  # type: ignore[operator]
    assert cli("state", "list").out == "instance.b\ninstance.c\n"
    backup = json.loads((cli.directory / "cccform.state.json.backup").read_text())
    assert backup["serial"] == before["serial"]
    assert "instance.a" in backup["resources"]


def test_mv_dry_run_writes_nothing(cli: Cli) -> None:
    _applied(cli)
    before = _state(cli)
    run = cli("state", "mv", "--dry-run", "instance.a", "instance.c")
    assert run.code == 0 and "Would move instance.a to instance.c" in run.out
    assert _state(cli) == before


def test_mv_refuses_nonsense(cli: Cli) -> None:
    _applied(cli)
    before = _state(cli)
    onto_content = cli("state", "mv", "instance.a", "instance.b.agent.x")
    assert onto_content.code == 64 and "cannot become" in onto_content.err
    across_kinds = cli("state", "mv", "instance.a.agent.x", "instance.a.flow.x")
    assert across_kinds.code == 64
    exists = cli("state", "mv", "instance.a", "instance.b")
    assert exists.code == 1 and "already in the state" in exists.err
    absent = cli("state", "mv", "instance.zz", "instance.yy")
    assert absent.code == 1 and "not in the state" in absent.err
    garbage = cli("state", "mv", "nonsense", "instance.yy")
    assert garbage.code == 64 and "Traceback" not in garbage.err
    assert _state(cli) == before


def test_rm_forgets_without_touching_the_cloud(cli: Cli) -> None:
    _applied(cli)
    run = cli("state", "rm", "instance.a")
    assert run.code == 0, run.err
    assert "Removed instance.a" in run.out
    assert cli("state", "list").out == "instance.b\n"
    # The instance still exists: the next plan adopts or creates, never deletes it.
    assert "instance.a" not in _state(cli)["resources"]  # type: ignore[operator]
    assert cli("state", "rm", "instance.a").code == 1


def test_rm_of_an_instance_takes_its_contents(cli: Cli) -> None:
    config(
        cli.directory,
        instance_yaml("a", 1, skill_groups={"sales": {"display_name": "Sales"}}),
    )
    applied = cli("apply", "--auto-approve")
    assert applied.code == 0, applied.err
    assert "instance.a.skill_group.sales" in cli("state", "list").out
    run = cli("state", "rm", "instance.a")
    assert run.code == 0, run.err
    assert "Removed instance.a.skill_group.sales" in run.out
    assert cli("state", "list").out == ""


def test_show_prints_recorded_attributes(cli: Cli) -> None:
    _applied(cli)
    run = cli("state", "show", "instance.a")
    assert run.code == 0, run.err
    assert '"acme-0001"' in run.out and run.out.startswith("# instance.a:\n")
    document = cli("state", "show", "--json", "instance.a").json()
    assert document["address"] == "instance.a" and document["remote_id"] == "acme-0001"
    assert cli("state", "show", "instance.zz").code == 1


def test_state_commands_take_the_lock_timeout_as_a_duration(cli: Cli) -> None:
    config(cli.directory, instance_yaml("a", 1))
    assert cli("apply", "--auto-approve").code == 0
    run = cli("state", "mv", "instance.a", "instance.b", "--lock-timeout", "5s")
    assert run.code == 0, run.err
    assert cli("state", "rm", "instance.b", "--dry-run", "--lock-timeout", "1m").code == 0
