"""Views: exact lines for progress, results, state and diagnostics; colour only on request."""

from __future__ import annotations

import io

from cccform.apply.result import ApplyResult, StepOutcome, StepStatus
from cccform.diagnostics import Diagnostic, SourceLocation
from cccform.plan.models import Action, Change, Plan, PriorState
from cccform.render.apply_view import ProgressPrinter, render_result
from cccform.render.diagnostics_view import render_diagnostics
from cccform.render.json_plan import json_apply, plan_document
from cccform.render.plan_view import render_plan, summary_line
from cccform.render.state_view import (
    render_addresses,
    render_pending,
    render_pending_note,
    render_state,
)
from cccform.render.style import Style
from cccform.state.models import PendingCreate, ResourceState, State

CREATE = Change(
    address="instance.a", action=Action.CREATE, remote_id="acme-a", after={"name": "Center A"}
)
QA = Change(
    address="instance.a",
    action=Action.ENABLE_QA,
    remote_id="acme-a",
    before={"conversation_analysis": False},
    after={"conversation_analysis": True},
    changed_fields=["conversation_analysis"],
    depends_on=["instance.a:create"],
)
PLAN = Plan(changes=[CREATE, QA], prior_state=PriorState(lineage="L", serial=0, existed=False))


def test_progress_lines() -> None:
    out = io.StringIO()
    printer = ProgressPrinter(out, Style())
    printer.step_started(CREATE)
    printer.step_waiting(CREATE, 10.2)
    printer.step_finished(CREATE, 31.0)
    printer.step_failed(QA, "boom")
    printer.step_skipped(QA, "because")
    assert out.getvalue() == (
        "instance.a: Creating...\n"
        "instance.a: still creating... [10s elapsed]\n"
        "instance.a: Creation complete after 31s [id=acme-a]\n"
        "instance.a: enable_qa failed: boom\n"
        "instance.a: enable_qa skipped: because\n"
    )


def test_result_complete_partial_and_interrupted() -> None:
    done = ApplyResult([StepOutcome(CREATE, StepStatus.DONE), StepOutcome(QA, StepStatus.DONE)])
    assert render_result(done, Style()) == (
        "\nApply complete! Resources: 1 created, 0 updated, 0 deleted, 1 QA enabled.\n"
    )
    partial = ApplyResult(
        [
            StepOutcome(CREATE, StepStatus.FAILED, "409"),
            StepOutcome(QA, StepStatus.SKIPPED, "depends"),
        ]
    )
    text = render_result(partial, Style())
    assert (
        "Apply partly done: 0 created, 0 updated, 0 deleted, 0 QA enabled; 1 failed, "
        "1 skipped. State is saved.\n" in text
    )
    assert "  failed: instance.a (create): 409\n" in text
    stopped = ApplyResult(
        [
            StepOutcome(CREATE, StepStatus.DONE),
            StepOutcome(QA, StepStatus.NOT_STARTED, "not started"),
        ],
        interrupted=True,
    )
    assert "Interrupted. Done: 1 created" in render_result(stopped, Style())


def test_apply_document_counts() -> None:
    result = ApplyResult(
        [StepOutcome(CREATE, StepStatus.DONE), StepOutcome(QA, StepStatus.FAILED, "x")]
    )
    doc = json_apply(result)
    assert doc["complete"] is False
    assert doc["summary"]["done"]["create"] == 1 and doc["summary"]["steps"]["failed"] == 1


def test_plan_legend_lists_only_used_symbols_and_colour_is_optional() -> None:
    doc = plan_document(PLAN)
    plain = render_plan(doc, Style(color=False))
    assert "  + create\n  * enable conversation analysis (QA)\n\n" in plain
    assert "~ update" not in plain and "\x1b[" not in plain
    assert "\x1b[32m+\x1b[0m" in render_plan(doc, Style(color=True))
    assert summary_line(doc["summary"]) == (
        "Plan: 1 to create, 0 to update, 0 to delete, 1 to enable QA."
    )


def test_state_views() -> None:
    state = State(
        resources={
            "instance.b": ResourceState(remote_id="b", attributes={"x": 1}),
            "instance.a": ResourceState(remote_id="a", attributes={}),
        },
        pending={
            "instance.c": PendingCreate(
                access_path="c", name="Center C", recorded_at="2026-01-01T00:00:00Z", sent=True
            ),
            "instance.d": PendingCreate(
                access_path="d", name="Center D", recorded_at="2026-01-01T00:00:00Z"
            ),
        },
    )
    assert render_addresses(state) == "instance.a\ninstance.b\n"
    text = render_state(state)
    assert text.index("# instance.a:") < text.index("# instance.b:")
    assert "# instance.c: creation started 2026-01-01T00:00:00Z" in text
    assert (
        "# instance.d: creation recorded 2026-01-01T00:00:00Z but never sent (access path 'd'); "
        "the next apply starts it\n"
    ) in text
    assert render_state(State()) == "The state is empty: nothing is managed yet.\n"
    assert render_pending_note(state) == (
        "2 creations not confirmed yet (cccform state show ADDRESS tells more):\n"
        "  instance.c: creation started 2026-01-01T00:00:00Z (access path 'c'); the next apply "
        "finishes it\n"
        "  instance.d: creation recorded 2026-01-01T00:00:00Z but never sent (access path 'd'); "
        "the next apply starts it\n"
    )
    assert render_pending_note(State()) == ""
    assert render_pending("instance.c", state.pending["instance.c"]) == (
        "# instance.c: creation started 2026-01-01T00:00:00Z (access path 'c'); the next apply "
        "finishes it\n"
        '  access_path   = "c"\n'
        '  name          = "Center C"\n'
        "  phone_numbers = null\n"
        "  sent          = true\n"
        '  recorded_at   = "2026-01-01T00:00:00Z"\n'
    )


def test_diagnostics_view() -> None:
    diagnostic = Diagnostic(
        "bad",
        SourceLocation("a.yaml", 3, 5),
        ("instances", "a", "name"),
        "fix it",
        (SourceLocation("b.yaml", 1, 1),),
    )
    assert render_diagnostics([diagnostic], Style()) == (
        "a.yaml:3:5: error: instances.a.name: bad\n"
        "  (see also b.yaml:1:1)\n"
        "  hint: fix it\n"
        "1 configuration error; nothing was contacted or written.\n"
    )
