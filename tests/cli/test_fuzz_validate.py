"""Mutated example configurations: `cccform validate` answers 0 or 4, never a traceback.

Each example of `examples/` is copied, one of its files is mutated (bytes flipped, inserted
or cut; or a field of its YAML replaced by another value, removed, or given an unknown
sibling) and `cccform validate` runs in process, as in `tests/cli/harness.py`.

The default run is short (a few seconds) so that CI can afford it. For a longer search
on your own machine:

    CCCFORM_FUZZ=long .venv/bin/pytest -q tests/cli/test_fuzz_validate.py

(`CCCFORM_FUZZ=<number>` runs that many examples per test.)
"""

from __future__ import annotations

import json
import os
import shutil
from itertools import count
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from cccform.cli import exit_codes
from tests.cli.harness import Cli

_EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
_FILES = sorted(p.relative_to(_EXAMPLES) for p in _EXAMPLES.rglob("*") if p.is_file())
_LEVEL = os.environ.get("CCCFORM_FUZZ", "")
_COUNT = 2000 if _LEVEL == "long" else int(_LEVEL) if _LEVEL.isdigit() else 30
_FUZZ = settings(
    max_examples=_COUNT,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
_RUNS = count()

_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    st.text(max_size=40),
    st.sampled_from(["", " ", "1.0", "true", "~", "*a", "&a x", "<<", "a@b", "http://[::1"]),
)
_VALUES = st.recursive(
    _SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner),
    max_leaves=8,
)


def _validate(cli: Cli, file: Path, content: bytes) -> None:
    """Validate a copy of the example holding `file` (`example/...`), `file` holding `content`."""
    copy = cli.directory / f"run{next(_RUNS)}"
    shutil.copytree(_EXAMPLES / file.parts[0], copy)
    (copy / Path(*file.parts[1:])).write_bytes(content)
    run = cli("validate", str(copy))
    assert run.code in (exit_codes.OK, exit_codes.CONFIG_INVALID), run.err
    assert "Traceback" not in run.err + run.out


@st.composite
def _byte_mutation(draw: st.DrawFn) -> tuple[Path, bytes]:
    file = draw(st.sampled_from(_FILES))
    data = bytearray((_EXAMPLES / file).read_bytes())
    for _ in range(draw(st.integers(1, 8))):
        at = draw(st.integers(0, len(data)))
        op = draw(st.sampled_from(["flip", "insert", "cut"]))
        if op == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=8))
        elif op == "cut":
            del data[at : at + draw(st.integers(1, 16))]
        elif at < len(data):
            data[at] = draw(st.integers(0, 255))
    return file, bytes(data)


def _paths(data: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every path into `data`: mapping keys and sequence indexes."""
    found = [prefix]
    items: Any = data.items() if isinstance(data, dict) else []
    if isinstance(data, list):
        items = enumerate(data)
    for key, value in items:
        found += _paths(value, (*prefix, key))
    return found


@st.composite
def _structure_mutation(draw: st.DrawFn) -> tuple[Path, bytes]:
    file = draw(st.sampled_from([f for f in _FILES if f.suffix in (".yaml", ".json")]))
    text = (_EXAMPLES / file).read_text()
    data = json.loads(text) if file.suffix == ".json" else YAML(typ="safe").load(text)
    path = draw(st.sampled_from([p for p in _paths(data) if p]))
    parent = data
    for part in path[:-1]:
        parent = parent[part]
    op = draw(st.sampled_from(["replace", "remove", "extra"]))
    if op == "replace":
        parent[path[-1]] = draw(_VALUES)
    elif op == "remove":
        del parent[path[-1]]
    elif isinstance(parent, dict):
        parent[draw(st.text(max_size=12))] = draw(_VALUES)
    # JSON is YAML: the mutated document is written in the flow style either way.
    return file, json.dumps(data, default=str).encode()


@_FUZZ
@given(mutation=_byte_mutation())
def test_byte_mutations_of_examples_validate_cleanly(
    cli: Cli, mutation: tuple[Path, bytes]
) -> None:
    _validate(cli, *mutation)


@_FUZZ
@given(mutation=_structure_mutation())
def test_structure_mutations_of_examples_validate_cleanly(
    cli: Cli, mutation: tuple[Path, bytes]
) -> None:
    _validate(cli, *mutation)
