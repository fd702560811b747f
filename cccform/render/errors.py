"""The one form of every error cccform prints, which editors and CI problem matchers read.

    path:line:column: error: message
      hint: what to do

An error with no location in a file starts with `error: message`. Only `error:` is coloured,
and only when the stream's style says so.
"""

from __future__ import annotations

from collections.abc import Sequence

from cccform.printable import printable
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
    # Each part is one line: a newline or control character from a file (a key, a name, a
    # lock record) is written as an escape, so it cannot start a line of its own.
    head = f"{printable(where)}: " if where else ""
    lines = [f"{head}{style('error:', 'red', 'bold')} {printable(message)}"]
    lines += [f"  {printable(note)}" for note in notes]
    if hint:
        lines.append(f"  hint: {printable(hint)}")
    return lines


def render_error(message: str, style: Style, *, hint: str | None = None) -> str:
    """One error with no location, as text for stderr."""
    return "\n".join(error_lines(message, style, hint=hint)) + "\n"
