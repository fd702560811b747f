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
text that reader accepts, and `yaml_reader` reads the new layout back: unless it reads what
the file says (numbers quoted aside), nothing is written (a ConfigError says so; a merge key
`<<: *base` is one such case). Formatting is a fixed point: a formatted text formats to
itself.
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
from cccform.config.yaml_reader import read_text
from cccform.diagnostics import Diagnostic, SourceLocation
from cccform.errors import ConfigError

INDENT = 2
# The instances' keys in the layout `_yaml` writes: `instances:` at the left margin, each
# instance key two spaces in.
_INSTANCE_KEY = re.compile(r"  [^ #]")
_INSTANCES = re.compile(r"instances:[ \t]*(#.*)?$")
_DECIMAL = re.compile(r"[-+]?[0-9]+(_[0-9]+)*")
# A decimal number as written, up to what ends a plain scalar (not `0x1F`, `0o17`, `1.5`).
_PLAIN_NUMBER = re.compile(r"[-+]?[0-9_]+(?=[ \t]*(?:[,\]}:#]|$))")


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
    try:
        _top(root, lines)
    except _KeysCollide as collide:
        raise ConfigError(
            [
                Diagnostic(
                    f"cannot format this file: {', '.join(collide.keys)} would be written twice "
                    "in one mapping once quoted (written once as a number, once as a string)",
                    SourceLocation(display, 1, 1),
                    hint="keep one of the two entries; nothing was written",
                )
            ]
        ) from None
    out = io.StringIO()
    yaml.dump(root, out)
    formatted = _space_instances(out.getvalue())
    _check_meaning(root, formatted, display)
    return formatted


def _check_meaning(written: Any, formatted: str, display: str) -> None:
    """Refuse a layout that the reader reads otherwise than fmt meant (`written`)."""
    read = read_text(formatted, display)
    if read.root is None or _meaning(read.root) != _meaning(written):
        raise ConfigError(
            [
                Diagnostic(
                    "cannot format this file without changing what it says",
                    SourceLocation(display, 1, 1),
                    hint="format it by hand, and please report it to cccform's maintainers",
                )
            ]
        )


def _meaning(value: Any) -> Any:
    """`value` as plain data, every scalar as its text (but a decimal number's value)."""
    if isinstance(value, dict):
        return {_meaning(key): _meaning(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_meaning(item) for item in value]
    if value is None or isinstance(value, bool):
        return value
    text = str(value)
    return ("number", int(text)) if _DECIMAL.fullmatch(text) else text


class _KeysCollide(Exception):
    """Keys of one mapping that formatting would make equal."""

    def __init__(self, keys: list[str]) -> None:
        super().__init__(keys)
        self.keys = keys


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
    if mapping.merge:
        return  # `<<: *base`: re-inserting the keys would copy the merged ones in
    rename = rename or {}
    entries = sorted(
        ((key, mapping[key], mapping.ca.items.get(key)) for key in mapping),
        key=lambda entry: rank(entry[0]),
    )
    if [key for key, _, _ in entries] == list(mapping) and not rename:
        return
    renamed = [rename.get(key, key) for key, _, _ in entries]
    twice = sorted({str(key) for key in renamed if renamed.count(key) > 1})
    if twice:  # `057100000001:` beside `"057100000001":` would become one entry
        raise _KeysCollide(twice)
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
    quoted = _quoted(value, mapping.lc.value(key), lines, strings) if key in mapping else None
    if quoted is not None:
        mapping[key] = quoted


def _quote_items(items: CommentedSeq, lines: list[str]) -> None:
    for index, item in enumerate(items):
        quoted = _quoted(item, items.lc.item(index), lines)
        if quoted is not None:
            items[index] = quoted


def _quoted_keys(mapping: CommentedMap, lines: list[str]) -> dict[Hashable, Hashable]:
    found = {key: _quoted(key, mapping.lc.key(key), lines) for key in mapping}
    return {key: quoted for key, quoted in found.items() if quoted is not None}


def _quoted(
    value: Any, position: tuple[int, int], lines: list[str], strings: bool = True
) -> str | None:
    """`value` as a double-quoted string, or None to leave it as it is.

    A string not yet in double quotes (with `strings`), or a decimal number as it was
    written in `lines` (`057188880001`, leading zero kept); not a number written otherwise
    (`0x1F`, `1.5`), which validation reports.
    """
    if isinstance(value, str):
        quoted = strings and not isinstance(value, DoubleQuotedScalarString)
        return _double_quoted(value) if quoted else None
    if not isinstance(value, int) or isinstance(value, bool):
        return None
    line, column = position
    written = _PLAIN_NUMBER.match(lines[line], column) if line < len(lines) else None
    return None if written is None else _double_quoted(written.group())


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
