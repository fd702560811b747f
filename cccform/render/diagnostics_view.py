"""Configuration diagnostics: `file:line:column: field: message`, then the hint."""

from __future__ import annotations

from cccform.diagnostics import Diagnostic
from cccform.render.style import Style


def render_diagnostics(diagnostics: list[Diagnostic], style: Style) -> str:
    lines: list[str] = []
    for diagnostic in diagnostics:
        where = f"{diagnostic.location}: " if diagnostic.location else ""
        field = f"{diagnostic.field_path}: " if diagnostic.path else ""
        lines.append(f"{where}{style('error:', 'red', 'bold')} {field}{diagnostic.message}")
        for other in diagnostic.related:
            lines.append(f"  (see also {other})")
        if diagnostic.hint:
            lines.append(f"  hint: {diagnostic.hint}")
    count = len(diagnostics)
    lines.append(
        f"{count} configuration error{'s' if count != 1 else ''}; nothing was contacted or written."
    )
    return "\n".join(lines) + "\n"
