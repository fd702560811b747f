"""The canonical layout of a configuration file, for `cccform fmt` (ruamel.yaml round trip).

`format_text` reads a file's text with ruamel.yaml's round-trip loader, which keeps comments
(the schema modeline included), and writes it back in one layout:

- two spaces per level, a block sequence's dash indented two spaces under its key;
- the keys of each object in the order of the reference (the fields of `config/models.py`),
  keys the reference does not know after them, as written; names (of instances, skill
  groups, agents, flows, numbers, skills) and inline flow definitions keep their order;
- phone numbers (`phone_numbers`, the keys of `numbers`, an agent's `mobile`) and
  administrator ids as double-quoted strings, whether they were written in other quotes
  or as plain numbers (a leading zero or `+` kept as written); an access path written as
  a plain number too;
- one blank line between instances, none before the first.

Everything else (flow or block style, the quotes of other strings, other blank lines) stays
as written. The caller checks the file with `yaml_reader` first: this module formats only
text that reader accepts. Formatting is a fixed point: a formatted text formats to itself.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Hashable
from typing import Any

from pydantic import BaseModel
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import CommentMark, MarkedYAMLError, YAMLError
from ruamel.yaml.scalarstring import DoubleQuotedScalarString
from ruamel.yaml.tokens import CommentToken

from cccform.config.document import mark_location
from cccform.config.models import (
    AgentConfig,
    AliyunProviderConfig,
    Config,
    FlowConfig,
    InstanceConfig,
    LocalProviderConfig,
    LocalStateConfig,
    NumberConfig,
    SkillGroupConfig,
)
from cccform.diagnostics import Diagnostic, SourceLocation
from cccform.errors import ConfigError

INDENT = 2
# The instances' keys in the layout `_yaml` writes: `instances:` at the left margin, each
# instance key two spaces in.
_INSTANCE_KEY = re.compile(r"  [^ #]")
_INSTANCES = re.compile(r"instances:[ \t]*(#.*)?$")
_PLAIN_NUMBER = re.compile(r"[-+]?[0-9_]+")


def format_text(text: str, display: str) -> str:
    """`text`, the file `display`, in the canonical layout (text without a mapping as it is).

    Raises ConfigError when the round-trip parser refuses what `yaml_reader` accepted.
    """
    yaml = _yaml()
    try:
        root = yaml.load(text)
    except YAMLError as exc:
        raise _cannot_format(exc, display) from None
    if not isinstance(root, CommentedMap):
        return text
    lines = re.split(r"\r\n|\r|\n", text)  # YAML's line breaks, as its marks count them
    _top(root, lines)
    out = io.StringIO()
    yaml.dump(root, out)
    return _space_instances(out.getvalue())


def _cannot_format(exc: YAMLError, display: str) -> ConfigError:
    mark = exc.problem_mark if isinstance(exc, MarkedYAMLError) else None
    location = mark_location(display, mark) if mark is not None else None
    return ConfigError(
        [
            Diagnostic(
                f"cannot format this file: {getattr(exc, 'problem', None) or exc}",
                location or SourceLocation(display, 1, 1),
                hint="run cccform validate on it, and format it by hand where it says",
            )
        ]
    )


def _yaml() -> YAML:
    yaml = YAML(typ="rt", pure=True)
    yaml.indent(mapping=INDENT, sequence=INDENT * 2, offset=INDENT)
    yaml.preserve_quotes = True
    yaml.width = 1 << 16  # never fold a long line
    return yaml


# --- the objects of the reference ------------------------------------------------------------


def _top(root: CommentedMap, lines: list[str]) -> None:
    _reorder(root, Config)
    provider = root.get("provider")
    if isinstance(provider, CommentedMap):
        aliyun = provider.get("type") == "aliyun"
        _reorder(provider, AliyunProviderConfig if aliyun else LocalProviderConfig)
    state = root.get("state")
    if isinstance(state, CommentedMap):
        _reorder(state, LocalStateConfig)
    for instance in _values(root.get("instances")):
        _instance(instance, lines)


def _instance(instance: CommentedMap, lines: list[str]) -> None:
    _quote_value(instance, "access_path", lines, strings=False)
    for key in ("phone_numbers", "admins"):
        items = instance.get(key)
        if isinstance(items, CommentedSeq):
            _quote_items(items, lines)
    _reorder(instance, InstanceConfig)
    for group in _values(instance.get("skill_groups")):
        _reorder(group, SkillGroupConfig)
    for agent in _values(instance.get("agents")):
        _quote_value(agent, "mobile", lines)
        _reorder(agent, AgentConfig)
    for flow in _values(instance.get("flows")):
        _reorder(flow, FlowConfig)
    numbers = instance.get("numbers")
    if isinstance(numbers, CommentedMap):
        _rebuild(numbers, lambda _key: 0, _quoted_keys(numbers, lines))
        for number in _values(numbers):
            _reorder(number, NumberConfig)


def _values(mapping: Any) -> list[CommentedMap]:
    """The values of `mapping` that are mappings themselves (the others are left alone)."""
    if not isinstance(mapping, CommentedMap):
        return []
    return [value for value in mapping.values() if isinstance(value, CommentedMap)]


# --- key order --------------------------------------------------------------------------------


def _reorder(mapping: CommentedMap, model: type[BaseModel]) -> None:
    """Put `mapping`'s keys in the order of `model`'s fields, unquoted; unknown keys after,
    as written."""
    order = {name: index for index, name in enumerate(model.model_fields)}
    # A quoted key is a subclass of str (it keeps its quotes); a field name needs none.
    unquoted: dict[Hashable, Hashable] = {
        key: str(key) for key in mapping if key in order and type(key) is not str
    }
    _rebuild(
        mapping,
        lambda key: order.get(key, len(order)) if isinstance(key, str) else len(order),
        unquoted,
    )


def _rebuild(
    mapping: CommentedMap,
    rank: Callable[[Hashable], int],
    rename: dict[Hashable, Hashable] | None = None,
) -> None:
    """Re-insert `mapping`'s entries sorted by `rank` (stable), renamed by `rename`.

    A comment stays with the entry it follows (ruamel.yaml keeps it on that entry), but the
    comment lines after the last entry stay after the last entry, whichever it is now.
    """
    rename = rename or {}
    entries = sorted(
        ((key, mapping[key], mapping.ca.items.get(key)) for key in mapping),
        key=lambda entry: rank(entry[0]),
    )
    if [key for key, _, _ in entries] == list(mapping) and not rename:
        return
    tail = _take_tail(mapping)
    for key in list(mapping):
        del mapping[key]
    mapping.ca.items.clear()
    for key, value, comment in entries:
        new_key = rename.get(key, key)
        mapping[new_key] = value
        if comment is not None:
            mapping.ca.items[new_key] = comment
    _give_tail(mapping, tail)


def _tail_slot(node: Any) -> tuple[list[Any], int] | None:
    """Where ruamel.yaml keeps the comment after `node`'s last line: on its last entry."""
    if isinstance(node, CommentedMap) and node:
        key, position = list(node)[-1], 2
    elif isinstance(node, CommentedSeq) and node:
        key, position = len(node) - 1, 0
    else:
        return None
    slot = node.ca.items.get(key)
    if slot is not None and slot[position] is not None:
        return slot, position
    value = node[key]
    # A block collection ends on its own last entry; a flow one (`[a, b]`) on this line.
    if isinstance(value, CommentedMap | CommentedSeq) and value and not value.fa.flow_style():
        return _tail_slot(value)
    return node.ca.items.setdefault(key, [None, None, None, None]), position


def _take_tail(node: Any) -> str:
    """Remove and return the comment lines below `node`'s last line (not its end-of-line one)."""
    found = _tail_slot(node)
    token = None if found is None else found[0][found[1]]
    if token is None:
        return ""
    line_end = token.value.find("\n") + 1
    tail: str = token.value[line_end:] if line_end else ""
    token.value = token.value[:line_end] if line_end else token.value
    return tail


def _give_tail(node: Any, tail: str) -> None:
    found = _tail_slot(node)
    if not tail or found is None:
        return
    slot, position = found
    if slot[position] is None:
        slot[position] = CommentToken("\n", CommentMark(0))
    slot[position].value += tail


# --- quoting ----------------------------------------------------------------------------------


def _quote_value(
    mapping: CommentedMap, key: str, lines: list[str], *, strings: bool = True
) -> None:
    value = mapping.get(key)
    if _needs_quotes(value, strings=strings):
        mapping[key] = _quoted(value, mapping.lc.value(key), lines)


def _quote_items(items: CommentedSeq, lines: list[str]) -> None:
    for index, item in enumerate(items):
        if _needs_quotes(item):
            items[index] = _quoted(item, items.lc.item(index), lines)


def _quoted_keys(mapping: CommentedMap, lines: list[str]) -> dict[Hashable, Hashable]:
    return {key: _quoted(key, mapping.lc.key(key), lines) for key in mapping if _needs_quotes(key)}


def _needs_quotes(value: Any, *, strings: bool = True) -> bool:
    """A plain number, or (with `strings`) a string not yet in double quotes."""
    if isinstance(value, bool):
        return False
    return isinstance(value, int) or (
        strings and isinstance(value, str) and not isinstance(value, DoubleQuotedScalarString)
    )


def _quoted(value: Any, position: tuple[int, int], lines: list[str]) -> str:
    """`value` as a double-quoted string; a plain number as it was written in `lines`."""
    if isinstance(value, str):
        return _double_quoted(value)
    line, column = position
    written = _PLAIN_NUMBER.match(lines[line], column) if line < len(lines) else None
    return _double_quoted(written.group() if written is not None else str(value))


def _double_quoted(text: str) -> str:
    quoted: str = DoubleQuotedScalarString(text)
    return quoted


# --- blank lines ------------------------------------------------------------------------------


def _space_instances(text: str) -> str:
    """One blank line before each instance but the first (before its comments), none before
    the first."""
    lines = text.split("\n")
    out: list[str] = []
    inside = False
    first = True
    for line in lines:
        if not line.startswith((" ", "#")) and line:
            inside = _INSTANCES.match(line) is not None
            first = True
            out.append(line)
            continue
        if inside and _INSTANCE_KEY.match(line):
            _one_blank_line_before(out, first)
            first = False
        out.append(line)
    return "\n".join(out)


def _one_blank_line_before(out: list[str], first: bool) -> None:
    """Collapse the blank lines before the comments that lead into the next instance."""
    start = len(out)
    while start > 0 and (not out[start - 1].strip() or out[start - 1].lstrip().startswith("#")):
        start -= 1
    head = start
    while head < len(out) and not out[head].strip():
        head += 1
    out[start:head] = [] if first else [""]
