"""From plan changes to steps: what the applier runs, and in which order.

Most changes are one step each; a kind may batch some of its changes into one step (the
agents of an instance: see `cccform.kinds.agent`). A change taking part in several steps is
done when all of them are.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from cccform.addresses import ResourceType
from cccform.kinds import kind_of
from cccform.kinds.base import ADOPT_STEP, INSTANCE_STEP, Part, StepKind, StepShare
from cccform.plan.models import Action, Change


@dataclass
class Step:
    key: str
    kind: StepKind
    resource_type: ResourceType
    parts: list[tuple[Change, Part]]
    depends_on: set[str] = field(default_factory=set)

    @property
    def changes(self) -> list[Change]:
        return [change for change, _ in self.parts]


@dataclass(frozen=True)
class StepResult:
    """What a step's calls left: the ids of what they created (by address), and whether the
    applier must wait for the control plane (an instance's creation or deletion)."""

    created: dict[str, str] = field(default_factory=dict)
    wait: bool = False
    adopted: bool = False  # waiting for an instance an earlier apply may have created


def shares_of(change: Change) -> list[StepShare]:
    if change.address.is_instance:
        return [StepShare(change.key, INSTANCE_STEP)]
    if change.action is Action.ADOPT:
        return [StepShare(change.key, ADOPT_STEP)]
    return kind_of(change.resource_type).steps(change)


def build_steps(changes: list[Change]) -> list[Step]:
    steps: dict[str, Step] = {}
    carriers: dict[str, set[str]] = {}  # change key -> the steps carrying it
    for change in changes:
        for share in shares_of(change):
            step = steps.setdefault(
                share.key, Step(share.key, share.kind, change.resource_type, [])
            )
            step.parts.append((change, share.part))
            carriers.setdefault(change.key, set()).add(share.key)
    for step in steps.values():
        for change in step.changes:
            for dependency in change.depends_on:
                step.depends_on |= carriers.get(dependency, set()) - {step.key}
    return list(steps.values())


__all__ = ["ADOPT_STEP", "INSTANCE_STEP", "Part", "Step", "StepKind", "StepResult", "build_steps"]
