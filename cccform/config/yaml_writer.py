"""Write configuration data as YAML text: with `yaml_reader`, the only modules that import
ruamel.yaml (one for each direction).

The caller builds plain data and marks what is particular: `Quoted` strings are written in
double quotes (phone numbers, ids, mobiles), `FlowSeq` and `FlowMap` on one line, and comments
go before the keys that `notes` names. Keys keep the order the caller gave them, so the same
data is always the same bytes. A string that `yaml_reader` would read back as something else
(`"123"`, `"true"`, `""`) is quoted whatever the caller says.

The data goes as events straight to ruamel.yaml's libyaml (C) emitter, without its representer:
an import writes many thousands of objects, and the round-trip emitter (the only one that
writes comments) costs twenty times as much. Comments are put in after emitting: each note is
emitted as a placeholder key (`'#cccform-note N': null`), which no configuration key can be
(keys never hold `#` or a space), and its line is then replaced by the comment, at the same
indentation.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from ruamel.yaml.cyaml import CBaseDumper
from ruamel.yaml.events import (
    DocumentEndEvent,
    DocumentStartEvent,
    Event,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
    StreamStartEvent,
)

from cccform.config.values import resolve_plain

INDENT = 2
WIDTH = 4096  # never fold a long string: one value, one line
KeyPath = tuple[str, ...]
_NOTE_KEY = "#cccform-note {}"
_NOTE_LINE = re.compile(r"^( *)'#cccform-note (\d+)': null$", re.MULTILINE)
# Words other YAML readers (YAML 1.1: editors, linters) take for booleans: quoted too.
_YAML11_BOOLEANS = frozenset({"y", "n", "yes", "no", "on", "off"})


class Quoted(str):
    """A string written in double quotes."""

    __slots__ = ()


class FlowSeq(list[Any]):
    """A list written on one line: `[a, b]`."""


class FlowMap(dict[str, Any]):
    """A mapping written on one line: `{a: 1, b: 2}`."""


def dump_yaml(data: Mapping[str, Any], header: str, notes: Mapping[KeyPath, str]) -> str:
    """`data` as YAML, `header` as the file's first comment, `notes[path]` as a comment
    before the key at `path`."""
    ordered = sorted(notes.items())
    numbers = {path: n for n, (path, _) in enumerate(ordered)}
    stream = io.StringIO()
    # only the C emitter of this dumper is used: events go to it directly
    emitter = CBaseDumper(stream, width=WIDTH, indent=INDENT, allow_unicode=True)
    emitter.emit(StreamStartEvent(encoding=None))
    emitter.emit(DocumentStartEvent(explicit=False))
    events: list[Event] = []
    _events(data, numbers, (), events)
    for event in events:
        emitter.emit(event)
    emitter.emit(DocumentEndEvent(explicit=False))
    emitter.emit(StreamEndEvent())

    def comment(match: re.Match[str]) -> str:
        lines = ordered[int(match.group(2))][1].splitlines()
        return "\n".join(f"{match.group(1)}# {line}".rstrip() for line in lines)

    return _comment_lines(header) + _NOTE_LINE.sub(comment, stream.getvalue())


def _comment_lines(text: str) -> str:
    return "".join(f"# {line}".rstrip() + "\n" for line in text.splitlines())


def _events(value: Any, notes: Mapping[KeyPath, int], path: KeyPath, out: list[Event]) -> None:
    """Append the events of `value` to `out` (a list, not generators: thousands of objects)."""
    if isinstance(value, Mapping):
        out.append(MappingStartEvent(None, None, True, flow_style=isinstance(value, FlowMap)))
        for key, item in value.items():
            here = (*path, str(key))
            if here in notes:
                out += (_scalar(_NOTE_KEY.format(notes[here])), _scalar(None))
            out.append(_scalar(key))
            _events(item, notes, here, out)
        out.append(MappingEndEvent())
    elif isinstance(value, list | tuple):
        out.append(SequenceStartEvent(None, None, True, flow_style=isinstance(value, FlowSeq)))
        for item in value:
            _events(item, notes, path, out)
        out.append(SequenceEndEvent())
    else:
        out.append(_scalar(value))


def _scalar(value: Any) -> Event:
    if value is None:
        return ScalarEvent(None, None, (True, False), "null")
    if isinstance(value, bool):
        return ScalarEvent(None, None, (True, False), "true" if value else "false")
    if isinstance(value, int | float):
        return ScalarEvent(None, None, (True, False), repr(value))
    text = str(value)
    if isinstance(value, Quoted):
        return ScalarEvent(None, None, (False, True), text, style='"')
    # not plain: the emitter quotes what would not read back as this text
    return ScalarEvent(None, None, (_reads_back(text), True), text)


@lru_cache(maxsize=4096)
def _reads_back(text: str) -> bool:
    """Whether `text`, written plain, is read back as this text."""
    if not text or text.lower() in _YAML11_BOOLEANS:
        return False
    try:
        return resolve_plain(text) == text and type(resolve_plain(text)) is str
    except ValueError:
        return False
