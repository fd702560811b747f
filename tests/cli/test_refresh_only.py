"""`--refresh-only`: what changed outside cccform, recorded in the state with no write call."""

from __future__ import annotations

import json

from tests.cli.harness import Cli, calls, write
from tests.cli.test_planfiles_paths import resign
from tests.jsonplan_schema import assert_valid_apply, assert_valid_plan

CONFIG = {
    "instances": {
        "support": {
            "name": "Support Center",
            "access_path": "acme-cs",
            "description": "Hangzhou hotline",
            "phone_numbers": ["057188880001"],
            "deletion_protection": False,
            "skill_groups": {"billing": {"display_name": "Billing"}},
            "agents": {
                "alice": {
                    "display_name": "Alice",
                    "email": "a@example.com",
                    "skills": {"billing": 1},
                }
            },
        }
    }
}


def applied_then_changed_outside(cli: Cli) -> None:
    write(cli.directory, "cccform.yaml", json.dumps(CONFIG, indent=1))
    assert cli("apply", "--auto-approve").code == 0
    with cli.emulation() as emulation:
        emulation.handle("ModifyInstance", {"InstanceId": "acme-cs", "Description": "console"})
        emulation.handle(
            "ModifySkillGroup",
            {"InstanceId": "acme-cs", "SkillGroupId": "billing@acme-cs", "DisplayName": "Bills"},
        )
        emulation.handle(
            "RemoveUsers", {"InstanceId": "acme-cs", "UserIdList": '["alice@acme-cs"]'}
        )


def test_plan_shows_only_what_changed_outside_cccform(cli: Cli) -> None:
    applied_then_changed_outside(cli)
    run = cli("plan", "--refresh-only")
    assert run.code == 0, run.err
    assert run.out.splitlines()[:14] == [
        "Objects have changed outside of cccform",
        "",
        "cccform detected the following changes made outside of cccform since the last apply:",
        "",
        "  # instance.support has changed",
        "  ~ instance.support {",
        '      ~ description = "Hangzhou hotline" -> "console"',
        "    }",
        "",
        "  # instance.support.skill_group.billing has changed",
        "  ~ instance.support.skill_group.billing {",
        '      ~ display_name = "Billing" -> "Bills"',
        "    }",
        "",
    ]
    assert "  - instance.support.agent.alice (alice@acme-cs): deleted outside cccform" in run.out
    assert "This is a refresh-only plan: cccform will not undo these changes." in run.out
    doc = cli("plan", "--refresh-only", "--json").json()
    assert_valid_plan(doc)
    assert (doc["refresh_only"], doc["changes"]) == (True, [])
    assert [d["address"] for d in doc["drift"]] == [
        "instance.support",
        "instance.support.skill_group.billing",
    ]
    assert doc["drift"][1]["before"] == {"display_name": "Billing"}


def test_apply_records_what_exists_without_any_write_call(cli: Cli) -> None:
    applied_then_changed_outside(cli)
    counts = calls(cli, "apply", "--refresh-only", "--auto-approve", "--allow-forget", "--json")
    assert {a for a in counts if not a.startswith("List")} == set(), counts
    state = json.loads((cli.directory / "cccform.state.json").read_text())["resources"]
    assert state["instance.support"]["attributes"]["description"] == "console"
    group = state["instance.support.skill_group.billing"]["attributes"]
    assert group["display_name"] == "Bills"
    assert "instance.support.agent.alice" not in state
    again = cli("plan", "--refresh-only")
    assert again.out.startswith("No changes. The state matches what exists.\n"), again.out


def test_apply_json_lists_what_was_refreshed(cli: Cli) -> None:
    applied_then_changed_outside(cli)
    run = cli("apply", "--refresh-only", "--auto-approve", "--allow-forget", "--json")
    assert run.code == 0, run.err
    doc = run.json()
    assert_valid_apply(doc)
    assert doc["apply"]["refreshed"] == ["instance.support", "instance.support.skill_group.billing"]
    assert doc["apply"]["forgotten"] == ["instance.support.agent.alice"]


def test_the_human_apply_counts_what_it_refreshed(cli: Cli) -> None:
    applied_then_changed_outside(cli)
    run = cli("apply", "--refresh-only", "--auto-approve", "--allow-forget")
    assert run.code == 0, run.err
    assert run.out.endswith(
        "Apply complete! Resources: 0 created, 0 updated, 0 deleted, 0 QA enabled, "
        "1 forgotten, 2 refreshed in the state.\n"
    )


def test_a_refresh_only_plan_saved_is_applied_as_made(cli: Cli) -> None:
    applied_then_changed_outside(cli)
    assert cli("plan", "--refresh-only", "--out", "drift.plan").code == 0
    assert cli("show", "--json", "drift.plan").json()["refresh_only"] is True
    refused = cli("apply", "drift.plan", "--refresh-only")
    assert refused.code == 64
    assert cli("apply", "drift.plan", "--allow-forget").code == 0
    state = json.loads((cli.directory / "cccform.state.json").read_text())["resources"]
    assert state["instance.support"]["attributes"]["description"] == "console"


def test_a_resigned_refresh_only_plan_with_a_mistyped_field_is_refused(cli: Cli) -> None:
    applied_then_changed_outside(cli)
    assert cli("plan", "--refresh-only", "--out", "drift.plan").code == 0
    saved = json.loads((cli.directory / "drift.plan").read_text())
    entry = saved["plan"]["refreshed"][1]
    entry["after"] = {"display_name": 7, "colour": "red"}
    resign(cli.directory / "drift.plan", {"plan": saved["plan"]})
    run = cli("apply", "drift.plan", "--allow-forget")
    assert run.code == 7
    assert "instance.support.skill_group.billing (refresh): after.colour: not a field" in run.err
    assert "after.display_name: Input should be a valid string" in run.err
    assert "Traceback" not in run.err


def test_the_markdown_plan_lists_what_changed_outside_with_emails_masked(cli: Cli) -> None:
    applied_then_changed_outside(cli)
    with cli.emulation() as emulation:
        emulation.handle(
            "CreateUser",
            {
                "InstanceId": "acme-cs",
                "LoginName": "alice",
                "DisplayName": "Alice",
                "Email": "alice.new@example.com",
                "RoleId": "Agent@acme-cs",
                "WorkMode": "ON_SITE",
            },
        )
    run = cli("plan", "--refresh-only", "--markdown")
    assert run.code == 0, run.err
    assert "### cccform plan: refresh-only, 3 objects changed outside cccform" in run.out
    assert '- `instance.support`: `description` `"Hangzhou hotline"` → `"console"`' in run.out
    assert "alice.new@example.com" not in run.out
    assert "Applying this refresh-only plan records them in the state" in run.out
