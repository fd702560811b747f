"""The one form of every error cccform prints, which editors and CI problem matchers read.

    path:line:column: error: message
      hint: what to do

An error with no location in a file starts with `error: message`. Only `error:` is coloured,
and only when the stream's style says so.
"""

from __future__ import annotations

from collections.abc import Sequence

from cccform.render.style import Style


def error_lines(
    message: str,
    style: Style,
    *,
    where: str | None = None,
    hint: str | None = None,
    notes: Sequence[str] = (),
) -> list[str]:
    """The lines of one error: the located (or bare) first line, `notes`, then the hint."""
    head = f"{where}: " if where else ""
    lines = [f"{head}{style('error:', 'red', 'bold')} {message}"]
    lines += [f"  {note}" for note in notes]
    if hint:
        lines.append(f"  hint: {hint}")
    return lines


def render_error(message: str, style: Style, *, hint: str | None = None) -> str:
    """One error with no location, as text for stderr."""
    return "\n".join(error_lines(message, style, hint=hint)) + "\n"
