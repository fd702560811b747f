"""Validate `plan --json` and `apply --json` output against schemas/plan.schema.json."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator

SCHEMA_PATH = Path(__file__).resolve().parent.parent / "schemas" / "plan.schema.json"


@cache
def _schema() -> dict[str, Any]:
    schema: dict[str, Any] = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return schema


def _validate(doc: Any, definition: str) -> None:
    # the schema's root is a reference to the plan; point it at another definition instead
    schema = {**_schema(), "$ref": f"#/$defs/{definition}"}
    Draft202012Validator(schema).validate(doc)


def assert_valid_plan(doc: Any) -> None:
    """`plan --json` or `show --json PLANFILE` output, as parsed JSON."""
    Draft202012Validator(_schema()).validate(doc)


def assert_valid_apply(doc: Any) -> None:
    """`apply --json` output, as parsed JSON."""
    _validate(doc, "JsonApplyOutput")
