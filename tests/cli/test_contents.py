"""Contents of an instance through the CLI: every action, rejection and deletion rule."""

from __future__ import annotations

import json
import re
from typing import Any

from tests.cli.harness import Cli, calls, write
from tests.jsonplan_schema import assert_valid_apply

NUMBER = "057188880001"
DEFINITION = {"activities": [{"type": "INCOMING_CALL"}, {"type": "HANGUP"}]}


def configure(cli: Cli, **contents: Any) -> None:
    body: dict[str, Any] = {
        "name": "Support Center",
        "access_path": "acme-cs",
        "phone_numbers": [NUMBER, "0571002"],
        "admins": ["248613806810701"],
        "deletion_protection": False,
        **contents,
    }
    write(cli.directory, "cccform.yaml", json.dumps({"instances": {"support": body}}, indent=1))


BASE: dict[str, Any] = {
    "skill_groups": {"billing": {"display_name": "Billing"}, "tech": {"display_name": "Tech"}},
    "agents": {
        "alice": {
            "display_name": "Alice",
            "email": "alice@example.com",
            "skills": {"billing": 1, "tech": 4},
        },
        "bobby": {"display_name": "Bob", "email": "bob@example.com", "skills": {"tech": 1}},
    },
    "flows": {"main": {"description": "Main", "definition": DEFINITION}},
    "numbers": {NUMBER: {"usage": "Inbound", "flow": "main", "skill_groups": ["billing"]}},
}


def lines(text: str) -> list[str]:
    """Output lines, with the elapsed seconds of progress lines (which vary) replaced by N."""
    return re.sub(r" after \d+s$", " after Ns", text, flags=re.MULTILINE).splitlines()


def live_names(cli: Cli, action: str) -> list[str]:
    with cli.emulation() as emulation:
        data = emulation.handle(
            action, {"InstanceId": "acme-cs", "PageNumber": "1", "PageSize": "100"}
        )
    return sorted(item.get("SkillGroupName") or item["Name"] for item in data["List"])


def live_users(cli: Cli) -> dict[str, Any]:
    with cli.emulation() as emulation:
        data = emulation.handle(
            "ListUsers", {"InstanceId": "acme-cs", "PageNumber": "1", "PageSize": "100"}
        )
    return {
        u["LoginName"]: {s["SkillGroupName"]: s["SkillLevel"] for s in u["SkillLevelList"]}
        for u in data["List"]
    }


def test_everything_is_created_then_converges(cli: Cli) -> None:
    configure(cli, **BASE)
    run = cli("apply", "--auto-approve")
    assert run.code == 0, run.out + run.err
    assert "Apply complete! Resources: 6 created, 1 updated, 0 deleted, 0 QA enabled." in lines(
        run.out
    )
    assert live_users(cli)["alice"] == {"billing": 1, "tech": 4}
    assert cli("plan", "--detailed-exitcode").code == 0
    listed = cli("state", "list").out.splitlines()
    assert (
        "instance.support.agent.alice" in listed and f"instance.support.number.{NUMBER}" in listed
    )


def test_no_op_plan_reads_each_kind_once(cli: Cli) -> None:
    configure(cli, **BASE)
    cli("apply", "--auto-approve")
    counts = calls(cli, "plan")
    assert counts == {
        "ListInstances": 1,
        "ListSkillGroups": 1,
        "ListUsers": 1,
        "ListContactFlows": 1,
        "ListPhoneNumbers": 1,
    }


def test_changing_one_agents_skills_costs_at_most_two_calls(cli: Cli) -> None:
    configure(cli, **BASE)
    cli("apply", "--auto-approve")
    agents = json.loads(json.dumps(BASE["agents"]))
    agents["alice"]["skills"] = {"tech": 2, "billing": 3}
    configure(cli, **{**BASE, "agents": agents})
    counts = calls(cli, "apply", "--auto-approve")
    writes = {a: n for a, n in counts.items() if not a.startswith("List")}
    assert sum(writes.values()) <= 2, writes
    assert live_users(cli)["alice"] == {"tech": 2, "billing": 3}


def test_updates_of_every_kind(cli: Cli) -> None:
    configure(cli, **BASE)
    cli("apply", "--auto-approve")
    changed = json.loads(json.dumps(BASE))
    changed["skill_groups"]["billing"]["display_name"] = "Billing and refunds"
    changed["agents"]["bobby"]["work_mode"] = "OFF_SITE"
    changed["flows"]["main"]["definition"] = {"activities": [{"type": "PLAY_SAY"}]}
    changed["numbers"][NUMBER]["skill_groups"] = ["billing", "tech"]
    configure(cli, **changed)
    plan = cli("plan")
    assert '~ display_name = "Billing" -> "Billing and refunds"' in plan.out
    assert "~ definition = {\n            ~ activities = [" in plan.out
    assert '- {"type": "HANGUP"}' in plan.out and '+ {"type": "PLAY_SAY"}' in plan.out
    counts = calls(cli, "apply", "--auto-approve")
    assert counts["StartEditContactFlow"] == counts["CommitContactFlow"] == 1
    assert counts["PublishContactFlow"] == 1 and counts["ModifyUser"] == 1
    assert cli("plan", "--detailed-exitcode").code == 0


def test_deleting_contents_needs_allow_delete(cli: Cli) -> None:
    configure(cli, **BASE)
    cli("apply", "--auto-approve")
    reduced = {**BASE, "agents": {"alice": BASE["agents"]["alice"]}}
    configure(cli, **reduced)
    refused = cli("apply", "--auto-approve")
    assert refused.code == 3
    assert lines(refused.err) == [
        "error: instance.support.agent.bobby: would be deleted, and deletion was not allowed",
        "  hint: review the plan, then run again with --allow-delete to allow deletions.",
        "Plan rejected: 1 error. Nothing was changed.",
    ]
    run = cli("apply", "--auto-approve", "--allow-delete")
    assert run.code == 0
    assert lines(run.out)[-1] == (
        "Apply complete! Resources: 0 created, 0 updated, 1 deleted, 0 QA enabled."
    )
    assert "bobby" not in live_users(cli)


def test_immutable_content_fields_are_rejected(cli: Cli) -> None:
    configure(cli, **BASE)
    cli("apply", "--auto-approve")
    changed = json.loads(json.dumps(BASE))
    changed["agents"]["alice"]["email"] = "alice.wang@example.com"
    changed["skill_groups"]["tech"]["media_type"] = "CHAT"
    configure(cli, **changed)
    run = cli("plan", "--json")
    assert run.code == 3
    assert {(e["address"], e["field"], e["kind"]) for e in run.json()["errors"]} == {
        ("instance.support.agent.alice", "email", "immutable"),
        ("instance.support.skill_group.tech", "media_type", "immutable"),
    }


def test_deleting_a_group_an_undeclared_agent_uses_is_rejected(cli: Cli) -> None:
    configure(cli, **BASE)
    cli("apply", "--auto-approve")
    with cli.emulation() as emulation:
        emulation.handle(
            "CreateUser",
            {
                "InstanceId": "acme-cs",
                "LoginName": "carol",
                "DisplayName": "Carol",
                "Email": "carol@example.com",
                "RoleId": "Agent@acme-cs",
                "SkillLevelList": '[{"skillGroupId":"tech@acme-cs","skillLevel":2}]',
            },
        )
    reduced = json.loads(json.dumps(BASE))
    del reduced["skill_groups"]["tech"]
    reduced["agents"]["alice"]["skills"] = {"billing": 1}
    del reduced["agents"]["bobby"]
    configure(cli, **reduced)
    run = cli("plan")
    assert run.code == 3
    assert (
        "error: instance.support.skill_group.tech: would be deleted, but agent carol still "
        "uses it, and the plan keeps them" in lines(run.err)
    )


def test_changes_outside_cccform_are_planned_back(cli: Cli) -> None:
    configure(cli, **BASE)
    cli("apply", "--auto-approve")
    with cli.emulation() as emulation:
        emulation.handle(
            "ModifyUserLevelsOfSkillGroup",
            {
                "InstanceId": "acme-cs",
                "SkillGroupId": "tech@acme-cs",
                "UserLevelList": '[{"userId":"alice@acme-cs","skillLevel":9}]',
            },
        )
        emulation.handle(
            "RemoveUsers", {"InstanceId": "acme-cs", "UserIdList": '["bobby@acme-cs"]'}
        )
    plan = cli("plan")
    shown = lines(plan.out)
    assert "  # (changed outside cccform: skills)" in shown
    assert "  # instance.support.agent.bobby will be created" in shown
    assert "  # (deleted outside cccform; it will be created again)" in shown
    assert cli("apply", "--auto-approve").code == 0
    assert live_users(cli)["alice"] == {"billing": 1, "tech": 4}
    assert cli("plan", "--detailed-exitcode").code == 0


def test_undeclared_objects_are_left_alone(cli: Cli) -> None:
    configure(cli, **BASE)
    cli("apply", "--auto-approve")
    configure(cli, **{**BASE, "agents": {}})
    run = cli("apply", "--auto-approve", "--allow-delete")
    assert run.code == 0
    users = live_users(cli)
    assert "alice" not in users and "248613806810701" in users  # the platform's admin stays


def test_new_instance_plan_says_what_the_platform_adds(cli: Cli) -> None:
    configure(cli, **BASE)
    run = cli("plan")
    assert "Note: the platform also creates administrators" in run.out
    assert f"number {NUMBER} will route to flow main (was the platform's default flow)" in run.out


def test_in_use_is_checked_even_when_agents_and_numbers_are_not_declared(cli: Cli) -> None:
    configure(
        cli,
        skill_groups={"sales": {"display_name": "Sales"}},
        flows={"sales-ivr": {"description": "Sales", "definition": DEFINITION}},
    )
    assert cli("apply", "--auto-approve").code == 0
    with cli.emulation() as emulation:
        flows = emulation.handle(
            "ListContactFlows", {"InstanceId": "acme-cs", "PageNumber": "1", "PageSize": "100"}
        )["List"]
        flow_id = next(f["ContactFlowId"] for f in flows if f["Name"] == "sales-ivr")
        emulation.handle(
            "ModifyPhoneNumber",
            {
                "InstanceId": "acme-cs",
                "Number": NUMBER,
                "Usage": "Inbound",
                "ContactFlowId": flow_id,
            },
        )
        emulation.handle(
            "CreateUser",
            {
                "InstanceId": "acme-cs",
                "LoginName": "carol.console",
                "DisplayName": "Carol",
                "Email": "carol@example.com",
                "RoleId": "Agent@acme-cs",
                "SkillLevelList": '[{"skillGroupId":"sales@acme-cs","skillLevel":2}]',
            },
        )
    configure(cli)
    run = cli("apply", "--auto-approve", "--allow-delete")
    assert run.code == 3
    assert (
        "error: instance.support.skill_group.sales: would be deleted, but agent "
        "carol.console still uses it, and the plan keeps them" in lines(run.err)
    )
    assert (
        f"error: instance.support.flow.sales-ivr: would be deleted, but number {NUMBER} "
        "still uses it, and the plan keeps them" in lines(run.err)
    )


def test_a_declared_number_without_flow_still_uses_its_flow(cli: Cli) -> None:
    configure(cli, **BASE)
    assert cli("apply", "--auto-approve").code == 0
    changed = json.loads(json.dumps(BASE))
    del changed["flows"]["main"]
    del changed["numbers"][NUMBER]["flow"]
    configure(cli, **changed)
    run = cli("plan")
    assert run.code == 3
    assert f"would be deleted, but number {NUMBER} still uses it" in run.err


def test_a_flow_without_description_uses_its_name(cli: Cli) -> None:
    configure(cli, flows={"main": {"definition": DEFINITION}})
    assert cli("apply", "--auto-approve").code == 0
    with cli.emulation() as emulation:
        flows = emulation.handle(
            "ListContactFlows", {"InstanceId": "acme-cs", "PageNumber": "1", "PageSize": "100"}
        )["List"]
    assert next(f for f in flows if f["Name"] == "main")["Description"] == "main"
    assert cli("plan", "--detailed-exitcode").code == 0


def test_dropping_mobile_leaves_the_agents_mobile_alone(cli: Cli) -> None:
    agents = {
        "alice": {"display_name": "Alice", "email": "alice@example.com", "mobile": "13800000000"}
    }
    configure(cli, agents=agents)
    assert cli("apply", "--auto-approve").code == 0
    configure(cli, agents={"alice": {"display_name": "Alice", "email": "alice@example.com"}})
    assert cli("plan", "--detailed-exitcode").code == 0


def test_declaring_the_platform_defaults_in_a_new_instance_manages_them(cli: Cli) -> None:
    from ccc_emulator import defaults

    group, flow = defaults.DEFAULT_SKILL_GROUP_NAME, defaults.DEFAULT_FLOW_NAME
    configure(
        cli,
        skill_groups={group: {"display_name": "Front desk"}},
        flows={flow: {"description": "Welcome", "definition": DEFINITION}},
    )
    run = cli("apply", "--auto-approve")
    assert run.code == 0, run.out + run.err
    assert cli("plan", "--detailed-exitcode").code == 0
    listed = cli("state", "list").out
    assert f"instance.support.skill_group.{group}" in listed
    assert f"instance.support.flow.{flow}" in listed


def test_adopting_an_object_that_already_matches_makes_no_write_call(cli: Cli) -> None:
    configure(cli, **BASE)
    assert cli("apply", "--auto-approve").code == 0
    state_file = cli.directory / "cccform.state.json"
    state = json.loads(state_file.read_text())
    del state["resources"]["instance.support.flow.main"]  # as if never managed
    state_file.write_text(json.dumps(state))
    assert (
        "  # instance.support.flow.main will be adopted: it exists already, cccform will manage "
        "it from now on\n"
    ) in cli("plan").out
    counts = calls(cli, "apply", "--auto-approve")
    assert not [a for a in counts if not a.startswith("List")], counts
    assert cli("plan", "--detailed-exitcode").code == 0


def test_apply_deletes_a_skill_group(cli: Cli) -> None:
    groups = {"billing": {"display_name": "Billing"}, "tech": {"display_name": "Tech"}}
    configure(cli, skill_groups=groups)
    assert cli("apply", "--auto-approve").code == 0
    assert "tech" in live_names(cli, "ListSkillGroups")
    configure(cli, skill_groups={"billing": groups["billing"]})
    run = cli("apply", "--auto-approve", "--allow-delete")
    assert run.code == 0, run.err
    assert lines(run.out) == [
        "Resource actions are indicated with the following symbols:",
        "  - delete",
        "",
        "cccform will perform the following actions:",
        "",
        "## instance.support",
        "",
        "  # instance.support.skill_group.tech will be deleted",
        "  # (because instance.support.skill_group.tech is not in the configuration)",
        "  - instance.support.skill_group.tech {",
        '      - description  = ""',
        '      - display_name = "Tech"',
        '      - media_type   = "AUDIO"',
        "    }",
        "",
        "Plan: 0 to create, 0 to update, 1 to delete, 0 to enable QA.",
        "",
        "instance.support.skill_group.tech: Deleting...",
        "instance.support.skill_group.tech: Deletion complete after Ns",
        "",
        "Apply complete! Resources: 0 created, 0 updated, 1 deleted, 0 QA enabled.",
    ]
    assert "tech" not in live_names(cli, "ListSkillGroups")
    assert "instance.support.skill_group.tech" not in lines(cli("state", "list").out)
    assert cli("plan", "--detailed-exitcode").code == 0


def test_apply_deletes_a_flow(cli: Cli) -> None:
    flows = {
        "main": {"description": "Main", "definition": DEFINITION},
        "after-hours": {"description": "After hours", "definition": DEFINITION},
    }
    numbers = {NUMBER: {"usage": "Inbound", "flow": "main"}}
    configure(cli, flows=flows, numbers=numbers)
    assert cli("apply", "--auto-approve").code == 0
    assert "after-hours" in live_names(cli, "ListContactFlows")
    configure(cli, flows={"main": flows["main"]}, numbers=numbers)
    run = cli("apply", "--auto-approve", "--allow-delete")
    assert run.code == 0, run.err
    assert lines(run.out) == [
        "Resource actions are indicated with the following symbols:",
        "  - delete",
        "",
        "cccform will perform the following actions:",
        "",
        "## instance.support",
        "",
        "  # instance.support.flow.after-hours will be deleted",
        "  # (because instance.support.flow.after-hours is not in the configuration)",
        "  - instance.support.flow.after-hours {",
        '      - definition  = {"activities": [{"type": "INCOMING_CALL"}, {"type": "HANGUP"}]}',
        '      - description = "After hours"',
        '      - type        = "MAIN_FLOW"',
        "    }",
        "",
        "Plan: 0 to create, 0 to update, 1 to delete, 0 to enable QA.",
        "",
        "instance.support.flow.after-hours: Deleting...",
        "instance.support.flow.after-hours: Deletion complete after Ns",
        "",
        "Apply complete! Resources: 0 created, 0 updated, 1 deleted, 0 QA enabled.",
    ]
    assert "after-hours" not in live_names(cli, "ListContactFlows")
    assert lines(cli("state", "list").out) == [
        "instance.support",
        "instance.support.flow.main",
        f"instance.support.number.{NUMBER}",
    ]
    assert cli("plan", "--detailed-exitcode").code == 0


def test_the_summary_of_an_instance_deletion_says_what_went_with_it(cli: Cli) -> None:
    configure(cli, **BASE)
    assert cli("apply", "--auto-approve").code == 0
    write(cli.directory, "cccform.yaml", "instances: {}\n")
    run = cli("apply", "--auto-approve", "--allow-delete")
    assert run.code == 0, run.err
    assert run.out.endswith(
        "Apply complete! Resources: 0 created, 0 updated, 1 deleted, 0 QA enabled.\n"
        "  1 instance deleted, with 2 agents, 1 flow, 2 skill groups; 2 numbers stop answering "
        f"({NUMBER}, 0571002).\n"
    )


def test_the_json_apply_result_says_what_went_with_a_deleted_instance(cli: Cli) -> None:
    configure(cli, **BASE)
    assert cli("apply", "--auto-approve").code == 0
    write(cli.directory, "cccform.yaml", "instances: {}\n")
    run = cli("apply", "--auto-approve", "--allow-delete", "--json")
    assert run.code == 0, run.err
    doc = run.json()
    assert_valid_apply(doc)
    assert doc["apply"]["deleted_with"] == [
        {
            "address": "instance.support",
            "contents": [
                "instance.support.agent.alice",
                "instance.support.agent.bobby",
                "instance.support.flow.main",
                "instance.support.skill_group.billing",
                "instance.support.skill_group.tech",
            ],
            "phone_numbers": [NUMBER, "0571002"],
        }
    ]


def test_no_longer_routing_a_number_is_a_forget_that_needs_allow_forget(cli: Cli) -> None:
    configure(cli, **BASE)
    assert cli("apply", "--auto-approve").code == 0
    configure(cli, **{**BASE, "numbers": {}})
    run = cli("apply", "--auto-approve")
    assert run.code == 3
    assert (
        f"error: instance.support.number.{NUMBER}: would be forgotten, dropped from the state "
        f"({NUMBER}: no longer declared; its routing is left as it is), and forgetting "
        "was not allowed\n"
    ) in run.err
    assert cli("apply", "--auto-approve", "--allow-forget").code == 0
    assert f"instance.support.number.{NUMBER}" not in cli("state", "list").out


def test_a_saved_plan_that_updates_contents_is_applied(cli: Cli) -> None:
    configure(cli, **BASE)
    assert cli("apply", "--auto-approve").code == 0
    changed = json.loads(json.dumps(BASE))
    changed["skill_groups"]["billing"]["display_name"] = "Billing desk"
    changed["flows"]["main"]["description"] = "Main line"
    configure(cli, **changed)
    assert cli("plan", "--out", "tfplan").code == 0
    run = cli("apply", "tfplan")
    assert run.code == 0, run.out + run.err
    assert "Apply complete! Resources: 0 created, 2 updated, 0 deleted, 0 QA enabled." in run.out
    assert cli("plan", "--detailed-exitcode").code == 0


def test_a_flow_made_again_outside_cccform_is_adopted_again_and_its_numbers_routed(
    cli: Cli,
) -> None:
    configure(cli, **BASE)
    assert cli("apply", "--auto-approve").code == 0
    old_id = json.loads((cli.directory / "cccform.state.json").read_text())["resources"][
        "instance.support.flow.main"
    ]["remote_id"]
    with cli.emulation() as emulation:  # deleted and made again in the console
        emulation.handle(
            "DeleteContactFlow", {"InstanceId": "acme-cs", "ContactFlowId": old_id, "Force": "true"}
        )
        emulation.handle(
            "CreateContactFlow",
            {
                "InstanceId": "acme-cs",
                "Name": "main",
                "Type": "MAIN_FLOW",
                "Description": "Main",
                "Definition": json.dumps(DEFINITION),
            },
        )
    plan = cli("plan", "--out", "tfplan")
    assert plan.code == 0, plan.err
    assert "made again outside cccform under the same name" in plan.out
    run = cli("apply", "tfplan")  # a saved plan: the new id passes the re-check
    assert run.code == 0, run.out + run.err
    again = cli("plan", "--detailed-exitcode")
    assert again.code == 0, again.out
    recorded = json.loads((cli.directory / "cccform.state.json").read_text())["resources"]
    assert recorded["instance.support.flow.main"]["remote_id"] != old_id
