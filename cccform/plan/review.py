"""The review policy: may this plan be carried out? Pure; the asking is the caller's."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from cccform.plan import messages
from cccform.plan.models import Change, Plan, Rejection, RejectionKind


class Verdict(StrEnum):
    """Where a plan stands after review."""

    REJECTED = "rejected"  # the plan holds rejections: nothing is done
    NO_CHANGES = "no_changes"
    CHANGES = "changes"  # changes to make, not yet reviewed for apply (`cccform plan`)
    DELETE_NOT_ALLOWED = "delete_not_allowed"  # deletions nobody approved: rejected too
    CANCELLED = "cancelled"  # the person asked said no
    APPROVED = "approved"

    @property
    def rejected(self) -> bool:
        """True for the verdicts that reject the plan (exit 3)."""
        return self in (Verdict.REJECTED, Verdict.DELETE_NOT_ALLOWED)


@dataclass(frozen=True)
class Review:
    """The verdict, and the plan as reviewed (with the refusals of deletions added)."""

    plan: Plan
    verdict: Verdict


def standing(plan: Plan) -> Verdict:
    """REJECTED, NO_CHANGES or CHANGES: what the plan says by itself."""
    if plan.errors:
        return Verdict.REJECTED
    if not plan.has_changes:
        return Verdict.NO_CHANGES
    return Verdict.CHANGES


def review(
    plan: Plan, *, ask: Callable[[Plan], bool] | None = None, allow_delete: bool = False
) -> Review:
    """Decide whether to apply `plan`.

    `ask` asks a person (None: nobody is asked, as with `--auto-approve` or a saved plan).
    A deletion needs either that person's approval or `allow_delete`.
    """
    verdict = standing(plan)
    if verdict is not Verdict.CHANGES:
        return Review(plan, verdict)
    if plan.deletions and ask is None and not allow_delete:
        refused = plan.model_copy(update={"errors": [not_allowed(c) for c in plan.deletions]})
        return Review(refused, Verdict.DELETE_NOT_ALLOWED)
    if ask is not None and not ask(plan):
        return Review(plan, Verdict.CANCELLED)
    return Review(plan, Verdict.APPROVED)


def not_allowed(change: Change) -> Rejection:
    """The rejection of a deletion that was not allowed."""
    access_path = None
    if change.address.is_instance:
        access_path = str((change.before or {}).get("access_path", change.remote_id))
    message, hint = messages.delete_not_allowed(access_path)
    return Rejection(
        address=change.address,
        field="instance",
        kind=RejectionKind.DELETE_NOT_ALLOWED,
        message=message,
        hint=hint,
    )
