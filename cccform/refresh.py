"""Reading what exists, before planning: the only part of planning that does I/O.

One paginated List per kind and instance, through the kinds' readers; never a Get per object.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from cccform.addresses import ResourceType
from cccform.errors import CccformError
from cccform.kinds import kind_of
from cccform.live import LiveContents, LiveInventory
from cccform.providers.base import Provider
from cccform.providers.ccc import CccProvider
from cccform.wire import Caller

Wanted = dict[str, frozenset[ResourceType]]
"""Which kinds to read in which instances (by instance id)."""
Job = tuple[str, ResourceType]
Found = dict[Job, dict[str, Any]]
log = logging.getLogger("cccform.api")


def refresh(provider: Provider) -> LiveInventory:
    """Every instance of the account."""
    return LiveInventory({live.instance_id: live for live in provider.list_instances()})


def refresh_all(
    provider: CccProvider,
    ahead: Wanted,
    wanted: Callable[[LiveInventory], Wanted],
    parallelism: int = 10,
) -> LiveInventory:
    """Every instance, then the contents `wanted` asks for once they are listed.

    The contents known `ahead` (in the instances the state manages) are read while the
    instances are listed, so that they do not wait for its last page; what the listing then
    asks for and was not read ahead, or whose early read failed (an instance gone, say), is
    read after it, where its errors count.
    """
    with ThreadPoolExecutor(1, "cccform-ahead") as side:
        early = side.submit(_read, provider, _jobs(ahead), parallelism, tolerant=True)
        inventory = refresh(provider)
    return refresh_contents(provider, inventory, wanted(inventory), parallelism, early.result())


def refresh_contents(
    caller: Caller,
    inventory: LiveInventory,
    wanted: Wanted,
    parallelism: int = 10,
    read_ahead: Found | None = None,
) -> LiveInventory:
    """Read the asked kinds of the asked instances: one paginated List per kind and instance,
    but for what `read_ahead` holds already."""
    jobs = _jobs(wanted)
    if not jobs:
        return inventory
    ahead = read_ahead or {}
    found = {job: ahead[job] for job in jobs if job in ahead}
    found.update(_read(caller, [job for job in jobs if job not in ahead], parallelism))
    by_instance: dict[str, dict[ResourceType, dict[str, Any]]] = {i: {} for i in wanted}
    for (instance_id, kind), objects in found.items():
        by_instance[instance_id][kind] = objects
    contents = {instance_id: LiveContents(kinds) for instance_id, kinds in by_instance.items()}
    return LiveInventory(inventory.instances, {**inventory.contents, **contents})


def _jobs(wanted: Wanted) -> list[Job]:
    return [
        (instance_id, kind)
        for instance_id, kinds in sorted(wanted.items())
        for kind in sorted(kinds)
    ]


def _read(caller: Caller, jobs: list[Job], parallelism: int, *, tolerant: bool = False) -> Found:
    """One List per job, `parallelism` at once; with `tolerant`, a failed one is left out."""
    if not jobs:
        return {}

    def read(job: Job) -> tuple[Job, dict[str, Any] | None]:
        instance_id, kind = job
        try:
            return job, kind_of(kind).read(caller, instance_id)
        except CccformError as error:
            if not tolerant:
                raise
            log.debug(
                "reading %s of %s ahead failed (%s); read again later", kind, instance_id, error
            )
            return job, None

    with ThreadPoolExecutor(max(1, min(parallelism, len(jobs))), "cccform-refresh") as pool:
        return {job: objects for job, objects in pool.map(read, jobs) if objects is not None}
