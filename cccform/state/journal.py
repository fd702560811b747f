"""The journal beside a local state file: the saves made since the file was last written whole.

`<file>.journal` (mode 0600) holds one JSON object per line, one line per save:

    {"dropped": [...], "lineage": "...", "pending": {...}, "pending_dropped": [...],
     "resources": {...}, "serial": 8}

`resources` and `pending` are the entries set by that save (whole, as in the state file),
`dropped` and `pending_dropped` the addresses it removed; `serial` is the serial the save
gave the state. A line is written with one `write` and fsync'd before the save returns.

Reading the state replays the lines of its lineage whose serial is above the file's, each the
next serial. A last line without its newline is a save that a crash cut short: it never
returned, so it is ignored. Lines at or below the file's serial were folded into the file by
a write that was stopped before it could remove the journal: they are ignored too.

Nothing here logs or quotes state content: a state may hold secrets.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pydantic_core
from pydantic import BaseModel, ValidationError

from cccform import files
from cccform.errors import StateError
from cccform.state import fileformat
from cccform.state.changes import PENDING, RESOURCE, Change, apply_changes
from cccform.state.models import PendingCreate, ResourceState, State

JOURNAL_SUFFIX = ".journal"
Document = dict[str, Any]
_LIST_KEYS = ("dropped", "pending_dropped")
_MAP_KEYS = ("resources", "pending")
_DROPPED = {"resources": "dropped", "pending": "pending_dropped"}
_SECTIONS: tuple[tuple[str, str, type[BaseModel]], ...] = (
    ("resources", RESOURCE, ResourceState),
    ("pending", PENDING, PendingCreate),
)


@dataclass(frozen=True)
class Entry:
    """One line of the journal, read back: its changes have no `before`."""

    lineage: str
    serial: int
    changes: list[Change]


def encode(lineage: str, serial: int, changed: list[Change]) -> bytes:
    """The journal line of one save: compact JSON, sorted keys, final newline."""
    document: Document = {key: {} for key in _MAP_KEYS} | {key: [] for key in _LIST_KEYS}
    for change in changed:
        section = "resources" if change.kind == RESOURCE else "pending"
        if change.after is None:
            document[_DROPPED[section]].append(change.address)
        else:
            document[section][change.address] = fileformat.sorted_document(change.after)
    document = {**document, "lineage": lineage, "serial": serial}
    # JSON escapes every newline inside strings: the line holds exactly one.
    return pydantic_core.to_json(fileformat.sorted_document(document)) + b"\n"


def append(path: Path, line: bytes) -> os.stat_result:
    """Append `line` to the journal at `path` (created 0600 if absent), on disk on return."""
    flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC | os.O_NOFOLLOW
    fd = os.open(path, flags, files.PRIVATE_MODE)
    try:
        created = os.fstat(fd).st_size == 0
        if created:
            os.fchmod(fd, files.PRIVATE_MODE)
        written = 0
        while written < len(line):
            written += os.write(fd, line[written:])
        os.fsync(fd)
        status = os.fstat(fd)
    finally:
        os.close(fd)
    if created:
        files.fsync_directory(path.parent)
    return status


def read(data: bytes, source: str, recovery: str) -> list[Entry]:
    """The whole lines of a journal's bytes, checked; a last line cut short is left out."""
    lines = data.split(b"\n")
    return [_entry(line, source, number, recovery) for number, line in enumerate(lines[:-1], 1)]


def replay(state: State, entries: list[Entry], source: str, recovery: str) -> int:
    """Apply to `state` (in place) the entries that continue it; returns how many did."""
    applied = 0
    for entry in entries:
        if entry.lineage != state.lineage or entry.serial <= state.serial:
            continue
        if entry.serial != state.serial + 1:
            raise StateError(
                f"{source} does not continue the state file: its next save is serial "
                f"{entry.serial}, but the state is at serial {state.serial} (the file was "
                f"replaced while the journal was kept). {recovery}"
            )
        apply_changes(state, entry.changes)
        state.serial = entry.serial
        applied += 1
    return applied


def _entry(line: bytes, source: str, number: int, recovery: str) -> Entry:
    where = f"{source} line {number}"
    try:
        document = files.load_json(line.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, files.PathologicalJsonError):
        raise StateError(f"{where} is damaged: it is not a JSON object. {recovery}") from None
    if not isinstance(document, dict):
        raise StateError(f"{where} is damaged: it is not a JSON object. {recovery}")
    problem = _shape_problem(document)
    if problem:
        raise StateError(f"{where} is not a cccform journal entry: {problem}. {recovery}")
    changed: list[Change] = []
    for section, kind, model in _SECTIONS:
        for key, value in document[section].items():
            try:
                model.model_validate(value)
            except ValidationError as exc:
                summary = fileformat.summarise(exc)
                raise StateError(
                    f"{where} is not a valid journal entry: {section}.{key}: {summary}. {recovery}"
                ) from None
            changed.append(Change(kind, key, None, value))
        changed += [Change(kind, key, None, None) for key in document[_DROPPED[section]]]
    return Entry(document["lineage"], document["serial"], changed)


def _shape_problem(document: Document) -> str:
    if not isinstance(document.get("lineage"), str):
        return "lineage: a string is required"
    serial = document.get("serial")
    if isinstance(serial, bool) or not isinstance(serial, int) or serial < 1:
        return "serial: a whole number of 1 or more is required"
    for key in _MAP_KEYS:
        if not isinstance(document.get(key), dict):
            return f"{key}: an object is required"
    for key in _LIST_KEYS:
        value = document.get(key)
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            return f"{key}: a list of addresses is required"
    return ""
