"""`format_text`: a formatted file is a fixed point and means what the file meant.

Configurations, generated and from `examples/`, are written out in random layouts (key
order, indentation, flow or block sequences, quotes, plain phone numbers, blank lines,
comments); formatting any of them gives a text that formats to itself, loads to the same
configuration, and keeps the modeline and every comment.
"""

from __future__ import annotations

import json
import re
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from cccform.config.document import Document
from cccform.config.loader import load_config
from cccform.config.models import Config
from cccform.config.yaml_format import format_text
from cccform.config.yaml_reader import read_document

EXAMPLES = sorted((Path(__file__).resolve().parents[2] / "examples").rglob("*.yaml"))
MODELINE = "# yaml-language-server: $schema=../schemas/cccform.schema.json"
# Strings YAML reads as strings when written plain, in every position used here.
PLAIN = re.compile(r"[A-Za-z][A-Za-z0-9_.@-]*( [A-Za-z0-9_.-]+)*")
NOT_PLAIN = {"true", "false", "yes", "no", "on", "off", "null", "y", "n"}
# Scalars that are numbers written as text: written plain, YAML reads a number.
NUMBERS_AS_TEXT = re.compile(r"\+?[0-9]+")

# Formatting with the pure-Python round trip is slow: no explain phase after a failure.
NO_EXPLAIN = (Phase.explicit, Phase.reuse, Phase.generate, Phase.shrink)
Draw = Callable[[st.SearchStrategy[Any]], Any]
GROUPS = ["billing", "tech", "vip"]
FLOWS = ["main", "after-hours"]
words = st.from_regex(r"[A-Za-z][a-z]{3,8}( [a-z]{1,6}){0,2}", fullmatch=True)
texts = st.one_of(words, st.sampled_from(["24/7: all day", "# not a comment", "yes", "o'clock"]))


def phones(n: int) -> st.SearchStrategy[str]:
    """Numbers of instance `n` only: a number belongs to one instance."""
    return st.from_regex(rf"(0571|\+86571){n}[0-9]{{7}}", fullmatch=True)


@st.composite
def instances(draw: st.DrawFn, n: int) -> dict[str, Any]:
    numbers = draw(st.lists(phones(n), min_size=0, max_size=3, unique=True))
    groups = draw(st.lists(st.sampled_from(GROUPS), unique=True))
    flows = draw(st.lists(st.sampled_from(FLOWS), unique=True))
    routed = draw(st.lists(st.sampled_from(numbers), unique=True)) if numbers else []
    body: dict[str, Any] = {"name": f"Center {n:03d}", "access_path": f"acme-{n:03d}"}
    optional: dict[str, Any] = {
        "description": draw(texts),
        "phone_numbers": numbers,
        "admins": draw(st.lists(st.from_regex(r"[1-9][0-9]{14}", fullmatch=True), max_size=2)),
        "conversation_analysis": draw(st.booleans()),
        "deletion_protection": draw(st.booleans()),
        "skill_groups": {
            group: {"display_name": draw(words), "media_type": "AUDIO"} for group in groups
        },
        "agents": {
            f"agent{index}": _agent(draw, index, groups) for index in range(draw(st.integers(0, 2)))
        },
        "flows": {flow: {"type": "MAIN_FLOW", "definition": {"Steps": [flow]}} for flow in flows},
        "numbers": {
            number: {"usage": "Inbound", "skill_groups": groups[:1]}
            | ({"flow": flows[0]} if flows else {})
            for number in routed
        },
    }
    chosen = draw(st.sets(st.sampled_from(sorted(optional))))
    # What numbers and agents refer to is declared.
    if "numbers" in chosen:
        chosen |= {"phone_numbers", "skill_groups", "flows"}
    if "agents" in chosen:
        chosen.add("skill_groups")
    return body | {key: optional[key] for key in sorted(chosen)}


def _agent(draw: Draw, index: int, groups: list[str]) -> dict[str, Any]:
    agent: dict[str, Any] = {"display_name": draw(words), "email": f"a{index}@example.com"}
    if draw(st.booleans()):
        agent["mobile"] = draw(st.from_regex(r"1[0-9]{10}", fullmatch=True))
    if groups and draw(st.booleans()):
        agent["skills"] = {groups[0]: draw(st.integers(1, 10))}
    return agent


@st.composite
def configurations(draw: st.DrawFn) -> dict[str, Any]:
    count = draw(st.integers(1, 3))
    config: dict[str, Any] = {
        "instances": {f"i{n}": draw(instances(n)) for n in range(count)},
    }
    if draw(st.booleans()):
        config["version"] = 1
    if draw(st.booleans()):
        config["provider"] = {"type": "local", "create_seconds": 0}
    if draw(st.booleans()):
        config["state"] = {"path": "my.state.json"}
    return config


class Writer:
    """Writes data as YAML text, choosing the layout with hypothesis as it goes."""

    def __init__(self, draw: Draw) -> None:
        self.draw = draw
        self.step: int = draw(st.integers(2, 4))
        self.comments: list[str] = []

    def document(self, data: dict[str, Any]) -> str:
        return MODELINE + "\n" + self.mapping(data, 0)

    def mapping(self, data: dict[str, Any], depth: int) -> str:
        keys = self.draw(st.permutations(list(data)))
        out = ""
        for key in keys:
            out += self.before_entry(depth)
            out += " " * (self.step * depth) + self.scalar(key) + ":" + self.value(data[key], depth)
        return out

    def before_entry(self, depth: int) -> str:
        blanks: int = self.draw(st.integers(0, 2 if depth == 1 else 0))
        blank = "\n" * blanks
        if depth == 0 or self.draw(st.integers(0, 4)) != 0:
            return blank
        comment = f"# comment {len(self.comments)}"
        self.comments.append(comment)
        return blank + " " * (self.step * depth) + comment + "\n"

    def value(self, value: Any, depth: int) -> str:
        if isinstance(value, dict) and value and self.draw(st.integers(0, 5)) != 0:
            return "\n" + self.mapping(value, depth + 1)
        if isinstance(value, list) and value and self.draw(st.booleans()):
            indent = " " * (self.step * (depth + self.draw(st.integers(0, 1))))
            return "\n" + "".join(f"{indent}- {self.scalar(item)}\n" for item in value)
        return " " + self.flow(value) + self.end_of_line()

    def end_of_line(self) -> str:
        if self.draw(st.integers(0, 6)) != 0:
            return "\n"
        comment = f"# note {len(self.comments)}"
        self.comments.append(comment)
        return "   " + comment + "\n"

    def flow(self, value: Any) -> str:
        if isinstance(value, dict):
            return (
                "{" + ", ".join(f"{self.scalar(k)}: {self.flow(v)}" for k, v in value.items()) + "}"
            )
        if isinstance(value, list):
            return "[" + ", ".join(self.flow(item) for item in value) + "]"
        return self.scalar(value)

    def scalar(self, value: Any) -> str:
        if not isinstance(value, str):
            return json.dumps(value)
        plain_ok = (PLAIN.fullmatch(value) and value.lower() not in NOT_PLAIN) or (
            NUMBERS_AS_TEXT.fullmatch(value)
        )
        style = self.draw(
            st.sampled_from(["double", "single", "plain"] if plain_ok else ["double", "single"])
        )
        if style == "plain":
            return value
        if style == "single":
            return "'" + value.replace("'", "''") + "'"
        return json.dumps(value)


def _load(text: str) -> Config:
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory, "conf", "cccform.yaml")  # alone: no configuration beside it
        path.parent.mkdir()
        path.write_text(text, encoding="utf-8")
        return load_config(path).config


def _check(data: dict[str, Any], draw: Draw) -> None:
    writer = Writer(draw)
    text = writer.document(data)
    formatted = format_text(text, "cccform.yaml")
    assert format_text(formatted, "cccform.yaml") == formatted
    assert _load(formatted) == _load(json.dumps(data))
    assert formatted.startswith(MODELINE + "\n")
    for comment in writer.comments:
        assert comment in formatted


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow], phases=NO_EXPLAIN
)
@given(configurations(), st.data())
def test_a_formatted_configuration_is_a_fixed_point_and_means_the_same(
    data: dict[str, Any], choices: st.DataObject
) -> None:
    _check(data, choices.draw)


def _plain_data(path: Path) -> Any:
    document: Document = read_document(path, path.name)
    assert document.diagnostics == []
    return document.root


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow], phases=NO_EXPLAIN
)
@given(st.sampled_from(EXAMPLES), st.data())
def test_an_example_written_in_any_layout_formats_to_the_same_meaning(
    example: Path, choices: st.DataObject
) -> None:
    data = _plain_data(example)
    if "flows" in json.dumps(data):
        # definition_file is relative to the example's directory: load it from there.
        data = json.loads(json.dumps(data).replace('"flows/', f'"{example.parent}/flows/'))
    _check(data, choices.draw)


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda path: path.parent.name + "/" + path.name)
def test_the_examples_are_formatted(example: Path) -> None:
    text = example.read_text(encoding="utf-8")
    assert format_text(text, example.name) == text
