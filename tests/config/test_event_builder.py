"""event_builder: YAML 1.2 scalars, locations, and tags, aliases, depth and keys."""

from __future__ import annotations

from pathlib import Path

import pytest

from cccform.config.loader import load_config
from cccform.diagnostics import SourceLocation
from tests.config.helpers import BASE, VALID, diagnostics, instance, problems, write

pytestmark = pytest.mark.usefixtures("in_tmp")


def test_locations_point_at_keys_of_collections_and_at_scalar_values() -> None:
    path = write("cccform.yaml", VALID)
    loc = load_config(path).locations
    at = SourceLocation
    assert loc[("instances",)] == at("cccform.yaml", 2, 1)
    assert loc[("instances", "support")] == at("cccform.yaml", 3, 3)
    assert loc[("instances", "support", "name")] == at("cccform.yaml", 4, 11)
    assert loc[("instances", "support", "access_path")] == at("cccform.yaml", 5, 18)
    assert loc[("instances", "support", "phone_numbers")] == at("cccform.yaml", 7, 5)
    assert loc[("instances", "support", "phone_numbers", 0)] == at("cccform.yaml", 7, 21)
    assert loc[("instances", "support", "phone_numbers", 1)] == at("cccform.yaml", 7, 37)
    assert loc[("instances", "support", "deletion_protection")] == at("cccform.yaml", 10, 26)
    assert loc[("version",)] == at("cccform.yaml", 1, 10)


def test_location_falls_back_to_parent_and_block_sequences_point_at_items() -> None:
    text = instance(BASE + "phone_numbers:\n  - '0571'\n  - \"0572\"")
    loaded = load_config(write("a.yaml", text))
    assert loaded.location("instances", "support", "phone_numbers", 1) == SourceLocation(
        "a.yaml", 7, 9
    )
    assert loaded.location("instances", "support", "admins") == SourceLocation("a.yaml", 2, 3)


def test_yaml_12_scalars() -> None:
    text = instance(
        "name: true name\n"
        "access_path: 0o17abc\n"
        "description: on\n"
        "conversation_analysis: TRUE\n"
        "deletion_protection: False\n"
    )
    support = load_config(write("a.yaml", text)).config.instances["support"]
    assert support.name == "true name"
    assert support.access_path == "0o17abc"
    assert support.description == "on"
    assert support.conversation_analysis is True
    assert support.deletion_protection is False


def test_aliases_within_the_limit_are_allowed_and_located_at_the_alias() -> None:
    text = (
        "instances:\n"
        "  a:\n"
        "    name: &n Shared name\n"
        "    access_path: path-a\n"
        "    admins: &admins ['1001', '1002']\n"
        "  b:\n"
        "    name: *n\n"
        "    access_path: path-b\n"
        "    admins: *admins\n"
    )
    loaded = load_config(write("a.yaml", text))
    assert loaded.config.instances["b"].name == "Shared name"
    assert loaded.config.instances["b"].admins == ("1001", "1002")
    assert loaded.location("instances", "b", "admins", 1) == SourceLocation("a.yaml", 9, 13)


def test_nesting_deeper_than_64_is_rejected() -> None:
    write("deep.yaml", "a: " + "[" * 64 + "]" * 64 + "\n")
    assert problems("deep.yaml") == [
        (
            "deep.yaml:1:67",
            "a" + "[0]" * 63,
            "nesting is deeper than 64 levels",
            "flatten the document",
        )
    ]


def test_nesting_of_64_is_allowed() -> None:
    write("deep.yaml", "a: " + "[" * 63 + "]" * 63 + "\n")
    assert problems("deep.yaml") == [
        (
            "deep.yaml:1:1",
            "a",
            "unknown field 'a'",
            "allowed fields: version, provider, state, instances",
        )
    ]


def test_deep_nesting_of_a_huge_document_is_one_error() -> None:
    write("deep.yaml", "[" * 500_000)
    [found] = diagnostics("deep.yaml")
    assert found.message == "nesting is deeper than 64 levels"


def test_alias_bomb_is_rejected() -> None:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for level in "bcdefghi":
        previous = chr(ord(level) - 1)
        lines.append(f"{level}: &{level} [" + ",".join([f"*{previous}"] * 9) + "]")
    write("bomb.yaml", "\n".join(lines) + "\n")
    assert problems("bomb.yaml") == [
        (
            "bomb.yaml:3:11",
            "c[1]",
            "more than 10 aliases in one file",
            "write the values out instead of repeating them with *aliases",
        )
    ]


def test_eleven_aliases_are_too_many_but_ten_are_fine() -> None:
    ten = "x: &x 1\ny: [" + ", ".join(["*x"] * 10) + "]\n"
    write("ten.yaml", ten)
    assert [p[2] for p in problems("ten.yaml")] == ["unknown field 'x'", "unknown field 'y'"]
    Path("ten.yaml").unlink()  # one file of a directory is not read alone
    write("eleven.yaml", ten.replace("]", ", *x]"))
    assert [p[2] for p in problems("eleven.yaml")] == ["more than 10 aliases in one file"]


def test_alias_without_anchor() -> None:
    write("a.yaml", instance(BASE + "description: *nothing"))
    assert problems("a.yaml") == [
        (
            "a.yaml:5:18",
            "instances.support.description",
            "alias '*nothing' has no anchor '&nothing' before it",
            "define the anchor first; an alias cannot refer to the node it is in",
        )
    ]


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ('!!python/object/apply:os.system ["echo hacked"]', "!!python/object/apply:os.system"),
        ("!!str 1", "!!str"),
        ("!foo x", "!foo"),
        ("! x", "!"),
        ("!!map {a: 1}", "!!map"),
        ("!<tag:example.com,2024:x> y", "tag:example.com,2024:x"),
    ],
)
def test_explicit_tags_are_rejected(value: str, shown: str) -> None:
    write("a.yaml", instance(BASE + f"description: {value}"))
    assert problems("a.yaml") == [
        (
            "a.yaml:5:18",
            "instances.support.description",
            f"explicit tags are not allowed: {shown}",
            "remove the tag; quote the value if it must be text",
        )
    ]


def test_tag_on_the_top_level_hides_nothing_else_and_loads_nothing() -> None:
    write("a.yaml", "!!python/object:os.Thing\nversion: 2\n")
    assert [p[2] for p in problems("a.yaml")] == [
        "explicit tags are not allowed: !!python/object:os.Thing"
    ]


def test_tag_on_a_key_is_rejected() -> None:
    write("a.yaml", "!!str version: 1\n")
    assert problems("a.yaml") == [
        (
            "a.yaml:1:1",
            "",
            "explicit tags are not allowed: !!str",
            "remove the tag; quote the value if it must be text",
        )
    ]


def test_duplicate_keys_name_both_lines() -> None:
    write("a.yaml", instance(BASE + "description: one\ndescription: two"))
    [found] = diagnostics("a.yaml")
    assert found.message == "duplicate key 'description'; first defined at a.yaml:5:5"
    assert found.location == SourceLocation("a.yaml", 6, 5)
    assert found.related == (SourceLocation("a.yaml", 5, 5),)
    assert found.field_path == "instances.support.description"
    assert found.hint == "remove one of them: YAML readers disagree on which one wins"


def test_duplicate_instance_keys_in_one_file() -> None:
    text = instance(BASE) + "  support:\n    name: Other one\n    access_path: other\n"
    write("a.yaml", text)
    assert [(p[0], p[2]) for p in problems("a.yaml")] == [
        ("a.yaml:5:3", "duplicate key 'support'; first defined at a.yaml:2:3")
    ]


@pytest.mark.parametrize(
    ("key", "path", "message", "hint"),
    [
        ("1", ".1", "mapping keys must be strings, got the integer 1", 'quote it: "1"'),
        ("true", ".true", "mapping keys must be strings, got the boolean true", 'quote it: "true"'),
        ("~", ".~", "mapping keys must be strings, got null", 'quote it: "~"'),
        ("1.5", ".1.5", "mapping keys must be strings, got the number 1.5", 'quote it: "1.5"'),
        ("[a, b]", "", "mapping keys must be strings, got a list", "use a plain text key"),
        ("{a: b}", "", "mapping keys must be strings, got a mapping", "use a plain text key"),
    ],
)
def test_non_string_keys(key: str, path: str, message: str, hint: str) -> None:
    """The path names the entry by the key as written, when it is a plain scalar."""
    write("a.yaml", instance(BASE + f"? {key}\n: value"))
    assert problems("a.yaml") == [("a.yaml:5:7", f"instances.support{path}", message, hint)]


NUMBER_KEY_HINT = "; a key under 'numbers' is one of the instance's phone_numbers, as text"


@pytest.mark.parametrize(
    ("key", "read_as"),
    [
        ("057188880001", "the integer 57188880001"),
        ("+8657188880002", "the integer 8657188880002"),
        ("0571", "the integer 571"),
    ],
)
def test_unquoted_number_keys_say_quote_it_with_the_text_as_written(key: str, read_as: str) -> None:
    text = instance(
        BASE + f"phone_numbers: ['{key}']\nnumbers:\n  {key}: {{usage: Inbound}}\n"
        f"  '{key}': {{usage: Inbound}}"
    )
    write("a.yaml", text)
    assert problems("a.yaml") == [
        (
            "a.yaml:7:7",
            f"instances.support.numbers.{key}",
            f"phone number {key} must be quoted: unquoted, YAML reads it as {read_as}",
            f'quote it: "{key}"{NUMBER_KEY_HINT}',
        )
    ]


def test_unquoted_number_keys_in_a_flow_mapping() -> None:
    text = instance(BASE + "phone_numbers: ['057188880001']\nnumbers: {057188880001: {}}")
    write("a.yaml", text)
    assert problems("a.yaml") == [
        (
            "a.yaml:6:15",
            "instances.support.numbers.057188880001",
            "phone number 057188880001 must be quoted: unquoted, YAML reads it as "
            "the integer 57188880001",
            f'quote it: "057188880001"{NUMBER_KEY_HINT}',
        )
    ]


@pytest.mark.parametrize("value", [".nan", ".inf", "-.Inf", "+.INF", "1e400"])
def test_non_finite_numbers_are_rejected(value: str) -> None:
    write("a.yaml", f"provider:\n  type: local\n  create_seconds: {value}\n")
    assert problems("a.yaml") == [
        (
            "a.yaml:3:19",
            "provider.create_seconds",
            f"not a finite number: {value}",
            f'use a finite number, or quote it if it is text: "{value}"',
        )
    ]
