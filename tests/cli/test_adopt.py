"""Adoption: what a configuration declares and already exists, unmanaged, is recorded in the
state with no write call, then changed only where the configuration says otherwise."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.cli.harness import Cli, calls, write
from tests.jsonplan_schema import assert_valid_plan

NUMBER = "057188880001"
DEFINITION = {"activities": [{"type": "INCOMING_CALL"}, {"type": "HANGUP"}]}
CONTENTS: dict[str, Any] = {
    "skill_groups": {"billing": {"display_name": "Billing"}},
    "agents": {
        "alice": {"display_name": "Alice", "email": "alice@example.com", "skills": {"billing": 2}}
    },
    "flows": {"main": {"description": "Main", "definition": DEFINITION}},
    "numbers": {NUMBER: {"usage": "Inbound", "flow": "main", "skill_groups": ["billing"]}},
}
ADOPTED = [  # in plan order
    "instance.support",
    "instance.support.skill_group.billing",
    "instance.support.flow.main",
    "instance.support.agent.alice",
    f"instance.support.number.{NUMBER}",
]


def instance(**fields: Any) -> dict[str, Any]:
    return {
        "name": "Support Center",
        "access_path": "acme-cs",
        "description": "Hotline",
        "phone_numbers": [NUMBER],
        "admins": ["248613806810701"],
        **fields,
    }


def configure(directory: Path, body: dict[str, Any], provider: str | None = None) -> None:
    document: dict[str, Any] = {"instances": {"support": body}}
    if provider is not None:
        document = {"provider": {"type": "local", "path": provider}, **document}
    write(directory, "cccform.yaml", json.dumps(document, indent=1))


def made_elsewhere(cli: Cli, body: dict[str, Any]) -> None:
    """Another configuration, with its own state, makes `body` on the same emulation."""
    other = cli.directory.parent / "elsewhere"
    configure(other, body, provider=f"../{cli.directory.name}/.cccform")
    cli.monkeypatch.chdir(other)
    try:
        run = cli("apply", "--auto-approve")
        assert run.code == 0, run.out + run.err
    finally:
        cli.monkeypatch.chdir(cli.directory)


def writes(counts: dict[str, int]) -> dict[str, int]:
    return {a: n for a, n in counts.items() if not a.startswith(("List", "Get"))}


def headers(out: str) -> list[str]:
    return [line for line in out.splitlines() if line.startswith("  # instance.")]


def state_entry(cli: Cli, address: str) -> dict[str, Any]:
    resources = json.loads((cli.directory / "cccform.state.json").read_text())["resources"]
    entry: dict[str, Any] = resources[address]
    return entry


@pytest.fixture
def cli(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Cli:
    ours = tmp_path / "ours"
    ours.mkdir()
    return Cli(ours, capsys, monkeypatch)


def test_an_existing_instance_is_adopted_with_no_write_call(cli: Cli) -> None:
    made_elsewhere(cli, instance(deletion_protection=False))
    configure(cli.directory, instance())
    run = cli("plan", "--detailed-exitcode")
    assert run.code == 2, run.out + run.err
    assert run.out.splitlines()[:-2] == [
        "Resource actions are indicated with the following symbols:",
        "  = adopt (exists already; recorded in the state, nothing is called)",
        "",
        "cccform will perform the following actions:",
        "",
        "  # instance.support will be adopted: it exists already, cccform will manage it from "
        "now on",
        "  = instance.support {",
        '      = access_path           = "acme-cs"',
        '      = admins                = ["248613806810701"]',
        "      = conversation_analysis = false",
        "      = deletion_protection   = true",
        '      = description           = "Hotline"',
        '      = name                  = "Support Center"',
        f'      = phone_numbers         = ["{NUMBER}"]',
        "    }",
        "",
        "Plan: 1 to adopt, 0 to create, 0 to update, 0 to delete, 0 to enable QA.",
    ]
    applied = calls(cli, "apply", "--auto-approve")
    assert writes(applied) == {}, applied
    assert applied == {"ListInstances": 1}
    assert cli("state", "list").out == "instance.support\n"
    assert cli("plan", "--detailed-exitcode").code == 0


def test_apply_says_what_it_adopted(cli: Cli) -> None:
    made_elsewhere(cli, instance())
    configure(cli.directory, instance())
    run = cli("apply", "--auto-approve")
    assert run.code == 0, run.out + run.err
    assert "instance.support: Adopting...\n" in run.out
    assert (
        "Apply complete! Resources: 1 adopted, 0 created, 0 updated, 0 deleted, 0 QA enabled.\n"
    ) in run.out


def test_an_adopted_instance_is_protected_unless_the_configuration_says_not(cli: Cli) -> None:
    made_elsewhere(cli, instance(deletion_protection=False))
    configure(cli.directory, instance())  # deletion_protection left out
    assert cli("apply", "--auto-approve").code == 0
    assert state_entry(cli, "instance.support")["deletion_protection"] is True
    write(cli.directory, "cccform.yaml", "instances: {}\n")
    refused = cli("plan")
    assert refused.code == 3
    assert "instance.support: is protected against deletion" in refused.out + refused.err


def test_an_adopted_instance_takes_the_protection_the_configuration_gives(cli: Cli) -> None:
    made_elsewhere(cli, instance())
    configure(cli.directory, instance(deletion_protection=False))
    assert cli("apply", "--auto-approve").code == 0
    assert state_entry(cli, "instance.support")["deletion_protection"] is False
    assert cli("plan", "--detailed-exitcode").code == 0


def test_an_editable_difference_is_an_update_after_the_adoption(cli: Cli) -> None:
    made_elsewhere(cli, instance(description="Made in the console"))
    configure(cli.directory, instance())
    run = cli("plan")
    assert headers(run.out) == [
        "  # instance.support will be adopted: it exists already, cccform will manage it from "
        "now on",
        "  # instance.support will be updated in-place",
    ]
    assert (
        "  # instance.support will be updated in-place\n"
        "  # (it exists already: adopted first, then changed to what the configuration says)\n"
    ) in run.out
    assert '      ~ description = "Made in the console" -> "Hotline"\n' in run.out
    assert "Plan: 1 to adopt, 0 to create, 1 to update, 0 to delete, 0 to enable QA.\n" in run.out
    assert writes(calls(cli, "apply", "--auto-approve")) == {"ModifyInstance": 1}
    assert state_entry(cli, "instance.support")["attributes"]["description"] == "Hotline"
    assert cli("plan", "--detailed-exitcode").code == 0


def test_existing_contents_of_each_kind_are_adopted_with_no_write_call(cli: Cli) -> None:
    made_elsewhere(cli, instance(**CONTENTS))
    configure(cli.directory, instance(**CONTENTS))
    run = cli("plan")
    assert run.code == 0, run.out + run.err
    assert [h.split()[1] for h in headers(run.out)] == ADOPTED
    assert all(
        h.endswith("will be adopted: it exists already, cccform will manage it from now on")
        for h in headers(run.out)
    )
    assert "Plan: 5 to adopt, 0 to create, 0 to update, 0 to delete, 0 to enable QA.\n" in run.out
    applied = calls(cli, "apply", "--auto-approve")
    assert writes(applied) == {}, applied
    assert sorted(cli("state", "list").out.split()) == sorted(ADOPTED)
    assert cli("plan", "--detailed-exitcode").code == 0


def test_the_json_plan_names_each_adoption(cli: Cli) -> None:
    made_elsewhere(cli, instance(**CONTENTS))
    configure(cli.directory, instance(**CONTENTS))
    doc = cli("plan", "--json").json()
    assert_valid_plan(doc)
    assert [(c["address"], c["action"], c["adopt"]) for c in doc["changes"]] == [
        (address, "adopt", True) for address in ADOPTED
    ]
    agent = doc["changes"][3]
    assert agent["remote_id"] == "alice@acme-cs" and agent["instance_id"] == "acme-cs"
    assert agent["before"] == agent["after"] and agent["after"]["skills"] == {"billing": 2}
    assert doc["summary"]["adopt"] == 5 and doc["summary"]["update"] == 0


def test_contents_that_differ_are_updated_after_their_adoption(cli: Cli) -> None:
    made_elsewhere(cli, instance(**CONTENTS))
    changed = json.loads(json.dumps(CONTENTS))
    changed["skill_groups"]["billing"]["display_name"] = "Billing desk"
    changed["agents"]["alice"]["display_name"] = "Alice Liddell"
    changed["agents"]["alice"]["skills"] = {"billing": 5}
    changed["flows"]["main"]["description"] = "Main line"
    changed["numbers"][NUMBER]["usage"] = "Bidirection"
    configure(cli.directory, instance(**changed))
    doc = cli("plan", "--json").json()
    updates = {c["address"]: c["changed_fields"] for c in doc["changes"] if c["action"] == "update"}
    assert updates == {
        "instance.support.skill_group.billing": ["display_name"],
        "instance.support.flow.main": ["description"],
        "instance.support.agent.alice": ["display_name", "skills"],
        f"instance.support.number.{NUMBER}": ["usage"],
    }
    assert doc["summary"]["adopt"] == 5 and doc["summary"]["update"] == 4
    applied = writes(calls(cli, "apply", "--auto-approve"))
    assert applied == {  # the updates only: one call each, nothing created or deleted
        "ModifySkillGroup": 1,
        "StartEditContactFlow": 1,
        "CommitContactFlow": 1,
        "PublishContactFlow": 1,
        "ModifyUser": 1,
        "ModifyUserLevelsOfSkillGroup": 1,
        "ModifyPhoneNumber": 1,
    }, applied
    assert cli("plan", "--detailed-exitcode").code == 0


def test_a_saved_plan_adopts_and_updates(cli: Cli) -> None:
    made_elsewhere(cli, instance(description="Made in the console", **CONTENTS))
    changed = json.loads(json.dumps(CONTENTS))
    changed["skill_groups"]["billing"]["display_name"] = "Billing desk"
    configure(cli.directory, instance(**changed))
    assert cli("plan", "--out", "tfplan").code == 0
    run = cli("apply", "tfplan")
    assert run.code == 0, run.out + run.err
    assert "Resources: 5 adopted, 0 created, 2 updated, 0 deleted, 0 QA enabled." in run.out
    assert cli("plan", "--detailed-exitcode").code == 0


@pytest.mark.parametrize(
    ("theirs", "ours", "field", "message"),
    [
        (
            instance(name="Sales Center"),
            instance(),
            "name",
            "instance.support: instance 'acme-cs' exists already, with name \"Sales Center\"; "
            'the configuration says "Support Center", and name cannot change once it is '
            "created, so it cannot be adopted",
        ),
        (
            instance(phone_numbers=["057188880009"]),
            instance(),
            "phone_numbers",
            "instance.support: instance 'acme-cs' exists already, with phone_numbers "
            '["057188880009"]; the configuration says ["057188880001"], and phone_numbers '
            "cannot change once it is created, so it cannot be adopted",
        ),
    ],
)
def test_an_immutable_difference_of_an_instance_is_refused(
    cli: Cli, theirs: dict[str, Any], ours: dict[str, Any], field: str, message: str
) -> None:
    made_elsewhere(cli, theirs)
    configure(cli.directory, ours)
    run = cli("apply", "--auto-approve")
    assert run.code == 3, run.out + run.err
    said = (run.out + run.err).splitlines()
    written = (cli.directory / "cccform.yaml").read_text().splitlines()
    line = next(n for n, text in enumerate(written, 1) if f'"{field}":' in text)
    at = next(n for n, text in enumerate(said) if text.endswith(f" error: {message}"))
    assert said[at].startswith(f"cccform.yaml:{line}:")
    assert said[at + 1].startswith("  hint: to adopt it, set ")
    assert not (cli.directory / "cccform.state.json").exists()


@pytest.mark.parametrize(
    ("kind", "name", "field", "theirs", "ours"),
    [
        ("agents", "alice", "email", "alice@example.com", "alice@example.org"),
        ("flows", "main", "type", "MAIN_FLOW", "SUB_FLOW"),
    ],
)
def test_an_immutable_difference_of_contents_is_refused(
    cli: Cli, kind: str, name: str, field: str, theirs: str, ours: str
) -> None:
    contents = {k: v for k, v in CONTENTS.items() if k != "numbers"}  # a number needs a main flow
    made_elsewhere(cli, instance(**contents))
    changed = json.loads(json.dumps(contents))
    changed[kind][name][field] = ours
    configure(cli.directory, instance(**changed))
    run = cli("plan", "--json")
    assert run.code == 3, run.out + run.err
    (error,) = run.json()["errors"]
    label = kind[:-1]
    assert error["kind"] == "immutable" and (error["before"], error["after"]) == (theirs, ours)
    assert error["message"] == (
        f"{label} {name!r} exists already, with {field} {json.dumps(theirs)}; the configuration "
        f"says {json.dumps(ours)}, and {field} cannot change once it is created, so it cannot "
        "be adopted"
    )
    assert error["location"]["file"] == "cccform.yaml" and error["location"]["line"] > 1
    human = cli("plan")
    assert human.code == 3 and f"error: instance.support.{label}.{name}: {label}" in human.err


def test_conversation_analysis_is_enabled_after_the_adoption(cli: Cli) -> None:
    # whether QA is on cannot be read: the configuration's true is carried out, once
    made_elsewhere(cli, instance())
    configure(cli.directory, instance(conversation_analysis=True))
    doc = cli("plan", "--json").json()
    assert [c["action"] for c in doc["changes"]] == ["adopt", "enable_qa"]
    run = cli("apply", "--auto-approve")
    assert run.code == 0, run.out + run.err
    assert "Resources: 1 adopted, 0 created, 0 updated, 0 deleted, 1 QA enabled." in run.out
    assert state_entry(cli, "instance.support")["attributes"]["conversation_analysis"] is True
    assert cli("plan", "--detailed-exitcode").code == 0


def test_an_instance_still_being_created_is_adopted_and_nothing_changed_in_it_yet(
    cli: Cli,
) -> None:
    from ccc_emulator.engine import CccEmulation

    with CccEmulation(cli.directory / ".cccform", create_seconds=3600) as emulation:
        emulation.handle(
            "CreateInstance",
            {
                "Name": "Support Center",
                "DomainName": "acme-cs",
                "NumberList": json.dumps([NUMBER]),
                "AdminRamIdList": json.dumps(["248613806810701"]),
                "Description": "made in the console",
            },
        )
    configure(cli.directory, instance(conversation_analysis=True, **CONTENTS))
    plan = cli("plan")
    assert plan.code == 0, plan.err
    assert headers(plan.out) == [
        "  # instance.support will be adopted: it exists already, "
        "cccform will manage it from now on"
    ]
    assert "acme-cs is still being created: cccform adopts it now" in plan.out
    run = cli("apply", "--auto-approve")
    assert run.code == 0, run.out + run.err
    assert state_entry(cli, "instance.support")["remote_id"] == "acme-cs"
