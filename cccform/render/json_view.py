"""The versioned JSON form of plans and apply results. The human view is rendered from it."""

from __future__ import annotations

from typing import Any

from cccform.apply.result import ApplyResult, StepStatus
from cccform.plan.models import Plan


def plan_document(plan: Plan) -> dict[str, Any]:
    """`plan --json`: design.md's contract plus a few added fields."""
    body = plan.model_dump(mode="json")
    return {
        "format_version": body["format_version"],
        "changes": body["changes"],
        "errors": body["errors"],
        "forget": body["forget"],
        "impacts": body["impacts"],
        "notes": body["notes"],
        "summary": plan.summary(),
        "prior_state": body["prior_state"],
    }


def apply_output(plan: Plan, result: ApplyResult | None) -> dict[str, Any]:
    """`apply --json`: the plan as reviewed, and what apply did (None: it did not run)."""
    return {
        "plan": plan_document(plan),
        "apply": None if result is None else apply_document(plan, result),
    }


def apply_document(plan: Plan, result: ApplyResult) -> dict[str, Any]:
    """`apply --json`: what happened to every step."""
    steps = [
        {
            "address": outcome.change.address,
            "action": outcome.change.action.value,
            "status": outcome.status.value,
            "message": outcome.message,
            "elapsed_seconds": round(outcome.elapsed, 3),
        }
        for outcome in result.outcomes
    ]
    counts = {status.value: len(result.with_status(status)) for status in StepStatus}
    return {
        "format_version": plan.format_version,
        "complete": result.complete,
        "interrupted": result.interrupted,
        "steps": steps,
        "forgotten": result.forgotten,
        "summary": {
            "done": {action.value: n for action, n in result.done_counts().items()},
            "steps": counts,
        },
    }
