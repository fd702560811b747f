"""The registry of the kinds of object inside an instance. Adding a kind is one module here
(and its configuration model): the planner, the refresh and the applier loop over `KINDS`."""

from __future__ import annotations

from cccform.addresses import ResourceType
from cccform.kinds.agent import AgentKind
from cccform.kinds.base import AnyKind
from cccform.kinds.flow import FlowKind
from cccform.kinds.number import NumberKind
from cccform.kinds.skill_group import SkillGroupKind

# In the order of the plan's output within an instance (ResourceType's order).
KINDS: tuple[AnyKind, ...] = tuple(
    sorted(
        (SkillGroupKind(), FlowKind(), AgentKind(), NumberKind()),
        key=lambda kind: list(ResourceType).index(kind.resource_type),
    )
)
_BY_TYPE: dict[ResourceType, AnyKind] = {kind.resource_type: kind for kind in KINDS}


def kind_of(resource_type: ResourceType) -> AnyKind:
    """The kind that handles `resource_type` (never the instance, which is not a content kind)."""
    return _BY_TYPE[resource_type]


__all__ = ["KINDS", "kind_of"]
