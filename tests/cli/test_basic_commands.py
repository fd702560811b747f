"""validate, plan, show, state list, usage errors: exact lines and exit codes."""

from __future__ import annotations

from pathlib import Path

from tests.cli.harness import Cli, config, instance_yaml, write
from tests.jsonplan_schema import assert_valid_plan


def test_validate_success(cli: Cli) -> None:
    config(cli.directory, instance_yaml("a", 1), instance_yaml("b", 2))
    run = cli("validate")
    assert run.code == 0
    assert run.out == "Success! The configuration is valid: 2 instances in 1 file.\n"


def test_validate_reports_every_error_with_location_and_writes_nothing(cli: Cli) -> None:
    write(
        cli.directory,
        "a.yaml",
        """
        instances:
          a:
            name: Center A
            acess_path: acme-a
            phone_numbers: [057188880001]
        """,
    )
    run = cli("validate")
    assert run.code == 4
    assert "a.yaml:4:5" in run.err and "did you mean 'access_path'" in run.err
    assert "a.yaml:5:21" in run.err and 'quote it: "057188880001"' in run.err
    assert "nothing was contacted or written" in run.err
    assert sorted(p.name for p in cli.directory.iterdir()) == ["a.yaml"]


def test_plan_with_invalid_config_exits_4_and_contacts_nothing(cli: Cli) -> None:
    write(cli.directory, "a.yaml", "instances:\n  a:\n    name: x\n")
    run = cli("plan")
    assert run.code == 4
    assert not (cli.directory / ".cccform").exists()
    assert not (cli.directory / "cccform.state.json").exists()


def test_plan_shows_creation_and_summary(cli: Cli) -> None:
    config(cli.directory, instance_yaml("support", 1, conversation_analysis=True))
    run = cli("plan")
    assert run.code == 0
    assert "  # instance.support will be created\n" in run.out
    assert "Plan: 1 to create, 0 to update, 0 to delete, 1 to enable QA.\n" in run.out
    assert "  + create\n  * enable conversation analysis (QA)\n" in run.out
    assert "\x1b[" not in run.out  # not a terminal: no colour


def test_plan_json_follows_the_contract(cli: Cli) -> None:
    config(cli.directory, instance_yaml("support", 1))
    doc = cli("plan", "--json").json()
    assert_valid_plan(doc)
    assert doc["format_version"] == "2.4"
    assert doc["summary"] == {
        "create": 1,
        "adopt": 0,
        "update": 0,
        "delete": 0,
        "enable_qa": 0,
        "move": 0,
        "forget": 0,
    }
    (change,) = doc["changes"]
    assert change["address"] == "instance.support" and change["action"] == "create"
    assert doc["errors"] == []


def test_detailed_exitcode(cli: Cli) -> None:
    config(cli.directory, instance_yaml("support", 1))
    assert cli("plan", "--detailed-exitcode").code == 2
    assert cli("apply", "--auto-approve").code == 0
    run = cli("plan", "--detailed-exitcode")
    assert run.code == 0
    assert run.out == "No changes. Your call centers match the configuration.\n"


def test_state_list_and_show(cli: Cli) -> None:
    config(cli.directory, instance_yaml("b", 2), instance_yaml("a", 1))
    assert cli("state", "list").out == ""
    assert "The state is empty" in cli("show").out
    cli("apply", "--auto-approve")
    assert cli("state", "list").out == "instance.a\ninstance.b\n"
    shown = cli("show").out
    assert '# instance.a:\n  id                  = "acme-0001"\n' in shown
    state = cli("show", "--json").json()
    assert state["resources"]["instance.b"]["remote_id"] == "acme-0002"


def test_usage_errors_exit_64(cli: Cli) -> None:
    config(cli.directory, instance_yaml("support", 1))
    assert cli("plan", "--no-such-flag").code == 64
    assert cli("apply", "--parallelism", "0", "--auto-approve").code == 64
    assert cli("plan", "--lock-timeout", "soon").code == 64
    assert cli("frobnicate").code == 64


def test_apply_without_terminal_needs_auto_approve(cli: Cli) -> None:
    config(cli.directory, instance_yaml("support", 1))
    run = cli("apply")
    assert run.code == 64 and "--auto-approve" in run.err
    assert cli("state", "list").out == ""


def test_version_and_help(cli: Cli) -> None:
    assert cli("--version").out.startswith("cccform, version ")
    assert "Show what apply would change." in cli("--help").out


def test_python_dash_m_runs_the_cli(tmp_path: Path) -> None:
    from tests.cli.harness import run_process

    config(tmp_path, instance_yaml("support", 1))
    run = run_process(tmp_path, "validate")
    assert run.code == 0 and run.out.startswith("Success!")


def test_json_runs_report_failures_as_json_too(cli: Cli) -> None:
    write(cli.directory, "a.yaml", "instances:\n  a:\n    name: x\n")
    run = cli("plan", "--json")
    assert run.code == 4
    error = __import__("json").loads(run.out)["error"]
    assert error["exit_code"] == 4 and error["kind"] == "ConfigError"
    assert {d["field"] for d in error["diagnostics"]} >= {"instances.a.name"}
