"""`validate --json`: the diagnostics as one versioned JSON document on stdout."""

from __future__ import annotations

import json
from typing import Any

from jsonschema import Draft202012Validator

from cccform.render.json_plan import FORMAT_VERSION
from tests.cli.harness import Cli, config, instance_yaml, write
from tests.jsonplan_schema import SCHEMA_PATH


def _assert_valid_document(doc: Any) -> None:
    schema = {**json.loads(SCHEMA_PATH.read_text()), "$ref": "#/$defs/JsonValidateOutput"}
    Draft202012Validator(schema).validate(doc)


def test_a_valid_configuration_is_valid_with_no_diagnostics(cli: Cli) -> None:
    config(cli.directory, instance_yaml("a", 1), instance_yaml("b", 2))
    run = cli("validate", "--json")
    assert run.code == 0
    doc = run.json()
    _assert_valid_document(doc)
    assert doc["format_version"] == FORMAT_VERSION
    assert (doc["valid"], doc["error_count"], doc["diagnostics"]) == (True, 0, [])
    assert (doc["instance_count"], doc["file_count"]) == (2, 1)
    assert run.err == ""


def test_every_error_is_a_diagnostic_with_its_place_and_the_exit_code_is_4(cli: Cli) -> None:
    write(
        cli.directory,
        "a.yaml",
        """
        instances:
          a:
            name: Center A
            acess_path: acme-a
            phone_numbers: [057188880001]
        """,
    )
    run = cli("validate", "--json")
    assert run.code == 4
    doc = run.json()  # one document, not followed by the generic error document
    _assert_valid_document(doc)
    assert (doc["valid"], doc["error_count"]) == (False, 3)
    assert doc["diagnostics"][1] == {
        "file": "a.yaml",
        "line": 4,
        "column": 5,
        "field": "instances.a.acess_path",
        "message": "unknown field 'acess_path'",
        "hint": "did you mean 'access_path'?",
    }
    assert doc["diagnostics"][2]["hint"] == 'quote it: "057188880001"'
    # the human diagnostics stay on stderr, as without --json
    assert "a.yaml:4:5: error: instances.a.acess_path" in run.err
    assert sorted(p.name for p in cli.directory.iterdir()) == ["a.yaml"]


def test_a_problem_without_a_place_has_null_file_line_and_column(cli: Cli) -> None:
    run = cli("validate", "--json", "nope")
    assert run.code == 4, run.err
    (diagnostic,) = run.json()["diagnostics"]
    assert (diagnostic["file"], diagnostic["line"], diagnostic["column"]) == (None, None, None)
    assert "does not exist" in diagnostic["message"]
