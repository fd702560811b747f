"""Write configuration data as YAML text: with `yaml_reader`, the only modules that import
ruamel.yaml (one for each direction).

The caller builds plain data and marks what is particular: `Quoted` strings are written in
double quotes (phone numbers, ids, mobiles: text that YAML would otherwise read as a number),
`FlowSeq` and `FlowMap` on one line, and comments go before the keys that `notes` names. Keys
keep the order the caller gave them, so the same data is always the same bytes.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import DoubleQuotedScalarString

INDENT = 2
KeyPath = tuple[str, ...]


class Quoted(str):
    """A string written in double quotes."""

    __slots__ = ()


class FlowSeq(list[Any]):
    """A list written on one line: `[a, b]`."""


class FlowMap(dict[str, Any]):
    """A mapping written on one line: `{a: 1, b: 2}`."""


def dump_yaml(data: Mapping[str, Any], header: str, notes: Mapping[KeyPath, str]) -> str:
    """`data` as YAML, `header` as the file's first comment, `notes[path]` as a comment
    before the key at `path`."""
    root = _node(data)
    for path, text in sorted(notes.items()):
        parent = root
        for key in path[:-1]:
            parent = parent[key]
        parent.yaml_set_comment_before_after_key(
            path[-1], before=text, indent=INDENT * (len(path) - 1)
        )
    root.yaml_set_start_comment(header)
    yaml = YAML()
    yaml.width = 4096  # never fold a long string: one value, one line
    yaml.indent(mapping=INDENT, sequence=INDENT * 2, offset=INDENT)
    stream = io.StringIO()
    yaml.dump(root, stream)
    return stream.getvalue()


def _node(value: Any) -> Any:
    if isinstance(value, Quoted):
        return DoubleQuotedScalarString(value)
    if isinstance(value, Mapping):
        node = CommentedMap((_node(k), _node(v)) for k, v in value.items())
        if isinstance(value, FlowMap):
            node.fa.set_flow_style()
        return node
    if isinstance(value, list | tuple):
        seq = CommentedSeq(_node(v) for v in value)
        if isinstance(value, FlowSeq):
            seq.fa.set_flow_style()
        return seq
    return value
