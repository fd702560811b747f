"""Parser events to plain data plus locations, with the checks made while reading.

`yaml_reader` feeds the libyaml parser's events here, one by one; an `EventBuilder`
turns them into dicts, tuples and scalars in a `Document` and records where each field
starts. Events say whether a tag was written explicitly, which aliases are used and
where every node starts, so this is one fast pass with no composed tree.

Rejected while reading: explicit tags, nesting deeper than `MAX_DEPTH`, more than
`MAX_ALIASES` aliases, aliases without an anchor, non-string and duplicate keys, and
numbers that are not finite or have too many digits. Depth and alias limits stop the file
(`Abort`); every other problem is recorded and reading goes on.

Events are duck-typed (`start_mark`, `value`, `tag`, `anchor`, `style`), so this module
does not import the parser.
"""

from __future__ import annotations

import math
from typing import Any

from cccform.config.document import Document, mark_location
from cccform.config.values import describe, resolve_plain, short_tag
from cccform.diagnostics import Diagnostic, FieldPath, SourceLocation

MAX_DEPTH = 64
MAX_ALIASES = 10


class Abort(Exception):
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


class EventBuilder:
    """Builds one `Document` from the events of its single YAML document."""

    def __init__(self, document: Document) -> None:
        self.document = document
        self._display = document.display
        self._locations = document.locations
        self._poison_count = 0
        self._anchors: dict[str, tuple[Any, bool]] = {}
        self._aliases = 0
        self._stack: list[_Frame] = []

    # events

    def scalar(self, event: Any) -> None:
        value, poisoned = self._scalar_value(event)
        if event.anchor is not None:
            self._anchors[event.anchor] = (value, poisoned)
        if not self._stack:
            self._set_root(value, self._location(event.start_mark))
            return
        top = self._stack[-1]
        if top.want_key:
            raw = None if event.style else event.value
            self._take_key(top, value, event.start_mark, raw, poisoned)
            return
        path = self._child_path(top)
        if path is not None:
            self._record_scalar(top, path, event, value)
        if poisoned:
            self._poison(path)
        self._attach(top, value)

    def start_mapping(self, event: Any) -> None:
        self._open(event, {})

    def start_sequence(self, event: Any) -> None:
        self._open(event, [])

    def end_collection(self) -> None:
        frame = self._stack.pop()
        value = frame.items if frame.is_map else tuple(frame.items)
        if frame.anchor is not None:
            self._anchors[frame.anchor] = (value, self._poison_count > frame.poison_mark)
        if not self._stack:
            self.document.root = value
        elif frame.is_key:
            self._take_key(self._stack[-1], value, frame.mark, None, False)
        else:
            self._attach(self._stack[-1], value)

    def alias(self, event: Any) -> None:
        mark = event.start_mark
        location = self._location(mark)
        self._count_alias(location)
        value, poisoned = self._anchors.get(event.anchor, (None, True))
        if event.anchor not in self._anchors:
            self._error(
                location,
                f"alias '*{event.anchor}' has no anchor '&{event.anchor}' before it",
                "define the anchor first; an alias cannot refer to the node it is in",
            )
        if not self._stack:
            self._set_root(value, location)
            return
        top = self._stack[-1]
        if top.want_key:
            self._take_key(top, value, mark, None, poisoned)
            return
        path = self._child_path(top)
        if path is not None:
            self._locations[path] = location
        if poisoned:
            self._poison(path)
        self._attach(top, value)

    # scalars

    def _scalar_value(self, event: Any) -> tuple[Any, bool]:
        """The value of a scalar event, and whether a problem with it was reported."""
        text: str = event.value
        problem = False
        if event.tag is not None:
            problem = self._tag_error(event.tag, self._location(event.start_mark))
        if event.style:
            return text, problem
        try:
            value = resolve_plain(text)
        except ValueError:
            hint = f'quote it if it is text: "{text[:20]}..."'
            location = self._location(event.start_mark)
            return text, self._error(location, "number has too many digits", hint)
        if type(value) is float and not math.isfinite(value):
            hint = f'use a finite number, or quote it if it is text: "{text}"'
            location = self._location(event.start_mark)
            problem = self._error(location, f"not a finite number: {text}", hint)
        return value, problem

    def _record_scalar(self, top: _Frame, path: FieldPath, event: Any, value: Any) -> None:
        """Where the scalar at `path` is (its key when empty), and its text if not text."""
        text: str = event.value
        mark = event.start_mark
        if top.is_map and not text and not event.style:
            mark = top.key_mark
        self._locations[path] = SourceLocation(self._display, mark.line + 1, mark.column + 1)
        if not event.style and value is not None and not isinstance(value, str):
            self.document.raw[path] = text

    # collections

    def _open(self, event: Any, items: Any) -> None:
        mark = event.start_mark
        location = self._location(mark)
        if len(self._stack) >= MAX_DEPTH:
            self._error(
                location, f"nesting is deeper than {MAX_DEPTH} levels", "flatten the document"
            )
            raise Abort
        path: FieldPath | None = ()
        is_key = False
        if not self._stack:
            self.document.root_location = location
        else:
            top = self._stack[-1]
            is_key = top.is_map and top.want_key
            path = None if is_key else self._child_path(top)
            if path is not None:
                self._locations[path] = self._location(top.key_mark) if top.is_map else location
        poison_mark = self._poison_count
        if event.tag is not None:
            self._tag_error(event.tag, location)
            self._poison(path)
        self._stack.append(_Frame(items, path, mark, event.anchor, poison_mark, is_key))

    def _count_alias(self, location: SourceLocation) -> None:
        self._aliases += 1
        if self._aliases > MAX_ALIASES:
            self._error(
                location,
                f"more than {MAX_ALIASES} aliases in one file",
                "write the values out instead of repeating them with *aliases",
            )
            raise Abort

    def _set_root(self, value: Any, location: SourceLocation) -> None:
        self.document.root = value
        self.document.root_location = location

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
            self._non_string_key(key, mark, raw, parent)
            return
        if top.path is None:
            top.key = key
            return
        path = (*parent, key)
        if key in top.items:
            self._duplicate_key(key, mark, path)
            return
        top.key = key
        self.document.key_marks[path] = mark

    def _non_string_key(self, key: Any, mark: Any, raw: str | None, parent: FieldPath) -> None:
        """Report a key that is not text; the entry (key and value) is dropped.

        The path names the entry by the key as written (`numbers.057188880001`), so it
        reads as the path the quoted key will have.
        """
        if not raw:
            message = f"mapping keys must be strings, got {describe(key)}"
            self._error(self._location(mark), message, "use a plain text key", parent)
            return
        hint = f'quote it: "{raw}"'
        message = f"mapping keys must be strings, got {describe(key)}"
        if _is_numbers_mapping(parent):
            message = (
                f"phone number {raw} must be quoted: unquoted, YAML reads it as {describe(key)}"
            )
            hint += "; a key under 'numbers' is one of the instance's phone_numbers, as text"
        self._error(self._location(mark), message, hint, (*parent, raw))

    def _duplicate_key(self, key: str, mark: Any, path: FieldPath) -> None:
        first = self.document.key_location(path)
        where = f"; first defined at {first}" if first else ""
        self.document.diagnostics.append(
            Diagnostic(
                f"duplicate key {key!r}{where}",
                self._location(mark),
                path,
                "remove one of them: YAML readers disagree on which one wins",
                (first,) if first else (),
            )
        )

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
            self.document.poisoned.add(path)

    # problems

    def _location(self, mark: Any) -> SourceLocation:
        return mark_location(self._display, mark)

    def _error(
        self,
        location: SourceLocation | None,
        message: str,
        hint: str,
        path: FieldPath | None = None,
    ) -> bool:
        """Record a problem at the node being read (or `path`); always True."""
        self.document.report(location, message, hint, self._node_path() if path is None else path)
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
            f"explicit tags are not allowed: {short_tag(tag)}",
            "remove the tag; quote the value if it must be text",
        )


def _is_numbers_mapping(path: FieldPath) -> bool:
    """Whether `path` is `instances.<key>.numbers`, whose keys are phone numbers."""
    return len(path) == 3 and path[0] == "instances" and path[2] == "numbers"
