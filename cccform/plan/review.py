"""The review policy: may this plan be carried out? Pure; the asking is the caller's."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from cccform.addresses import Address
from cccform.plan import messages
from cccform.plan.models import Change, Forget, Plan, Rejection, RejectionKind


class Verdict(StrEnum):
    """Where a plan stands after review."""

    REJECTED = "rejected"  # the plan holds rejections: nothing is done
    NO_CHANGES = "no_changes"
    CHANGES = "changes"  # changes to make, not yet reviewed for apply (`cccform plan`)
    DELETE_NOT_ALLOWED = "delete_not_allowed"  # deletions nobody approved: rejected too
    FORGET_NOT_ALLOWED = "forget_not_allowed"  # forgetting nobody approved: rejected too
    CANCELLED = "cancelled"  # the person asked said no
    APPROVED = "approved"

    @property
    def rejected(self) -> bool:
        """True for the verdicts that reject the plan (exit 3)."""
        return self is Verdict.REJECTED or self.unapproved

    @property
    def unapproved(self) -> bool:
        """True when the plan needed an approval nobody gave (a deletion, a forget)."""
        return self in (Verdict.DELETE_NOT_ALLOWED, Verdict.FORGET_NOT_ALLOWED)


@dataclass(frozen=True)
class Review:
    """The verdict, and the plan as reviewed (with the refusals of deletions and forgets added)."""

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
    plan: Plan,
    *,
    ask: Callable[[Plan], bool] | None = None,
    allow_delete: bool = False,
    allow_forget: bool = False,
) -> Review:
    """Decide whether to apply `plan`.

    `ask` asks a person (None: nobody is asked, as with `--auto-approve` or a saved plan).
    A deletion needs either that person's approval or `allow_delete`; dropping objects
    from the state (`plan.forget`) needs that approval or `allow_forget`.
    """
    verdict = standing(plan)
    if verdict is not Verdict.CHANGES:
        return Review(plan, verdict)
    if ask is None:
        deletions = [] if allow_delete else [not_allowed(c) for c in plan.deletions]
        forgets = [] if allow_forget else [forget_not_allowed(f) for f in plan.forget]
        if deletions or forgets:
            refused = plan.model_copy(update={"errors": deletions + forgets})
            unapproved = Verdict.DELETE_NOT_ALLOWED if deletions else Verdict.FORGET_NOT_ALLOWED
            return Review(refused, unapproved)
    if ask is not None and not ask(plan):
        return Review(plan, Verdict.CANCELLED)
    return Review(plan, Verdict.APPROVED)


def not_allowed(change: Change) -> Rejection:
    """The rejection of a deletion that was not allowed."""
    access_path = None
    if change.address.is_instance:
        access_path = str((change.before or {}).get("access_path", change.remote_id))
    said = messages.delete_not_allowed(access_path)
    return _unapproved(change.address, "instance", RejectionKind.DELETE_NOT_ALLOWED, said)


def forget_not_allowed(entry: Forget) -> Rejection:
    """The rejection of dropping `entry` from the state when that was not allowed."""
    said = messages.forget_not_allowed(entry.remote_id, entry.reason)
    return _unapproved(entry.address, "state", RejectionKind.FORGET_NOT_ALLOWED, said)


def _unapproved(
    address: Address, field: str, kind: RejectionKind, said: tuple[str, str]
) -> Rejection:
    message, hint = said
    return Rejection(address=address, field=field, kind=kind, message=message, hint=hint)
