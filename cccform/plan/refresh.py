"""Reading what exists, before planning: the only part of planning that does I/O."""

from __future__ import annotations

from dataclasses import dataclass, field

from cccform.providers.base import RELEASED, LiveInstance, Provider


@dataclass(frozen=True)
class LiveInventory:
    """Every live instance of the account, by instance id (= access path)."""

    instances: dict[str, LiveInstance] = field(default_factory=dict)

    def get(self, instance_id: str) -> LiveInstance | None:
        found = self.instances.get(instance_id)
        if found is None or found.status == RELEASED:
            return None
        return found


def refresh(provider: Provider) -> LiveInventory:
    """One paginated List per kind; never a Get per object."""
    return LiveInventory({live.instance_id: live for live in provider.list_instances()})
