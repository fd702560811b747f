"""The JSON schema of a configuration file, generated from the models.

Editors use it through a modeline at the top of a YAML file:
`# yaml-language-server: $schema=<path or URL of schemas/cccform.schema.json>`.

This module only builds the text; `cccform schema` prints, writes or checks it
(`cccform schema --write schemas/cccform.schema.json` regenerates the committed copy).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from cccform.config.models import Config

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
SCHEMA_ID = "urn:cccform:schema:config:1"
SCHEMA_PATH = Path(__file__).resolve().parents[2] / "schemas" / "cccform.schema.json"


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
