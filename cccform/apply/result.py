"""ApplyResult: what happened to each step."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from cccform.plan.models import Action, Change


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


@dataclass
class ApplyResult:
    """The outcome of every step, and whether the run was interrupted."""

    outcomes: list[StepOutcome] = field(default_factory=list)
    interrupted: bool = False
    forgotten: list[str] = field(default_factory=list)

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
