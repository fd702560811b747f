"""The public JSON document of `validate --json`: whether the configuration is valid, and every
diagnostic with its place. Versioned with the JSON plan (`json_plan.FORMAT_VERSION`) and
described in the same schema (`#/$defs/JsonValidateOutput`, docs/json-plan.md)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import ConfigDict, with_config
from typing_extensions import TypedDict

from cccform.diagnostics import Diagnostic
from cccform.render.json_plan import FORMAT_VERSION, cccform_version

_CLOSED = ConfigDict(extra="forbid")


@with_config(_CLOSED)
class JsonDiagnostic(TypedDict):
    """One configuration problem; file, line and column are null when it has no place."""

    file: str | None
    line: int | None
    column: int | None
    field: str | None
    message: str
    hint: str | None


@with_config(_CLOSED)
class JsonValidateOutput(TypedDict):
    """`validate --json`: whether the configuration is valid, and every problem found."""

    format_version: Literal["2.4"]
    cccform_version: str
    valid: bool
    error_count: int
    instance_count: int
    file_count: int
    diagnostics: list[JsonDiagnostic]


def _diagnostic(diagnostic: Diagnostic) -> JsonDiagnostic:
    where = diagnostic.location
    return JsonDiagnostic(
        file=where.file if where else None,
        line=where.line if where else None,
        column=where.column if where else None,
        field=diagnostic.field_path or None,
        message=diagnostic.message,
        hint=diagnostic.hint,
    )


def validate_output(
    diagnostics: list[Diagnostic], *, instances: int = 0, files: int = 0
) -> dict[str, Any]:
    """`validate --json`, as JSON data (counts of instances and files are 0 when invalid)."""
    output = JsonValidateOutput(
        format_version=FORMAT_VERSION,
        cccform_version=cccform_version(),
        valid=not diagnostics,
        error_count=len(diagnostics),
        instance_count=instances,
        file_count=files,
        diagnostics=[_diagnostic(d) for d in diagnostics],
    )
    return dict(output)
