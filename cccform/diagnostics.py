"""Source locations and diagnostics shared by the config loader, planner and renderers."""

from __future__ import annotations

from dataclasses import dataclass, field

from pydantic import ValidationError

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


def summarise_validation_error(exc: ValidationError, limit: int = 5, prefix: FieldPath = ()) -> str:
    """`field.path: message; ...` for the first `limit` errors of a document's validation,
    each path under `prefix`.

    Locations and messages only: pydantic's own text would quote the input values, and a
    state or a saved plan may hold secrets. The Python-only branch of a type that is also
    read from text (an `Address`) and pydantic's names of such branches are left out.
    """
    errors = [
        error
        for error in exc.errors(include_url=False, include_input=False, include_context=False)
        if error["type"] != "is_instance_of"
    ]
    parts = [
        f"{format_path((*prefix, *_field_parts(error['loc']))) or '(top level)'}: {error['msg']}"
        for error in errors[:limit]
    ]
    if len(errors) > limit:
        parts.append(f"and {len(errors) - limit} more")
    return "; ".join(parts)


def _field_parts(loc: tuple[str | int, ...]) -> FieldPath:
    # A branch's name (`chain[str,function-plain[...]]`) is never a field's: fields have no [.
    return tuple(part for part in loc if not (isinstance(part, str) and "[" in part))
