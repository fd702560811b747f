"""A change of a JSON attribute (a flow's definition), shown nested, as Terraform shows one.

Only what changed is shown, each with its old and new value; what stayed the same is
counted ("# (3 unchanged elements hidden)"). Lists are matched element by element with
difflib, so an activity inserted in the middle is one `+`, not a change of every activity
after it. Long strings are shortened around the part that changed, which stays visible.
"""

from __future__ import annotations

import difflib
import json
import re
from typing import Any

INDENT = "    "
MAX_TEXT = 60  # characters of a shortened string
CONTEXT = 16
_PLAIN_KEY = re.compile(
    r"[A-Za-z0-9_][A-Za-z0-9_.-]*"
)  # characters kept on each side of the part of a string that changed


def diff_lines(before: Any, after: Any) -> list[str]:
    """The nested change from `before` to `after` (containers), without the first line's key."""
    return _container(before, after, 0)


def compact(value: Any) -> str:
    """One value on one line, a long one shortened."""
    if isinstance(value, str) and len(value) > MAX_TEXT:
        return json.dumps(_cut(value, MAX_TEXT), ensure_ascii=False)
    text = json.dumps(value, ensure_ascii=False, separators=(", ", ": "))
    if len(text) > MAX_TEXT and isinstance(value, dict | list):
        return f"{text[: MAX_TEXT - 5]}...{text[-1]} ({len(text)} characters of JSON)"
    return text


def changed_pair(old: Any, new: Any) -> str:
    """`old -> new`, two long strings shortened alike around where they differ."""
    if isinstance(old, str) and isinstance(new, str) and max(len(old), len(new)) > MAX_TEXT:
        start = _common_prefix(old, new)
        end = _common_prefix(old[start:][::-1], new[start:][::-1])
        return f"{_around(old, start, end)} -> {_around(new, start, end)}"
    return f"{compact(old)} -> {compact(new)}"


def _container(before: Any, after: Any, depth: int) -> list[str]:
    if isinstance(before, dict) and isinstance(after, dict):
        return _object(before, after, depth)
    return _array(before, after, depth)


def _object(before: dict[str, Any], after: dict[str, Any], depth: int) -> list[str]:
    pad = INDENT * (depth + 1)
    lines = ["{"]
    hidden = 0
    for key in sorted(set(before) | set(after), key=str):
        name = _name(key)
        if key not in after:
            lines.append(f"{pad}- {name} = {compact(before[key])}")
        elif key not in before:
            lines.append(f"{pad}+ {name} = {compact(after[key])}")
        elif before[key] == after[key]:
            hidden += 1
        elif _nested(before[key], after[key]):
            inner = _container(before[key], after[key], depth + 1)
            lines.append(f"{pad}~ {name} = {inner[0]}")
            lines += inner[1:]
        else:
            lines.append(f"{pad}~ {name} = {changed_pair(before[key], after[key])}")
    if hidden:
        lines.append(f"{pad}  # ({hidden} unchanged attribute{'s' if hidden != 1 else ''} hidden)")
    lines.append(f"{INDENT * depth}}}")
    return lines


def _array(before: list[Any], after: list[Any], depth: int) -> list[str]:
    pad = INDENT * (depth + 1)
    lines = ["["]
    keys_before = [_key(item) for item in before]
    keys_after = [_key(item) for item in after]
    matcher = difflib.SequenceMatcher(a=keys_before, b=keys_after, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":  # said in place, so that a change shows where it is
            hidden = i2 - i1
            lines.append(f"{pad}  # ({hidden} unchanged element{'s' if hidden != 1 else ''})")
            continue
        for old, new in _paired(before[i1:i2], after[j1:j2]):
            if new is _NONE:
                lines.append(f"{pad}- {compact(old)}")
            elif old is _NONE:
                lines.append(f"{pad}+ {compact(new)}")
            elif _nested(old, new):
                inner = _container(old, new, depth + 1)
                lines.append(f"{pad}~ {inner[0]}")
                lines += inner[1:]
            else:
                lines.append(f"{pad}~ {changed_pair(old, new)}")
    lines.append(f"{INDENT * depth}]")
    return lines


_NONE: Any = object()


def _paired(old: list[Any], new: list[Any]) -> list[tuple[Any, Any]]:
    """The elements of a replaced run, paired: by their `id` when they have one (a flow's
    activities), else by position; an element with no partner is removed or added."""
    if len(old) == len(new) and not (_ids(old) and _ids(new)):
        return list(zip(old, new, strict=True))
    old_ids = _ids(old)
    new_ids = _ids(new)
    pairs: list[tuple[Any, Any]] = [(item, _NONE) for item in old if _id(item) not in new_ids]
    for item in new:
        ident = _id(item)
        pairs.append((old_ids[ident], item) if ident in old_ids else (_NONE, item))
    return pairs


def _id(item: Any) -> Any:
    return item.get("id", _NONE) if isinstance(item, dict) else _NONE


def _ids(items: list[Any]) -> dict[Any, Any]:
    found = {_id(item): item for item in items}
    found.pop(_NONE, None)
    return found


def _nested(old: Any, new: Any) -> bool:
    both_objects = isinstance(old, dict) and isinstance(new, dict)
    return both_objects or (isinstance(old, list) and isinstance(new, list))


def _name(key: Any) -> str:
    """An object's key as shown: bare when it is a plain word, else quoted as JSON."""
    text = str(key)
    return text if _PLAIN_KEY.fullmatch(text) else json.dumps(text, ensure_ascii=False)


def _key(item: Any) -> str:
    return json.dumps(item, sort_keys=True)


def _common_prefix(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


def _around(text: str, start: int, end: int) -> str:
    """`text` cut to the part from `start` to `end` characters before its end, with context."""
    stop = len(text) - end
    left = max(start - CONTEXT, 0)
    right = min(stop + CONTEXT, len(text))
    middle = text[left:right]
    if len(middle) > MAX_TEXT + 2 * CONTEXT:  # the change itself is long: keep its ends
        middle = _cut(middle, MAX_TEXT + 2 * CONTEXT)
    shown = ("..." if left > 0 else "") + middle + ("..." if right < len(text) else "")
    return json.dumps(shown, ensure_ascii=False)


def _cut(text: str, width: int) -> str:
    half = (width - 3) // 2
    return text[:half] + "..." + text[-half:]
