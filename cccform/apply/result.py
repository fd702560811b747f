"""ApplyResult: what happened to each step."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from cccform.addresses import Address
from cccform.kinds import kind_of
from cccform.plan.models import Action, Change, Plan


class StepStatus(StrEnum):
    DONE = "done"
    FAILED = "failed"
    MANUAL = "manual"
    SKIPPED = "skipped"
    INTERRUPTED = "interrupted"
    NOT_STARTED = "not_started"


@dataclass(frozen=True)
class StepOutcome:
    change: Change
    status: StepStatus
    message: str | None = None
    elapsed: float = 0.0


@dataclass(frozen=True)
class DeletedWith:
    """What a deleted instance took with it: the managed objects deleted with it, and the
    numbers that stop answering."""

    address: str
    contents: list[str]
    phone_numbers: list[str]


@dataclass
class ApplyResult:
    """The outcome of every step, and whether the run was interrupted."""

    outcomes: list[StepOutcome] = field(default_factory=list)
    interrupted: bool = False
    forgotten: list[str] = field(default_factory=list)
    moved: list[str] = field(default_factory=list)  # instance keys renamed in the state
    refreshed: list[str] = field(default_factory=list)  # recorded as changed outside cccform
    deleted_with: list[DeletedWith] = field(default_factory=list)  # instances deleted

    def with_status(self, status: StepStatus) -> list[StepOutcome]:
        return [o for o in self.outcomes if o.status is status]

    @property
    def complete(self) -> bool:
        return not self.interrupted and all(o.status is StepStatus.DONE for o in self.outcomes)

    def done_counts(self) -> dict[Action, int]:
        counts = dict.fromkeys(Action, 0)
        for outcome in self.with_status(StepStatus.DONE):
            counts[outcome.change.action] += 1
        return counts


def deleted_with(plan: Plan, outcomes: list[StepOutcome]) -> list[DeletedWith]:
    """For each instance deletion done, what the plan said went with it (its bound objects,
    numbers, are not deleted: they are the numbers that stop answering)."""
    done = {
        str(o.change.address)
        for o in outcomes
        if o.status is StepStatus.DONE
        and o.change.action is Action.DELETE
        and o.change.address.is_instance
    }
    return [
        DeletedWith(
            address=impact.subject,
            contents=[a for a in impact.before["contents"] if not _bound(a)],
            phone_numbers=list(impact.before["phone_numbers"]),
        )
        for impact in plan.impacts
        if impact.kind == "deleted_with_instance" and impact.subject in done
    ]


def _bound(text: str) -> bool:
    address = Address.try_parse(text)
    return address is not None and not address.is_instance and kind_of(address.kind).bound
