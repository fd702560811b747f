"""Private files replaced atomically (the state, its backup, the errored state, saved plans),
the user's files replaced whole (`replace_file`: imported and formatted configuration), and
the bounded read of a file cccform reads back (`read_regular_file`, `load_json`).

A reader sees the old content or the new, never a mix, and a crash at any point leaves one
of the two (plus at most a stray temporary file). The steps, in this order:

1. write the data to a new temporary file beside the target, mode 0600 whatever the umask,
   and fsync it;
2. run the caller's `before_replace` (the state store saves its backup here);
3. rename the temporary file over the target;
4. fsync the directory, so that the rename itself survives a power loss.

Temporary files are named `.<target name><tag>.<random>.tmp`, in the target's directory.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import re
import secrets
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

PRIVATE_MODE = 0o600


class DirectoryNotSyncedError(OSError):
    """The file was replaced, but its directory could not be flushed to disk."""


def write_private_file(
    path: Path, data: bytes, *, before_replace: Callable[[], None] | None = None
) -> None:
    """Replace `path` with `data` atomically, mode 0600; see the module docstring.

    Raises OSError, with `path` unchanged and no temporary file left, when a step before the
    rename fails; DirectoryNotSyncedError (an OSError) when only the last step does.
    """
    temp = temp_path_beside(path)
    try:
        create_private_file(temp, data)
        if before_replace is not None:
            before_replace()
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise
    try:
        fsync_directory(path.parent)
    except OSError as exc:
        raise DirectoryNotSyncedError(exc.errno, exc.strerror, str(path.parent)) from exc


def replace_file(path: Path, data: bytes) -> None:
    """Replace `path` with `data` through a temporary file renamed over it, for the files a
    user owns (configuration files): a regular file replaced keeps its mode, and the
    temporary file has that mode before the first byte is written; a new file, or one that
    replaces a link (the link, never what it points to), gets the umask's mode. No fsync: a
    killed run leaves the old file or the new one, whole, never a mix.

    Raises OSError, with `path` unchanged and no temporary file left, when a step fails.
    """
    try:
        previous = path.lstat()
    except FileNotFoundError:
        previous = None
    kept = previous is not None and stat.S_ISREG(previous.st_mode)
    mode = stat.S_IMODE(previous.st_mode) if previous is not None and kept else None
    temp = temp_path_beside(path)
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC | getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(temp, flags, PRIVATE_MODE if mode is not None else 0o666)
        try:
            if mode is not None:
                os.fchmod(fd, mode)
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
        finally:
            os.close(fd)
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise


def temp_path_beside(path: Path, tag: str = "") -> Path:
    """A fresh name for a temporary file in `path`'s directory (the file is not created)."""
    return path.with_name(f".{path.name}{tag}.{secrets.token_hex(6)}.tmp")


def remove_stray_temps(path: Path, tags: tuple[str, ...] = ("",)) -> list[Path]:
    """Remove the temporary files an interrupted `write_private_file(path)` left behind.

    Only names this module makes (`.<name><tag>.<12 hex digits>.tmp`, for each tag) and only
    regular files; call it while holding the lock that guards `path`, so that no write of
    another process is in progress. Returns what was removed.
    """
    alternatives = "|".join(re.escape(tag) for tag in tags)
    pattern = re.compile(rf"\.{re.escape(path.name)}(?:{alternatives})\.[0-9a-f]{{12}}\.tmp")
    removed: list[Path] = []
    try:
        entries = list(path.parent.iterdir())
    except OSError:
        return removed
    for entry in entries:
        if not pattern.fullmatch(entry.name):
            continue
        with contextlib.suppress(OSError):
            if stat.S_ISREG(entry.lstat().st_mode):
                entry.unlink()
                removed.append(entry)
    return removed


def create_private_file(path: Path, data: bytes) -> None:
    """Create `path`, which must not exist, mode 0600 whatever the umask, with `data` on disk."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, PRIVATE_MODE)
    with open(fd, "wb") as file:
        os.fchmod(fd, PRIVATE_MODE)
        file.write(data)
        file.flush()
        os.fsync(fd)


def fsync_directory(directory: Path) -> None:
    """Flush `directory`'s entries to disk; a no-op where the file system cannot."""
    fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        os.fsync(fd)
    except OSError as exc:
        if exc.errno != errno.EINVAL:
            raise
    finally:
        os.close(fd)


class NotRegularFileError(OSError):
    """The path names something other than a regular file: a FIFO, a device, a directory,
    or (when links are not followed) a symbolic link. `kind` says which, in words."""

    def __init__(self, path: Path, kind: str) -> None:
        super().__init__(errno.EINVAL, f"it is {kind}, not a regular file", str(path))
        self.kind = kind


class FileTooLargeError(OSError):
    """The file holds more than the reader's limit; `size` is at least what was seen."""

    def __init__(self, path: Path, size: int, limit: int) -> None:
        super().__init__(errno.EFBIG, f"it is larger than {describe_size(limit)}", str(path))
        self.size = size
        self.limit = limit


def read_regular_file(
    path: Path, limit: int, *, follow_symlinks: bool = True
) -> tuple[bytes, os.stat_result]:
    """The bytes of the regular file at `path`, at most `limit` of them, and its status.

    Opened without blocking (a FIFO neither hangs nor is read) and, unless `follow_symlinks`,
    not through a symbolic link; checked with fstat on the opened file, so what is read is
    what was checked. Raises NotRegularFileError or FileTooLargeError (both OSErrors), or the
    OSError of the open itself (FileNotFoundError when nothing is there).
    """
    flags = os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC
    if not follow_symlinks:
        flags |= os.O_NOFOLLOW
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        if exc.errno == errno.ELOOP and not follow_symlinks and path.is_symlink():
            raise NotRegularFileError(path, "a symbolic link") from None
        raise
    try:
        status = os.fstat(fd)  # before wrapping: a file object refuses a directory itself
        if not stat.S_ISREG(status.st_mode):
            raise NotRegularFileError(path, _file_kind(status.st_mode))
        if status.st_size > limit:
            raise FileTooLargeError(path, status.st_size, limit)
        with open(fd, "rb", closefd=False) as stream:
            data = stream.read(limit + 1)
    finally:
        os.close(fd)
    if len(data) > limit:  # grown since fstat
        raise FileTooLargeError(path, len(data), limit)
    return data, status


class PathologicalJsonError(ValueError):
    """Valid JSON that Python's reader cannot take. The message says why, as "it ..."."""


class JsonTooDeepError(PathologicalJsonError):
    """Nested deeper than Python's recursion limit."""


class JsonNumberTooLongError(PathologicalJsonError):
    """A number of more digits than Python converts (4300)."""


def load_json(text: str, **options: Any) -> Any:
    """`json.loads(text, **options)`, raising JSONDecodeError for what is not JSON and
    PathologicalJsonError (never RecursionError or a bare ValueError) for what is too much."""
    try:
        return json.loads(text, **options)
    except json.JSONDecodeError:
        raise
    except RecursionError:
        raise JsonTooDeepError("it is nested too deeply to read") from None
    except ValueError as exc:
        if "integer string conversion" not in str(exc):
            raise
        raise JsonNumberTooLongError("a number in it has too many digits (at most 4300)") from None


def describe_size(size: int) -> str:
    """A limit in words: `64 MiB`, `1 MiB`, else bytes."""
    mebibyte = 1024 * 1024
    return f"{size // mebibyte} MiB" if size % mebibyte == 0 else f"{size} bytes"


_KINDS = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def _file_kind(mode: int) -> str:
    for test, kind in _KINDS:
        if test(mode):
            return kind
    return "a special file"
