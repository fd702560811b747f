"""The review policy: rejections, no changes, deletions and forgets nobody approved, a
person's answer."""

from __future__ import annotations

from cccform.plan.models import (
    Action,
    Change,
    Forget,
    Plan,
    PriorState,
    Rejection,
    RejectionKind,
)
from cccform.plan.review import Verdict, review, standing

PRIOR = PriorState(lineage="L", serial=1, existed=True)
DELETE = Change(
    address="instance.a",
    action=Action.DELETE,
    remote_id="acme-a",
    before={"access_path": "acme-a"},
)
UPDATE = Change(address="instance.b", action=Action.UPDATE, remote_id="acme-b", after={})
REJECTION = Rejection(
    address="instance.b", field="name", kind=RejectionKind.IMMUTABLE, message="m", hint="h"
)


def test_rejected_and_unchanged_plans_are_not_asked_about() -> None:
    asked: list[Plan] = []

    def ask(plan: Plan) -> bool:
        asked.append(plan)
        return True

    rejected = Plan(changes=[UPDATE], errors=[REJECTION], prior_state=PRIOR)
    assert review(rejected, ask=ask).verdict is Verdict.REJECTED
    assert review(Plan(prior_state=PRIOR), ask=ask).verdict is Verdict.NO_CHANGES
    assert asked == []
    assert standing(Plan(changes=[UPDATE], prior_state=PRIOR)) is Verdict.CHANGES


def test_deletions_need_a_person_or_allow_delete() -> None:
    plan = Plan(changes=[DELETE, UPDATE], prior_state=PRIOR)
    refused = review(plan)
    assert refused.verdict is Verdict.DELETE_NOT_ALLOWED and refused.verdict.rejected
    (error,) = refused.plan.errors
    assert (str(error.address), error.field, error.kind) == (
        "instance.a",
        "instance",
        RejectionKind.DELETE_NOT_ALLOWED,
    )
    assert "access path acme-a" in error.message
    assert review(plan, allow_delete=True).verdict is Verdict.APPROVED
    assert review(plan, ask=lambda _: True).verdict is Verdict.APPROVED
    assert review(plan, ask=lambda _: False).verdict is Verdict.CANCELLED


def test_forgetting_needs_a_person_or_allow_forget() -> None:
    gone = Forget(address="instance.c", remote_id="acme-c")
    plan = Plan(changes=[UPDATE], forget=[gone], prior_state=PRIOR)
    refused = review(plan)
    assert refused.verdict is Verdict.FORGET_NOT_ALLOWED and refused.verdict.rejected
    (error,) = refused.plan.errors
    assert (str(error.address), error.field, error.kind) == (
        "instance.c",
        "state",
        RejectionKind.FORGET_NOT_ALLOWED,
    )
    assert "(acme-c: deleted outside cccform)" in error.message
    assert "--allow-forget" in error.hint
    assert review(plan, allow_forget=True).verdict is Verdict.APPROVED
    assert review(plan, allow_delete=True).verdict is Verdict.FORGET_NOT_ALLOWED
    assert review(plan, ask=lambda _: True).verdict is Verdict.APPROVED


def test_both_unapproved_are_refused_together() -> None:
    gone = Forget(address="instance.c", remote_id="acme-c")
    refused = review(Plan(changes=[DELETE], forget=[gone], prior_state=PRIOR))
    assert refused.verdict is Verdict.DELETE_NOT_ALLOWED
    kinds = [e.kind for e in refused.plan.errors]
    assert kinds == [RejectionKind.DELETE_NOT_ALLOWED, RejectionKind.FORGET_NOT_ALLOWED]
    partly = review(Plan(changes=[DELETE], forget=[gone], prior_state=PRIOR), allow_delete=True)
    assert partly.verdict is Verdict.FORGET_NOT_ALLOWED
