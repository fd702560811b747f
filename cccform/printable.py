"""Text that came from a file or another program, made safe to print on a terminal.

A configuration key, a lock holder's name or a message from the API can hold control
characters. Printed raw, a newline or a carriage return lets a file write a line of its own
("Apply complete!"), and an escape sequence can move the cursor, recolour or retitle the
terminal. Every human view passes such text through `printable` (one line) or
`printable_lines` (a message of ours that may span lines): control characters, the Unicode
line separators and the bidirectional overrides are written as Python-style escapes.
"""

from __future__ import annotations

import re
from typing import Any, TextIO

# C0 and C1 controls and DEL, the Unicode line and paragraph separators, and the
# bidirectional embeddings, overrides and isolates ("Trojan source").
_OTHERS = "\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069"
_UNSAFE = re.compile(f"[\x00-\x1f{_OTHERS}]")
_UNSAFE_BUT_NEWLINE = re.compile(f"[\x00-\x09\x0b-\x1f{_OTHERS}]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    named = _NAMED.get(char)
    if named is not None:
        return named
    code = ord(char)
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def printable(text: str) -> str:
    """`text` on one line, every control character written as an escape (`\\n`, `\\x1b`)."""
    return _UNSAFE.sub(_escape, text)


def printable_lines(text: str) -> str:
    """`text` with its newlines kept and every other control character escaped."""
    return _UNSAFE_BUT_NEWLINE.sub(_escape, text)


# What a human view may send to the terminal raw: newlines, tabs, and the colour codes
# (SGR: ESC [ digits m) of `render.style`. Everything else is escaped.
_SGR = r"\x1b\[[0-9;]*m"
_UNSAFE_OUTPUT = re.compile(f"{_SGR}|[\x00-\x08\x0b-\x1f{_OTHERS}]")


def _escape_but_colour(match: re.Match[str]) -> str:
    found = match.group()
    return found if len(found) > 1 else _escape(match)


def printable_output(text: str) -> str:
    """Text a human view writes: lines, tabs and colour kept, every other control escaped."""
    return _UNSAFE_OUTPUT.sub(_escape_but_colour, text)


class PrintableStream:
    """A text stream that passes all it is given through `printable_output`.

    The CLI wraps stdout and stderr in one for every human view, so that no key, name,
    message or lock record can move the cursor or write a line that looks like cccform's.
    JSON documents go to `raw`: JSON escapes control characters itself.
    """

    def __init__(self, raw: TextIO) -> None:
        self.raw = raw

    def write(self, text: str) -> int:
        return self.raw.write(printable_output(text))

    def __getattr__(self, name: str) -> Any:
        return getattr(self.raw, name)
