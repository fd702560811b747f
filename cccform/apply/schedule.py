"""From plan changes to steps: what the applier runs, and in which order.

Most changes are one step each. Two kinds are batched: the skill-level changes of all agents
of an instance make one membership step (a few batch calls instead of one call per agent), and
the agents an instance loses are removed with one RemoveUsers step. An agent whose profile and
skills both change takes part in two steps; its change is done when both are.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from cccform.plan.models import Action, Change, ResourceType

PROFILE_FIELDS = ("display_name", "mobile", "role", "work_mode")


class Part(StrEnum):
    """Which share of a change a step carries out."""

    WHOLE = "whole"
    PROFILE = "profile"
    SKILLS = "skills"


@dataclass
class Step:
    key: str
    kind: str
    parts: list[tuple[Change, Part]]
    depends_on: set[str] = field(default_factory=set)

    @property
    def changes(self) -> list[Change]:
        return [change for change, _ in self.parts]


def build_steps(changes: list[Change]) -> list[Step]:
    steps: dict[str, Step] = {}
    carriers: dict[str, set[str]] = {}  # change key -> the steps carrying it

    def add(key: str, kind: str, change: Change, part: Part) -> None:
        step = steps.setdefault(key, Step(key, kind, []))
        step.parts.append((change, part))
        carriers.setdefault(change.key, set()).add(key)

    for change in changes:
        instance = change.instance or ""
        if change.resource_type is not ResourceType.AGENT:
            add(change.key, change.resource_type.value, change, Part.WHOLE)
        elif change.action is Action.DELETE:
            add(f"instance.{instance}:remove_agents", "agent_removal", change, Part.WHOLE)
        elif change.action is Action.CREATE:
            add(change.key, "agent", change, Part.WHOLE)
        else:
            profile = any(f in change.changed_fields for f in PROFILE_FIELDS) or change.resume
            if profile:
                add(change.key, "agent", change, Part.PROFILE)
            if "skills" in change.changed_fields:
                add(f"instance.{instance}:memberships", "memberships", change, Part.SKILLS)
    for step in steps.values():
        for change in step.changes:
            for dependency in change.depends_on:
                step.depends_on |= carriers.get(dependency, set()) - {step.key}
    return list(steps.values())
