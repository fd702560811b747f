"""Private files replaced atomically: the state, its backup, the errored state, saved plans.

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
import os
import re
import secrets
import stat
from collections.abc import Callable
from pathlib import Path

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
