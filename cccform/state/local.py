"""The local state store: one JSON file, written atomically, its previous version kept.

Files, all mode 0600 and all in the state file's directory:

- `<file>`: the state, replaced atomically (temp file, fsync, rename, fsync directory);
- `<file>.backup`: the version the last write replaced;
- `<file>.lock`: the lock (see `cccform.state.lock`);
- `<file>.errored`: a state an apply could not save (see `cccform.state.errored`).

A missing `<file>` is a new state, unless `<file>.backup` or `<file>.errored` exists: then
the state was lost, and reading it is refused with how to restore it.

Take the lock before reading, and keep it until the last write: the store trusts the
lock for mutual exclusion, and as a second line of defence refuses to write over a
file that changed on disk since it was read.

Nothing here logs or quotes state content: a state may hold secrets.
"""

from __future__ import annotations

import contextlib
import errno
import gc
import logging
import os
import shlex
from collections.abc import Iterator
from contextlib import AbstractContextManager
from pathlib import Path

from cccform import files
from cccform.errors import StateError
from cccform.state import fileformat
from cccform.state.errored import ERRORED_SUFFIX
from cccform.state.lock import LockInfo, LockWaiter, StateLock
from cccform.state.models import State

logger = logging.getLogger(__name__)
MAX_STATE_BYTES = 64 * 1024 * 1024
"""The largest state file cccform reads: what a mistaken path (a device, a dump) is refused at."""
# Temporary files of the state, its backup and its errored copy (see cccform.files).
TEMP_TAGS = ("", ".backup", ".errored")

_FileIdentity = tuple[int, int, int, int]
_NO_HARD_LINKS = frozenset(
    {errno.EPERM, errno.EXDEV, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EMLINK, errno.ENOSYS}
)


class LocalStateStore:
    """The state in one local JSON file, with its backup and lock beside it."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.backup_path = self.path.with_name(self.path.name + ".backup")
        self.lock_path = self.path.with_name(self.path.name + ".lock")
        self.errored_path = self.path.with_name(self.path.name + ERRORED_SUFFIX)
        self._persisted: State | None = None
        self._identity: _FileIdentity | None = None
        self._held: StateLock | None = None

    def lock(
        self, operation: str, timeout: float = 0.0, waiting: LockWaiter | None = None
    ) -> AbstractContextManager[LockInfo]:
        """A context manager holding this state's lock for `operation` (e.g. "apply"); while
        it waits for it, `waiting` hears who holds it.

        While it is held, each write first checks that the lock file is still the one locked.
        """
        return self._holding(StateLock(self.lock_path), operation, timeout, waiting)

    @contextlib.contextmanager
    def _holding(
        self, lock: StateLock, operation: str, timeout: float, waiting: LockWaiter | None
    ) -> Iterator[LockInfo]:
        with lock.held(operation, timeout, waiting) as info:
            self._held = lock
            # No write of ours is in progress while we hold the lock: what an interrupted
            # one left behind can go.
            for stray in files.remove_stray_temps(self.path, TEMP_TAGS):
                logger.info("removed %s, left by an interrupted state write", stray)
            try:
                yield info
            finally:
                self._held = None

    def read(self) -> State:
        """The state on disk, or a fresh one (new lineage, serial 0) when there is no file.

        The caller gets its own copy: changing it does not change the store's snapshot.
        """
        data, identity = self._read_bytes()
        if data is None:
            state = State()
            self._persisted, self._identity = State(lineage=state.lineage), None
            return state
        source, recovery = str(self.path), self._recovery_advice()
        with _collector_paused():
            snapshot = fileformat.parse(data, source, recovery)
            state = fileformat.parse(data, source, recovery)
        self._persisted, self._identity = snapshot, identity
        return state

    def write(self, state: State) -> State:
        """Persist `state` if its content changed, as serial = persisted serial + 1.

        Returns the persisted copy (sharing nothing with `state`), or `state` itself when
        nothing changed. Refuses a state of another lineage, and a file changed on disk
        since it was read.
        """
        persisted = self._baseline(state)
        with _collector_paused():
            return self._persist_if_changed(state, persisted)

    def _persist_if_changed(self, state: State, persisted: State) -> State:
        if state.lineage != persisted.lineage:
            raise StateError(
                f"refusing to write a state of lineage {state.lineage} over {self.path}, "
                f"which holds lineage {persisted.lineage}: they are different states. "
                "Check that the command uses the right state file."
            )
        if persisted.content_equal(state):
            return state
        self._check_unchanged_on_disk(persisted)
        document = fileformat.to_document(
            state.model_copy(
                update={
                    "serial": persisted.serial + 1,
                    "format_version": fileformat.CURRENT_FORMAT_VERSION,
                }
            )
        )
        data = fileformat.encode(document)
        # Two copies that share nothing with `state` nor with each other, so that no
        # later in-place change can alter the snapshot that decides what changed.
        written = State.model_validate(document)
        self._persist(data)
        self._persisted = State.model_validate_json(data)
        logger.debug("wrote state %s at serial %d", self.path, written.serial)
        return written

    def _baseline(self, state: State) -> State:
        if self._persisted is None:
            self.read()
            if self._identity is None:  # no file yet: the first write founds the lineage
                self._persisted = State(lineage=state.lineage)
        assert self._persisted is not None
        return self._persisted

    def _read_bytes(self) -> tuple[bytes | None, _FileIdentity | None]:
        try:
            data, status = files.read_regular_file(
                self.path, MAX_STATE_BYTES, follow_symlinks=False
            )
        except FileNotFoundError:
            self._refuse_if_rescue_exists()
            return None, None
        except files.NotRegularFileError as exc:
            raise StateError(
                f"could not read the state file {self.path}: {exc.strerror}. cccform reads "
                "and replaces the state as a regular file: point state.path at one."
            ) from None
        except files.FileTooLargeError as exc:
            raise StateError(
                f"could not read the state file {self.path}: {exc.strerror} ({exc.size} "
                "bytes), the most cccform reads as a state. Check that state.path names a "
                "cccform state."
            ) from None
        except OSError as exc:
            raise StateError(f"could not read the state file {self.path}: {exc.strerror}.") from exc
        return data, _identity(status)

    def _refuse_if_rescue_exists(self) -> None:
        """No state file, but a copy of one beside it: the state was lost, not never made.

        Starting a new lineage would make the next plan create everything again, and its
        first write would replace the backup: refuse, and say how to restore or start over.
        """
        for rescue in (self.errored_path, self.backup_path):
            if os.path.lexists(rescue):
                copy, state = shlex.quote(str(rescue)), shlex.quote(str(self.path))
                raise StateError(
                    f"the state file {self.path} does not exist, but {rescue} does: the state "
                    f"was lost or moved. To restore it (check that it is what you expect): "
                    f"cp {copy} {state}. To start a new, empty state on purpose, move "
                    f"{rescue} away first (mv {copy} {shlex.quote(str(rescue) + '.old')})."
                )

    def _recovery_advice(self) -> str:
        if self.backup_path.exists():
            return (
                f"Restore the previous version from {self.backup_path} (check that it is "
                "what you expect), or repair the file by hand."
            )
        return "Restore it from your own copy of the file, or repair it by hand."

    def _check_unchanged_on_disk(self, persisted: State) -> None:
        try:
            current = _identity(os.stat(self.path))
        except FileNotFoundError:
            current = None
        except OSError as exc:
            raise StateError(
                f"could not check the state file {self.path}: {exc.strerror}."
            ) from exc
        if current != self._identity:
            raise StateError(
                f"{self.path} changed on disk since this run read it at serial "
                f"{persisted.serial}: another run may have written it without the lock. "
                "Nothing was written; run the command again."
            )

    def _persist(self, data: bytes) -> None:
        if self._held is not None:
            self._held.verify()
        backup = self._save_backup if self._identity is not None else None
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            files.write_private_file(self.path, data, before_replace=backup)
        except files.DirectoryNotSyncedError as exc:
            self._identity = _identity(os.stat(self.path))
            raise StateError(
                f"wrote {self.path}, but could not flush its directory to disk: "
                f"{exc.strerror}. A power loss now could undo the write."
            ) from exc
        except OSError as exc:
            raise StateError(
                f"could not write the state to {self.path}: {exc.strerror or exc}. The file "
                "was not changed."
            ) from exc
        self._identity = _identity(os.stat(self.path))

    def _save_backup(self) -> None:
        temp = files.temp_path_beside(self.path, ".backup")
        try:
            _link_or_copy(self.path, temp)
            os.replace(temp, self.backup_path)
        except BaseException:
            with contextlib.suppress(OSError):
                temp.unlink()
            raise


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector around work that allocates many acyclic objects.

    A large state is hundreds of thousands of small dicts; without this, collections
    triggered by the allocations take about 40% of a write (measured: 65 ms -> 38 ms
    for 10,000 resources). Nothing here creates reference cycles.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _identity(stat: os.stat_result) -> _FileIdentity:
    return (stat.st_dev, stat.st_ino, stat.st_size, stat.st_mtime_ns)


def _link_or_copy(source: Path, target: Path) -> None:
    """Make `target` a 0600 copy of `source`: a hard link where the file system allows one."""
    try:
        os.link(source, target)
    except OSError as exc:
        if exc.errno not in _NO_HARD_LINKS:
            raise
        files.create_private_file(target, source.read_bytes())
        return
    # The link shares the old state's inode, which is about to become only the backup.
    os.chmod(target, 0o600)
