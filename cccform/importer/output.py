"""Writing the files of an import: all of them or none, never over a file without --force."""

from __future__ import annotations

import contextlib
import os
import stat
from pathlib import Path

from cccform.config.loader import yaml_entries
from cccform.errors import CccformError
from cccform.files import temp_path_beside


def existing(out_dir: Path, files: dict[str, str]) -> list[str]:
    """The files of `files` that exist already in `out_dir`."""
    return [name for name in files if (out_dir / name).exists() or (out_dir / name).is_symlink()]


def others(out_dir: Path, files: dict[str, str]) -> list[str]:
    """The configuration files in `out_dir` that the import does not write and plan will read
    with them: every `*.yaml` or `*.yml` the loader finds, in subdirectories too, as paths
    relative to `out_dir` in the loader's order."""
    if not out_dir.is_dir():
        return []
    found = (entry.relative_to(out_dir).as_posix() for entry in yaml_entries(out_dir))
    return [name for name in found if name not in files]


def refuse_overwrite(out_dir: Path, found: list[str]) -> CccformError:
    shown = ", ".join(found[:10]) + (f" and {len(found) - 10} more" if len(found) > 10 else "")
    return CccformError(
        f"{out_dir} already holds {len(found)} file{'s' if len(found) != 1 else ''} that "
        f"import would write: {shown}. Nothing was written. Pass --force to overwrite them, "
        "or import into an empty directory with --out DIR"
    )


def write_files(out_dir: Path, files: dict[str, str]) -> None:
    """Write every file (UTF-8), making the directories they need. Every name is checked
    before the first file is written. Each file is written beside its target and renamed
    over it, keeping the mode of the file it replaces, so a run killed meanwhile leaves
    whole files (and at most a stray `.<name>.<hex>.tmp`)."""
    root = out_dir.resolve()
    targets = {out_dir / name: text for name, text in files.items()}
    for target in targets:
        if not target.resolve().is_relative_to(root):  # never outside --out, whatever a name says
            raise CccformError(
                f"refusing to write {target}: it is not inside {out_dir}. Nothing was written."
            )
    for target, text in targets.items():
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            _replace(target, text.encode("utf-8"))  # over a link, never what it points to
        except OSError as error:
            raise CccformError(
                f"cannot write {target}: {error.strerror or error}. Files written before it "
                "stay; run the import again with --force once the directory can be written"
            ) from error


def _replace(target: Path, data: bytes) -> None:
    """Write `data` to a temporary file beside `target`, then rename it over `target`. A
    regular file replaced keeps its mode (a 0600 file holding agents' contacts stays so)."""
    temp = temp_path_beside(target)
    try:
        previous = target.lstat()
    except FileNotFoundError:
        previous = None
    try:
        temp.write_bytes(data)
        if previous is not None and stat.S_ISREG(previous.st_mode):
            os.chmod(temp, stat.S_IMODE(previous.st_mode))
        os.replace(temp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise
