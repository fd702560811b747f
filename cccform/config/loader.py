"""Read a configuration (one YAML file or a directory of them) into a validated `Config`.

This is the only module that imports ruamel.yaml. It reads the libyaml (C) parser's
events rather than a composed or constructed tree: events say whether a tag was written
explicitly, which aliases are used and where every node starts, in one fast pass.

Scalars resolve as in the YAML 1.2 core schema, and only when plain (unquoted):
`null`/`Null`/`NULL`/`~`/empty are null; `true`/`false` in any case are booleans (`yes`,
`no`, `on`, `off` stay text); decimal, `0o` octal and `0x` hex digits are integers, so
`057188880001` is the integer 57188880001, and the models, being strict, reject it where
text is expected with a hint to quote it. Sequences become tuples.

Locations (`LoadedConfig.locations`), keyed by field path such as
`("instances", "support", "phone_numbers", 0)`, 1-based:

- a mapping entry whose value is a mapping or a sequence: the key (`support:`);
- a mapping entry whose value is a scalar: the value (`057188880001`), or the key when
  the value is empty (`name:`);
- a sequence item: the item;
- an alias (`*name`): the alias itself; nothing is recorded below it, so
  `LoadedConfig.location()` falls back to the alias for any field inside it;
- a path set in several files (only `("instances",)`): the first file, by name.

The file of a location is the path relative to the working directory when the file lies
under it, else the absolute path.
"""

from __future__ import annotations

import difflib
import math
import os
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo
from pydantic_core import ErrorDetails
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

from cccform.config.models import (
    ACCESS_PATH_PATTERN,
    ADDRESS_KEY_PATTERN,
    ADMIN_ID_PATTERN,
    PHONE_NUMBER_PATTERN,
    Config,
    InstanceConfig,
    LoadedConfig,
)
from cccform.diagnostics import Diagnostic, FieldPath, SourceLocation
from cccform.errors import ConfigError

MAX_FILE_BYTES = 1024 * 1024
MAX_DEPTH = 64
MAX_ALIASES = 10
YAML_SUFFIXES = (".yaml", ".yml")


def load_config(path: Path) -> LoadedConfig:
    """Read, merge and validate `path`; raise `ConfigError` with every problem found."""
    directory, files = _discover(path)
    merger = _Merger()
    for file in files:
        merger.add(_read_file(file))
    return merger.result(directory, files)


# --- files -------------------------------------------------------------------------


def _discover(path: Path) -> tuple[Path, list[Path]]:
    if path.is_dir():
        files = sorted(
            (p for p in path.iterdir() if p.suffix in YAML_SUFFIXES and p.is_file()),
            key=lambda p: p.name,
        )
        if not files:
            raise _fatal(
                f"no *.yaml or *.yml files in directory '{path}'",
                "add a file such as main.yaml with an 'instances:' mapping, "
                "or pass the path of a configuration file",
            )
        return path, files
    if path.is_file():
        return path.parent, [path]
    raise _fatal(
        f"configuration path '{path}' does not exist",
        "pass a directory of *.yaml files or a single YAML file",
    )


def _fatal(message: str, hint: str) -> ConfigError:
    return ConfigError([Diagnostic(message, hint=hint)])


def _display(path: Path) -> str:
    absolute = Path(os.path.abspath(path))
    try:
        return str(absolute.relative_to(Path.cwd()))
    except ValueError:
        return str(absolute)


def _read_file(path: Path) -> _Document:
    document = _Document(_display(path))
    text = document.read_text(path)
    if text is not None:
        document.build(text)
    return document


# --- scalars -----------------------------------------------------------------------

_NULLS = frozenset({"", "~", "null", "Null", "NULL"})
_NUMBER_START = frozenset("0123456789+-.")
_DECIMAL = re.compile(r"[-+]?[0-9]+")
_OCTAL = re.compile(r"0o[0-7]+")
_HEX = re.compile(r"0x[0-9a-fA-F]+")
_FLOAT = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?")
_SPECIAL_FLOATS = {".inf": math.inf, "+.inf": math.inf, "-.inf": -math.inf, ".nan": math.nan}


def _resolve_plain(text: str) -> Any:
    """A plain scalar's value under the YAML 1.2 core schema (ValueError: too many digits)."""
    if text in _NULLS:
        return None
    if text[0] in _NUMBER_START:
        if _DECIMAL.fullmatch(text):
            return int(text)
        if _FLOAT.fullmatch(text):
            return float(text)
        if _OCTAL.fullmatch(text):
            return int(text[2:], 8)
        if _HEX.fullmatch(text):
            return int(text[2:], 16)
        return _SPECIAL_FLOATS.get(text.lower(), text)
    if len(text) in (4, 5):
        lowered = text.lower()
        if lowered == "true":
            return True
        if lowered == "false":
            return False
    return text


def _short_tag(tag: str) -> str:
    prefix = "tag:yaml.org,2002:"
    return "!!" + tag[len(prefix) :] if tag.startswith(prefix) else tag


# --- one file: events to plain data plus locations ---------------------------------


class _Abort(Exception):
    """Stop reading one file; the reason is already recorded as a diagnostic."""


class _Frame:
    """An open mapping or sequence while its events are read."""

    __slots__ = (
        "anchor",
        "is_key",
        "is_map",
        "items",
        "key",
        "key_mark",
        "mark",
        "path",
        "poison_mark",
        "want_key",
    )

    def __init__(
        self,
        items: Any,
        path: FieldPath | None,
        mark: Any,
        anchor: str | None,
        poison_mark: int,
        is_key: bool,
    ) -> None:
        self.items = items
        self.is_map = isinstance(items, dict)
        self.path = path  # None: the node is discarded (a bad key or its value)
        self.mark = mark  # the parser's start mark; made a SourceLocation only when needed
        self.anchor = anchor
        self.poison_mark = poison_mark
        self.is_key = is_key
        self.want_key = self.is_map
        self.key: str | None = None  # None while a value is read: discard it
        self.key_mark = mark


class _Document:
    """One file: its data, the locations of its fields and its diagnostics.

    A path is *poisoned* when a problem at it was already reported (a tag, a non-finite
    number); model errors at or below it are not reported again.
    """

    def __init__(self, display: str) -> None:
        self.display = display
        self.root: Any = None
        self.root_location: SourceLocation | None = None
        self.locations: dict[FieldPath, SourceLocation] = {}
        self._key_marks: dict[FieldPath, Any] = {}
        self.raw: dict[FieldPath, str] = {}
        self.poisoned: set[FieldPath] = set()
        self.diagnostics: list[Diagnostic] = []
        self._poison_count = 0
        self._anchors: dict[str, tuple[Any, bool]] = {}
        self._aliases = 0
        self._stack: list[_Frame] = []

    # reading

    def read_text(self, path: Path) -> str | None:
        try:
            size = path.stat().st_size
            data = b""
            if size <= MAX_FILE_BYTES:
                with path.open("rb") as stream:
                    data = stream.read(MAX_FILE_BYTES + 1)
        except OSError as exc:
            self._error(None, f"cannot read the file: {exc.strerror}", "check its permissions", ())
            return None
        if size > MAX_FILE_BYTES or len(data) > MAX_FILE_BYTES:
            self._error(
                None,
                f"file is larger than 1 MiB ({max(size, len(data))} bytes)",
                "split the configuration into several files of a directory",
                (),
            )
            return None
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError as exc:
            self._invalid_utf8(data, exc.start)
            return None

    def _invalid_utf8(self, data: bytes, offset: int) -> None:
        line_start = data.rfind(b"\n", 0, offset) + 1
        column = len(data[line_start:offset].decode("utf-8", "replace")) + 1
        location = SourceLocation(self.display, data.count(b"\n", 0, offset) + 1, column)
        self.diagnostics.append(
            Diagnostic(
                f"not valid UTF-8: byte 0x{data[offset]:02x} at byte offset {offset}",
                location,
                hint="save the file with UTF-8 encoding",
            )
        )

    def build(self, text: str) -> None:
        """Walk the parser's events; on a fatal problem the file contributes no data."""
        events = YAML(typ="safe", pure=False).parse(text)
        documents = 0
        try:
            for event in events:
                kind = type(event)
                if kind is ScalarEvent:
                    self._scalar(event)
                elif kind is MappingStartEvent:
                    self._open(event, {})
                elif kind is SequenceStartEvent:
                    self._open(event, [])
                elif kind is MappingEndEvent or kind is SequenceEndEvent:
                    self._close()
                elif kind is AliasEvent:
                    self._alias(event)
                elif kind is DocumentStartEvent:
                    documents += 1
                    if documents > 1:
                        self._multiple_documents(event)
                        break
        except MarkedYAMLError as exc:
            self._syntax_error(exc)
        except ReaderError as exc:
            self._reader_error(exc, text)
        except _Abort:
            self.root = None
        finally:
            events.close()

    # events

    def _scalar(self, event: Any) -> None:
        mark = event.start_mark
        text: str = event.value
        value, poisoned = self._scalar_value(event)
        if event.anchor is not None:
            self._anchors[event.anchor] = (value, poisoned)
        if not self._stack:
            self.root, self.root_location = value, self._location(mark)
            return
        top = self._stack[-1]
        if top.want_key:
            raw = None if event.style else text
            self._take_key(top, value, mark, raw, poisoned)
            return
        path = self._child_path(top)
        if path is not None:
            if top.is_map and not text and not event.style:
                mark = top.key_mark
            self.locations[path] = SourceLocation(self.display, mark.line + 1, mark.column + 1)
            if not event.style and value is not None and not isinstance(value, str):
                self.raw[path] = text
        if poisoned:
            self._poison(path)
        self._attach(top, value)

    def _scalar_value(self, event: Any) -> tuple[Any, bool]:
        """The value of a scalar event, and whether a problem with it was reported."""
        text: str = event.value
        problem = False
        if event.tag is not None:
            problem = self._tag_error(event.tag, self._location(event.start_mark))
        if event.style:
            return text, problem
        try:
            value = _resolve_plain(text)
        except ValueError:
            hint = f'quote it if it is text: "{text[:20]}..."'
            location = self._location(event.start_mark)
            return text, self._error(location, "number has too many digits", hint)
        if type(value) is float and not math.isfinite(value):
            hint = f'use a finite number, or quote it if it is text: "{text}"'
            location = self._location(event.start_mark)
            problem = self._error(location, f"not a finite number: {text}", hint)
        return value, problem

    def _open(self, event: Any, items: Any) -> None:
        mark = event.start_mark
        location = self._location(mark)
        if len(self._stack) >= MAX_DEPTH:
            self._error(
                location,
                f"nesting is deeper than {MAX_DEPTH} levels",
                "flatten the document",
            )
            raise _Abort
        path: FieldPath | None = ()
        is_key = False
        if not self._stack:
            self.root_location = location
        else:
            top = self._stack[-1]
            is_key = top.is_map and top.want_key
            path = None if is_key else self._child_path(top)
            if path is not None:
                key_mark = top.key_mark
                self.locations[path] = self._location(key_mark) if top.is_map else location
        poison_mark = self._poison_count
        if event.tag is not None:
            self._tag_error(event.tag, location)
            self._poison(path)
        self._stack.append(_Frame(items, path, mark, event.anchor, poison_mark, is_key))

    def _close(self) -> None:
        frame = self._stack.pop()
        value = frame.items if frame.is_map else tuple(frame.items)
        if frame.anchor is not None:
            self._anchors[frame.anchor] = (value, self._poison_count > frame.poison_mark)
        if not self._stack:
            self.root = value
        elif frame.is_key:
            self._take_key(self._stack[-1], value, frame.mark, None, False)
        else:
            self._attach(self._stack[-1], value)

    def _alias(self, event: Any) -> None:
        mark = event.start_mark
        location = self._location(mark)
        self._aliases += 1
        if self._aliases > MAX_ALIASES:
            self._error(
                location,
                f"more than {MAX_ALIASES} aliases in one file",
                "write the values out instead of repeating them with *aliases",
            )
            raise _Abort
        value, poisoned = self._anchors.get(event.anchor, (None, True))
        if event.anchor not in self._anchors:
            self._error(
                location,
                f"alias '*{event.anchor}' has no anchor '&{event.anchor}' before it",
                "define the anchor first; an alias cannot refer to the node it is in",
            )
        if not self._stack:
            self.root, self.root_location = value, location
            return
        top = self._stack[-1]
        if top.want_key:
            self._take_key(top, value, mark, None, poisoned)
            return
        path = self._child_path(top)
        if path is not None:
            self.locations[path] = location
        if poisoned:
            self._poison(path)
        self._attach(top, value)

    # building

    def _child_path(self, top: _Frame) -> FieldPath | None:
        if top.path is None:
            return None
        if top.is_map:
            return None if top.key is None else (*top.path, top.key)
        return (*top.path, len(top.items))

    def _take_key(self, top: _Frame, key: Any, mark: Any, raw: str | None, poisoned: bool) -> None:
        top.want_key = False
        top.key = None
        top.key_mark = mark
        if poisoned:
            return
        parent: FieldPath = top.path or ()
        if not isinstance(key, str):
            hint = f'quote it: "{raw}"' if raw else "use a plain text key"
            message = f"mapping keys must be strings, got {_describe(key)}"
            self._error(self._location(mark), message, hint, parent)
            return
        if top.path is None:
            top.key = key
            return
        path = (*parent, key)
        if key in top.items:
            first = self.key_location(path)
            where = f"; first defined at {first}" if first else ""
            self.diagnostics.append(
                Diagnostic(
                    f"duplicate key {key!r}{where}",
                    self._location(mark),
                    path,
                    "remove one of them: YAML readers disagree on which one wins",
                    (first,) if first else (),
                )
            )
            return
        top.key = key
        self._key_marks[path] = mark

    def _attach(self, top: _Frame, value: Any) -> None:
        if not top.is_map:
            top.items.append(value)
            return
        if top.key is not None:
            top.items[top.key] = value
        top.want_key = True

    def _poison(self, path: FieldPath | None) -> None:
        self._poison_count += 1
        if path is not None:
            self.poisoned.add(path)

    # problems

    def _location(self, mark: Any) -> SourceLocation:
        return SourceLocation(self.display, mark.line + 1, mark.column + 1)

    def _error(
        self,
        location: SourceLocation | None,
        message: str,
        hint: str,
        path: FieldPath | None = None,
    ) -> bool:
        """Record a problem at the node being read (or `path`); always True."""
        if location is None:
            location = SourceLocation(self.display, 1, 1)
        if path is None:
            path = self._node_path()
        self.diagnostics.append(Diagnostic(message, location, path, hint))
        return True

    def _node_path(self) -> FieldPath:
        if not self._stack:
            return ()
        top = self._stack[-1]
        path = None if top.want_key else self._child_path(top)
        return path or top.path or ()

    def _tag_error(self, tag: str, location: SourceLocation) -> bool:
        return self._error(
            location,
            f"explicit tags are not allowed: {_short_tag(tag)}",
            "remove the tag; quote the value if it must be text",
        )

    def _multiple_documents(self, event: Any) -> None:
        self._error(
            self._location(event.start_mark),
            "a file may hold only one YAML document",
            "remove this '---' line, or move the second document into a file of its own",
        )

    def _syntax_error(self, exc: MarkedYAMLError) -> None:
        self.root = None
        mark = exc.problem_mark or exc.context_mark
        location = self._location(mark) if mark is not None else None
        context = f" ({exc.context})" if exc.context else ""
        self._error(
            location,
            f"YAML syntax error: {exc.problem}{context}",
            "check the indentation, colons and quotes on this line and the one before",
            (),
        )

    def _reader_error(self, exc: ReaderError, text: str) -> None:
        self.root = None
        before = text.encode("utf-8")[: exc.position].decode("utf-8", "replace")
        line = before.count("\n") + 1
        column = len(before) - (before.rfind("\n") + 1) + 1
        self._error(
            SourceLocation(self.display, line, column),
            f"unacceptable character #x{exc.character:04x}: {exc.reason}",
            "remove the character, or write it as an escape inside double quotes",
            (),
        )

    # queries

    def key_location(self, path: FieldPath) -> SourceLocation | None:
        """Where the key of the mapping entry at `path` is."""
        mark = self._key_marks.get(path)
        return None if mark is None else self._location(mark)

    def location_of(self, path: FieldPath) -> SourceLocation | None:
        """The location of `path`, else of its closest recorded parent."""
        while path:
            found = self.locations.get(path)
            if found is not None:
                return found
            path = path[:-1]
        return self.root_location

    def is_poisoned(self, path: FieldPath) -> bool:
        if not self.poisoned:
            return False
        return any(path[:size] in self.poisoned for size in range(len(path) + 1))


# --- validation messages -----------------------------------------------------------

_EXPECTED = {
    "string_type": "a string",
    "bool_type": "true or false",
    "int_type": "an integer",
    "float_type": "a number",
    "dict_type": "a mapping",
    "model_type": "a mapping",
    "model_attributes_type": "a mapping",
    "tuple_type": "a list",
    "list_type": "a list",
}
_RULES = {
    ACCESS_PATH_PATTERN: ("access path", "an access path is 4-48 characters of A-Z a-z 0-9 _ -"),
    PHONE_NUMBER_PATTERN: (
        "phone number",
        "a phone number is 3-20 digits, with an optional leading +, and no spaces or dashes",
    ),
    ADMIN_ID_PATTERN: ("administrator id", "a RAM user id is 1-32 digits, quoted"),
    ADDRESS_KEY_PATTERN: (
        "instance key",
        "an instance key is a letter or _, then up to 63 of A-Z a-z 0-9 _ -",
    ),
}
_BOUNDS = {
    "string_too_short": "too short: {n} characters, at least {min_length} required",
    "string_too_long": "too long: {n} characters, at most {max_length} allowed",
    "greater_than_equal": "must be at least {ge}, got {input}",
    "less_than_equal": "must be at most {le}, got {input}",
    "greater_than": "must be greater than {gt}, got {input}",
    "less_than": "must be less than {lt}, got {input}",
}
_YAML11_BOOLEANS = frozenset({"yes", "no", "on", "off", "y", "n"})
_ADDRESS_KEY = re.compile(ADDRESS_KEY_PATTERN)


def _describe(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"the boolean {'true' if value else 'false'}"
    if isinstance(value, int):
        return f"the integer {value}"
    if isinstance(value, float):
        return f"the number {value!r}"
    if isinstance(value, str):
        return f"the string {value if len(value) <= 60 else value[:57] + '...'!r}"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, (tuple, list)):
        return "a list"
    return type(value).__name__


def _number(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _field_info(model: type[BaseModel], loc: Iterable[str | int]) -> FieldInfo | None:
    """The model field `loc` names (list indexes skipped), if it is one."""
    current: type[BaseModel] | None = model
    info = None
    for part in loc:
        if isinstance(part, int):
            continue
        if current is None:
            return None
        info = current.model_fields.get(part)
        if info is None:
            return None
        current = _as_model(info.annotation)
    return info


def _as_model(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    return None


def _unknown_field_hint(model: type[BaseModel], loc: tuple[str | int, ...]) -> str:
    name = str(loc[-1])
    if name == "<<":
        return "merge keys (<<) are not supported; write the fields out"
    parent = _field_info(model, loc[:-1]) if len(loc) > 1 else None
    owner = _as_model(parent.annotation) if parent is not None else model
    if owner is None:
        return "remove it"
    fields = list(owner.model_fields)
    close = difflib.get_close_matches(name, fields, n=1)
    if close:
        return f"did you mean '{close[0]}'?"
    return "allowed fields: " + ", ".join(fields)


def _type_hint(kind: str, value: Any, raw: str | None, description: str | None) -> str | None:
    if kind == "string_type" and raw is not None:
        return f'quote it: "{raw}"'
    is_scalar = isinstance(value, (str, int, float)) and not isinstance(value, bool)
    if kind in ("tuple_type", "list_type") and is_scalar:
        return f'write a list: ["{raw if raw is not None else value}"]'
    if kind == "bool_type" and isinstance(value, str):
        if value.lower() in _YAML11_BOOLEANS:
            return "write true or false; YAML 1.2 reads yes, no, on and off as text"
        if value.lower() in ("true", "false"):
            return "remove the quotes"
    return description


def _explain(
    error: ErrorDetails, raw: str | None, description: str | None
) -> tuple[str, str | None]:
    kind, value = error["type"], error["input"]
    ctx = error.get("ctx", {})
    if kind in _EXPECTED:
        message = f"expected {_EXPECTED[kind]}, got {_describe(value)}"
        return message, _type_hint(kind, value, raw, description)
    if kind == "literal_error":
        return f"expected {ctx['expected']}, got {_describe(value)}", description
    if kind == "string_pattern_mismatch":
        what, rule = _RULES.get(ctx["pattern"], ("value", f"must match {ctx['pattern']}"))
        return f"invalid {what} {value!r}", rule
    if kind in _BOUNDS:
        numbers = {name: _number(bound) for name, bound in ctx.items()}
        size = len(value) if isinstance(value, str) else 0
        return _BOUNDS[kind].format(n=size, input=_number(value), **numbers), description
    return str(error["msg"]), description


def _model_diagnostic(
    error: ErrorDetails, prefix: FieldPath, model: type[BaseModel], document: _Document
) -> Diagnostic | None:
    loc = tuple(error["loc"])
    path = (*prefix, *loc)
    if document.is_poisoned(path):
        return None
    location = document.location_of(path)
    if error["type"] == "extra_forbidden":
        message = f"unknown field '{loc[-1]}'"
        key_location = document.key_location(path) or location
        return Diagnostic(message, key_location, path, _unknown_field_hint(model, loc))
    field = _field_info(model, loc)
    description = field.description if field is not None else None
    if error["type"] == "missing":
        add = f"add '{loc[-1]}:'" + (f"; {description}" if description else "")
        return Diagnostic(f"missing required field '{loc[-1]}'", location, path, add)
    message, hint = _explain(error, document.raw.get(path), description)
    return Diagnostic(message, location, path, hint)


# --- merging files -----------------------------------------------------------------


class _Merger:
    """Merges files: instances from all, other top-level keys from one file each."""

    def __init__(self) -> None:
        self.documents: list[_Document] = []
        self.diagnostics: list[Diagnostic] = []
        self.top: dict[str, Any] = {}
        self.top_owner: dict[str, SourceLocation | None] = {}
        self.instance_owner: dict[str, SourceLocation | None] = {}
        self.instances: dict[str, tuple[InstanceConfig, _Document]] = {}

    def add(self, document: _Document) -> None:
        self.documents.append(document)
        self.diagnostics.extend(document.diagnostics)
        data = document.root
        if data is None or document.is_poisoned(()):
            return
        if not isinstance(data, dict):
            self._report(
                document,
                f"the top level must be a mapping, got {_describe(data)}",
                (),
                "write keys such as 'instances:' at the start of a line",
            )
            return
        self._add_top(document, {k: v for k, v in data.items() if k != "instances"})
        if "instances" in data and not document.is_poisoned(("instances",)):
            self._add_instances(document, data["instances"])

    def _report(
        self,
        document: _Document,
        message: str,
        path: FieldPath,
        hint: str | None,
        related: SourceLocation | None = None,
    ) -> None:
        location = document.key_location(path) or document.location_of(path)
        self.diagnostics.append(
            Diagnostic(message, location, path, hint, (related,) if related else ())
        )

    def _validate(
        self, model: type[BaseModel], data: Any, prefix: FieldPath, document: _Document
    ) -> Any:
        try:
            return model.model_validate(data)
        except ValidationError as exc:
            for error in exc.errors():
                found = _model_diagnostic(error, prefix, model, document)
                if found is not None:
                    self.diagnostics.append(found)
            return None

    def _add_top(self, document: _Document, top: dict[str, Any]) -> None:
        self._validate(Config, top, (), document)
        for key, value in top.items():
            if key in self.top_owner:
                first = self.top_owner[key]
                self._report(
                    document,
                    f"'{key}' is set in more than one file; first at {first}",
                    (key,),
                    f"keep '{key}' in one file only",
                    first,
                )
                continue
            self.top_owner[key] = document.key_location((key,))
            self.top[key] = value

    def _add_instances(self, document: _Document, instances: Any) -> None:
        if not isinstance(instances, dict):
            self._report(
                document,
                f"expected a mapping of instance keys to instances, got {_describe(instances)}",
                ("instances",),
                "write 'instances: {}' for none, or one 'key:' per instance below it",
            )
            return
        for key, body in instances.items():
            path = ("instances", key)
            if not _ADDRESS_KEY.match(key):
                rule = _RULES[ADDRESS_KEY_PATTERN][1]
                self._report(document, f"invalid instance key {key!r}", path, rule)
            first = self.instance_owner.get(key)
            if key in self.instance_owner:
                self._report(
                    document,
                    f"instance '{key}' is defined more than once; first at {first}",
                    path,
                    "each key under 'instances' may appear in one file only",
                    first,
                )
            instance = self._validate(InstanceConfig, body, path, document)
            if key not in self.instance_owner:
                self.instance_owner[key] = document.key_location(path)
                if instance is not None:
                    self.instances[key] = (instance, document)

    def _check_unique(self) -> None:
        """Access paths and phone numbers are unique across all instances."""
        paths: dict[str, tuple[str, SourceLocation | None]] = {}
        numbers: dict[str, tuple[str, SourceLocation | None]] = {}
        for key, (instance, document) in self.instances.items():
            path: FieldPath = ("instances", key, "access_path")
            self._unique(paths, instance.access_path, key, document, path, "access path")
            for index, number in enumerate(instance.phone_numbers):
                path = ("instances", key, "phone_numbers", index)
                self._unique(numbers, number, key, document, path, "phone number")

    def _unique(
        self,
        seen: dict[str, tuple[str, SourceLocation | None]],
        value: str,
        key: str,
        document: _Document,
        path: FieldPath,
        what: str,
    ) -> None:
        location = document.location_of(path)
        if value not in seen:
            seen[value] = (key, location)
            return
        first_key, first = seen[value]
        where = f"; first at {first}" if first else ""
        hint: str | None = f"each {what} may belong to one instance only"
        if first_key == key:
            message = f"{what} {value!r} is listed twice in instance.{key}{where}"
            hint = "remove the repeated one"
        else:
            both = f"instance.{first_key} and instance.{key}"
            message = f"{what} {value!r} is used by both {both}{where}"
        self.diagnostics.append(
            Diagnostic(
                message,
                location,
                path,
                hint,
                (first,) if first else (),
            )
        )

    def result(self, directory: Path, files: list[Path]) -> LoadedConfig:
        self._check_unique()
        config = None
        if not self.diagnostics:
            instances = {key: instance for key, (instance, _) in self.instances.items()}
            config = Config.model_validate({**self.top, "instances": instances})
        if config is None or self.diagnostics:
            raise ConfigError(sorted(self.diagnostics, key=_sort_key))
        locations: dict[FieldPath, SourceLocation] = {}
        for document in self.documents:
            for path, location in document.locations.items():
                locations.setdefault(path, location)
        return LoadedConfig(config, directory, files, locations)


def _sort_key(diagnostic: Diagnostic) -> tuple[bool, str, int, int]:
    location = diagnostic.location
    if location is None:
        return (False, "", 0, 0)
    return (True, location.file, location.line, location.column)
