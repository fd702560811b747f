"""GitHub workflow commands and GitLab's report."""

from __future__ import annotations

import json

from cccform.render.ci_reports import (
    ANNOTATIONS_PER_KIND,
    Annotation,
    gitlab_report,
    workflow_commands,
)


def test_at_most_ten_per_kind_then_one_notice() -> None:
    lines = workflow_commands("rejections", [Annotation(f"e{n}") for n in range(13)])
    assert len(lines) == ANNOTATIONS_PER_KIND + 1
    assert lines[:2] == ["::error::e0", "::error::e1"]
    assert lines[-1].startswith("::notice title=cccform::3 more rejections not annotated")
    assert len(workflow_commands("x", [Annotation("e")] * ANNOTATIONS_PER_KIND)) == 10


def test_data_and_properties_are_escaped() -> None:
    item = Annotation("100% sure\r\nnext", file="a,b:c.yaml", line=3, column=7, title="t")
    (line,) = workflow_commands("x", [item])
    assert line == "::error file=a%2Cb%3Ac.yaml,line=3,col=7,title=t::100%25 sure%0D%0Anext"


def test_gitlab_counts_only_create_update_delete() -> None:
    summary = {"create": 1, "update": 2, "delete": 3, "enable_qa": 4, "move": 5, "forget": 6}
    assert json.loads(gitlab_report({"summary": summary})) == {
        "create": 1,
        "update": 2,
        "delete": 3,
    }
