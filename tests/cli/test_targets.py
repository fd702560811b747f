"""`--target` and `--exclude` on plan and apply: partial plans, and what they say."""

from __future__ import annotations

import json
from typing import Any

from tests.cli.harness import Cli, write
from tests.jsonplan_schema import assert_valid_plan

NUMBER = "057188880001"
SUPPORT: dict[str, Any] = {
    "name": "Support Center",
    "access_path": "acme-cs",
    "phone_numbers": [NUMBER],
    "admins": ["248613806810701"],
    "deletion_protection": False,
    "skill_groups": {"billing": {"display_name": "Billing"}},
    "agents": {
        "alice": {"display_name": "Alice", "email": "a@example.com", "skills": {"billing": 1}}
    },
    "flows": {
        "main": {
            "description": "Main",
            "definition": {"activities": [{"type": "INCOMING_CALL"}, {"type": "HANGUP"}]},
        }
    },
    "numbers": {NUMBER: {"usage": "Inbound", "flow": "main"}},
}
OTHER: dict[str, Any] = {
    "name": "Other Center",
    "access_path": "acme-ot",
    "phone_numbers": ["057188880002"],
    "deletion_protection": False,
}
FLOW = "instance.support.flow.main"
ROUTE = f"instance.support.number.{NUMBER}"


def configure(cli: Cli) -> None:
    instances = {"support": SUPPORT, "other": OTHER}
    write(cli.directory, "cccform.yaml", json.dumps({"instances": instances}, indent=1))


def planned(doc: dict[str, Any]) -> list[tuple[str, str]]:
    return [(c["address"], c["action"]) for c in doc["changes"]]


def warnings(doc: dict[str, Any]) -> list[tuple[str, list[str]]]:
    return [(w["kind"], w["subjects"]) for w in doc["warnings"]]


def test_a_target_pulls_in_what_it_depends_on_and_says_so(cli: Cli) -> None:
    configure(cli)
    run = cli("plan", "--json", "--target", ROUTE)
    assert run.code == 0, run.err
    doc = run.json()
    assert_valid_plan(doc)
    assert planned(doc) == [("instance.support", "create"), (FLOW, "create"), (ROUTE, "update")]
    assert (doc["targets"], doc["excludes"]) == ([ROUTE], [])
    assert warnings(doc) == [
        ("partial_plan", [ROUTE]),
        ("target_dependency", ["instance.support"]),
        ("target_dependency", [FLOW]),
    ]
    assert doc["warnings"][2]["message"] == f"{FLOW} (create) is planned too: {ROUTE} depends on it"


def test_the_human_plan_warns_that_it_is_partial_and_names_what_was_pulled_in(cli: Cli) -> None:
    configure(cli)
    run = cli("plan", "--target", "instance.support.agent.alice")
    assert run.code == 0, run.err
    assert run.out.startswith(
        "Warning: this plan is partial (--target instance.support.agent.alice): it leaves out "
        "changes\n"
    )
    assert (
        "Warning: instance.support (create) is planned too: instance.support.agent.alice,\n"
        "         instance.support.skill_group.billing depend on it.\n"
    ) in run.out
    assert (
        "Warning: instance.support.skill_group.billing (create) is planned too:\n"
        "         instance.support.agent.alice depends on it.\n"
    ) in run.out
    assert "instance.other" not in run.out
    assert "Plan: 3 to create, 0 to update, 0 to delete, 0 to enable QA." in run.out


def test_an_instance_target_includes_its_contents(cli: Cli) -> None:
    configure(cli)
    doc = cli("plan", "--json", "--target", "instance.support").json()
    assert {address for address, _ in planned(doc)} == {
        "instance.support",
        "instance.support.skill_group.billing",
        FLOW,
        "instance.support.agent.alice",
        ROUTE,
    }
    assert warnings(doc) == [("partial_plan", ["instance.support"])]


def test_an_exclusion_leaves_out_what_depends_on_it_and_apply_does_the_rest(cli: Cli) -> None:
    configure(cli)
    run = cli("apply", "--auto-approve", "--exclude", FLOW, "--exclude", "instance.other")
    assert run.code == 0, run.out + run.err
    assert (
        f"Warning: {ROUTE} (update) is left out too: it depends on a\n"
        "         change that --exclude leaves out.\n"
    ) in run.out
    assert "Apply complete! Resources: 3 created, 0 updated" in run.out
    rest = cli("plan", "--json").json()
    assert planned(rest) == [
        ("instance.other", "create"),
        (FLOW, "create"),
        (ROUTE, "adopt"),
        (ROUTE, "update"),
    ]
    assert (rest["targets"], rest["warnings"]) == ([], [])


def test_a_saved_partial_plan_remembers_its_targets(cli: Cli) -> None:
    configure(cli)
    assert cli("plan", "--target", "instance.other", "--out", "other.plan").code == 0
    shown = cli("show", "other.plan")
    assert shown.out.startswith("Warning: this plan is partial (--target instance.other)")
    doc = cli("show", "--json", "other.plan").json()
    assert (doc["targets"], planned(doc)) == (["instance.other"], [("instance.other", "create")])
    refused = cli("apply", "other.plan", "--target", "instance.support")
    assert refused.code == 64
    assert "a saved plan is applied as it was made" in refused.err
    applied = cli("apply", "other.plan")
    assert applied.code == 0, applied.err
    assert "Apply complete! Resources: 1 created" in applied.out


def test_a_target_that_names_nothing_is_a_usage_error(cli: Cli) -> None:
    configure(cli)
    unknown = cli("plan", "--target", "instance.support.agent.bob")
    assert (unknown.code, unknown.out) == (64, "")
    assert unknown.err == (
        "error: --target instance.support.agent.bob names nothing in the configuration or the "
        "state; check the address (cccform state list shows the managed ones)\n"
    )
    malformed = cli("apply", "--auto-approve", "--exclude", "agent.bob")
    assert malformed.code == 64
    assert "Invalid value for '--exclude': 'agent.bob' is not an address" in malformed.err
