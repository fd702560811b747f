"""validation: model errors explained, located and hinted, with exact messages."""

from __future__ import annotations

import pytest

from tests.config.helpers import BASE, diagnostics, instance, problems, write

pytestmark = pytest.mark.usefixtures("in_tmp")


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
    write("a.yaml", "provider:\n  type: local\n  zzz: 1\n")
    assert problems("a.yaml") == [
        (
            "a.yaml:3:3",
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


def test_an_instance_must_be_a_mapping_and_empty_values_point_at_the_key() -> None:
    write("a.yaml", "instances:\n  a:\n  b: [1]\n")
    assert [(p[0], p[1], p[2]) for p in problems("a.yaml")] == [
        ("a.yaml:2:3", "instances.a", "expected a mapping, got null"),
        ("a.yaml:3:3", "instances.b", "expected a mapping, got a list"),
    ]


def test_top_level_sections() -> None:
    text = (
        "version: 2\n"
        "provider:\n  type: local\n  create_seconds: 3601\n"
        "state:\n  backend: local\n  path: 7\n"
    )
    write("a.yaml", text)
    assert problems("a.yaml") == [
        ("a.yaml:1:10", "version", "expected 1, got the integer 2", "Format version; write 1."),
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


PROVIDER_KINDS = (
    "'local': the embedded local emulation of the CCC API (the default); "
    "'aliyun': the real Alibaba Cloud CCC API, through the official SDK"
)


def test_unknown_provider_type_names_the_kinds() -> None:
    write("a.yaml", "provider:\n  type: aws\n  create_seconds: 3601\n")
    assert problems("a.yaml") == [
        (
            "a.yaml:2:9",
            "provider.type",
            "expected 'local' or 'aliyun', got the string 'aws'",
            PROVIDER_KINDS,
        )
    ]


def test_provider_without_a_type_is_the_local_emulation() -> None:
    from cccform.config.loader import load_config
    from cccform.config.models import LocalProviderConfig

    path = write("a.yaml", "provider:\n  create_seconds: 3\n")
    provider = load_config(path).config.provider
    assert isinstance(provider, LocalProviderConfig) and provider.create_seconds == 3


def test_fields_of_a_provider_kind_are_named_without_the_kind() -> None:
    write("a.yaml", "provider:\n  type: aliyun\n  max_attemps: 3\n  request_timeout: 0\n")
    assert problems("a.yaml") == [
        (
            "a.yaml:3:3",
            "provider.max_attemps",
            "unknown field 'max_attemps'",
            "did you mean 'max_attempts'?",
        ),
        (
            "a.yaml:4:20",
            "provider.request_timeout",
            "must be at least 0.001, got 0",
            "Seconds per call.",
        ),
    ]
