"""Source locations and diagnostics shared by the config loader, planner and renderers."""

from __future__ import annotations

from dataclasses import dataclass, field

FieldPath = tuple[str | int, ...]


@dataclass(frozen=True, order=True)
class SourceLocation:
    """A 1-based line and column in a configuration file."""

    file: str
    line: int
    column: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"

    def to_json(self) -> dict[str, str | int]:
        return {"file": self.file, "line": self.line, "column": self.column}


@dataclass(frozen=True)
class Diagnostic:
    """One configuration problem: where, which field, what is wrong and what to do."""

    message: str
    location: SourceLocation | None = None
    path: FieldPath = ()
    hint: str | None = None
    related: tuple[SourceLocation, ...] = field(default=())

    @property
    def field_path(self) -> str:
        return format_path(self.path)


def format_path(path: FieldPath) -> str:
    """`("instances", "a", "phone_numbers", 0)` -> `instances.a.phone_numbers[0]`."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out
