"""Reading wire parameters the way the CCC API does.

Every value arrives as a string, exactly as in the query string: lists are JSON-encoded arrays,
booleans are `true`/`false` in any case (the Python SDK sends `True`/`False`), numbers are decimal
text. Parameters the operation does not know are ignored, as the real gateway ignores them.
Problems raise `CccApiError` with the codes listed in `codes.py`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from typing import Any

from ccc_emulator import codes

_INTEGER = re.compile(r"-?[0-9]+")
_BOOLEANS = {"true": True, "false": False}


class Params:
    """The wire parameters of one request, with typed, checked accessors."""

    def __init__(self, raw: Mapping[str, str]) -> None:
        self._raw = raw

    def raw(self, name: str) -> str | None:
        """The value exactly as sent (None when absent)."""
        return self._raw.get(name)

    def required_text(
        self,
        name: str,
        *,
        min_length: int = 1,
        max_length: int | None = None,
        pattern: re.Pattern[str] | None = None,
        expected: str = "",
    ) -> str:
        """A required string: present, not blank, within the lengths, matching `pattern`."""
        value = self._raw.get(name)
        if value is None:
            raise codes.parameter_null(name)
        if not value.strip():
            raise codes.parameter_blank(name)
        return _checked_text(name, value, min_length, max_length, pattern, expected)

    def optional_text(self, name: str, *, max_length: int | None = None) -> str | None:
        """An optional string (None when absent); an empty string is a value."""
        value = self._raw.get(name)
        if value is None:
            return None
        return _checked_text(name, value, 0, max_length, None, "")

    def required_int(self, name: str, *, minimum: int, maximum: int | None = None) -> int:
        """A required integer within [minimum, maximum]."""
        value = self._raw.get(name)
        if value is None:
            raise codes.parameter_null(name)
        if not value.strip():
            raise codes.parameter_blank(name)
        return parse_int(name, value, minimum, maximum)

    def required_enum(self, name: str, allowed: Sequence[str]) -> str:
        """A required value out of `allowed` (exact case, as the API compares them)."""
        value = self._raw.get(name)
        if value is None:
            raise codes.parameter_null(name)
        if not value.strip():
            raise codes.parameter_blank(name)
        return _checked_enum(name, value, allowed)

    def optional_enum(self, name: str, allowed: Sequence[str]) -> str | None:
        """An optional value out of `allowed`; absent or empty reads as None."""
        value = self._raw.get(name)
        if value is None or not value:
            return None
        return _checked_enum(name, value, allowed)

    def required_bool(self, name: str) -> bool:
        """A required boolean, `true`/`false` in any case."""
        value = self._raw.get(name)
        if value is None:
            raise codes.parameter_null(name)
        if not value.strip():
            raise codes.parameter_blank(name)
        return parse_bool(name, value)

    def required_json_list(self, name: str) -> list[Any]:
        """A required, non-empty JSON array, elements not yet checked."""
        value = self._raw.get(name)
        if value is None:
            raise codes.parameter_null(name)
        if not value.strip():
            raise codes.parameter_blank(name)
        items = parse_json_list(name, value)
        if not items:
            raise codes.parameter_empty(name)
        return items

    def optional_bool(self, name: str) -> bool | None:
        """An optional boolean, `true`/`false` in any case (None when absent)."""
        value = self._raw.get(name)
        return None if value is None else parse_bool(name, value)

    def required_string_list(self, name: str, *, allow_empty: bool = False) -> list[str]:
        """A required JSON array of strings; `[]` is refused unless `allow_empty`."""
        value = self._raw.get(name)
        if value is None:
            raise codes.parameter_null(name)
        if not value.strip():
            raise codes.parameter_blank(name)
        items = parse_string_list(name, value)
        if not items and not allow_empty:
            raise codes.parameter_empty(name)
        return items

    def optional_string_list(self, name: str) -> list[str]:
        """An optional JSON array of strings; absent or blank reads as no items."""
        value = self._raw.get(name)
        if value is None or not value.strip():
            return []
        return parse_string_list(name, value)


def parse_bool(name: str, value: str) -> bool:
    """`true`/`false` in any case, surrounding whitespace ignored."""
    parsed = _BOOLEANS.get(value.strip().lower())
    if parsed is None:
        raise codes.parameter_enumeration(name, ("true", "false"))
    return parsed


def parse_int(name: str, value: str, minimum: int, maximum: int | None) -> int:
    """A decimal integer within [minimum, maximum]."""
    text = value.strip()
    if not _INTEGER.fullmatch(text) or len(text) > 19:
        raise codes.parameter_format(name, "an integer")
    number = int(text)
    if number < minimum:
        raise codes.parameter_minimum(name, minimum)
    if maximum is not None and number > maximum:
        raise codes.parameter_maximum(name, maximum)
    return number


def json_value(value: str) -> Any:
    """The JSON a parameter holds; None when it is not JSON or is nested too deeply to read."""
    try:
        return json.loads(value)
    except (ValueError, RecursionError):
        return None


def parse_json_list(name: str, value: str) -> list[Any]:
    """A JSON-encoded array, as every list parameter travels on the wire."""
    parsed = json_value(value)
    if not isinstance(parsed, list):
        raise codes.parameter_format(name, "a JSON array")
    return parsed


def parse_string_list(name: str, value: str) -> list[str]:
    """A JSON array whose elements are all strings."""
    items = parse_json_list(name, value)
    if not all(isinstance(item, str) for item in items):
        raise codes.parameter_format(name, "a JSON array of strings")
    return items


def _checked_text(
    name: str,
    value: str,
    min_length: int,
    max_length: int | None,
    pattern: re.Pattern[str] | None,
    expected: str,
) -> str:
    if len(value) < min_length:
        raise codes.parameter_too_short(name, min_length)
    if max_length is not None and len(value) > max_length:
        raise codes.parameter_too_long(name, max_length)
    if pattern is not None and not pattern.fullmatch(value):
        raise codes.parameter_format(name, expected or f"of the form {pattern.pattern}")
    return value


def _checked_enum(name: str, value: str, allowed: Sequence[str]) -> str:
    if value not in allowed:
        raise codes.parameter_enumeration(name, allowed)
    return value
