"""One configuration file as read: its plain data, where its fields are, its problems.

`yaml_reader` fills a `Document`; validation, merging and the cross-file checks only
query it. Locations, keyed by field path such as
`("instances", "support", "phone_numbers", 0)`, are 1-based:

- a mapping entry whose value is a mapping or a sequence: the key (`support:`);
- a mapping entry whose value is a scalar: the value (`057188880001`), or the key when
  the value is empty (`name:`);
- a sequence item: the item;
- an alias (`*name`): the alias itself; nothing is recorded below it, so lookups fall
  back to the alias for any field inside it.

The file of a location is the path relative to the working directory when the file lies
under it, else the absolute path.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from cccform.config.suggest import Suggester
from cccform.diagnostics import Diagnostic, FieldPath, SourceLocation


def mark_location(display: str, mark: Any) -> SourceLocation:
    """A parser mark (0-based `line` and `column`) as a location in file `display`."""
    return SourceLocation(display, mark.line + 1, mark.column + 1)


def display_path(path: Path) -> str:
    """How messages name a file: relative to the working directory if under it, else absolute."""
    absolute = Path(os.path.abspath(path))
    try:
        return str(absolute.relative_to(Path.cwd()))
    except ValueError:
        return str(absolute)


def byte_location(data: bytes, offset: int, display: str) -> SourceLocation:
    """The line and column (in characters) of byte `offset` of `data`, in file `display`."""
    return text_location(data[:offset].decode("utf-8", "replace"), display)


def text_location(before: str, display: str) -> SourceLocation:
    """The location just after the text `before`; CR LF, CR and LF each end a line, as in YAML."""
    lines = before.replace("\r\n", "\n").replace("\r", "\n")
    line_start = lines.rfind("\n") + 1
    return SourceLocation(display, lines.count("\n") + 1, len(lines) - line_start + 1)


class Document:
    """One file: its data, the locations of its fields and its diagnostics.

    A path is *poisoned* when a problem at it was already reported (a tag, a non-finite
    number); model errors at or below it are not reported again.
    """

    def __init__(self, display: str) -> None:
        self.display = display
        self.root: Any = None
        self.root_location: SourceLocation | None = None
        self.locations: dict[FieldPath, SourceLocation] = {}
        self.key_marks: dict[FieldPath, Any] = {}  # parser marks, made locations on demand
        self.raw: dict[FieldPath, str] = {}  # the text of plain scalars that are not text
        self.poisoned: set[FieldPath] = set()
        self.diagnostics: list[Diagnostic] = []
        self.suggester = Suggester()  # "did you mean" hints, bounded per file

    def report(
        self, location: SourceLocation | None, message: str, hint: str, path: FieldPath
    ) -> None:
        """Record a problem; without a location, at the start of the file."""
        if location is None:
            location = SourceLocation(self.display, 1, 1)
        self.diagnostics.append(Diagnostic(message, location, path, hint))

    def key_location(self, path: FieldPath) -> SourceLocation | None:
        """Where the key of the mapping entry at `path` is."""
        mark = self.key_marks.get(path)
        return None if mark is None else mark_location(self.display, mark)

    def location_of(self, path: FieldPath) -> SourceLocation | None:
        """The location of `path`, else of its closest recorded parent."""
        while path:
            found = self.locations.get(path)
            if found is not None:
                return found
            path = path[:-1]
        return self.root_location

    def entry_location(self, path: FieldPath) -> SourceLocation | None:
        """The key of the entry at `path` if it has one, else `location_of(path)`."""
        return self.key_location(path) or self.location_of(path)

    def is_poisoned(self, path: FieldPath) -> bool:
        if not self.poisoned:
            return False
        return any(path[:size] in self.poisoned for size in range(len(path) + 1))
