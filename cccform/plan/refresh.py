"""Reading what exists, before planning: the only part of planning that does I/O."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from cccform.plan.models import ResourceType
from cccform.providers.agents import list_agents
from cccform.providers.base import RELEASED, Caller, LiveContents, LiveInstance, Provider
from cccform.providers.flows import list_flows
from cccform.providers.numbers import list_numbers
from cccform.providers.skill_groups import list_skill_groups


@dataclass(frozen=True)
class LiveInventory:
    """Every live instance of the account, by instance id (= access path), and the contents
    read for some of them."""

    instances: dict[str, LiveInstance] = field(default_factory=dict)
    contents: dict[str, LiveContents] = field(default_factory=dict)

    def get(self, instance_id: str) -> LiveInstance | None:
        found = self.instances.get(instance_id)
        if found is None or found.status == RELEASED:
            return None
        return found


_READERS: dict[ResourceType, tuple[str, Callable[[Caller, str], dict[str, Any]]]] = {
    ResourceType.SKILL_GROUP: ("skill_groups", list_skill_groups),
    ResourceType.AGENT: ("agents", list_agents),
    ResourceType.FLOW: ("flows", list_flows),
    ResourceType.NUMBER: ("numbers", list_numbers),
}


def refresh(provider: Provider) -> LiveInventory:
    """One paginated List per kind; never a Get per object."""
    return LiveInventory({live.instance_id: live for live in provider.list_instances()})


def refresh_contents(
    caller: Caller,
    inventory: LiveInventory,
    wanted: dict[str, frozenset[ResourceType]],
    parallelism: int = 10,
) -> LiveInventory:
    """Read the asked kinds of the asked instances: one paginated List per kind and instance."""
    jobs = [
        (instance_id, kind)
        for instance_id, kinds in sorted(wanted.items())
        for kind in sorted(kinds)
    ]
    contents: dict[str, LiveContents] = {instance_id: LiveContents() for instance_id in wanted}
    if not jobs:
        return inventory

    def read(job: tuple[str, ResourceType]) -> tuple[str, str, dict[str, Any]]:
        instance_id, kind = job
        attribute, reader = _READERS[kind]
        return instance_id, attribute, reader(caller, instance_id)

    with ThreadPoolExecutor(max(1, min(parallelism, len(jobs))), "cccform-refresh") as pool:
        for instance_id, attribute, found in pool.map(read, jobs):
            setattr(contents[instance_id], attribute, found)
    return LiveInventory(inventory.instances, {**inventory.contents, **contents})
