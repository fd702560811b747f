"""Reading what exists, before planning: the only part of planning that does I/O.

One paginated List per kind and instance, through the kinds' readers; never a Get per object.
Progress goes to a `RefreshObserver`; a set `cancel` event stops it: no new List starts, the
ones in flight finish, and `RefreshInterrupted` ends the run.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from itertools import islice
from threading import Event
from typing import Any, Protocol

from cccform.addresses import ResourceType
from cccform.errors import CccformError, RefreshInterrupted
from cccform.kinds import kind_of
from cccform.live import LiveContents, LiveInventory
from cccform.providers.base import Provider
from cccform.providers.ccc import CccProvider
from cccform.wire import Caller

# How often a waiting refresh looks at its cancel event.
CANCEL_CHECK_SECONDS = 0.1

Wanted = dict[str, frozenset[ResourceType]]
"""Which kinds to read in which instances (by instance id)."""
Job = tuple[str, ResourceType]
Found = dict[Job, dict[str, Any]]
log = logging.getLogger("cccform.api")


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


def refresh_all(
    provider: CccProvider,
    ahead: Wanted,
    wanted: Callable[[LiveInventory], Wanted],
    parallelism: int = 10,
    *,
    observer: RefreshObserver | None = None,
    cancel: Event | None = None,
) -> LiveInventory:
    """Every instance, then the contents `wanted` asks for once they are listed.

    The contents known `ahead` (in the instances the state manages) are read while the
    instances are listed, so that they do not wait for its last page; what the listing then
    asks for and was not read ahead, or whose early read failed (an instance gone, say), is
    read after it, where its errors count.
    """
    cancel = cancel or Event()
    with ThreadPoolExecutor(1, "cccform-ahead") as side:
        early = side.submit(
            _read, provider, _jobs(ahead), parallelism, tolerant=True, cancel=cancel
        )
        inventory = refresh(provider)
    return refresh_contents(
        provider,
        inventory,
        wanted(inventory),
        parallelism,
        early.result(),
        observer=observer,
        cancel=cancel,
    )


def refresh_contents(
    caller: Caller,
    inventory: LiveInventory,
    wanted: Wanted,
    parallelism: int = 10,
    read_ahead: Found | None = None,
    *,
    observer: RefreshObserver | None = None,
    cancel: Event | None = None,
    instance_read: Callable[[str, LiveContents], None] | None = None,
) -> LiveInventory:
    """Read the asked kinds of the asked instances: one paginated List per kind and instance,
    but for what `read_ahead` holds already. `instance_read` hears of each instance once
    all its kinds are read (from the calling thread)."""
    observer = observer or QuietRefresh()
    cancel = cancel or Event()
    instances = len(inventory.instances)
    jobs = _jobs(wanted)
    _stop_if(cancel)
    observer.refreshing(instances, 0, len(jobs))
    if not jobs:
        observer.refreshed(instances, 0)
        return inventory
    ahead = read_ahead or {}
    found = {job: ahead[job] for job in jobs if job in ahead}
    left = [job for job in jobs if job not in ahead]
    if found:  # read while the instances were listed
        observer.refreshing(instances, len(found), len(jobs))

    by_instance: dict[str, dict[ResourceType, dict[str, Any]]] = {i: {} for i in wanted}
    kinds_left = {instance_id: len(kinds) for instance_id, kinds in wanted.items()}
    done = len(found)

    def finished(job: Job, objects: dict[str, Any]) -> None:
        nonlocal done
        instance_id, kind = job
        by_instance[instance_id][kind] = objects
        kinds_left[instance_id] -= 1
        if job not in ahead:
            done += 1
            observer.refreshing(instances, done, len(jobs))
        if instance_read is not None and not kinds_left[instance_id]:
            instance_read(instance_id, LiveContents(by_instance[instance_id]))

    for job, objects in found.items():
        finished(job, objects)
    _read(caller, left, parallelism, cancel=cancel, finished=finished)
    observer.refreshed(instances, len(jobs))
    contents = {instance_id: LiveContents(kinds) for instance_id, kinds in by_instance.items()}
    return LiveInventory(inventory.instances, {**inventory.contents, **contents})


def _jobs(wanted: Wanted) -> list[Job]:
    return [
        (instance_id, kind)
        for instance_id, kinds in sorted(wanted.items())
        for kind in sorted(kinds)
    ]


def _read(
    caller: Caller,
    jobs: list[Job],
    parallelism: int,
    *,
    tolerant: bool = False,
    cancel: Event | None = None,
    finished: Callable[[Job, dict[str, Any]], None] | None = None,
) -> Found:
    """One List per job, `parallelism` at once; with `tolerant`, a failed one is left out.

    A set `cancel` stops it: what has not started never will, the Lists in flight finish,
    and `RefreshInterrupted` is raised (ignored by a tolerant read ahead, whose results are
    not needed then)."""
    if not jobs:
        return {}
    cancel = cancel or Event()

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

    found: Found = {}
    waiting = iter(jobs)
    workers = max(1, min(parallelism, len(jobs)))
    pool = ThreadPoolExecutor(workers, "cccform-refresh")
    try:
        # At most `workers` Lists submitted at a time, the next one as one ends: waiting on
        # a few futures costs little, waiting on thousands at every answer adds up.
        pending: set[Future[tuple[Job, dict[str, Any] | None]]] = {
            pool.submit(read, job) for job in islice(waiting, workers)
        }
        while pending:
            done, pending = wait(pending, CANCEL_CHECK_SECONDS, FIRST_COMPLETED)
            for future in done:
                job, objects = future.result()
                if objects is not None:
                    found[job] = objects
                    if finished is not None:
                        finished(job, objects)
            if cancel.is_set():
                if tolerant:
                    return found
                _stop_if(cancel)
            pending.update(pool.submit(read, job) for job in islice(waiting, len(done)))
    finally:
        # Stopped (a signal, a failed List): what has not started never will; the Lists in
        # flight finish.
        pool.shutdown(wait=True, cancel_futures=True)
    # In job order, whatever order the Lists finished in.
    return {job: found[job] for job in jobs if job in found}


def _stop_if(cancel: Event) -> None:
    if cancel.is_set():
        raise RefreshInterrupted("interrupted during the refresh: nothing was planned or changed")
