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

# C0 and C1 controls and DEL, the Unicode line and paragraph separators, and the
# bidirectional embeddings, overrides and isolates ("Trojan source").
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_UNSAFE_BUT_NEWLINE = re.compile(
    "[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]"
)
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
