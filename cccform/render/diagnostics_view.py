"""Configuration diagnostics: `file:line:column: error: field: message`, then the hint."""

from __future__ import annotations

from cccform.diagnostics import Diagnostic
from cccform.render.errors import error_lines
from cccform.render.style import Style


def render_diagnostics(diagnostics: list[Diagnostic], style: Style) -> str:
    lines: list[str] = []
    for diagnostic in diagnostics:
        field = f"{diagnostic.field_path}: " if diagnostic.path else ""
        where = str(diagnostic.location) if diagnostic.location else None
        lines += error_lines(
            field + diagnostic.message,
            style,
            where=where,
            hint=diagnostic.hint,
            notes=_related(diagnostic),
        )
    count = len(diagnostics)
    lines.append(
        f"{count} configuration error{'s' if count != 1 else ''}; nothing was contacted or written."
    )
    return "\n".join(lines) + "\n"


def _related(diagnostic: Diagnostic) -> list[str]:
    """The other places of a problem, but not one its message already names."""
    named = diagnostic.message
    return [f"(see also {other})" for other in diagnostic.related if str(other) not in named]
