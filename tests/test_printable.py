"""Control characters from files and other programs never reach the terminal raw."""

from __future__ import annotations

import io

import pytest

from cccform.printable import PrintableStream, printable, printable_lines, printable_output


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


def test_output_keeps_lines_tabs_and_colour_only() -> None:
    assert printable_output("a\tb\n\x1b[1;31mred\x1b[0m") == "a\tb\n\x1b[1;31mred\x1b[0m"
    assert printable_output("\x1b[2J\x1b]0;t\x07\r") == "\\x1b[2J\\x1b]0;t\\x07\\r"


def test_a_printable_stream_escapes_what_it_is_given() -> None:
    raw = io.StringIO()
    stream = PrintableStream(raw)
    stream.write("ok\x1b[2K\r\n")
    assert raw.getvalue() == "ok\\x1b[2K\\r\n"
    assert stream.raw is raw and stream.getvalue() == raw.getvalue()  # the rest is raw's
