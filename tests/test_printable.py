"""Control characters from files and other programs never reach the terminal raw."""

from __future__ import annotations

import pytest

from cccform.printable import printable, printable_lines


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("support", "support"),
        ("a\nb", "a\\nb"),
        ("a\r\tb", "a\\r\\tb"),
        ("\x1b[31mred", "\\x1b[31mred"),
        ("\x00\x7f\x9b", "\\x00\\x7f\\x9b"),
        ("left\u202eright", "left\\u202eright"),
        ("line\u2028sep", "line\\u2028sep"),
        ("çağrı merkezi 客服", "çağrı merkezi 客服"),  # printable text is left alone
    ],
)
def test_printable_escapes_every_control_character(raw: str, shown: str) -> None:
    assert printable(raw) == shown


def test_printable_lines_keeps_newlines_only() -> None:
    assert printable_lines("one\ntwo\r\x1b[2J") == "one\ntwo\\r\\x1b[2J"


def test_escaping_is_total_over_the_control_ranges() -> None:
    controls = "".join(map(chr, [*range(0x20), *range(0x7F, 0xA0)]))
    assert all(ord(char) < 0x7F for char in printable(controls))
    assert "\n" not in printable(controls)
