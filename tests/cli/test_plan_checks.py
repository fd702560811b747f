"""Plan-time safety: numbers bound to another instance, and what enabling QA costs."""

from __future__ import annotations

import pytest

from tests.cli.harness import Cli, TerminalInput, config, instance_yaml
from tests.jsonplan_schema import assert_valid_plan

QA_COST = (
    "enabling conversation analysis (QA) is one-way: it cannot be turned off afterwards; "
    "on Alibaba Cloud it is a change of configuration, a paid order billed to the account"
)


def _other_instance(cli: Cli, access_path: str, number: str) -> None:
    """An instance made outside cccform (in the console, say), holding `number`."""
    with cli.emulation() as emulation:
        emulation.handle(
            "CreateInstance",
            {
                "Name": "Elsewhere Center",
                "DomainName": access_path,
                "NumberList": f'["{number}"]',
                "AdminRamIdList": '["248613806810701"]',
            },
        )


def _live_access_paths(cli: Cli) -> list[str]:
    with cli.emulation() as emulation:
        data = emulation.handle("ListInstances", {"PageNumber": "1", "PageSize": "100"})
    return sorted(str(item["DomainName"]) for item in data["List"])


def test_number_bound_to_an_unmanaged_instance_is_rejected_at_plan(cli: Cli) -> None:
    _other_instance(cli, "acme-elsewhere", "057100000002")
    config(cli.directory, instance_yaml("a", 1), instance_yaml("b", 2))
    run = cli("plan")
    assert run.code == 3
    assert (
        "cccform.yaml:13:21: error: instance.b: phone number 057100000002 is already bound to "
        "another instance, acme-elsewhere (not managed by this state): the creation would fail\n"
        "  hint: remove 057100000002 from phone_numbers, or choose another number; a number "
        "is free again only once instance acme-elsewhere is deleted.\n"
    ) in run.err
    assert "instance.a:" not in run.err

    run = cli("plan", "--json")
    assert run.code == 3
    assert_valid_plan(run.json())
    (error,) = run.json()["errors"]
    assert error["address"] == "instance.b" and error["field"] == "phone_numbers"
    assert error["kind"] == "in_use"
    assert (error["before"], error["after"]) == ("acme-elsewhere", "057100000002")
    assert error["location"] == {"file": "cccform.yaml", "line": 13, "column": 21}

    # apply refuses the whole plan before contacting anything: instance.a is not created either
    assert cli("apply", "--auto-approve").code == 3
    assert _live_access_paths(cli) == ["acme-elsewhere"]


def test_number_bound_to_an_instance_managed_here_names_its_address(cli: Cli) -> None:
    config(cli.directory, instance_yaml("b", 2))
    assert cli("apply", "--auto-approve").code == 0
    # instance.b's numbers cannot change, and its old number is still bound to it
    config(
        cli.directory,
        instance_yaml("a", 1, phone_numbers=["057100000002"]),
        instance_yaml("b", 2, phone_numbers=["057100000009"]),
    )
    run = cli("plan")
    assert run.code == 3
    assert (
        "cccform.yaml:6:21: error: instance.a: phone number 057100000002 is already bound to "
        "another instance, acme-0002 (managed here as instance.b): the creation would fail\n"
    ) in run.err
    assert "cccform.yaml:13:5: error: instance.b: phone_numbers cannot change" in run.err


def test_number_freed_by_a_deletion_in_the_same_plan_is_not_rejected(cli: Cli) -> None:
    config(cli.directory, instance_yaml("old", 2))
    assert cli("apply", "--auto-approve").code == 0
    config(cli.directory, instance_yaml("new", 1, phone_numbers=["057100000002"]))
    run = cli("apply", "--auto-approve", "--allow-delete")
    assert run.code == 0, run.err
    # the deletion frees the number before the creation asks for it
    deleted = run.out.index("instance.old: Deletion complete")
    assert deleted < run.out.index("instance.new: Creating...")
    assert _live_access_paths(cli) == ["acme-0001"]


def test_a_released_instance_holds_no_number(cli: Cli) -> None:
    config(cli.directory, instance_yaml("old", 2))
    assert cli("apply", "--auto-approve").code == 0
    config(cli.directory)
    assert cli("apply", "--auto-approve", "--allow-delete").code == 0
    config(cli.directory, instance_yaml("new", 1, phone_numbers=["057100000002"]))
    assert cli("apply", "--auto-approve").code == 0


def test_plan_and_json_say_enabling_qa_is_one_way_and_paid(cli: Cli) -> None:
    config(cli.directory, instance_yaml("a", 1, conversation_analysis=True), instance_yaml("b", 2))
    run = cli("plan")
    assert run.code == 0
    assert (
        "  Note: enabling conversation analysis (QA) is one-way: it cannot be turned off "
        "afterwards;\n"
        "        on Alibaba Cloud it is a change of configuration, a paid order billed to the\n"
        "        account.\n"
    ) in run.out
    assert run.out.count("paid order") == 1  # instance.b enables nothing

    doc = cli("plan", "--json").json()
    assert_valid_plan(doc)
    (note,) = [n for n in doc["notes"] if n["kind"] == "qa_one_way_paid"]
    assert note == {
        "instance": "a",
        "kind": "qa_one_way_paid",
        "subject": "instance.a",
        "before": False,
        "after": True,
        "message": QA_COST,
    }

    assert cli("apply", "--auto-approve").code == 0
    run = cli("plan", "--json")
    assert run.code == 0
    assert run.json()["notes"] == []  # enabled already: nothing to pay for again


def test_the_approval_prompt_says_enabling_qa_is_one_way_and_paid(
    cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    config(cli.directory, instance_yaml("a", 1, conversation_analysis=True))
    monkeypatch.setattr("sys.stdin", TerminalInput("no\n"))
    run = cli("apply")
    assert run.code == 1
    assert (
        "  cccform will perform the actions described above.\n"
        f"  instance.a: {QA_COST}.\n"
        "  Only 'yes' will be accepted to approve.\n"
    ) in run.err
    assert "Apply cancelled." in run.out + run.err


def test_the_approval_prompt_says_nothing_of_qa_when_none_is_enabled(
    cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    config(cli.directory, instance_yaml("a", 1))
    monkeypatch.setattr("sys.stdin", TerminalInput("no\n"))
    run = cli("apply")
    assert run.code == 1
    assert "paid order" not in run.err


def test_omitted_conversation_analysis_means_false_and_points_at_the_instance(cli: Cli) -> None:
    config(cli.directory, instance_yaml("a", 1, conversation_analysis=True))
    assert cli("apply", "--auto-approve").code == 0
    config(cli.directory, instance_yaml("a", 1))  # the line is gone
    run = cli("plan")
    assert run.code == 3
    assert (
        "cccform.yaml:2:3: error: instance.a: conversation_analysis is omitted, and omitted means "
        "false; but conversation analysis (QA) is on for this instance, and it is one-way: it "
        "cannot be turned off\n"
        "  hint: add conversation_analysis: true to instance.a: QA stays on either way, and "
        "the configuration should say so.\n"
    ) in run.err
    doc = cli("plan", "--json").json()
    (error,) = doc["errors"]
    assert (error["field"], error["kind"], error["before"], error["after"]) == (
        "conversation_analysis",
        "one_way",
        True,
        False,
    )
    assert error["location"] == {"file": "cccform.yaml", "line": 2, "column": 3}


def test_explicit_false_conversation_analysis_keeps_the_one_way_message(cli: Cli) -> None:
    config(cli.directory, instance_yaml("a", 1, conversation_analysis=True))
    assert cli("apply", "--auto-approve").code == 0
    config(cli.directory, instance_yaml("a", 1, conversation_analysis=False))
    run = cli("plan")
    assert run.code == 3
    assert "omitted" not in run.err
    assert "cccform.yaml:9:28: error: instance.a: conversation_analysis cannot be turned off" in (
        run.err
    )
