"""Plain values read from YAML: what a plain scalar means, and how a value is named.

Scalars resolve as in the YAML 1.2 core schema, and only when plain (unquoted):
`null`/`Null`/`NULL`/`~`/empty are null; `true`/`false` in any case are booleans (`yes`,
`no`, `on`, `off` stay text); decimal, `0o` octal and `0x` hex digits are integers, so
`057188880001` is the integer 57188880001, and the models, being strict, reject it where
text is expected with a hint to quote it. Sequences become tuples.
"""

from __future__ import annotations

import math
import re
from typing import Any

_NULLS = frozenset({"", "~", "null", "Null", "NULL"})
_NUMBER_START = frozenset("0123456789+-.")
_DECIMAL = re.compile(r"[-+]?[0-9]+")
_OCTAL = re.compile(r"0o[0-7]+")
_HEX = re.compile(r"0x[0-9a-fA-F]+")
_FLOAT = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?")
_SPECIAL_FLOATS = {".inf": math.inf, "+.inf": math.inf, "-.inf": -math.inf, ".nan": math.nan}
_TAG_PREFIX = "tag:yaml.org,2002:"


def resolve_plain(text: str) -> Any:
    """A plain scalar's value under the YAML 1.2 core schema (ValueError: too many digits)."""
    if text in _NULLS:
        return None
    if text[0] in _NUMBER_START:
        return _resolve_number(text)
    if len(text) in (4, 5):
        lowered = text.lower()
        if lowered == "true":
            return True
        if lowered == "false":
            return False
    return text


def _resolve_number(text: str) -> Any:
    if _DECIMAL.fullmatch(text):
        return int(text)
    if _FLOAT.fullmatch(text):
        return float(text)
    if _OCTAL.fullmatch(text):
        return int(text[2:], 8)
    if _HEX.fullmatch(text):
        return int(text[2:], 16)
    return _SPECIAL_FLOATS.get(text.lower(), text)


def short_tag(tag: str) -> str:
    """`tag:yaml.org,2002:str` -> `!!str`; other tags as written."""
    return "!!" + tag[len(_TAG_PREFIX) :] if tag.startswith(_TAG_PREFIX) else tag


def describe(value: Any) -> str:
    """A value as a message names it: `null`, `the integer 7`, `a list`."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"the boolean {'true' if value else 'false'}"
    if isinstance(value, int):
        return f"the integer {value}"
    if isinstance(value, float):
        return f"the number {value!r}"
    if isinstance(value, str):
        return f"the string {value if len(value) <= 60 else value[:57] + '...'!r}"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, (tuple, list)):
        return "a list"
    return type(value).__name__
