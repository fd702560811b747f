"""Wire parameter parsing: booleans, integers, JSON lists and text rules, with their error codes."""

from __future__ import annotations

import re

import pytest

from ccc_emulator.errors import CccApiError
from ccc_emulator.params import Params, parse_bool, parse_int, parse_string_list


def _code(exc: pytest.ExceptionInfo[CccApiError]) -> tuple[str, int]:
    return exc.value.code, exc.value.http_status


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("True", True),
        ("False", False),
        ("true", True),
        ("false", False),
        ("TRUE", True),
        ("fAlSe", False),
        (" true ", True),
    ],
)
def test_booleans_parse_case_insensitively(text: str, expected: bool) -> None:
    assert parse_bool("Force", text) is expected


@pytest.mark.parametrize("text", ["", "yes", "1", "0", "tru", "None"])
def test_other_boolean_text_is_an_enumeration_error(text: str) -> None:
    with pytest.raises(CccApiError) as exc:
        parse_bool("Force", text)
    assert _code(exc) == ("Parameter.Enumeration", 400)
    assert "Force" in exc.value.message


def test_optional_bool_absent_is_none() -> None:
    assert Params({}).optional_bool("Force") is None
    assert Params({"Force": "True"}).optional_bool("Force") is True


@pytest.mark.parametrize(("text", "expected"), [("1", 1), ("100", 100), (" 7 ", 7), ("0042", 42)])
def test_integers(text: str, expected: int) -> None:
    assert parse_int("PageSize", text, 1, 100) == expected


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("0", "Parameter.Minimum"),
        ("-3", "Parameter.Minimum"),
        ("101", "Parameter.Maximum"),
        ("1.5", "Parameter.Format"),
        ("ten", "Parameter.Format"),
        ("1e3", "Parameter.Format"),
        ("99999999999999999999999", "Parameter.Format"),
    ],
)
def test_integer_errors(text: str, code: str) -> None:
    with pytest.raises(CccApiError) as exc:
        parse_int("PageSize", text, 1, 100)
    assert _code(exc) == (code, 400)


def test_required_int_absent_and_blank() -> None:
    with pytest.raises(CccApiError) as exc:
        Params({}).required_int("PageNumber", minimum=1)
    assert _code(exc) == ("Parameter.Null", 400)
    with pytest.raises(CccApiError) as exc:
        Params({"PageNumber": " "}).required_int("PageNumber", minimum=1)
    assert _code(exc) == ("Parameter.Blank", 400)


def test_string_lists_are_json_arrays_of_strings() -> None:
    assert parse_string_list("NumberList", '["0571", "0572"]') == ["0571", "0572"]
    assert parse_string_list("NumberList", "[]") == []


@pytest.mark.parametrize(
    "text",
    [
        "0571",
        "['0571']",
        '["0571"',
        '{"a": 1}',
        '"0571"',
        "[0571]",
        "[571]",
        '["a", 1]',
        pytest.param("[" * 100_000 + "]" * 100_000, id="nested-too-deeply"),
    ],
)
def test_malformed_lists_are_format_errors(text: str) -> None:
    with pytest.raises(CccApiError) as exc:
        parse_string_list("NumberList", text)
    assert _code(exc) == ("Parameter.Format", 400)
    assert "NumberList" in exc.value.message


def test_required_list_absent_blank_and_empty() -> None:
    cases = [
        ({}, "Parameter.Null"),
        ({"L": ""}, "Parameter.Blank"),
        ({"L": "[]"}, "Parameter.Empty"),
    ]
    for raw, code in cases:
        with pytest.raises(CccApiError) as exc:
            Params(raw).required_string_list("L")
        assert _code(exc) == (code, 400)
    assert Params({"L": "[]"}).required_string_list("L", allow_empty=True) == []


def test_optional_list_absent_or_blank_is_empty() -> None:
    assert Params({}).optional_string_list("L") == []
    assert Params({"L": ""}).optional_string_list("L") == []
    assert Params({"L": '["x"]'}).optional_string_list("L") == ["x"]


def test_required_text_rules() -> None:
    pattern = re.compile(r"[a-z]+")
    cases = [
        ({}, "Parameter.Null"),
        ({"N": ""}, "Parameter.Blank"),
        ({"N": "   "}, "Parameter.Blank"),
        ({"N": "ab"}, "Parameter.Minimum"),
        ({"N": "abcdefg"}, "Parameter.Maximum"),
        ({"N": "ab-d"}, "Parameter.Format"),
    ]
    for raw, code in cases:
        with pytest.raises(CccApiError) as exc:
            Params(raw).required_text("N", min_length=3, max_length=6, pattern=pattern)
        assert _code(exc) == (code, 400), raw
    assert Params({"N": "abc"}).required_text("N", min_length=3, pattern=pattern) == "abc"


def test_optional_text_keeps_empty_and_checks_length() -> None:
    assert Params({}).optional_text("D") is None
    assert Params({"D": ""}).optional_text("D", max_length=3) == ""
    with pytest.raises(CccApiError) as exc:
        Params({"D": "abcd"}).optional_text("D", max_length=3)
    assert _code(exc) == ("Parameter.Maximum", 400)


def test_unknown_parameters_are_ignored() -> None:
    assert Params({"N": "abc", "RegionId": "cn-shanghai"}).required_text("N") == "abc"
