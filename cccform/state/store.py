"""What the engine needs from a state backend, and what a run needs around it."""

from __future__ import annotations

from contextlib import AbstractContextManager
from pathlib import Path
from typing import Protocol

from cccform.state.lock import LockInfo, LockWaiter
from cccform.state.models import HistoryEntry, State


class StateStore(Protocol):
    """What the apply reads and writes, and where it rescues a state it cannot write."""

    def read(self) -> State: ...

    def write(self, state: State) -> State:
        """Persist `state` if its content changed; return the persisted copy (serial bumped)."""
        ...

    @property
    def rescue_path(self) -> Path:
        """The path whose `.errored` sibling takes a state that could not be written."""
        ...

    def restore_command(self, rescued: Path) -> str:
        """The command that puts a rescued state back once the cause is fixed."""
        ...


class StateBackend(StateStore, Protocol):
    """A store with its lock: what `cccform.state.backends.open_backend` gives a run."""

    def lock(
        self, operation: str, timeout: float = 0.0, on_wait: LockWaiter | None = None
    ) -> AbstractContextManager[LockInfo]:
        """Hold the state's lock for `operation`, waiting up to `timeout` seconds (`on_wait`
        hears once whom it waits for); StateLockedError names another holder."""
        ...

    def exists(self) -> bool:
        """Whether a state has been written (False: a read gives a fresh state)."""
        ...

    def replace(self, state: State) -> State:
        """Persist `state` even when its lineage differs (a push), at `next_serial`."""
        ...

    def history(self) -> list[HistoryEntry]:
        """The versions kept, newest first (empty: no state yet)."""
        ...

    def read_serial(self, serial: int) -> State:
        """The state as it was at `serial`; StateError when that serial is not kept."""
        ...

    def describe(self) -> str:
        """Where the state is, for messages ("the state file ...")."""
        ...

    def holder(self) -> LockInfo | None:
        """Who holds the lock now, as its holder recorded it (None: nobody that says so)."""
        ...

    def force_unlock_effect(self, holder: LockInfo) -> str:
        """What `force_unlock` does to `holder`, and what it needs; StateError where the
        backend cannot do it."""
        ...

    def force_unlock(self, lock_id: str) -> LockInfo:
        """End the run holding the lock `lock_id`, freeing the lock; returns who it was."""
        ...

    def close(self) -> None:
        """Let go of what the store holds open (a connection); the lock must be released."""
        ...


def next_serial(persisted: State, state: State, *, replacing: bool) -> int:
    """The serial a write of `state` over `persisted` takes: the next one; a replacement
    (`state push`) keeps its own serial when that is higher, so a moved state keeps it."""
    following = persisted.serial + 1
    return max(following, state.serial) if replacing else following
