"""Attribute comparison. The only module that imports deepdiff; no deepdiff type leaves it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from deepdiff import DeepDiff

# Lists whose order carries no meaning for CCC.
UNORDERED_FIELDS = frozenset({"phone_numbers", "admins"})


def changed_fields(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[str]:
    """Top-level fields of `after` whose value differs from `before`, sorted.

    Only the fields present in `after` are compared: `after` says what is wanted.
    """
    current = {key: _normalise(key, before.get(key)) for key in after}
    wanted = {key: _normalise(key, value) for key, value in after.items()}
    if current == wanted:  # the common case, without deepdiff's cost
        return []
    return sorted(str(key) for key in DeepDiff(current, wanted).affected_root_keys)


def _normalise(field: str, value: Any) -> Any:
    if isinstance(value, list | tuple):
        items = list(value)
        return sorted(items) if field in UNORDERED_FIELDS else items
    return value


def changed_paths(before: Any, after: Any, limit: int = 8) -> list[str]:
    """Where two JSON documents differ, as readable paths (`activities[1].text`)."""
    paths: list[str] = []
    for report in DeepDiff(before, after).values():
        paths += [_readable(str(path)) for path in report]
    return sorted(set(paths))[:limit]


def _readable(path: str) -> str:
    text = path.removeprefix("root")
    text = text.replace("']['", ".").replace("['", ".").replace("']", "")
    return text.lstrip(".") or "(the whole document)"
