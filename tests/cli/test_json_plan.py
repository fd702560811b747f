"""The public JSON plan through the CLI: every document validates against the committed schema."""

from __future__ import annotations

from cccform.render.json_plan import FORMAT_VERSION, cccform_version
from tests.cli.harness import Cli, config, instance_yaml
from tests.cli.test_contents import BASE, NUMBER, configure
from tests.jsonplan_schema import SCHEMA_PATH, assert_valid_apply, assert_valid_plan


def test_contents_plan_has_locations_and_structured_impacts(cli: Cli) -> None:
    configure(cli, **BASE)
    doc = cli("plan", "--json").json()
    assert_valid_plan(doc)
    assert (doc["format_version"], doc["cccform_version"]) == (FORMAT_VERSION, cccform_version())
    for change in doc["changes"]:
        assert change["location"]["file"] == "cccform.yaml", change["address"]
    routing = next(i for i in doc["impacts"] if i["kind"] == "routing")
    assert routing["subject"] == f"instance.support.number.{NUMBER}"
    assert (routing["before"], routing["after"]) == (None, "main")
    assert routing["message"].startswith(f"number {NUMBER} will route to flow main")


def test_drift_and_apply_documents_validate(cli: Cli) -> None:
    config(cli.directory, instance_yaml("a", 1))
    applied = cli("apply", "--auto-approve", "--json").json()
    assert_valid_apply(applied)
    assert applied["format_version"] == applied["plan"]["format_version"] == FORMAT_VERSION
    with cli.emulation() as emulation:
        emulation.handle("ModifyInstance", {"InstanceId": "acme-0001", "Description": "console"})
    doc = cli("plan", "--json").json()
    assert_valid_plan(doc)
    (change,) = doc["changes"]
    assert (change["drift"], change["drift_fields"]) == ("changed", ["description"])
    assert change["location"] == {"file": "cccform.yaml", "line": 2, "column": 3}


def test_deletions_come_from_the_state_and_have_no_location(cli: Cli) -> None:
    config(cli.directory, instance_yaml("a", 1))
    cli("apply", "--auto-approve")
    config(cli.directory)
    doc = cli("plan", "--json").json()
    assert_valid_plan(doc)
    (change,) = doc["changes"]
    assert (change["action"], change["location"]) == ("delete", None)
    refused = cli("apply", "--auto-approve", "--json").json()
    assert_valid_apply(refused)
    assert refused["apply"] is None
    assert [e["kind"] for e in refused["plan"]["errors"]] == ["delete_not_allowed"]


def test_failures_with_json_carry_the_same_format_version(cli: Cli) -> None:
    run = cli("plan", "--json", "missing-directory")
    assert run.json()["format_version"] == FORMAT_VERSION


def test_the_committed_plan_schema_passes_the_check(cli: Cli) -> None:
    run = cli("schema", "--plan", "--check", str(SCHEMA_PATH))
    assert (run.code, run.err) == (0, "")


def test_a_stale_plan_schema_names_the_command_to_regenerate_it(cli: Cli) -> None:
    (cli.directory / "plan.schema.json").write_text("{}\n", encoding="utf-8")
    run = cli("schema", "--plan", "--check", "plan.schema.json")
    assert run.code == 1
    assert run.err == (
        "error: plan.schema.json is out of date with the JSON plan models\n"
        "  hint: run: cccform schema --plan --write plan.schema.json\n"
    )
    assert cli("schema", "--plan", "--write", "plan.schema.json").code == 0
    assert cli("schema", "--plan", "--check", "plan.schema.json").code == 0
