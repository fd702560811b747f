"""The JSON schema of a configuration file, generated from the models.

Editors use it through a modeline at the top of a YAML file:
`# yaml-language-server: $schema=<path or URL of schemas/cccform.schema.json>`.

Regenerate the committed copy with `python -m cccform.config.schema --write`;
`--check` exits 1 when it is out of date.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from cccform.config.models import Config

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
SCHEMA_ID = "urn:cccform:schema:config:1"
SCHEMA_PATH = Path(__file__).resolve().parents[2] / "schemas" / "cccform.schema.json"
REGENERATE = "python -m cccform.config.schema --write"


def build_schema() -> dict[str, Any]:
    """The JSON schema (draft 2020-12) of one configuration file."""
    schema = Config.model_json_schema(mode="validation")
    _close_pattern_properties(schema)
    return {
        "$schema": SCHEMA_DIALECT,
        "$id": SCHEMA_ID,
        **schema,
        "title": "cccform configuration",
    }


def _close_pattern_properties(node: Any) -> None:
    """Keys outside `patternProperties` (e.g. bad instance keys) are errors, as in the loader."""
    if isinstance(node, dict):
        if "patternProperties" in node:
            node.setdefault("additionalProperties", False)
        for value in node.values():
            _close_pattern_properties(value)
    elif isinstance(node, list):
        for value in node:
            _close_pattern_properties(value)


def render_schema() -> str:
    """The schema file's exact text: stable key order, two-space indent, final newline."""
    return json.dumps(build_schema(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    """Print, write (`--write`) or check (`--check`) the schema file."""
    parser = argparse.ArgumentParser(prog="python -m cccform.config.schema")
    action = parser.add_mutually_exclusive_group()
    action.add_argument("--write", action="store_true", help="write the schema file")
    action.add_argument("--check", action="store_true", help="exit 1 if it is out of date")
    parser.add_argument("--path", type=Path, default=SCHEMA_PATH, help="the schema file")
    args = parser.parse_args(argv)
    text = render_schema()
    path: Path = args.path
    if args.write:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return 0
    if args.check:
        current = path.read_text(encoding="utf-8") if path.is_file() else None
        if current != text:
            sys.stderr.write(f"{path} is out of date; run: {REGENERATE}\n")
            return 1
        return 0
    sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
