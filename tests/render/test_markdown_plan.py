"""The markdown comment: size budget, escaping, personal data, headline."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from markdown_it import MarkdownIt

from cccform.render.markdown_plan import MarkdownOptions, headline, render_markdown

GOLDEN = Path(__file__).resolve().parent.parent / "golden"


def golden(case: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((GOLDEN / case / "plan.json").read_text("utf-8"))
    return loaded


def many_instances(count: int) -> dict[str, Any]:
    """The contents_update case, its changes copied into `count` instances."""
    doc = golden("contents_update")
    changes = []
    for n in range(count):
        for change in doc["changes"]:
            twin = copy.deepcopy(change)
            twin["instance"] = f"inst{n:04d}"
            twin["address"] = change["address"].replace("instance.support", f"instance.inst{n:04d}")
            changes.append(twin)
    doc["changes"] = changes
    doc["summary"]["update"] = len(changes)
    return doc


def test_headline_counts_every_action_there_is() -> None:
    summary = {"create": 2, "update": 0, "delete": 1, "enable_qa": 0, "move": 1, "forget": 3}
    assert headline(summary) == "2 to create, 1 to delete, 1 to move, 3 to forget"
    assert headline({"create": 0, "update": 0}) == "No changes"
    assert headline({"create": 1, "adopt": 2}) == "1 to create, 2 to adopt"


def test_a_large_plan_is_cut_instance_by_instance_and_says_so() -> None:
    doc = many_instances(400)
    doc["errors"] = [
        {
            "address": "instance.inst0001",
            "field": "name",
            "kind": "immutable",
            "message": "name cannot change",
            "hint": "put it back",
            "before": "a",
            "after": "b",
            "location": {"file": "a.yaml", "line": 1, "column": 1},
        }
    ]
    source = render_markdown(doc, MarkdownOptions(plan_file="plan.out"))
    assert len(source) <= 60_000
    assert "rejected, 1 error; planned: 1600 to update" in source
    assert "name cannot change" in source  # rejections are kept whole
    kept = source.count("<details>")
    assert 0 < kept < 400
    assert f"The changes of {400 - kept} of 400 instances are left out" in source
    assert "`cccform show plan.out`" in source
    whole = render_markdown(doc, MarkdownOptions(budget=10**9))
    assert whole.count("<details>") == 400


def test_lists_that_alone_pass_the_budget_are_cut_saying_how_many_more() -> None:
    doc = many_instances(3)
    doc["impacts"] = [
        {
            "instance": "inst0000",
            "kind": "routing",
            "subject": "n",
            "before": None,
            "after": None,
            "message": f"impact {n} " + "x" * 40,
        }
        for n in range(2000)
    ]
    whole = render_markdown(doc, MarkdownOptions(budget=10**9))
    assert all(f"impact {n} " in whole for n in range(2000))  # kept whole when they fit
    source = render_markdown(doc, MarkdownOptions(budget=20_000, plan_file="p.out"))
    assert len(source) <= 20_000
    assert "impact 0 " in source and "impact 1999 " not in source
    assert "... and 1900 more: run `cccform show p.out` to see them all" in source


def test_one_instance_larger_than_the_budget_is_cut_not_dropped() -> None:
    doc = many_instances(1)
    big = doc["changes"][0]
    doc["changes"] = [
        {**big, "address": f"{big['address']}{n}", "name": f"{big['name']}{n}"} for n in range(3000)
    ]
    source = render_markdown(doc)
    assert len(source) <= 60_000
    assert source.count("<details>") == 1 and source.count("</details>") == 1
    assert "more lines: run `cccform plan` to see them all" in source
    tokens = MarkdownIt("commonmark").parse(source)
    assert [token.type for token in tokens].count("fence") == 1


def test_twelve_hundred_deletions_fit_a_comment() -> None:
    doc = golden("delete_unprotected")
    (deleted,) = doc["changes"]
    doc["changes"] = [
        {**deleted, "address": f"instance.old{n}", "instance": f"old{n}"} for n in range(1200)
    ]
    assert len(render_markdown(doc)) <= 60_000


def test_text_from_the_plan_cannot_become_markup() -> None:
    doc = golden("rejected_immutable")
    doc["errors"][0]["message"] = "*bold* _it_ [link](http://x) <script>alert(1)</script> `c`"
    doc["errors"][0]["hint"] = "line one\n# not a heading"
    doc["errors"][0]["location"]["file"] = "we`ird.yaml"
    html = MarkdownIt("commonmark").render(render_markdown(doc))
    for tag in ("<em>", "<strong>bold", "<a ", "<script", "<h1>"):
        assert tag not in html
    assert "&lt;script&gt;" in html
    assert "<code>we`ird.yaml:4:18</code>" in html


def test_a_value_cannot_close_the_code_block_or_the_details() -> None:
    doc = golden("update_description")
    doc["changes"][0]["after"]["description"] = "```\n</details>\n```"
    tokens = MarkdownIt("commonmark").parse(render_markdown(doc))
    assert [token.type for token in tokens].count("fence") == 1
    html = [token.content for token in tokens if token.type == "html_block"]
    assert sum("</details>" in block for block in html) == 1


def test_personal_data_is_masked_unless_asked_for() -> None:
    doc = golden("contents_create")
    agents = [c for c in doc["changes"] if c["resource_type"] == "agent"]
    assert agents, "the case creates agents"
    email = agents[0]["after"]["email"]
    masked = render_markdown(doc)
    assert email not in masked
    assert f"{email[0]}***@{email.split('@')[1]}" in masked
    assert email in render_markdown(doc, MarkdownOptions(show_personal_data=True))
    assert golden("contents_create") == doc  # the document itself is left alone


def test_newlines_in_the_plan_cannot_close_the_fence_or_add_markup() -> None:
    doc = golden("update_description")
    doc["changes"][0]["reason"] = 'x\n```\n<img src="https://evil.example/y.png">\n# Injected'
    source = render_markdown(doc)
    tokens = MarkdownIt("commonmark").parse(source)
    assert [token.type for token in tokens].count("fence") == 1
    html = MarkdownIt("commonmark").render(source)
    assert "<img" not in html and "<h1>" not in html
    assert "\x1b" not in render_markdown(
        {
            **doc,
            "errors": [],
            "forget": [{"address": "instance.x\x1b[8m", "remote_id": "x", "reason": "gone\x1b[8m"}],
        }
    )


def test_emails_are_masked_whatever_they_are_written_in() -> None:
    doc = golden("contents_create")
    agent = next(c for c in doc["changes"] if c["resource_type"] == "agent")
    agent["after"]["email"] = "张三@例子.cn"
    assert "张三@例子.cn" not in render_markdown(doc)
    assert "张***@例子.cn" in render_markdown(doc)
