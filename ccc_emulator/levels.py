"""Skill-level lists as they travel on the wire: JSON arrays of lowerCamel objects.

`SkillLevelList` is `[{"skillGroupId": "sg@inst", "skillLevel": 1}, ...]`; `UserSkillLevelList` and
`UserLevelList` are `[{"userId": "agent@inst", "skillLevel": 10}, ...]`. A level is an integer
from 1 (strongest) to 10. Naming the same group (or user) twice in one list is refused with
400 Parameter.Invalid: the request would be ambiguous.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ccc_emulator import codes
from ccc_emulator.params import Params, parse_json_list

MIN_LEVEL = 1
MAX_LEVEL = 10
USER_KEY = "userId"
SKILL_GROUP_KEY = "skillGroupId"


@dataclass(frozen=True)
class Level:
    """One element: the user or skill group it names, and the level."""

    target: str
    level: int


def required_levels(params: Params, name: str, key: str) -> list[Level]:
    """A required, non-empty level list whose elements name their target under `key`."""
    return _levels(name, params.required_json_list(name), key)


def optional_levels(params: Params, name: str, key: str, *, max_items: int) -> list[Level]:
    """An optional level list (absent, blank or `[]`: none) of at most `max_items`."""
    value = params.raw(name)
    if value is None or not value.strip():
        return []
    items = parse_json_list(name, value)
    if len(items) > max_items:
        raise codes.parameter_maximum(f"{name} size", max_items)
    return _levels(name, items, key)


def _levels(name: str, items: list[Any], key: str) -> list[Level]:
    levels = [_level(name, item, key) for item in items]
    seen: set[str] = set()
    for level in levels:
        if level.target in seen:
            raise codes.parameter_invalid(name, f"{level.target} appears more than once.")
        seen.add(level.target)
    return levels


def _level(name: str, item: Any, key: str) -> Level:
    expected = f'a JSON array of {{"{key}": string, "skillLevel": integer}}'
    if not isinstance(item, dict):
        raise codes.parameter_format(name, expected)
    target, level = item.get(key), item.get("skillLevel")
    if not isinstance(target, str) or not target.strip():
        raise codes.parameter_format(name, expected)
    if not isinstance(level, int) or isinstance(level, bool):
        raise codes.parameter_format(name, expected)
    if level < MIN_LEVEL:
        raise codes.parameter_minimum(f"{name}.skillLevel", MIN_LEVEL)
    if level > MAX_LEVEL:
        raise codes.parameter_maximum(f"{name}.skillLevel", MAX_LEVEL)
    return Level(target, level)
