"""Reading what exists, before planning: the only part of planning that does I/O.

One paginated List per kind and instance, through the kinds' readers; never a Get per object.
Progress goes to a `RefreshObserver`; a set `cancel` event stops it: no new List starts, the
ones in flight finish, and `RefreshInterrupted` ends the run.
"""

from __future__ import annotations

from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from threading import Event
from typing import Any, Protocol

from cccform.addresses import ResourceType
from cccform.errors import RefreshInterrupted
from cccform.kinds import kind_of
from cccform.live import LiveContents, LiveInventory
from cccform.providers.base import Provider
from cccform.wire import Caller

# How often a waiting refresh looks at its cancel event.
CANCEL_CHECK_SECONDS = 0.1


class RefreshObserver(Protocol):
    """Told how the refresh goes: instances listed, and Lists read of all to read."""

    def refreshing(self, instances: int, read: int, total: int) -> None: ...

    def refreshed(self, instances: int, read: int) -> None: ...


class QuietRefresh:
    """An observer that shows nothing."""

    def refreshing(self, instances: int, read: int, total: int) -> None:
        del instances, read, total

    def refreshed(self, instances: int, read: int) -> None:
        del instances, read


def refresh(provider: Provider) -> LiveInventory:
    """Every instance of the account."""
    return LiveInventory({live.instance_id: live for live in provider.list_instances()})


def refresh_contents(
    caller: Caller,
    inventory: LiveInventory,
    wanted: dict[str, frozenset[ResourceType]],
    parallelism: int = 10,
    *,
    observer: RefreshObserver | None = None,
    cancel: Event | None = None,
) -> LiveInventory:
    """Read the asked kinds of the asked instances: one paginated List per kind and instance."""
    observer = observer or QuietRefresh()
    cancel = cancel or Event()
    instances = len(inventory.instances)
    jobs = [
        (instance_id, kind)
        for instance_id, kinds in sorted(wanted.items())
        for kind in sorted(kinds)
    ]
    _stop_if(cancel)
    observer.refreshing(instances, 0, len(jobs))
    if not jobs:
        observer.refreshed(instances, 0)
        return inventory
    found: dict[str, dict[ResourceType, dict[str, Any]]] = {i: {} for i in wanted}

    def read(job: tuple[str, ResourceType]) -> tuple[str, ResourceType, dict[str, Any]]:
        instance_id, kind = job
        return instance_id, kind, kind_of(kind).read(caller, instance_id)

    pool = ThreadPoolExecutor(max(1, min(parallelism, len(jobs))), "cccform-refresh")
    try:
        pending: set[Future[tuple[str, ResourceType, dict[str, Any]]]] = {
            pool.submit(read, job) for job in jobs
        }
        while pending:
            done, pending = wait(pending, CANCEL_CHECK_SECONDS, FIRST_COMPLETED)
            for future in done:
                instance_id, kind, objects = future.result()
                found[instance_id][kind] = objects
            if done:
                observer.refreshing(instances, len(jobs) - len(pending), len(jobs))
            _stop_if(cancel)
    finally:
        # Stopped (a signal, a failed List): what has not started never will; the Lists in
        # flight finish.
        pool.shutdown(wait=True, cancel_futures=True)
    observer.refreshed(instances, len(jobs))
    contents = {instance_id: LiveContents(by_kind) for instance_id, by_kind in found.items()}
    return LiveInventory(inventory.instances, {**inventory.contents, **contents})


def _stop_if(cancel: Event) -> None:
    if cancel.is_set():
        raise RefreshInterrupted("interrupted during the refresh: nothing was planned or changed")
