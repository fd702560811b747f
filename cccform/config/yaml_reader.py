"""Read one YAML file into a `Document`: ruamel.yaml's C parser, behind this module alone
(`yaml_format` uses its round trip to rewrite files for `cccform fmt`).

A file is at most `MAX_FILE_BYTES`, checked before it is read, and must be UTF-8. Its
text goes to the libyaml (C) parser, whose events `EventBuilder` turns into plain data
and locations; syntax errors, unacceptable characters and a second YAML document are
reported here. A file with a fatal problem contributes no data, only its diagnostics.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError
from ruamel.yaml.events import (
    AliasEvent,
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
)
from ruamel.yaml.reader import ReaderError

from cccform.config.document import Document, byte_location, mark_location, text_location
from cccform.config.event_builder import Abort, EventBuilder

MAX_FILE_BYTES = 1024 * 1024


def read_document(path: Path, display: str) -> Document:
    """The data, locations and problems of the file at `path`, named `display`."""
    document = Document(display)
    text = _read_text(path, document)
    if text is not None:
        _parse(text, document)
    return document


def read_text(text: str, display: str) -> Document:
    """The data, locations and problems of `text`, already read from the file `display`."""
    document = Document(display)
    _parse(text, document)
    return document


# --- bytes to text -------------------------------------------------------------------


def _read_text(path: Path, document: Document) -> str | None:
    try:
        size = path.stat().st_size
        data = b""
        if size <= MAX_FILE_BYTES:
            with path.open("rb") as stream:
                data = stream.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        document.report(None, f"cannot read the file: {exc.strerror}", "check its permissions", ())
        return None
    if size > MAX_FILE_BYTES or len(data) > MAX_FILE_BYTES:
        document.report(
            None,
            f"file is larger than 1 MiB ({max(size, len(data))} bytes)",
            "split the configuration into several files of a directory",
            (),
        )
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        _invalid_utf8(data, exc.start, document)
        return None


def _invalid_utf8(data: bytes, offset: int, document: Document) -> None:
    document.report(
        byte_location(data, offset, document.display),
        f"not valid UTF-8: byte 0x{data[offset]:02x} at byte offset {offset}",
        "save the file with UTF-8 encoding",
        (),
    )


# --- text to events ------------------------------------------------------------------


def _parse(text: str, document: Document) -> None:
    """Walk the parser's events; on a fatal problem the file contributes no data."""
    events = _parser().parse(text)
    try:
        _walk(events, EventBuilder(document), document)
    except MarkedYAMLError as exc:
        _syntax_error(exc, text, document)
    except ReaderError as exc:
        _reader_error(exc, text, document)
    except Abort:
        document.root = None
    finally:
        events.close()


@cache
def _parser() -> YAML:
    """One parser for every file: making one costs more than parsing a small file, and a
    configuration may be a thousand of them (one per instance, as `cccform import` writes)."""
    return YAML(typ="safe", pure=False)


def _walk(events: Iterator[Any], builder: EventBuilder, document: Document) -> None:
    """Feed every event to `builder`; stop at the start of a second YAML document."""
    documents = 0
    for event in events:
        kind = type(event)
        if kind is ScalarEvent:
            builder.scalar(event)
        elif kind is MappingStartEvent:
            builder.start_mapping(event)
        elif kind is SequenceStartEvent:
            builder.start_sequence(event)
        elif kind is MappingEndEvent or kind is SequenceEndEvent:
            builder.end_collection()
        elif kind is AliasEvent:
            builder.alias(event)
        elif kind is DocumentStartEvent:
            documents += 1
            if documents > 1:
                _multiple_documents(event, document)
                return


def _multiple_documents(event: Any, document: Document) -> None:
    document.report(
        mark_location(document.display, event.start_mark),
        "a file may hold only one YAML document",
        "remove this '---' line, or move the second document into a file of its own",
        (),
    )


def _syntax_error(exc: MarkedYAMLError, text: str, document: Document) -> None:
    document.root = None
    mark = exc.problem_mark or exc.context_mark
    location = mark_location(document.display, mark) if mark is not None else None
    if exc.problem_mark is not None and _tab_in_indentation(text, exc.problem_mark):
        document.report(
            location,
            "tabs are not allowed for indentation in YAML",
            "indent this line with spaces instead of tab characters",
            (),
        )
        return
    context = f" ({exc.context})" if exc.context else ""
    document.report(
        location,
        f"YAML syntax error: {exc.problem}{context}",
        "check the indentation, colons and quotes on this line and the one before",
        (),
    )


def _tab_in_indentation(text: str, mark: Any) -> bool:
    """Whether the parser stopped at a tab in the leading whitespace of its line."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if mark.line >= len(lines):
        return False
    leading = lines[mark.line][: mark.column + 1]
    return leading.endswith("\t") and not leading.strip(" \t")


def _reader_error(exc: ReaderError, text: str, document: Document) -> None:
    document.root = None
    before = text.encode("utf-8")[: exc.position].decode("utf-8", "replace")
    document.report(
        text_location(before, document.display),
        f"unacceptable character #x{exc.character:04x}: {exc.reason}",
        "remove the character, or write it as an escape inside double quotes",
        (),
    )
