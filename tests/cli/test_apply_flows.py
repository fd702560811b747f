"""apply end to end: create, update, delete, QA, drift, rejections, saved plans, failures."""

from __future__ import annotations

import json

from cccform.state.local import LocalStateStore
from cccform.state.models import State
from tests.cli.harness import Cli, config, instance_yaml
from tests.jsonplan_schema import assert_valid_apply, assert_valid_plan


def test_create_update_qa_delete_round_trip(cli: Cli) -> None:
    config(cli.directory, instance_yaml("a", 1), instance_yaml("b", 2))
    run = cli("apply", "--auto-approve")
    assert run.code == 0
    assert "instance.a: Creating...\n" in run.out
    assert "instance.a: Creation complete after 0s [id=acme-0001]\n" in run.out
    assert run.out.endswith(
        "Apply complete! Resources: 2 created, 0 updated, 0 deleted, 0 QA enabled.\n"
    )

    config(cli.directory, instance_yaml("a", 1, description="new", conversation_analysis=True))
    run = cli("apply", "--auto-approve", "--allow-delete")
    assert run.code == 0, run.err
    assert '      ~ description = "center 1" -> "new"\n' in run.out
    assert (
        "  # instance.b will be deleted\n  # (because instance.b is not in the configuration)"
        in run.out
    )
    assert "1 updated, 1 deleted, 1 QA enabled." in run.out
    assert cli("plan", "--detailed-exitcode").code == 0
    with cli.emulation() as emulation:
        assert emulation.conversation_analysis_status() == {"acme-0001": True}


def test_immutable_change_is_rejected_with_exit_3_and_nothing_changes(cli: Cli) -> None:
    config(cli.directory, instance_yaml("a", 1))
    cli("apply", "--auto-approve")
    config(cli.directory, instance_yaml("a", 1, name="Renamed Center", description="x"))
    for command in (["plan"], ["apply", "--auto-approve"]):
        run = cli(*command)
        assert run.code == 3
        assert (
            "cccform.yaml:3:11: error: instance.a: name cannot change: the name of an instance "
            'is fixed when it is created ("Center 0001" -> "Renamed Center")\n'
            '  hint: put back name: "Center 0001".'
        ) in run.err
    with cli.emulation() as emulation:
        data = emulation.handle("GetInstance", {"InstanceId": "acme-0001"})
        assert data["Description"] == "center 1"


def test_every_immutable_field_and_one_way_qa_in_json(cli: Cli) -> None:
    config(cli.directory, instance_yaml("a", 1, conversation_analysis=True))
    cli("apply", "--auto-approve")
    config(
        cli.directory,
        instance_yaml(
            "a",
            1,
            name="Other Name",
            access_path="acme-other",
            phone_numbers=["0571999"],
            admins=["1"],
            conversation_analysis=False,
        ),
    )
    run = cli("plan", "--json")
    assert run.code == 3
    assert_valid_plan(run.json())
    errors = {(e["field"], e["kind"]) for e in run.json()["errors"]}
    assert errors == {
        ("name", "immutable"),
        ("access_path", "immutable"),
        ("phone_numbers", "immutable"),
        ("admins", "immutable"),
        ("conversation_analysis", "one_way"),
    }
    for error in run.json()["errors"]:
        assert error["location"]["file"] == "cccform.yaml" and error["location"]["line"] > 1


def test_protected_deletion_is_rejected_until_protection_is_lifted(cli: Cli) -> None:
    config(cli.directory, instance_yaml("a", 1, deletion_protection=True))
    cli("apply", "--auto-approve")
    config(cli.directory)
    run = cli("apply", "--auto-approve", "--allow-delete")
    assert run.code == 3
    assert "error: instance.a: is protected against deletion" in run.err
    assert "first set deletion_protection: false" in run.err
    config(cli.directory, instance_yaml("a", 1, deletion_protection=False))
    run = cli("apply", "--auto-approve")
    assert run.code == 0 and "~ deletion_protection = true -> false" in run.out
    config(cli.directory)
    assert cli("apply", "--auto-approve", "--allow-delete").code == 0
    assert cli("state", "list").out == ""


def test_deletion_without_allow_delete_is_refused(cli: Cli) -> None:
    config(cli.directory, instance_yaml("a", 1))
    cli("apply", "--auto-approve")
    config(cli.directory)
    run = cli("apply", "--auto-approve")
    assert run.code == 3
    assert (
        "error: instance.a: would be deleted (access path acme-0001), and deletion was not "
        "allowed\n"
    ) in run.err
    assert "run again with --allow-delete" in run.err
    assert cli("state", "list").out == "instance.a\n"


def test_the_summary_of_deleting_an_instance_with_nothing_managed_in_it(cli: Cli) -> None:
    config(cli.directory, instance_yaml("a", 1), instance_yaml("b", 2))
    cli("apply", "--auto-approve")
    config(cli.directory)
    run = cli("apply", "--auto-approve", "--allow-delete")
    assert run.code == 0, run.err
    assert run.out.endswith(
        "Apply complete! Resources: 0 created, 0 updated, 2 deleted, 0 QA enabled.\n"
        "  2 instances deleted, with everything in them (nothing managed here); 2 numbers "
        "stop answering (057100000001, 057100000002).\n"
    )


def test_drift_is_shown_and_corrected(cli: Cli) -> None:
    config(cli.directory, instance_yaml("a", 1))
    cli("apply", "--auto-approve")
    with cli.emulation() as emulation:
        emulation.handle("ModifyInstance", {"InstanceId": "acme-0001", "Description": "console"})
    run = cli("plan")
    assert "  # (changed outside cccform: description)\n" in run.out
    assert '      ~ description = "console" -> "center 1"\n' in run.out
    assert cli("apply", "--auto-approve").code == 0
    assert cli("plan", "--detailed-exitcode").code == 0


def test_instance_deleted_outside_is_recreated(cli: Cli) -> None:
    config(cli.directory, instance_yaml("a", 1))
    cli("apply", "--auto-approve")
    with cli.emulation() as emulation:
        emulation.handle("DeleteInstance", {"InstanceId": "acme-0001"})
    run = cli("plan")
    assert "  # (deleted outside cccform; it will be created again)\n" in run.out
    assert cli("apply", "--auto-approve").code == 0
    assert cli("plan", "--detailed-exitcode").code == 0


def test_removed_instance_deleted_outside_is_only_forgotten(cli: Cli) -> None:
    config(cli.directory, instance_yaml("a", 1, deletion_protection=True))
    cli("apply", "--auto-approve")
    with cli.emulation() as emulation:
        emulation.handle("DeleteInstance", {"InstanceId": "acme-0001"})
    config(cli.directory)
    run = cli("apply", "--auto-approve", "--allow-forget")
    assert run.code == 0
    assert "  - instance.a (acme-0001): deleted outside cccform\n" in run.out
    assert cli("state", "list").out == ""


def test_partial_failure_exits_5_and_keeps_what_was_done(cli: Cli) -> None:
    config(cli.directory, instance_yaml("a", 1, conversation_analysis=True), instance_yaml("b", 2))
    assert cli("plan", "--out", "tfplan").code == 0
    with cli.emulation() as emulation:  # since the plan, somebody else's holds acme-0001
        emulation.handle(
            "CreateInstance",
            {"Name": "Not Ours", "DomainName": "acme-0001", "AdminRamIdList": '["1"]'},
        )
    run = cli("apply", "tfplan")
    assert run.code == 5
    assert (
        "Apply partly done: 1 created, 0 updated, 0 deleted, 0 QA enabled; 1 failed, "
        "1 skipped. State is saved.\n" in run.out
    )
    assert (
        "  failed: instance.a (create): access path 'acme-0001' already exists and is not "
        "managed by this state." in run.out
    )
    assert (
        "  skipped: instance.a (enable_qa): it depends on instance.a create, which did not "
        "complete\n" in run.out
    )
    assert cli("state", "list").out == "instance.b\n"


def test_saved_plan_is_applied_exactly_then_goes_stale(cli: Cli) -> None:
    config(cli.directory, instance_yaml("a", 1))
    run = cli("plan", "--out", "tfplan")
    assert run.code == 0
    assert (
        "Saved the plan to: tfplan\n\nTo perform exactly these actions, run:\n"
        "    cccform apply tfplan\n" in run.out
    )
    assert (cli.directory / "tfplan").stat().st_mode & 0o777 == 0o600
    config(cli.directory, instance_yaml("a", 1), instance_yaml("b", 2))  # not in the plan
    run = cli("apply", "tfplan")
    assert run.code == 0, run.err
    assert cli("state", "list").out == "instance.a\n"
    again = cli("apply", "tfplan")
    assert again.code == 7
    assert "Saved plan is stale: it was made when no state existed" in again.err


def test_saved_plan_goes_stale_when_state_changes(cli: Cli) -> None:
    config(cli.directory, instance_yaml("a", 1))
    cli("apply", "--auto-approve")
    config(cli.directory, instance_yaml("a", 1, description="one"))
    cli("plan", "--out", "p1")
    config(cli.directory, instance_yaml("a", 1, description="two"))
    cli("apply", "--auto-approve")
    run = cli("apply", "p1")
    assert run.code == 7
    assert "(plan serial 2, state serial 3)" in run.err or "Saved plan is stale" in run.err
    with cli.emulation() as emulation:
        assert emulation.handle("GetInstance", {"InstanceId": "acme-0001"})["Description"] == "two"


def test_saved_plan_for_another_lineage_is_refused(cli: Cli) -> None:
    config(cli.directory, instance_yaml("a", 1))
    cli("apply", "--auto-approve")
    config(cli.directory, instance_yaml("a", 1, description="one"))
    cli("plan", "--out", "p1")
    state_file = cli.directory / "cccform.state.json"
    doc = json.loads(state_file.read_text())
    doc["lineage"] = "00000000-0000-0000-0000-000000000000"
    state_file.write_text(json.dumps(doc))
    run = cli("apply", "p1")
    assert run.code == 7 and "lineage mismatch" in run.err


def test_saved_plan_with_deletion_needs_allow_delete(cli: Cli) -> None:
    config(cli.directory, instance_yaml("a", 1))
    cli("apply", "--auto-approve")
    config(cli.directory)
    cli("plan", "--out", "p1")
    assert cli("apply", "p1").code == 3
    assert cli("apply", "p1", "--allow-delete").code == 0
    assert cli("state", "list").out == ""


def test_show_saved_plan(cli: Cli) -> None:
    config(cli.directory, instance_yaml("a", 1))
    cli("plan", "--out", "p1")
    assert "Plan: 1 to create" in cli("show", "p1").out
    shown = cli("show", "p1", "--json").json()
    assert_valid_plan(shown)
    assert shown["summary"]["create"] == 1


def test_rejected_plan_is_not_saved(cli: Cli) -> None:
    config(cli.directory, instance_yaml("a", 1))
    cli("apply", "--auto-approve")
    config(cli.directory, instance_yaml("a", 1, name="Renamed Center"))
    assert cli("plan", "--out", "p1").code == 3
    assert not (cli.directory / "p1").exists()


def test_apply_json_output(cli: Cli) -> None:
    config(cli.directory, instance_yaml("a", 1))
    run = cli("apply", "--auto-approve", "--json")
    assert run.code == 0
    doc = run.json()
    assert_valid_apply(doc)
    assert doc["apply"]["complete"] is True
    assert doc["apply"]["steps"][0]["status"] == "done"
    assert "instance.a: Creating..." in run.err
    assert cli("apply", "--json").code == 64


def test_api_calls_are_logged_when_asked(cli: Cli) -> None:
    config(cli.directory, instance_yaml("a", 1))
    log = cli.directory / "cccform.log"
    cli.monkeypatch.setenv("CCCFORM_LOG", "debug")
    cli.monkeypatch.setenv("CCCFORM_LOG_PATH", str(log))
    cli("plan")
    assert "cccform.api: call ListInstances PageNumber=1 PageSize=100" in log.read_text()


def test_apply_json_is_printed_for_every_outcome(cli: Cli) -> None:
    config(cli.directory, instance_yaml("a", 1))
    cli("apply", "--auto-approve")
    unchanged = cli("apply", "--auto-approve", "--json")
    assert unchanged.code == 0
    assert_valid_apply(unchanged.json())
    assert unchanged.json()["apply"] is None and unchanged.json()["plan"]["changes"] == []
    config(cli.directory)
    refused = cli("apply", "--auto-approve", "--json")
    assert refused.code == 3
    assert_valid_apply(refused.json())
    assert refused.json()["plan"]["errors"][0]["kind"] == "delete_not_allowed"


def test_corrupt_state_is_an_error_exit_1(cli: Cli) -> None:
    config(cli.directory, instance_yaml("a", 1))
    cli("apply", "--auto-approve")
    (cli.directory / "cccform.state.json").write_text("{ not json")
    run = cli("plan")
    assert run.code == 1
    assert "cccform.state.json is damaged" in run.err
    assert "Restore the previous version from" in run.err and ".backup" in run.err


def test_an_instance_that_is_not_ours_is_never_taken_over_or_deleted(cli: Cli) -> None:
    with cli.emulation() as emulation:  # somebody else's instance holds acme-0001
        emulation.handle(
            "CreateInstance",
            {"Name": "Not Ours", "DomainName": "acme-0001", "AdminRamIdList": '["1"]'},
        )
    config(cli.directory, instance_yaml("a", 1))
    for _ in range(2):  # another name: never adopted, and the refusal leaves no intent
        run = cli("apply", "--auto-approve")
        assert run.code == 3, run.out + run.err
        assert (
            "error: instance.a: instance 'acme-0001' exists already, with name \"Not Ours\"; "
            'the configuration says "Center 0001", and name cannot change once it is created, '
            "so it cannot be adopted\n"
        ) in run.out + run.err
    assert not (cli.directory / "cccform.state.json").exists()
    config(cli.directory)
    run = cli("apply", "--auto-approve", "--allow-delete")
    assert run.code == 0 and "0 deleted" not in run.err
    with cli.emulation() as emulation:
        assert emulation.handle("GetInstance", {"InstanceId": "acme-0001"})["Name"] == "Not Ours"


def test_an_abandoned_interrupted_creation_is_forgotten_not_deleted(cli: Cli) -> None:
    config(cli.directory, instance_yaml("a", 1))
    state_file = cli.directory / "cccform.state.json"
    with cli.emulation() as emulation:  # an apply created it, then died before recording it
        emulation.handle(
            "CreateInstance",
            {"Name": "Center 0001", "DomainName": "acme-0001", "AdminRamIdList": '["1"]'},
        )
    cli("state", "list")
    state_file.write_text(
        json.dumps(
            {
                "format_version": 1,
                "lineage": "11111111-2222-3333-4444-555555555555",
                "serial": 1,
                "resources": {},
                "pending": {
                    "instance.a": {
                        "access_path": "acme-0001",
                        "name": "Center 0001",
                        "recorded_at": "2026-11-26T05:00:00Z",
                    }
                },
            }
        )
    )
    config(cli.directory)
    run = cli("apply", "--auto-approve", "--allow-forget")
    assert run.code == 0
    assert "instance acme-0001 exists; declare it again to manage it" in run.out
    with cli.emulation() as emulation:
        assert emulation.handle("GetInstance", {"InstanceId": "acme-0001"})


def test_a_state_that_cannot_be_saved_stops_the_apply_after_the_call_in_flight(cli: Cli) -> None:
    config(cli.directory, *(instance_yaml(f"c{n}", n) for n in range(3)))
    assert cli("apply", "--auto-approve").code == 0
    config(cli.directory, *(instance_yaml(f"c{n}", n, description="new") for n in range(3)))

    def full_disk(_store: LocalStateStore, _state: State) -> State:
        raise OSError(28, "No space left on device")

    cli.monkeypatch.setattr(LocalStateStore, "write", full_disk)
    run = cli("apply", "--auto-approve", "--parallelism", "1")
    assert run.code == 1
    # the update in flight when the save failed finished; the two others never started
    assert run.out.endswith(
        "instance.c0: Modifying...\ninstance.c0: Modifications complete after 0s\n"
    )
    errored = cli.directory / "cccform.state.json.errored"
    assert run.err == (
        "error: the state could not be saved ([Errno 28] No space left on device). Everything "
        f"this apply did is in {errored}; once the cause is fixed, restore it with: "
        f"cp {errored} {cli.directory / 'cccform.state.json'}\n"
    )
    with cli.emulation() as emulation:
        listed = emulation.handle("ListInstances", {"PageNumber": "1", "PageSize": "100"})
    descriptions = {item["Id"]: item["Description"] for item in listed["List"]}
    assert descriptions == {"acme-0000": "new", "acme-0001": "center 1", "acme-0002": "center 2"}
    rescued = json.loads(errored.read_text())
    assert rescued["resources"]["instance.c0"]["attributes"]["description"] == "new"
