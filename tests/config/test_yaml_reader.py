"""yaml_reader: file size, UTF-8, syntax errors and one document per file."""

from __future__ import annotations

from pathlib import Path

import pytest

from cccform.config.loader import load_config
from tests.config.helpers import diagnostics, problems, write

pytestmark = pytest.mark.usefixtures("in_tmp")


def test_syntax_error_has_the_marker_location() -> None:
    write("a.yaml", "instances:\n  a: [1, 2\n  b: 3\n")
    assert problems("a.yaml") == [
        (
            "a.yaml:3:4",
            "",
            "YAML syntax error: did not find expected ',' or ']' (while parsing a flow sequence)",
            "check the indentation, colons and quotes on this line and the one before",
        )
    ]


def test_invalid_utf8_names_the_byte_offset() -> None:
    write("a.yaml", b"version: 1\ninstances:\n  a\xff: x\n")
    assert problems("a.yaml") == [
        (
            "a.yaml:3:4",
            "",
            "not valid UTF-8: byte 0xff at byte offset 25",
            "save the file with UTF-8 encoding",
        )
    ]


def test_control_character() -> None:
    write("a.yaml", "a: é\x07\n")
    [found] = diagnostics("a.yaml")
    assert str(found.location) == "a.yaml:1:5"
    assert found.message == ("unacceptable character #x0007: control characters are not allowed")


def test_file_over_one_mib_is_rejected_before_reading() -> None:
    write("big.yaml", "#" * (1024 * 1024) + "\n")
    assert problems("big.yaml") == [
        (
            "big.yaml:1:1",
            "",
            "file is larger than 1 MiB (1048577 bytes)",
            "split the configuration into several files of a directory",
        )
    ]


def test_file_of_exactly_one_mib_is_read() -> None:
    write("a.yaml", "#" * (1024 * 1024 - 1) + "\n")
    assert load_config(Path("a.yaml")).config.instances == {}


def test_multiple_documents_are_rejected() -> None:
    write("a.yaml", "version: 1\n---\nversion: 1\n")
    assert problems("a.yaml") == [
        (
            "a.yaml:2:1",
            "",
            "a file may hold only one YAML document",
            "remove this '---' line, or move the second document into a file of its own",
        )
    ]
