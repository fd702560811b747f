"""The configuration already in `--out`, which plan will read with what the import writes:
instances it would declare twice (refused), and instances an earlier import declared that
the account no longer has (warned of: plan would create them again)."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from cccform.config.models import LoadedConfig
from cccform.config.yaml_reader import MAX_FILE_BYTES
from cccform.errors import CccformError
from cccform.files import read_regular_file
from cccform.importer.read import Selection
from cccform.run import load_configuration

# The comment compose.py puts on every instance it writes.
_IMPORTED_FROM = re.compile(r"# Written by cccform import from instance ([A-Za-z0-9_-]+) \(")


@dataclass(frozen=True)
class GoneInstance:
    """An instance declared in `file` by an earlier import, which the account no longer has."""

    file: str  # relative to --out
    key: str
    access_path: str


def load_existing(out_dir: Path) -> LoadedConfig | None:
    """The configuration in `out_dir`, or None when it does not load (the summary's notes on
    the other files say enough then)."""
    try:
        return load_configuration(out_dir)
    except CccformError:
        return None


def refuse_declared_twice(
    loaded: LoadedConfig, out_dir: Path, files: dict[str, str], access_paths: list[str]
) -> None:
    """Refuse an import into a configuration that declares, in files the import does not
    write, instances it imports: the directory would declare them twice (`cccform import`
    in an existing configuration directory, for example)."""
    written = {_real(out_dir / name) for name in files}
    imported = set(access_paths)
    clashes = []
    for key, instance in loaded.config.instances.items():
        where = loaded.location("instances", key)
        source = _real(Path(where.file)) if where is not None else ""
        if instance.access_path in imported and source not in written:
            clashes.append(f"{instance.access_path} ({where.file if where else key})")
    if clashes:
        raise CccformError(
            f"{out_dir} is a configuration that declares already {', '.join(sorted(clashes))}; "
            "importing there would declare them twice. Nothing was written. Import into a new "
            "directory (--out DIR), or take over the rest of this one with plan, which adopts"
        )


def gone_instances(
    loaded: LoadedConfig, out_dir: Path, names: list[str], selection: Selection, live: set[str]
) -> list[GoneInstance]:
    """The instances declared in `names` (files the import does not write) whose access path
    the selection asks for, the account has not (`live`: read or skipped), and an import
    comment in the same file names: an earlier import read them, so they existed, and plan
    would create them again. A declaration whose access path was edited since, or a file
    written by hand, is no such instance."""
    by_path = {_real(out_dir / name): name for name in names}
    imported: dict[str, set[str]] = {}  # file -> the access paths its import comments name
    found = []
    for key, instance in loaded.config.instances.items():
        access_path = instance.access_path
        if access_path in live or not selection.wants(access_path):
            continue
        where = loaded.location("instances", key)
        name = by_path.get(_real(Path(where.file))) if where is not None else None
        if name is None:
            continue
        if name not in imported:
            imported[name] = _imported_from(out_dir / name)
        if access_path in imported[name]:
            found.append(GoneInstance(name, key, access_path))
    return sorted(found, key=lambda g: (g.file, g.key))


def _imported_from(path: Path) -> set[str]:
    try:
        data, _ = read_regular_file(path, MAX_FILE_BYTES)
    except OSError:
        return set()  # the loader read it a moment ago; gone now, it declares nothing
    return set(_IMPORTED_FROM.findall(data.decode("utf-8", errors="replace")))


def _real(path: Path) -> str:
    """`path` with its links followed, as far as they lead (a loop of links is no error)."""
    return os.path.realpath(path)
