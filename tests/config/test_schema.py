"""The committed JSON schema matches the models."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cccform.config.schema import REGENERATE, SCHEMA_PATH, build_schema, main, render_schema


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


def test_write_then_check(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "schemas" / "cccform.schema.json"
    assert main(["--check", "--path", str(target)]) == 1
    assert capsys.readouterr().err == f"{target} is out of date; run: {REGENERATE}\n"
    assert main(["--write", "--path", str(target)]) == 0
    assert target.read_text(encoding="utf-8") == render_schema()
    assert main(["--check", "--path", str(target)]) == 0
    target.write_text("{}\n", encoding="utf-8")
    assert main(["--check", "--path", str(target)]) == 1


def test_without_flags_prints_the_schema(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 0
    assert capsys.readouterr().out == render_schema()
