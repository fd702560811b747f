"""The JSON schema: its shape, its stable text, and the committed copy is up to date.

Printing, writing and checking it are `cccform schema` (tests/cli/test_schema_command.py).
"""

from __future__ import annotations

import json

from cccform.config.schema import SCHEMA_PATH, build_schema, render_schema

REGENERATE = "cccform schema --write schemas/cccform.schema.json"


def test_committed_schema_is_up_to_date() -> None:
    committed = SCHEMA_PATH.read_text(encoding="utf-8") if SCHEMA_PATH.is_file() else ""
    assert committed == render_schema(), f"{SCHEMA_PATH} is out of date; run: {REGENERATE}"


def test_schema_header_and_shape() -> None:
    schema = build_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"] == "urn:cccform:schema:config:1"
    assert schema["title"] == "cccform configuration"
    assert schema["additionalProperties"] is False
    assert set(schema["properties"]) == {"version", "provider", "state", "instances"}
    instances = schema["properties"]["instances"]
    assert instances["additionalProperties"] is False
    assert list(instances["patternProperties"]) == ["^[A-Za-z_][A-Za-z0-9_-]{0,63}$"]
    instance = schema["$defs"]["InstanceConfig"]
    assert instance["required"] == ["name", "access_path"]
    assert instance["additionalProperties"] is False


def test_rendering_is_stable() -> None:
    text = render_schema()
    assert text.endswith("}\n")
    assert text == json.dumps(json.loads(text), indent=2, sort_keys=True) + "\n"
    assert render_schema() == text
