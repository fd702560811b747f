"""`cccform force-unlock LOCK_ID`: end a run that holds the state lock and hangs."""

from __future__ import annotations

from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from cccform.errors import StateError
from cccform.run import backend_of
from cccform.state.lock import LockInfo


@dataclass(frozen=True)
class Unlocking:
    """Who holds the lock `LOCK_ID` names, where, and what force-unlocking does to it."""

    where: str
    holder: LockInfo
    effect: str


def examine(path: Path, lock_id: str) -> Unlocking:
    """What force-unlocking `lock_id` would do; StateError when no run holds that lock, or
    when the backend cannot do it."""
    with closing(backend_of(path)) as store:
        holder = store.holder()
        if holder is None or holder.id != lock_id:
            now = f"it is held by {holder.describe()}" if holder else "nobody holds it"
            raise StateError(
                f"no run holds the lock of {store.describe()} with id {lock_id} ({now}). "
                "Nothing was changed; the lock id is in the message of the run it blocked."
            )
        return Unlocking(store.describe(), holder, store.force_unlock_effect(holder))


def force_unlock(path: Path, lock_id: str) -> Unlocking:
    """End the run holding `lock_id`: its lock is free afterwards."""
    with closing(backend_of(path)) as store:
        holder = store.force_unlock(lock_id)
        return Unlocking(store.describe(), holder, store.force_unlock_effect(holder))
