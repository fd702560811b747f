"""Writing the files of an import: all of them or none, never over a file without --force."""

from __future__ import annotations

import os
from pathlib import Path

from cccform.config.loader import yaml_entries
from cccform.errors import CccformError
from cccform.files import replace_file


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
    """Write every file (UTF-8), making the directories they need.

    Every name is checked before the first file is written: it must lead inside `out_dir`
    (through no link to a directory elsewhere) and to no directory, under no part that is a
    file. Each file is written beside its target and renamed over it, keeping the mode of a
    file it replaces, so a run killed meanwhile leaves whole files (and at most a stray
    `.<name>.<hex>.tmp`). Only a failure of the writing itself (a full disk, say) can stop
    it part-way; the error says so.
    """
    targets = {out_dir / name: text for name, text in files.items()}
    root = Path(os.path.realpath(out_dir))
    for directory in dict.fromkeys(target.parent for target in targets):  # each once
        _check_directory(out_dir, root, directory)
    for target in targets:
        if target.is_dir() and not target.is_symlink():
            raise CccformError(
                f"cannot write {target}: it is a directory. Nothing was written. Move it "
                "away, or import into another directory with --out DIR"
            )
    made: set[Path] = set()
    for target, text in targets.items():
        try:
            if target.parent not in made:
                target.parent.mkdir(parents=True, exist_ok=True)
                made.add(target.parent)
            replace_file(target, text.encode("utf-8"))  # over a link, never what it points to
        except OSError as error:
            raise CccformError(
                f"cannot write {target}: {error.strerror or error}. Files written before it "
                "stay; run the import again with --force once the directory can be written"
            ) from error


def _check_directory(out_dir: Path, root: Path, directory: Path) -> None:
    """Refuse, before anything is written, a directory files could not be written into."""
    # The directory is what must be inside: a link named like a file is replaced, never
    # followed, so where it points does not matter. realpath: a loop of links is no error
    # here; the check of each part below names it.
    if not Path(os.path.realpath(directory)).is_relative_to(root):
        raise CccformError(
            f"refusing to write into {directory}: it is not inside {out_dir} (a link, or a "
            "name from the cloud). Nothing was written."
        )
    for part in [directory, *directory.parents]:
        if part == out_dir or part in out_dir.parents:
            break
        if os.path.lexists(part) and not part.is_dir():  # a broken link is no directory
            raise CccformError(
                f"cannot write into {directory}: {part} is not a directory. Nothing was "
                "written. Move it away, or import into another directory with --out DIR"
            )
