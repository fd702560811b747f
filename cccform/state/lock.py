"""The state lock: `flock` on a dedicated file beside the state, naming its holder.

Ownership is the kernel's `flock` on an open file description kept for the life of
the lock, so a holder that dies in any way (even SIGKILL) releases it. The lock file is
never replaced or deleted: doing so would let two processes lock two different inodes.
After locking, the holder writes who it is into the file; a contender reads that record
to say who holds the lock. A record whose process is gone is only a leftover: the
`flock` decides, never the file's content.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import getpass
import json
import os
import re
import socket
import stat as _stat
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError

from cccform import __version__
from cccform.errors import StateError, StateLockedError
from cccform.printable import printable
from cccform.timestamps import utc_now

FIRST_RETRY_DELAY = 0.05
MAX_RETRY_DELAY = 1.0
LockWaiter = Callable[[str, float, float], None]
"""Told, while a run waits for the lock: who holds it, seconds waited, the timeout."""
HOLDER_RECORD_GRACE = 0.25
"""How long a contender waits for a new holder to write its record before giving up on it."""

_DURATION_PART = re.compile(r"(\d+(?:\.\d+)?)(ms|s|m|h)")
_PLAIN_SECONDS = re.compile(r"\d+(?:\.\d+)?")
_UNIT_SECONDS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0}


class LockInfo(BaseModel):
    """Who holds the lock: written into the lock file by the holder, read by contenders."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    id: str
    who: str
    host: str
    pid: int
    operation: str
    since: str
    version: str

    def describe(self) -> str:
        """One line naming the holder, for error messages."""
        # The record is read from a file anyone may have written: print none of it raw.
        who, host, version = printable(self.who), printable(self.host), printable(self.version)
        operation, since, lock_id = (
            printable(self.operation),
            printable(self.since),
            printable(self.id),
        )
        return (
            f"{who}@{host} (pid {self.pid}, cccform {version}), running "
            f"'{operation}' since {since} (lock id {lock_id})"
        )


class StateLock:
    """An exclusive lock on one state, held through `lock_path`.

    Two StateLock objects exclude each other even inside one process. Not thread-safe.
    """

    def __init__(self, lock_path: Path) -> None:
        self.lock_path = Path(lock_path)
        self._fd: int | None = None
        self._info: LockInfo | None = None

    @property
    def info(self) -> LockInfo | None:
        """This lock's holder record while it is held, else None."""
        return self._info

    def acquire(
        self, operation: str, timeout: float = 0.0, waiting: LockWaiter | None = None
    ) -> LockInfo:
        """Take the lock for `operation`, waiting up to `timeout` seconds (0: do not wait).

        While it waits, `waiting` is told who holds the lock, once and then every
        `WAIT_REPORT_EVERY` seconds. Raises StateLockedError naming the holder when the lock
        stays taken, and StateError when the lock file itself cannot be used.
        """
        if not timeout >= 0:
            raise ValueError(f"lock timeout must be 0 or more seconds, not {timeout}")
        if self._fd is not None:
            raise RuntimeError(f"{self.lock_path} is already held by this StateLock")
        wait = LockWait(timeout, waiting, self._read_holder)
        while True:
            fd = self._try_lock()
            if fd is not None and not self._names_inode_of(fd):
                os.close(fd)  # the file was removed or replaced after we opened it: retry
                continue
            if fd is not None:
                return self._record_holder(fd, operation)
            if not wait.pause():
                raise StateLockedError(self._locked_message(timeout))

    def verify(self) -> None:
        """Raise StateError unless this lock is held and its path still names the locked file.

        Removing or replacing the lock file under a holder would let a second run lock a
        new file at the same path; the holder calls this before each state write and
        refuses to write when it happened.
        """
        if self._fd is None or not self._names_inode_of(self._fd):
            raise StateError(
                f"the lock file {self.lock_path} was removed or replaced while this run held "
                "it, so another run may be using the state at the same time; the state was "
                "not written. Never delete the lock file of a running cccform."
            )

    def _names_inode_of(self, fd: int) -> bool:
        try:
            named = os.lstat(self.lock_path)
        except OSError:
            return False
        held = os.fstat(fd)
        return (named.st_dev, named.st_ino) == (held.st_dev, held.st_ino)

    def release(self) -> None:
        """Clear the holder record and unlock. Does nothing when not held."""
        fd, self._fd, self._info = self._fd, None, None
        if fd is None:
            return
        try:
            with contextlib.suppress(OSError):
                os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)

    @contextlib.contextmanager
    def held(
        self, operation: str, timeout: float = 0.0, waiting: LockWaiter | None = None
    ) -> Iterator[LockInfo]:
        """Hold the lock for the duration of a `with` block."""
        info = self.acquire(operation, timeout, waiting)
        try:
            yield info
        finally:
            self.release()

    def _try_lock(self) -> int | None:
        fd = self._open()
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            os.close(fd)
            if exc.errno in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                return None
            raise StateError(f"could not lock {self.lock_path}: {exc.strerror}.") from exc
        return fd

    def _open(self) -> int:
        try:
            self.lock_path.parent.mkdir(parents=True, exist_ok=True)
            return self._create_or_open()
        except OSError as exc:
            if exc.errno == errno.ELOOP:
                raise StateError(
                    f"the lock file {self.lock_path} is a symbolic link; cccform never "
                    "follows one (it would write to the file it points at). Remove the link, "
                    "or choose another state path."
                ) from exc
            raise StateError(
                f"could not open the lock file {self.lock_path}: {exc.strerror}. Check that "
                "the directory exists and that you may write to it."
            ) from exc

    def _create_or_open(self) -> int:
        flags = os.O_RDWR | os.O_CLOEXEC | os.O_NOFOLLOW
        try:
            fd = os.open(self.lock_path, flags | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            fd = os.open(self.lock_path, flags)
        else:
            with contextlib.suppress(OSError):  # created here: make it private
                os.fchmod(fd, 0o600)
            return fd
        try:
            _check_is_a_lock_file(fd, self.lock_path)
        except BaseException:
            os.close(fd)
            raise
        return fd

    def _record_holder(self, fd: int, operation: str) -> LockInfo:
        info = new_holder(operation)
        try:
            os.ftruncate(fd, 0)
            os.pwrite(fd, info.model_dump_json().encode(), 0)
            os.fsync(fd)
        except OSError as exc:
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)
            raise StateError(
                f"could not record the lock holder in {self.lock_path}: {exc.strerror}."
            ) from exc
        self._fd, self._info = fd, info
        return info

    def _locked_message(self, timeout: float) -> str:
        return locked_message(self._read_holder(), f"lock file {self.lock_path}", timeout)

    def _read_holder(self) -> LockInfo | None:
        # A new holder writes its record just after locking: give it a moment.
        deadline = time.monotonic() + HOLDER_RECORD_GRACE
        while True:
            holder = read_holder(self.lock_path)
            if holder is not None or time.monotonic() >= deadline:
                return holder
            time.sleep(0.02)


def new_holder(operation: str) -> LockInfo:
    """The record of this process as the holder of a new lock for `operation`."""
    return LockInfo(
        id=str(uuid.uuid4()),
        who=user_name(),
        host=socket.gethostname(),
        pid=os.getpid(),
        operation=operation,
        since=utc_now(),
        version=__version__,
    )


def locked_message(holder: LockInfo | None, where: str, timeout: float) -> str:
    """What a run that could not take the lock says: who holds it, where, and what to do."""
    who = holder.describe() if holder else "another process that has not said who it is yet"
    if timeout > 0:
        advice = (
            f"It was still locked after waiting {_format_duration(timeout)}; wait for it "
            "to finish, or retry with a longer --lock-timeout."
        )
    else:
        advice = "Wait for it to finish, or retry with --lock-timeout 5m."
    return f"the state is locked by {who} ({where}). {advice}"


def read_holder(lock_path: Path) -> LockInfo | None:
    """The holder record in `lock_path`, or None if absent, unreadable or left by a dead process.

    This does not say whether the lock is held: only `flock` does.
    """
    try:
        data = Path(lock_path).read_bytes()
        info = LockInfo.model_validate(json.loads(data))
    except (OSError, ValueError, ValidationError):
        return None
    if info.host == socket.gethostname() and not _process_exists(info.pid):
        return None
    return info


MAX_LOCK_RECORD = 64 * 1024


def _check_is_a_lock_file(fd: int, lock_path: Path) -> None:
    """Refuse an existing file that is not cccform's lock file: it is never truncated."""
    stat = os.fstat(fd)
    data = b""
    if _stat.S_ISREG(stat.st_mode) and stat.st_size <= MAX_LOCK_RECORD:
        data = os.pread(fd, MAX_LOCK_RECORD, 0)
        if not data.strip():
            return
        try:
            LockInfo.model_validate(json.loads(data))
        except (ValueError, ValidationError):
            pass
        else:
            return
    raise StateError(
        f"{lock_path} exists and is not a cccform lock file; cccform will not overwrite it. "
        "Choose a state path whose '.lock' name is free (for example cccform.state.json), "
        "or remove that file if you know it is a leftover."
    )


def parse_duration(text: str) -> float:
    """Seconds in a duration: "250ms", "30s", "5m", "1h", "1m30s"; a plain number is seconds."""
    value = text.strip()
    if _PLAIN_SECONDS.fullmatch(value):
        return float(value)
    parts = _DURATION_PART.findall(value)
    if parts and "".join(number + unit for number, unit in parts) == value:
        return sum(float(number) * _UNIT_SECONDS[unit] for number, unit in parts)
    raise ValueError(
        f"invalid duration {text!r}: use a number of seconds, or a number with a unit "
        "(ms, s, m, h), for example 250ms, 30s, 5m, 1h or 1m30s"
    )


WAIT_REPORT_EVERY = 10.0
"""Seconds between the reports of whom a run waits for."""


class LockWait:
    """A run waiting for a lock (a lock file's, or PostgreSQL's): the pauses between its
    attempts, and what it says of whom it waits for, once and then every
    `WAIT_REPORT_EVERY` seconds."""

    def __init__(
        self,
        timeout: float,
        waiting: LockWaiter | None,
        holder: Callable[[], LockInfo | None],
    ) -> None:
        self.timeout = timeout
        self.waiting = waiting
        self.holder = holder
        self.started = time.monotonic()
        self.deadline = self.started + timeout
        self.delays = retry_delays()
        self.next_report = self.started

    def pause(self) -> bool:
        """Sleep until the next attempt; False, at once, when the time is up."""
        now = time.monotonic()
        remaining = self.deadline - now
        if remaining <= 0:
            return False
        if self.waiting is not None and now >= self.next_report:
            holder = self.holder()
            who = holder.describe() if holder else "another process"
            self.waiting(who, now - self.started, self.timeout)
            self.next_report = now + WAIT_REPORT_EVERY
        pause = min(next(self.delays), remaining)
        if self.waiting is not None:  # wake up for the next report too
            pause = min(pause, max(self.next_report - time.monotonic(), 0.01))
        time.sleep(pause)
        return True


def retry_delays() -> Iterator[float]:
    delay = FIRST_RETRY_DELAY
    while True:
        yield delay
        delay = min(delay * 2, MAX_RETRY_DELAY)


def _format_duration(seconds: float) -> str:
    if seconds < 1:
        return f"{seconds * 1000:g}ms"
    minutes, rest = divmod(seconds, 60)
    if minutes and not rest:
        return f"{minutes:g}m"
    return f"{minutes:g}m{rest:g}s" if minutes else f"{rest:g}s"


def user_name() -> str:
    """The login name of this process, or uid-N where there is none."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no login name and no passwd entry, as in some containers
        return f"uid-{os.getuid()}"


def _process_exists(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except (ProcessLookupError, OverflowError):  # OverflowError: no pid is that large
        return False
    except OSError:  # EPERM: it exists, under another user
        return True
    return True
