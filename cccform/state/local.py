"""The local state store: one JSON file, written atomically, its previous version kept.

Files, all mode 0600 and all in the state file's directory:

- `<file>`: the state, replaced atomically (temp file, fsync, rename, fsync directory);
- `<file>.backup`: the version the last write replaced;
- `<file>.journal`: while the lock is held, the saves since `<file>` was last written whole,
  one line each (see `cccform.state.journal`); folded into `<file>` when the lock is
  released, and whenever it grows past the size of `<file>`;
- `<file>.lock`: the lock (see `cccform.state.lock`);
- `<file>.errored`: a state an apply could not save (see `cccform.state.errored`).

A missing `<file>` is a new state, unless `<file>.backup`, `<file>.errored` or
`<file>.journal` exists: then the state was lost, and reading it is refused with how to
restore it. Reading the state is reading `<file>` and replaying its journal.

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
import stat
from collections.abc import Iterator
from contextlib import AbstractContextManager
from datetime import UTC, datetime
from pathlib import Path

from cccform import files
from cccform.errors import StateError
from cccform.printable import printable
from cccform.state import changes, fileformat, journal
from cccform.state.errored import ERRORED_SUFFIX
from cccform.state.lock import LockInfo, LockWaiter, StateLock, read_holder
from cccform.state.models import HistoryEntry, State
from cccform.state.store import next_serial
from cccform.timestamps import utc_text

logger = logging.getLogger(__name__)
MAX_STATE_BYTES = 64 * 1024 * 1024
"""The largest state file cccform reads: what a mistaken path (a device, a dump) is refused at."""
# Temporary files of the state, its backup and its errored copy (see cccform.files). The
# journal has none: it is only appended to, and a journal a crash left is folded into the
# file (then removed) by the next run that holds the lock and reads the state.
TEMP_TAGS = ("", ".backup", ".errored")
COMPACT_MIN_BYTES = 64 * 1024
"""The journal is folded into the state file once it is larger than this and than the file."""
_READ_ATTEMPTS = 3

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
        self.journal_path = self.path.with_name(self.path.name + journal.JOURNAL_SUFFIX)
        self._persisted: State | None = None
        self._identity: _FileIdentity | None = None
        self._journal_identity: _FileIdentity | None = None
        # Saves append to the journal only when this store knows all of it: after it wrote
        # the file whole (which removes the journal), never onto a journal left by a crash.
        self._journal_open = False
        self._journalled = 0
        self._full_size = 0
        self._held: StateLock | None = None

    @property
    def rescue_path(self) -> Path:
        return self.path

    def restore_command(self, rescued: Path) -> str:
        return f"cp {rescued} {self.path}"

    def exists(self) -> bool:
        return self.path.exists()

    def describe(self) -> str:
        return f"the state file {self.path}"

    def close(self) -> None:
        """Nothing stays open between calls."""

    def holder(self) -> LockInfo | None:
        return read_holder(self.lock_path)

    def force_unlock_effect(self, holder: LockInfo) -> str:
        raise StateError(
            f"the lock of {self.describe()} is held by the process itself ({holder.describe()}): "
            "the kernel releases it when that process ends, and cccform cannot take it away "
            f"while it runs. Stop that process (for example: kill {holder.pid} on "
            f"{printable(holder.host)}); its lock goes with it."
        )

    def force_unlock(self, lock_id: str) -> LockInfo:
        holder = self.holder()
        if holder is None or holder.id != lock_id:
            raise StateError(f"no run holds the lock of {self.describe()} with id {lock_id}.")
        raise StateError(self.force_unlock_effect(holder))

    def lock(
        self, operation: str, timeout: float = 0.0, on_wait: LockWaiter | None = None
    ) -> AbstractContextManager[LockInfo]:
        """A context manager holding this state's lock for `operation` (e.g. "apply").

        While it is held, each write first checks that the lock file is still the one locked.
        """
        return self._holding(StateLock(self.lock_path), operation, timeout, on_wait)

    @contextlib.contextmanager
    def _holding(
        self, lock: StateLock, operation: str, timeout: float, on_wait: LockWaiter | None
    ) -> Iterator[LockInfo]:
        with lock.held(operation, timeout, on_wait) as info:
            self._held = lock
            # No write of ours is in progress while we hold the lock: what an interrupted
            # one left behind can go.
            for stray in files.remove_stray_temps(self.path, TEMP_TAGS):
                logger.info("removed %s, left by an interrupted state write", stray)
            try:
                yield info
            finally:
                try:
                    self._compact_at_release()
                finally:
                    self._held = None

    def read(self) -> State:
        """The state on disk, or a fresh one (new lineage, serial 0) when there is no file.

        The caller gets its own copy: changing it does not change the store's snapshot.
        """
        _check_is_a_backup(self.backup_path, self.path)
        data, identity, log, log_identity = self._read_consistent()
        self._journal_open, self._journalled = log is None, 0
        if data is None:
            state = State()
            self._persisted, self._identity = State(lineage=state.lineage), None
            self._journal_identity = None
            return state
        with _collector_paused():
            snapshot = self._parse(data, log)
            state = self._parse(data, log)
        self._persisted, self._identity = snapshot, identity
        self._journal_identity, self._full_size = log_identity, len(data)
        return state

    def _parse(self, data: bytes, log: bytes | None) -> State:
        source, recovery = str(self.path), self._recovery_advice()
        state = fileformat.parse(data, source, recovery)
        if log is not None:
            where, advice = str(self.journal_path), self._journal_advice()
            if journal.replay(state, journal.read(log, where, advice), where, advice):
                fileformat.check(state, where, advice)
        return state

    def _read_consistent(
        self,
    ) -> tuple[bytes | None, _FileIdentity | None, bytes | None, _FileIdentity | None]:
        """The file and its journal as of one moment: a lock-free reader retries when the
        file was replaced (its journal folded into it) between the two reads."""
        for _ in range(_READ_ATTEMPTS):
            data, identity = self._read_bytes()
            log, log_identity = self._read_journal()
            if data is None or self._current_identity() == identity:
                break
        return data, identity, log, log_identity

    def _read_journal(self) -> tuple[bytes | None, _FileIdentity | None]:
        try:
            data, status = files.read_regular_file(
                self.journal_path, MAX_STATE_BYTES, follow_symlinks=False
            )
        except FileNotFoundError:
            return None, None
        except files.NotRegularFileError as exc:
            raise StateError(
                f"could not read the state journal {self.journal_path}: {exc.strerror}. "
                "cccform writes it as a regular file: move what is there away."
            ) from None
        except files.FileTooLargeError as exc:
            raise StateError(
                f"could not read the state journal {self.journal_path}: {exc.strerror} "
                f"({exc.size} bytes). {self._journal_advice()}"
            ) from None
        except OSError as exc:
            raise StateError(
                f"could not read the state journal {self.journal_path}: {exc.strerror}."
            ) from exc
        return data, _identity(status)

    def _journal_now(self) -> _FileIdentity | None:
        try:
            return _identity(os.lstat(self.journal_path))
        except FileNotFoundError:
            return None

    def _current_identity(self) -> _FileIdentity | None:
        try:
            return _identity(os.stat(self.path))
        except FileNotFoundError:
            return None

    def write(self, state: State) -> State:
        """Persist `state` if its content changed, as serial = persisted serial + 1.

        Returns the persisted copy, or `state` itself when nothing changed. A whole write's
        copy shares nothing with `state`; a journal save's (under the lock) has containers of
        its own but `state`'s entries. Either way the store's snapshot, which decides what
        the next save changes, shares nothing with either. Refuses a state of another
        lineage, and a file (or journal) changed on disk since it was read.
        """
        persisted = self._baseline(state)
        with _collector_paused():
            return self._persist_if_changed(state, persisted)

    def replace(self, state: State) -> State:
        """Persist `state` as the next serial, whatever the lineage of the file it replaces."""
        persisted = self._baseline(state)
        with _collector_paused():
            return self._persist_if_changed(state, persisted, replacing=True)

    def history(self) -> list[HistoryEntry]:
        """The two versions a local state keeps: the file and its backup."""
        return [self._entry(state, mtime) for state, mtime in self._kept()]

    def read_serial(self, serial: int) -> State:
        for state, _ in self._kept():
            if state.serial == serial:
                return state
        raise StateError(
            f"serial {serial} is not kept in {self.path}: a local state keeps only its current "
            "version and the one before it (the backup). See cccform state history."
        )

    def _kept(self) -> Iterator[tuple[State, float]]:
        data, identity, log, log_identity = self._read_consistent()
        if data is not None and identity is not None:
            changed = log_identity[3] if log_identity is not None else 0
            yield self._parse(data, log), max(identity[3], changed) / 1e9
        try:
            data, mtime = self.backup_path.read_bytes(), self.backup_path.stat().st_mtime
        except FileNotFoundError:
            return
        except OSError as exc:
            raise StateError(f"could not read {self.backup_path}: {exc.strerror}.") from exc
        yield fileformat.parse(data, str(self.backup_path)), mtime

    @staticmethod
    def _entry(state: State, mtime: float) -> HistoryEntry:
        return HistoryEntry(
            serial=state.serial,
            lineage=state.lineage,
            recorded_at=utc_text(datetime.fromtimestamp(mtime, UTC)),
            resources=len(state.resources),
            pending=len(state.pending),
        )

    def _persist_if_changed(
        self, state: State, persisted: State, *, replacing: bool = False
    ) -> State:
        same_lineage = state.lineage == persisted.lineage
        if not same_lineage and not replacing:
            raise StateError(
                f"refusing to write a state of lineage {state.lineage} over {self.path}, "
                f"which holds lineage {persisted.lineage}: they are different states. "
                "Check that the command uses the right state file."
            )
        if same_lineage and not replacing and self._journal_allowed(state, persisted):
            with _collector_paused():
                return self._append(state, persisted)
        if same_lineage and persisted.content_equal(state):
            return state
        self._check_unchanged_on_disk(persisted)
        document = fileformat.to_document(
            state.model_copy(
                update={
                    "serial": next_serial(persisted, state, replacing=replacing),
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

    def _journal_allowed(self, state: State, persisted: State) -> bool:
        """Whether this save may be a journal line: under the lock, over a file this store
        read or wrote whole, with only resources and intents changing."""
        return (
            self._held is not None
            and self._journal_open
            and self._identity is not None
            and state.binding == persisted.binding
        )

    def _append(self, state: State, persisted: State) -> State:
        save = changes.changes(persisted, state)
        if not save:
            return state
        self._check_unchanged_on_disk(persisted)
        assert self._held is not None
        self._held.verify()
        serial = persisted.serial + 1
        line = journal.encode(persisted.lineage, serial, save)
        try:
            status = journal.append(self.journal_path, line)
        except OSError as exc:
            # A line may be half written: the next save writes the file whole instead.
            self._journal_open = False
            with contextlib.suppress(OSError):
                self._journal_identity = self._journal_now()
            raise StateError(
                f"could not save the state to {self.journal_path}: {exc.strerror or exc}. "
                f"{self.path} and the saves before this one are unchanged."
            ) from exc
        self._journal_identity, self._journalled = _identity(status), self._journalled + len(line)
        changes.apply_changes(persisted, save)
        persisted.serial = serial
        logger.debug("saved state %s at serial %d in its journal", self.path, serial)
        if self._journalled > max(self._full_size, COMPACT_MIN_BYTES):
            self._compact(persisted)
        # The store's snapshot shares nothing with the argument; the copy returned keeps the
        # argument's entries (copying them all would cost what the journal saves).
        return state.model_copy(
            update={
                "serial": serial,
                "format_version": fileformat.CURRENT_FORMAT_VERSION,
                "resources": dict(state.resources),
                "pending": dict(state.pending),
            }
        )

    def _compact(self, persisted: State) -> None:
        """Write the state whole (with its backup, as any write), then drop the journal."""
        self._check_unchanged_on_disk(persisted)
        with _collector_paused():
            self._persist(fileformat.serialise(persisted))
        logger.debug("folded the journal into %s at serial %d", self.path, persisted.serial)

    def _compact_at_release(self) -> None:
        """The run ends: leave the state whole in its file. Should this fail, the journal
        still holds every save, and readers replay it."""
        persisted = self._persisted
        if persisted is None or self._identity is None or self._journal_identity is None:
            return
        try:
            self._compact(persisted)
        except StateError as exc:
            logger.warning("could not fold the journal into the state file: %s", exc)

    def _drop_journal(self) -> None:
        """After the file was written whole: every line of the journal is in it."""
        self._journal_identity, self._journalled = None, 0
        try:
            self.journal_path.unlink()
        except FileNotFoundError:
            self._journal_open = True
            return
        except OSError as exc:
            self._journal_open = False
            logger.warning("could not remove %s: %s", self.journal_path, exc.strerror)
            return
        self._journal_open = True
        with contextlib.suppress(OSError):
            files.fsync_directory(self.path.parent)

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
        if os.path.lexists(self.journal_path):
            journal_file = shlex.quote(str(self.journal_path))
            raise StateError(
                f"the state file {self.path} does not exist, but its journal "
                f"{self.journal_path} does: the state was lost or moved, and the journal "
                "holds only the saves made since the file was last written. Put the state "
                f"file back (from {self.backup_path} or your own copy, if it has the same "
                "lineage the journal replays onto it). To start a new, empty state on "
                f"purpose, move the journal away first (mv {journal_file} "
                f"{shlex.quote(str(self.journal_path) + '.old')})."
            )
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

    def _journal_advice(self) -> str:
        return (
            f"Repair it by hand, or move it away to use {self.path} as it is: the saves it "
            "records are then lost, and what they recorded (objects created, intents to "
            "create) is unknown to the next plan, which may try to create it again."
        )

    def _check_unchanged_on_disk(self, persisted: State) -> None:
        try:
            current, log = self._current_identity(), self._journal_now()
        except OSError as exc:
            raise StateError(
                f"could not check the state file {self.path}: {exc.strerror}."
            ) from exc
        if current != self._identity or log != self._journal_identity:
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
        self._identity, self._full_size = _identity(os.stat(self.path)), len(data)
        self._drop_journal()

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


BACKUP_SNIFF_BYTES = 4096
"""How much of an existing `.backup` is read to tell that it is a cccform state."""


def _check_is_a_backup(backup: Path, state: Path) -> None:
    """Refuse a state path whose backup name is an existing file that is not a cccform state.

    Each write replaces `<state>.backup`: with `state: {path: notes}`, a `notes.backup` of
    someone else's would be lost. A state file starts with its sorted top-level keys, and
    `lineage` is among the first of them.
    """
    try:
        found = os.lstat(backup)
    except FileNotFoundError:
        return
    except OSError as exc:
        raise StateError(f"could not check {backup}: {exc.strerror}.") from exc
    head = b""
    if stat.S_ISREG(found.st_mode):
        with contextlib.suppress(OSError), open(backup, "rb") as stream:
            head = stream.read(BACKUP_SNIFF_BYTES)
    if head.lstrip().startswith(b"{") and b'"lineage"' in head:
        return
    raise StateError(
        f"{backup} exists and is not a cccform state, but cccform keeps the previous version "
        f"of {state} under that name and would replace it. Move that file away, or choose "
        "another state path (state: {path: ...}) in the configuration."
    )


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
