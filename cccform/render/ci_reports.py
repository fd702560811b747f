"""What a plan leaves for a CI system: GitHub workflow commands and GitLab's plan report.

GitHub Actions turns `::error file=F,line=L,col=C::message` lines of a step's output into
annotations on the pull request's files; it shows at most 10 errors per step, so cccform
prints at most `ANNOTATIONS_PER_KIND` of each kind and one notice for the rest. GitLab's
merge-request widget reads a report `{"create": N, "update": N, "delete": N}`; it means
objects created, changed in place and destroyed, so adoptions, moves, forgets and enabling
QA are not counted there (the markdown comment lists them).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from cccform.diagnostics import Diagnostic

ANNOTATIONS_PER_KIND = 10
_QUOTED = re.compile(r"'[^']*'")


@dataclass(frozen=True)
class Annotation:
    """One problem to show on a file: a configuration error or a plan rejection."""

    message: str
    file: str | None = None
    line: int | None = None
    column: int | None = None
    title: str | None = None


def workflow_commands(kind: str, annotations: Iterable[Annotation]) -> list[str]:
    """`::error` lines for `annotations` (at most the per-kind cap), then a notice for the rest."""
    found = list(annotations)
    lines = [_error_command(item) for item in found[:ANNOTATIONS_PER_KIND]]
    left = len(found) - ANNOTATIONS_PER_KIND
    if left > 0:
        lines.append(
            f"::notice title=cccform::{left} more {kind} not annotated; the step's log and "
            "its summary list them all"
        )
    return lines


def rejection_annotations(doc: dict[str, Any]) -> list[Annotation]:
    """The plan document's rejections, located where the configuration says what is refused."""
    found = []
    for error in doc["errors"]:
        where = error.get("location") or {}
        found.append(
            Annotation(
                message=f"{error['address']}: {error['message']}\nhint: {error['hint']}",
                file=where.get("file"),
                line=where.get("line"),
                column=where.get("column"),
                title="cccform plan rejected",
            )
        )
    return found


def diagnostic_annotations(
    diagnostics: Iterable[Diagnostic], *, show_personal_data: bool = False
) -> list[Annotation]:
    """Configuration errors, each on the file and line it is about; the value of an agent's
    email or mobile that a message quotes is masked unless asked for."""
    found = []
    for diagnostic in diagnostics:
        where = diagnostic.location
        field = f"{diagnostic.field_path}: " if diagnostic.field_path else ""
        hint = f"\nhint: {diagnostic.hint}" if diagnostic.hint else ""
        message = diagnostic.message
        if not show_personal_data and diagnostic.path[-1:] in (("email",), ("mobile",)):
            message = _QUOTED.sub("'***'", message)
        found.append(
            Annotation(
                message=f"{field}{message}{hint}",
                file=where.file if where else None,
                line=where.line if where else None,
                column=where.column if where else None,
                title="cccform configuration error",
            )
        )
    return found


def gitlab_report(doc: dict[str, Any]) -> str:
    """GitLab's Terraform plan report for the plan document `doc`."""
    summary = doc["summary"]
    counts = {"create": summary["create"], "update": summary["update"]}
    counts["delete"] = summary["delete"]
    return json.dumps(counts) + "\n"


def _error_command(item: Annotation) -> str:
    properties = [
        f"{name}={_escape_property(str(value))}"
        for name, value in (
            ("file", item.file),
            ("line", item.line),
            ("col", item.column),
            ("title", item.title),
        )
        if value is not None
    ]
    joined = f" {','.join(properties)}" if properties else ""
    return f"::error{joined}::{_escape_data(item.message)}"


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")
