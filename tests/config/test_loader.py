"""load_config: parsing, locations, merging and every rejection, with exact messages."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from cccform.config.loader import load_config
from cccform.config.models import LoadedConfig
from cccform.diagnostics import Diagnostic, SourceLocation
from cccform.errors import ConfigError

VALID = """\
version: 1
instances:
  support:
    name: Support Center
    access_path: acme-support
    description: Hangzhou hotline
    phone_numbers: ["057188880001", "+8657188880002"]
    admins: ["248613806810701"]
    conversation_analysis: true
    deletion_protection: false
"""


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run in tmp_path so locations name files relative to it (`a.yaml:3:5`)."""
    monkeypatch.chdir(tmp_path)


def write(name: str, text: str | bytes) -> Path:
    path = Path(name)
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def diagnostics(path: Path | str) -> list[Diagnostic]:
    with pytest.raises(ConfigError) as caught:
        load_config(Path(path))
    return caught.value.diagnostics


def problems(path: Path | str) -> list[tuple[str, str, str, str | None]]:
    """Each diagnostic as (location, field path, message, hint)."""
    return [(str(d.location), d.field_path, d.message, d.hint) for d in diagnostics(path)]


def instance(body: str, key: str = "support") -> str:
    """A file with one instance; `body` is its fields, indented by four spaces."""
    return f"instances:\n  {key}:\n" + "".join(f"    {line}\n" for line in body.splitlines())


BASE = "name: Support Center\naccess_path: acme-support\n"


# --- valid configurations ------------------------------------------------------------


def test_single_file() -> None:
    path = write("cccform.yaml", VALID)
    loaded = load_config(path)
    assert isinstance(loaded, LoadedConfig)
    assert loaded.directory == Path(".")
    assert loaded.files == [path]
    support = loaded.config.instances["support"]
    assert support.name == "Support Center"
    assert support.phone_numbers == ("057188880001", "+8657188880002")
    assert support.admins == ("248613806810701",)
    assert support.conversation_analysis is True
    assert support.deletion_protection is False
    assert loaded.config.version == 1
    assert loaded.config.provider.type == "local"


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


def test_directory_merges_yaml_and_yml_files_sorted_by_name() -> None:
    write("conf/b.yml", instance(BASE, key="b").replace("acme-support", "acme-b"))
    write("conf/a.yaml", "provider:\n  type: local\n  create_seconds: 0.5\n")
    write("conf/c.yaml", instance(BASE, key="c").replace("acme-support", "acme-c"))
    write("conf/notes.txt", "not: [yaml")
    write("conf/sub/d.yaml", "not: [yaml")
    loaded = load_config(Path("conf"))
    assert loaded.directory == Path("conf")
    assert loaded.files == [Path("conf/a.yaml"), Path("conf/b.yml"), Path("conf/c.yaml")]
    assert list(loaded.config.instances) == ["b", "c"]
    assert loaded.config.provider.create_seconds == 0.5
    assert loaded.locations[("instances", "c")] == SourceLocation("conf/c.yaml", 2, 3)
    assert loaded.locations[("instances",)] == SourceLocation("conf/b.yml", 1, 1)


@pytest.mark.parametrize("text", ["", "# only a comment\n", "---\n", "---\n...\n", "{}\n"])
def test_empty_file_has_no_instances(text: str) -> None:
    assert load_config(write("a.yaml", text)).config.instances == {}


def test_absolute_file_names_outside_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write("outside/a.yaml", "bogus: 1\n")
    write("work/.keep", "")
    monkeypatch.chdir(tmp_path / "work")
    [found] = diagnostics(tmp_path / "outside")
    assert found.location == SourceLocation(str(tmp_path / "outside" / "a.yaml"), 1, 1)


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


# --- rejections: paths ---------------------------------------------------------------


def test_missing_path() -> None:
    [found] = diagnostics("nowhere")
    assert found.message == "configuration path 'nowhere' does not exist"
    assert found.hint == "pass a directory of *.yaml files or a single YAML file"
    assert found.location is None


def test_directory_without_yaml_files() -> None:
    write("conf/readme.txt", "hello")
    [found] = diagnostics("conf")
    assert found.message == "no *.yaml or *.yml files in directory 'conf'"
    assert found.hint is not None and "main.yaml" in found.hint
    assert found.location is None


# --- rejections: YAML itself ---------------------------------------------------------


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


def test_deep_nesting_of_a_huge_document_stops_early() -> None:
    write("deep.yaml", "[" * 500_000)
    started = time.perf_counter()
    [found] = diagnostics("deep.yaml")
    assert found.message == "nesting is deeper than 64 levels"
    assert time.perf_counter() - started < 1


def test_alias_bomb_is_rejected_fast() -> None:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for level in "bcdefghi":
        previous = chr(ord(level) - 1)
        lines.append(f"{level}: &{level} [" + ",".join([f"*{previous}"] * 9) + "]")
    write("bomb.yaml", "\n".join(lines) + "\n")
    started = time.perf_counter()
    assert problems("bomb.yaml") == [
        (
            "bomb.yaml:3:11",
            "c[1]",
            "more than 10 aliases in one file",
            "write the values out instead of repeating them with *aliases",
        )
    ]
    assert time.perf_counter() - started < 1


def test_eleven_aliases_are_too_many_but_ten_are_fine() -> None:
    ten = "x: &x 1\ny: [" + ", ".join(["*x"] * 10) + "]\n"
    write("ten.yaml", ten)
    assert [p[2] for p in problems("ten.yaml")] == ["unknown field 'x'", "unknown field 'y'"]
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
    ("key", "message", "hint"),
    [
        ("1", "mapping keys must be strings, got the integer 1", 'quote it: "1"'),
        ("true", "mapping keys must be strings, got the boolean true", 'quote it: "true"'),
        ("~", "mapping keys must be strings, got null", 'quote it: "~"'),
        ("1.5", "mapping keys must be strings, got the number 1.5", 'quote it: "1.5"'),
        ("[a, b]", "mapping keys must be strings, got a list", "use a plain text key"),
        ("{a: b}", "mapping keys must be strings, got a mapping", "use a plain text key"),
    ],
)
def test_non_string_keys(key: str, message: str, hint: str) -> None:
    write("a.yaml", instance(BASE + f"? {key}\n: value"))
    assert problems("a.yaml") == [("a.yaml:5:7", "instances.support", message, hint)]


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


@pytest.mark.parametrize("value", [".nan", ".inf", "-.Inf", "+.INF", "1e400"])
def test_non_finite_numbers_are_rejected(value: str) -> None:
    write("a.yaml", f"provider:\n  create_seconds: {value}\n")
    assert problems("a.yaml") == [
        (
            "a.yaml:2:19",
            "provider.create_seconds",
            f"not a finite number: {value}",
            f'use a finite number, or quote it if it is text: "{value}"',
        )
    ]


@pytest.mark.parametrize("text", ["- a\n- b\n", "just text\n", "42\n"])
def test_top_level_must_be_a_mapping(text: str) -> None:
    write("a.yaml", text)
    [found] = diagnostics("a.yaml")
    assert found.location == SourceLocation("a.yaml", 1, 1)
    assert found.message.startswith("the top level must be a mapping, got ")
    assert found.hint == "write keys such as 'instances:' at the start of a line"


# --- rejections: the models ----------------------------------------------------------


def test_unquoted_phone_number_says_quote_it_with_the_original_text() -> None:
    write("a.yaml", instance(BASE + "phone_numbers: [057188880001, '0571']"))
    assert problems("a.yaml") == [
        (
            "a.yaml:5:21",
            "instances.support.phone_numbers[0]",
            "expected a string, got the integer 57188880001",
            'quote it: "057188880001"',
        )
    ]


@pytest.mark.parametrize(
    ("value", "got", "raw"),
    [
        ("0x1F", "the integer 31", "0x1F"),
        ("0o17", "the integer 15", "0o17"),
        ("+86571", "the integer 86571", "+86571"),
        ("1.50", "the number 1.5", "1.50"),
        ("True", "the boolean true", "True"),
    ],
)
def test_numbers_and_booleans_where_text_is_expected(value: str, got: str, raw: str) -> None:
    write("a.yaml", instance(BASE + f"description: {value}"))
    assert problems("a.yaml") == [
        (
            "a.yaml:5:18",
            "instances.support.description",
            f"expected a string, got {got}",
            f'quote it: "{raw}"',
        )
    ]


def test_scalar_where_a_list_is_expected() -> None:
    write("a.yaml", instance(BASE + "phone_numbers: 057188880001"))
    assert problems("a.yaml") == [
        (
            "a.yaml:5:20",
            "instances.support.phone_numbers",
            "expected a list, got the integer 57188880001",
            'write a list: ["057188880001"]',
        )
    ]


@pytest.mark.parametrize(
    ("value", "hint"),
    [
        ("yes", "write true or false; YAML 1.2 reads yes, no, on and off as text"),
        ("'true'", "remove the quotes"),
        ("1", "Smart Conversation Analysis (QA); one-way: can be turned on, never off."),
    ],
)
def test_booleans(value: str, hint: str) -> None:
    write("a.yaml", instance(BASE + f"conversation_analysis: {value}"))
    [found] = diagnostics("a.yaml")
    assert found.message.startswith("expected true or false, got ")
    assert found.hint == hint


def test_unknown_field_did_you_mean() -> None:
    write("a.yaml", instance("name: Support Center\nacess_path: acme-support"))
    assert problems("a.yaml") == [
        (
            "a.yaml:2:3",
            "instances.support.access_path",
            "missing required field 'access_path'",
            "add 'access_path:'; Access path (DomainName), also the instance id; immutable; "
            "globally unique; 4-48 of A-Z a-z 0-9 _ -.",
        ),
        (
            "a.yaml:4:5",
            "instances.support.acess_path",
            "unknown field 'acess_path'",
            "did you mean 'access_path'?",
        ),
    ]


def test_unknown_field_without_a_close_match_lists_the_fields() -> None:
    write("a.yaml", "provider:\n  zzz: 1\n")
    assert problems("a.yaml") == [
        (
            "a.yaml:2:3",
            "provider.zzz",
            "unknown field 'zzz'",
            "allowed fields: type, path, create_seconds",
        )
    ]


def test_merge_keys_are_not_supported() -> None:
    text = "instances:\n  a:\n    <<: {name: x}\n    name: Support\n    access_path: acme\n"
    write("a.yaml", text)
    assert problems("a.yaml") == [
        (
            "a.yaml:3:5",
            "instances.a.<<",
            "unknown field '<<'",
            "merge keys (<<) are not supported; write the fields out",
        )
    ]


def test_unknown_top_level_key() -> None:
    write("a.yaml", "instnces: {}\n")
    assert problems("a.yaml") == [
        ("a.yaml:1:1", "instnces", "unknown field 'instnces'", "did you mean 'instances'?")
    ]


def test_rules_are_explained() -> None:
    text = instance(
        "name: abc\n"
        "access_path: a b\n"
        f"description: {'x' * 257}\n"
        "phone_numbers: ['0571-8888']\n"
        "admins: ['a b']"
    )
    write("a.yaml", text)
    assert problems("a.yaml") == [
        (
            "a.yaml:3:11",
            "instances.support.name",
            "too short: 3 characters, at least 4 required",
            "Display name; immutable after creation; 4-32 characters.",
        ),
        (
            "a.yaml:4:18",
            "instances.support.access_path",
            "invalid access path 'a b'",
            "an access path is 4-48 characters of A-Z a-z 0-9 _ -",
        ),
        (
            "a.yaml:5:18",
            "instances.support.description",
            "too long: 257 characters, at most 256 allowed",
            "Editable; at most 256 characters.",
        ),
        (
            "a.yaml:6:21",
            "instances.support.phone_numbers[0]",
            "invalid phone number '0571-8888'",
            "a phone number is 3-20 digits, with an optional leading +, and no spaces or dashes",
        ),
        (
            "a.yaml:7:14",
            "instances.support.admins[0]",
            "invalid administrator id 'a b'",
            "a RAM user id is 1-32 digits, quoted",
        ),
    ]


def test_invalid_instance_key() -> None:
    write("a.yaml", instance(BASE, key="9lives"))
    assert problems("a.yaml") == [
        (
            "a.yaml:2:3",
            "instances.9lives",
            "invalid instance key '9lives'",
            "an instance key is a letter or _, then up to 63 of A-Z a-z 0-9 _ -",
        )
    ]


@pytest.mark.parametrize(
    ("value", "got"), [("", "null"), ("[a]", "a list"), ("text", "the string 'text'")]
)
def test_instances_must_be_a_mapping(value: str, got: str) -> None:
    write("a.yaml", f"instances: {value}\n")
    assert problems("a.yaml") == [
        (
            "a.yaml:1:1",
            "instances",
            f"expected a mapping of instance keys to instances, got {got}",
            "write 'instances: {}' for none, or one 'key:' per instance below it",
        )
    ]


def test_an_instance_must_be_a_mapping_and_empty_values_point_at_the_key() -> None:
    write("a.yaml", "instances:\n  a:\n  b: [1]\n")
    assert [(p[0], p[1], p[2]) for p in problems("a.yaml")] == [
        ("a.yaml:2:3", "instances.a", "expected a mapping, got null"),
        ("a.yaml:3:3", "instances.b", "expected a mapping, got a list"),
    ]


def test_top_level_sections() -> None:
    text = (
        "version: 2\n"
        "provider:\n  type: aws\n  create_seconds: 3601\n"
        "state:\n  backend: local\n  path: 7\n"
    )
    write("a.yaml", text)
    assert problems("a.yaml") == [
        ("a.yaml:1:10", "version", "expected 1, got the integer 2", "Format version; write 1."),
        (
            "a.yaml:3:9",
            "provider.type",
            "expected 'local', got the string 'aws'",
            "Provider kind; 'local' is the embedded emulation.",
        ),
        (
            "a.yaml:4:19",
            "provider.create_seconds",
            "must be at most 3600, got 3601",
            "Seconds an instance stays CREATING; default 3, or CCCFORM_LOCAL_CREATE_SECONDS.",
        ),
        (
            "a.yaml:7:9",
            "state.path",
            "expected a string, got the integer 7",
            'quote it: "7"',
        ),
    ]


def test_errors_inside_an_alias_point_at_the_alias() -> None:
    text = (
        "instances:\n"
        "  a:\n"
        "    name: Instance a\n"
        "    access_path: path-a\n"
        "    admins: &admins ['1001', 'b c']\n"
        "  b:\n"
        "    name: Instance b\n"
        "    access_path: path-b\n"
        "    admins: *admins\n"
    )
    write("a.yaml", text)
    assert [(p[0], p[1]) for p in problems("a.yaml")] == [
        ("a.yaml:5:30", "instances.a.admins[1]"),
        ("a.yaml:9:13", "instances.b.admins[1]"),
    ]


def test_a_reported_tag_hides_follow_on_model_errors() -> None:
    write("a.yaml", instance("name: !!str 1\naccess_path: !!int 12"))
    assert [p[2] for p in problems("a.yaml")] == [
        "explicit tags are not allowed: !!str",
        "explicit tags are not allowed: !!int",
    ]


# --- merging and uniqueness ----------------------------------------------------------


def test_same_instance_in_two_files_names_both_places() -> None:
    write("conf/a.yaml", instance(BASE))
    write("conf/b.yaml", instance(BASE.replace("acme-support", "acme-other")))
    [found] = diagnostics("conf")
    assert found.message == (
        "instance 'support' is defined more than once; first at conf/a.yaml:2:3"
    )
    assert found.location == SourceLocation("conf/b.yaml", 2, 3)
    assert found.related == (SourceLocation("conf/a.yaml", 2, 3),)
    assert found.field_path == "instances.support"
    assert found.hint == "each key under 'instances' may appear in one file only"


@pytest.mark.parametrize("key", ["version: 1", "provider: {}", "state: {}"])
def test_top_level_sections_may_appear_in_one_file_only(key: str) -> None:
    write("conf/a.yaml", f"{key}\n")
    write("conf/b.yaml", f"\n{key}\n")
    name = key.split(":")[0]
    [found] = diagnostics("conf")
    assert found.message == f"'{name}' is set in more than one file; first at conf/a.yaml:1:1"
    assert found.location == SourceLocation("conf/b.yaml", 2, 1)
    assert found.related == (SourceLocation("conf/a.yaml", 1, 1),)
    assert found.hint == f"keep '{name}' in one file only"


def test_same_access_path_across_files() -> None:
    write("conf/a.yaml", instance(BASE, key="one"))
    write("conf/b.yaml", instance(BASE, key="two"))
    [found] = diagnostics("conf")
    assert found.message == (
        "access path 'acme-support' is used by both instance.one and instance.two; "
        "first at conf/a.yaml:4:18"
    )
    assert found.location == SourceLocation("conf/b.yaml", 4, 18)
    assert found.related == (SourceLocation("conf/a.yaml", 4, 18),)
    assert found.field_path == "instances.two.access_path"
    assert found.hint == "each access path may belong to one instance only"


def test_same_phone_number_in_two_instances_and_twice_in_one() -> None:
    text = (
        instance(BASE + "phone_numbers: ['0571', '0572', '0572']", key="one")
        + "  two:\n    name: Second one\n    access_path: acme-two\n"
        "    phone_numbers: ['0571']\n"
    )
    write("a.yaml", text)
    found = diagnostics("a.yaml")
    assert [(str(d.location), d.message, d.hint, d.related) for d in found] == [
        (
            "a.yaml:5:37",
            "phone number '0572' is listed twice in instance.one; first at a.yaml:5:29",
            "remove the repeated one",
            (SourceLocation("a.yaml", 5, 29),),
        ),
        (
            "a.yaml:9:21",
            "phone number '0571' is used by both instance.one and instance.two; "
            "first at a.yaml:5:21",
            "each phone number may belong to one instance only",
            (SourceLocation("a.yaml", 5, 21),),
        ),
    ]


# --- everything at once ---------------------------------------------------------------


def test_all_errors_of_all_files_are_reported_together_sorted() -> None:
    write("conf/b.yaml", instance(BASE + "phone_numbers: [057188880001]"))
    write(
        "conf/a.yaml",
        "instances:\n  one:\n    name: First\n    access_path: x\n"
        "  two:\n    name: Second\n    access_path: acme-two\n    colour: red\n",
    )
    assert [(p[0], p[2]) for p in problems("conf")] == [
        ("conf/a.yaml:4:18", "invalid access path 'x'"),
        ("conf/a.yaml:8:5", "unknown field 'colour'"),
        ("conf/b.yaml:5:21", "expected a string, got the integer 57188880001"),
    ]


def test_a_broken_file_does_not_hide_errors_in_others() -> None:
    write("conf/a.yaml", "instances: [\n")
    write("conf/b.yaml", b"\xfe")
    write("conf/c.yaml", instance("name: Good name\naccess_path: no"))
    found = problems("conf")
    assert [(p[0], p[2]) for p in found] == [
        (
            "conf/a.yaml:2:1",
            "YAML syntax error: did not find expected node content (while parsing a flow node)",
        ),
        ("conf/b.yaml:1:1", "not valid UTF-8: byte 0xfe at byte offset 0"),
        ("conf/c.yaml:4:18", "invalid access path 'no'"),
    ]


def test_config_error_message_counts() -> None:
    write("a.yaml", "a: 1\nb: 2\n")
    with pytest.raises(ConfigError, match=r"^2 configuration errors$"):
        load_config(Path("a.yaml"))


def test_ten_thousand_instances_load_quickly(tmp_path: Path) -> None:
    for part in range(10):
        lines = ["instances:\n"]
        for index in range(part * 1000, part * 1000 + 1000):
            lines.append(
                f"  inst_{index}:\n"
                f"    name: Instance {index}\n"
                f"    access_path: acme-{index}\n"
                f"    phone_numbers: ['0571{index:08d}']\n"
                "    conversation_analysis: true\n"
            )
        write(f"big/part{part}.yaml", "".join(lines))
    started = time.perf_counter()
    loaded = load_config(Path("big"))
    elapsed = time.perf_counter() - started
    assert len(loaded.config.instances) == 10_000
    assert elapsed < 5, f"loading 10,000 instances took {elapsed:.2f} s"
