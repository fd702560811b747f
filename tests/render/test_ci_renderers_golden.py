"""Golden files of the CI renderers, over every golden plan case under tests/golden/.

Each case's `plan.json` (the document the planner makes, checked by tests/plan/test_golden.py)
is rendered as the pull-request comment (`plan.md`), the GitHub workflow commands
(`annotations.txt`, only for a case with rejections) and GitLab's report
(`gitlab-report.json`). To regenerate after a deliberate change of output, run
    CCCFORM_UPDATE_GOLDEN=1 pytest tests/render/test_ci_renderers_golden.py
and review the diff before committing.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from markdown_it import MarkdownIt

from cccform.render.ci_reports import gitlab_report, rejection_annotations, workflow_commands
from cccform.render.markdown_plan import COMMENT_BUDGET, MARKER, render_markdown

GOLDEN = Path(__file__).resolve().parent.parent / "golden"
CASES = sorted(path.parent.name for path in GOLDEN.glob("*/plan.json"))
UPDATE = os.environ.get("CCCFORM_UPDATE_GOLDEN") == "1"


def document(case: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((GOLDEN / case / "plan.json").read_text("utf-8"))
    return loaded


def check(path: Path, actual: str) -> None:
    if UPDATE:
        path.write_text(actual, encoding="utf-8")
    assert path.exists(), f"missing {path}: run with CCCFORM_UPDATE_GOLDEN=1"
    assert actual == path.read_text(encoding="utf-8")


@pytest.mark.parametrize("case", CASES)
def test_markdown(case: str) -> None:
    check(GOLDEN / case / "plan.md", render_markdown(document(case)))


@pytest.mark.parametrize("case", CASES)
def test_annotations(case: str) -> None:
    doc = document(case)
    path = GOLDEN / case / "annotations.txt"
    if not doc["errors"]:
        assert not path.exists()
        return
    lines = workflow_commands("rejections", rejection_annotations(doc))
    check(path, "\n".join(lines) + "\n")


@pytest.mark.parametrize("case", CASES)
def test_gitlab_report(case: str) -> None:
    check(GOLDEN / case / "gitlab-report.json", gitlab_report(document(case)))


@pytest.mark.parametrize("case", CASES)
def test_markdown_is_commonmark_that_renders_as_intended(case: str) -> None:
    doc = document(case)
    source = render_markdown(doc)
    assert source.startswith(MARKER + "\n") and len(source) < COMMENT_BUDGET
    tokens = MarkdownIt("commonmark").parse(source)
    instances = {change["instance"] for change in doc["changes"]}
    fences = [token for token in tokens if token.type == "fence"]
    assert [token.info for token in fences] == ["diff"] * len(instances)
    html = [token.content for token in tokens if token.type == "html_block"]
    assert sum("<details>" in block for block in html) == len(instances)
    assert sum("</details>" in block for block in html) == len(instances)
    # Nothing of the plan's text became emphasis, a link or raw HTML.
    rendered = MarkdownIt("commonmark").render(source)
    for tag in ("<em>", "<a ", "<script", "<img"):
        assert tag not in rendered
    headline = next(token for token in tokens if token.type == "inline")
    assert headline.content == MARKER or headline.content.startswith("cccform plan: ")
