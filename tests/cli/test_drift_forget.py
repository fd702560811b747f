"""Objects gone outside cccform: forgetting them is a change that needs approval, and a plan
where every managed instance is gone says it looks like the wrong provider."""

from __future__ import annotations

import json
import shutil

import pytest

from tests.cli.harness import Cli, TerminalInput, config, instance_yaml
from tests.jsonplan_schema import assert_valid_apply, assert_valid_plan

REFUSED_B = (
    "error: instance.b: would be forgotten, dropped from the state (acme-0002: deleted outside "
    "cccform), and forgetting was not allowed\n"
    "  hint: if it really is gone or no longer yours to manage, run again with --allow-forget; "
    "if it should still be there, check the provider block (type, region or endpoint, account) "
    "before applying.\n"
)


def _b_deleted_outside(cli: Cli) -> None:
    """instance.a and instance.b managed; b deleted in the console and removed from the YAML."""
    config(cli.directory, instance_yaml("a", 1), instance_yaml("b", 2))
    assert cli("apply", "--auto-approve").code == 0
    with cli.emulation() as emulation:
        emulation.handle("DeleteInstance", {"InstanceId": "acme-0002"})
    config(cli.directory, instance_yaml("a", 1))


def test_forgetting_without_allow_forget_is_refused_and_keeps_the_state(cli: Cli) -> None:
    _b_deleted_outside(cli)
    run = cli("apply", "--auto-approve")
    assert run.code == 3
    assert "  - instance.b (acme-0002): deleted outside cccform\n" in run.out
    assert "1 to forget." in run.out
    assert "Warning:" not in run.out  # instance.a is still there: no wrong provider
    assert REFUSED_B in run.err
    assert "Plan rejected: 1 error. Nothing was changed.\n" in run.err
    assert cli("state", "list").out == "instance.a\ninstance.b\n"

    run = cli("apply", "--auto-approve", "--json")
    assert run.code == 3
    doc = run.json()
    assert_valid_apply(doc)
    assert doc["apply"] is None
    (error,) = doc["plan"]["errors"]
    assert (error["address"], error["kind"]) == ("instance.b", "forget_not_allowed")
    assert doc["plan"]["warnings"] == []  # instance.a is still there
    assert cli("state", "list").out == "instance.a\ninstance.b\n"


def test_allow_forget_drops_what_is_gone_and_says_so(cli: Cli) -> None:
    _b_deleted_outside(cli)
    run = cli("apply", "--auto-approve", "--allow-forget")
    assert run.code == 0, run.err
    assert run.out.endswith(
        "Apply complete! Resources: 0 created, 0 updated, 0 deleted, 0 QA enabled, 1 forgotten.\n"
    )
    assert cli("state", "list").out == "instance.a\n"
    assert cli("plan", "--detailed-exitcode").code == 0


def test_a_saved_plan_that_forgets_needs_allow_forget(cli: Cli) -> None:
    _b_deleted_outside(cli)
    assert cli("plan", "--out", "tfplan").code == 0
    run = cli("apply", "tfplan")
    assert run.code == 3
    assert REFUSED_B in run.err
    assert cli("apply", "--allow-forget", "tfplan").code == 0
    assert cli("state", "list").out == "instance.a\n"


def test_the_prompt_lists_what_will_be_forgotten(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    _b_deleted_outside(cli)
    monkeypatch.setattr("sys.stdin", TerminalInput("no\n"))
    run = cli("apply")
    assert run.code == 1
    assert (
        "  cccform will perform the actions described above.\n"
        "  cccform will stop tracking these objects (nothing is changed in them):\n"
        "    - instance.b (acme-0002): deleted outside cccform\n"
        "  Only 'yes' will be accepted to approve.\n"
    ) in run.err
    assert cli("state", "list").out == "instance.a\ninstance.b\n"

    monkeypatch.setattr("sys.stdin", TerminalInput("yes\n"))
    assert cli("apply").code == 0  # approved at the prompt: no flag needed
    assert cli("state", "list").out == "instance.a\n"


def test_no_terminal_and_no_auto_approve_names_allow_forget(cli: Cli) -> None:
    _b_deleted_outside(cli)
    run = cli("apply")
    assert run.code == 64
    assert "--allow-forget if it forgets anything" in run.err


def test_every_managed_instance_gone_looks_like_the_wrong_provider(
    cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    config(cli.directory, instance_yaml("a", 1), instance_yaml("b", 2))
    assert cli("apply", "--auto-approve").code == 0
    shutil.rmtree(cli.directory / ".cccform")  # a fresh emulation: none of them exists there
    assert cli("plan").code == 1  # bound to the old emulation: refused until rebound
    assert cli("state", "rebind").code == 0
    state = json.loads((cli.directory / "cccform.state.json").read_text())
    binding = f"local .cccform, account {state['binding']['account']}"
    run = cli("plan")  # still declared: they would all be created again
    assert f"Warning: none of the 2 instances this state manages exists at {binding}." in (
        " ".join(line.strip() for line in run.out.splitlines())
    )
    assert "Plan: 2 to create, 0 to update, 0 to delete, 0 to enable QA.\n" in run.out

    config(cli.directory)  # and the instances are no longer declared either: all forgotten
    run = cli("plan")
    assert run.code == 0
    text = " ".join(line.strip() for line in run.out.split("\n\n")[0].splitlines())
    assert text == (
        f"Warning: none of the 2 instances this state manages exists at {binding}. This looks "
        "like a wrong provider, region or account (or a restored or replaced emulation) rather "
        "than deletions outside cccform: check the provider block and the state's binding "
        "before applying, since this plan would create them again or forget them. "
        "- instance.a - instance.b"
    )
    doc = cli("plan", "--json").json()
    assert_valid_plan(doc)
    (warning,) = doc["warnings"]
    assert warning["kind"] == "all_instances_gone"
    assert warning["subjects"] == ["instance.a", "instance.b"]
    assert binding in warning["message"]

    monkeypatch.setattr("sys.stdin", TerminalInput("no\n"))
    run = cli("apply")
    assert run.code == 1
    assert "  Warning: none of the 2 instances this state manages exists at" in run.err
    assert cli("apply", "--auto-approve").code == 3
    assert cli("state", "list").out == "instance.a\ninstance.b\n"
