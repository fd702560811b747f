"""Every `cccform` command of the pipelines in docs/ci.md runs, in order, on a scratch
configuration: the examples a team copies must work as written."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from tests.cli.harness import Cli, config, instance_yaml

DOC = Path(__file__).resolve().parent.parent.parent / "docs" / "ci.md"
COMMAND = re.compile(r"^\s*(?:- run: |- )?(cccform .*)$")


def pipelines() -> dict[str, list[str]]:
    """The `cccform` command lines of each YAML block of the doc, by the heading above it."""
    found: dict[str, list[str]] = {}
    heading = ""
    in_yaml = False
    for line in DOC.read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            heading = line[3:]
        elif line.startswith("```"):
            in_yaml = line == "```yaml"
        elif in_yaml and (match := COMMAND.match(line)):
            found.setdefault(heading, []).append(match.group(1))
    return found


def test_the_doc_has_both_pipelines() -> None:
    assert set(pipelines()) == {"GitHub Actions", "GitLab CI"}


@pytest.mark.parametrize("pipeline", ["GitHub Actions", "GitLab CI"])
def test_each_command_runs(cli: Cli, monkeypatch: pytest.MonkeyPatch, pipeline: str) -> None:
    monkeypatch.setenv("GITHUB_ACTIONS", "true" if pipeline == "GitHub Actions" else "false")
    summary = cli.directory / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    config(cli.directory, instance_yaml("a", 1))
    commands = pipelines()[pipeline]
    assert commands[-1] == "cccform apply plan.out"
    for line in commands:
        words = shlex.split(line)
        target = None
        if ">" in words:
            target = cli.directory / words[words.index(">") + 1]
            words = words[: words.index(">")]
        run = cli(*words[1:])
        assert run.code == 0, f"{line}: {run.err}"
        if target is not None:
            target.write_text(run.out)
            assert run.out.startswith("<!-- cccform:plan -->")
    assert cli("plan", "--detailed-exitcode").code == 0  # applied: nothing left to do
    if pipeline == "GitLab CI":
        assert (cli.directory / "plan-report.json").read_text() == (
            '{"create": 1, "update": 0, "delete": 0}\n'
        )
    else:
        # both jobs plan once, and the check above once more: three summaries
        assert summary.read_text().count("<!-- cccform:plan -->") == 3
