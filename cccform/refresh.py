"""Reading what exists, before planning: the only part of planning that does I/O.

One paginated List per kind and instance, through the kinds' readers; never a Get per object.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from typing import Any

from cccform.addresses import ResourceType
from cccform.kinds import kind_of
from cccform.live import LiveContents, LiveInventory
from cccform.providers.base import Provider
from cccform.wire import Caller


def refresh(provider: Provider) -> LiveInventory:
    """Every instance of the account."""
    return LiveInventory({live.instance_id: live for live in provider.list_instances()})


def refresh_contents(
    caller: Caller,
    inventory: LiveInventory,
    wanted: dict[str, frozenset[ResourceType]],
    parallelism: int = 10,
    progress: Callable[[str, LiveContents], None] | None = None,
) -> LiveInventory:
    """Read the asked kinds of the asked instances: one paginated List per kind and instance,
    in parallel across instances and kinds. `progress` hears of each instance once all its
    kinds are read (from the calling thread)."""
    jobs = [
        (instance_id, kind)
        for instance_id, kinds in sorted(wanted.items())
        for kind in sorted(kinds)
    ]
    if not jobs:
        return inventory
    found: dict[str, dict[ResourceType, dict[str, Any]]] = {i: {} for i in wanted}

    def read(job: tuple[str, ResourceType]) -> tuple[str, ResourceType, dict[str, Any]]:
        instance_id, kind = job
        return instance_id, kind, kind_of(kind).read(caller, instance_id)

    left = {instance_id: len(kinds) for instance_id, kinds in wanted.items()}
    with ThreadPoolExecutor(max(1, min(parallelism, len(jobs))), "cccform-refresh") as pool:
        for future in as_completed([pool.submit(read, job) for job in jobs]):
            instance_id, kind, objects = future.result()
            found[instance_id][kind] = objects
            left[instance_id] -= 1
            if progress is not None and not left[instance_id]:
                progress(instance_id, LiveContents(found[instance_id]))
    contents = {instance_id: LiveContents(by_kind) for instance_id, by_kind in found.items()}
    return LiveInventory(inventory.instances, {**inventory.contents, **contents})
