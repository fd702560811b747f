"""The JSON schema of the public documents (`schemas/plan.schema.json`), generated from the
models of `json_plan.py` and `json_validate.py` by `cccform schema --plan`."""

from __future__ import annotations

import json
from typing import Any

from pydantic import TypeAdapter

from cccform.render.json_plan import FORMAT_VERSION, JsonApplyOutput, JsonPlan
from cccform.render.json_validate import JsonValidateOutput

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
SCHEMA_ID = "urn:cccform:schema:plan:2"


def build_schema() -> dict[str, Any]:
    """The JSON schema (draft 2020-12) of a plan document; `$defs` also holds `apply --json`'s.

    Validate `apply --json` output against `#/$defs/JsonApplyOutput`, `validate --json`
    output against `#/$defs/JsonValidateOutput`.
    """
    _, schema = TypeAdapter.json_schemas(
        [
            ("plan", "serialization", TypeAdapter(JsonPlan)),
            ("apply", "serialization", TypeAdapter(JsonApplyOutput)),
            ("validate", "serialization", TypeAdapter(JsonValidateOutput)),
        ],
        ref_template="#/$defs/{model}",
    )
    return {
        "$schema": SCHEMA_DIALECT,
        "$id": SCHEMA_ID,
        "title": f"cccform JSON plan, format {FORMAT_VERSION}",
        "$ref": "#/$defs/JsonPlan",
        **schema,
    }


def render_schema() -> str:
    """The schema file's exact text: stable key order, two-space indent, final newline."""
    return json.dumps(build_schema(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
