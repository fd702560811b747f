"""The YAML writer: what it writes reads back as the same data, with comments where asked."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from cccform.config.yaml_reader import read_document
from cccform.config.yaml_writer import FlowMap, FlowSeq, Quoted, dump_yaml


def read_back(tmp_path: Path, text: str) -> Any:
    path = tmp_path / "f.yaml"
    path.write_text(text, encoding="utf-8")
    document = read_document(path, "f.yaml")
    assert document.diagnostics == []
    return document.root


@pytest.mark.parametrize(
    "text",
    [
        "123",
        "0571",
        "1.5",
        "1e3",
        "0x1F",
        "true",
        "False",
        "yes",
        "off",
        "null",
        "~",
        "",
        " a",
        "a: b",
        "#x",
        "- x",
        "line\nbreak",
        "客服热线",
        "'quoted'",
        '"double"',
        "x" * 300,
    ],
)
def test_a_string_reads_back_as_the_same_string(tmp_path: Path, text: str) -> None:
    written = dump_yaml({"description": text, "list": [text], text or "k": 1}, "", {})
    assert read_back(tmp_path, written) == {"description": text, "list": (text,), text or "k": 1}


def test_quoted_flow_and_numbers_are_written_as_asked(tmp_path: Path) -> None:
    data = {
        "phone_numbers": FlowSeq([Quoted("057188880001"), Quoted("+8657")]),
        "skills": FlowMap({"billing": 1, "vip": 10}),
        "on": True,
        "n": None,
        "ratio": 0.5,
    }
    text = dump_yaml(data, "header", {})
    assert text == (
        "# header\n"
        'phone_numbers: ["057188880001", "+8657"]\n'
        "skills: {billing: 1, vip: 10}\n"
        "'on': true\n"
        "'n': null\n"
        "ratio: 0.5\n"
    )
    assert read_back(tmp_path, text) == {**data, "phone_numbers": ("057188880001", "+8657")}


def test_notes_are_comments_before_their_keys_at_their_indentation(tmp_path: Path) -> None:
    data = {"instances": {"a": {"name": "A", "numbers": {Quoted("0571"): {"usage": "Inbound"}}}}}
    notes = {
        ("instances", "a", "name"): "first\nsecond",
        ("instances", "a", "numbers", "0571", "usage"): "flow: default",
    }
    text = dump_yaml(data, "modeline\n\nabout", notes)
    assert text == (
        "# modeline\n"
        "#\n"
        "# about\n"
        "instances:\n"
        "  a:\n"
        "    # first\n"
        "    # second\n"
        "    name: A\n"
        "    numbers:\n"
        '      "0571":\n'
        "        # flow: default\n"
        "        usage: Inbound\n"
    )
    assert read_back(tmp_path, text) == data
