"""`plan --markdown`, `show --markdown`, GitHub annotations and job summary, GitLab's report."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cccform.render.markdown_plan import MARKER
from tests.cli.harness import Cli, config, instance_yaml


def two_instances(cli: Cli) -> None:
    config(cli.directory, instance_yaml("a", 1), instance_yaml("b", 2))


def immutable_changes(cli: Cli, count: int) -> None:
    """`count` instances applied, then each one's name changed: `count` rejections."""
    config(cli.directory, *(instance_yaml(f"i{n}", n) for n in range(count)))
    assert cli("apply", "--auto-approve").code == 0
    config(cli.directory, *(instance_yaml(f"i{n}", n, name=f"New {n}") for n in range(count)))


@pytest.fixture(autouse=True)
def outside_github(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)


def test_plan_markdown_prints_the_comment_and_nothing_else(cli: Cli) -> None:
    two_instances(cli)
    run = cli("plan", "--markdown")
    assert run.code == 0, run.err
    assert run.out.startswith(MARKER + "\n\n### cccform plan: 2 to create\n")
    assert run.out.count("<details>") == 2
    assert "Note: you didn't use --out" not in run.out


def test_show_markdown_of_a_saved_plan_is_the_same_comment(cli: Cli) -> None:
    two_instances(cli)
    planned = cli("plan", "--markdown", "--out", "plan.out")
    assert "Saved the plan to: plan.out" in planned.err
    shown = cli("show", "--markdown", "plan.out")
    assert shown.code == 0, shown.err
    assert shown.out == planned.out


def test_markdown_refuses_json_and_a_state(cli: Cli) -> None:
    two_instances(cli)
    both = cli("plan", "--markdown", "--json")
    assert both.code == 64 and "cannot be used together" in both.err
    state = cli("show", "--markdown")
    assert state.code == 64 and "--markdown shows a saved plan" in state.err


def test_on_github_rejections_are_annotations_at_most_ten(
    cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    immutable_changes(cli, 12)
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    run = cli("plan")
    assert run.code == 3
    errors = [line for line in run.err.splitlines() if line.startswith("::error ")]
    assert len(errors) == 10
    assert errors[0].startswith("::error file=cccform.yaml,line=")
    assert "name cannot change" in errors[0] and "%0Ahint: " in errors[0]
    assert "::notice title=cccform::2 more rejections not annotated" in run.err
    quiet = cli("plan", "--no-annotations")
    assert "::error" not in quiet.err and quiet.code == 3


def test_no_annotations_outside_github(cli: Cli) -> None:
    immutable_changes(cli, 1)
    run = cli("plan")
    assert run.code == 3 and "::error" not in run.err


def test_on_github_the_markdown_is_appended_to_the_job_summary(
    cli: Cli, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    two_instances(cli)
    summary = tmp_path / "summary.md"
    summary.write_text("earlier step\n")
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    run = cli("plan")
    assert run.code == 0
    comment = cli("plan", "--markdown").out
    assert summary.read_text() == "earlier step\n" + comment + comment
    cli("plan", "--no-annotations")
    assert summary.read_text().count(MARKER) == 2  # --no-annotations: no summary either


def test_gitlab_report_counts_create_update_delete(cli: Cli) -> None:
    two_instances(cli)
    run = cli("plan", "--gitlab-report", "report.json")
    assert run.code == 0, run.err
    assert json.loads((cli.directory / "report.json").read_text()) == {
        "create": 2,
        "update": 0,
        "delete": 0,
    }
    bad = cli("plan", "--gitlab-report", "missing/dir/report.json")
    assert bad.code == 1 and "could not write missing/dir/report.json" in bad.err


def test_agents_emails_are_masked_unless_asked_for(cli: Cli) -> None:
    config(
        cli.directory,
        instance_yaml("a", 1)
        + "    agents:\n      chen.li:\n        display_name: Chen Li\n"
        + "        email: chen.li@example.com\n        role: Agent\n",
    )
    masked = cli("plan", "--markdown")
    assert masked.code == 0, masked.err
    assert "chen.li@example.com" not in masked.out and "c***@example.com" in masked.out
    shown = cli("plan", "--markdown", "--show-personal-data")
    assert "chen.li@example.com" in shown.out


def test_on_github_configuration_errors_are_annotations(
    cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    config(cli.directory, *(instance_yaml(f"i{n}", n, colour="red") for n in range(11)))
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    run = cli("validate")
    assert run.code == 4
    errors = [line for line in run.err.splitlines() if line.startswith("::error ")]
    assert len(errors) == 10
    assert errors[0].startswith("::error file=cccform.yaml,line=")
    assert "title=cccform configuration error::instances.i0.colour: unknown field" in errors[0]
    assert "::notice title=cccform::1 more configuration errors not annotated" in run.err
    for command in (["plan"], ["apply", "--auto-approve"]):
        assert cli(*command).err.count("::error ") == 10
    for command in (["validate"], ["plan"], ["apply", "--auto-approve"]):
        assert "::error" not in cli(*command, "--no-annotations").err


def test_annotations_mask_emails_too(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    agent = (
        "    agents:\n      chen.li:\n        display_name: Chen Li\n"
        "        email: {email}\n        role: Agent\n"
    )
    config(cli.directory, instance_yaml("a", 1) + agent.format(email="chen.li@example.com"))
    assert cli("apply", "--auto-approve").code == 0
    config(cli.directory, instance_yaml("a", 1) + agent.format(email="chen@example.org"))
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    run = cli("plan")
    assert run.code == 3, run.err
    (annotation,) = [line for line in run.err.splitlines() if line.startswith("::error ")]
    assert "chen.li@example.com" not in annotation and "c***@example.com" in annotation
    shown = cli("plan", "--show-personal-data")
    assert "chen.li@example.com" in next(
        line for line in shown.err.splitlines() if line.startswith("::error ")
    )


def test_configuration_error_annotations_mask_a_quoted_mobile(
    cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    agent = (
        "    agents:\n      chen.li:\n        display_name: Chen Li\n"
        "        email: chen.li@example.com\n        mobile: '1380000000x'\n"
    )
    config(cli.directory, instance_yaml("a", 1) + agent)
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    run = cli("validate")
    assert run.code == 4
    (annotation,) = [line for line in run.err.splitlines() if line.startswith("::error ")]
    assert "1380000000x" not in annotation and "'***'" in annotation
    assert "1380000000x" in run.err  # the terminal is the user's own
