"""Flow definitions: definition_file read relative to its YAML file, checked, resolved."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from cccform.config.loader import load_config
from cccform.config.references import MAX_DEFINITION_BYTES
from cccform.diagnostics import Diagnostic, SourceLocation
from tests.config.helpers import BASE, diagnostics, instance, problems, write

pytestmark = pytest.mark.usefixtures("in_tmp")

SYNTAX_HINT = "check the brackets, commas and quotes; JSON has no comments or trailing commas"
OBJECT_HINT = "a flow definition is the JSON object the console exports"
YAML_FLOW = SourceLocation("a.yaml", 6, 31)  # the definition_file of flows.main


def flows(*entries: str) -> str:
    """A file with one instance whose flows are `entries` (`name: {...}`), from line 6."""
    return instance(BASE + "flows:\n" + "".join(f"  {entry}\n" for entry in entries))


def main_flow(path: str) -> str:
    """A file with flows.main reading `path`; the value is at a.yaml:6:31."""
    return flows(f"main: {{definition_file: {path}}}")


def one(path: str = "a.yaml") -> Diagnostic:
    [found] = diagnostics(path)
    return found


# --- a valid configuration -----------------------------------------------------------


def test_multi_file_configuration_with_definitions_in_a_subfolder() -> None:
    write("conf/flows/main-ivr.json", '{"version": 1, "activities": [{"id": "start"}]}')
    write("conf/flows/survey/after-call.json", '{"activities": []}\n')
    write("conf/flows/shared.json", '{"shared": true}')
    write("conf/00-settings.yaml", "version: 1\nprovider:\n  type: local\n")
    write(
        "conf/support.yaml",
        "instances:\n"
        "  support:\n"
        "    name: Support Center\n"
        "    access_path: acme-support\n"
        '    phone_numbers: ["057188880001"]\n'
        "    skill_groups:\n"
        "      billing: {display_name: Billing}\n"
        "    agents:\n"
        "      alice: {display_name: Alice, email: alice@example.com, skills: {billing: 1}}\n"
        "    flows:\n"
        "      main-ivr:\n"
        "        definition_file: flows/main-ivr.json\n"
        "      after-call:\n"
        "        type: SURVEY_FLOW\n"
        "        definition_file: ./flows/survey/after-call.json\n"
        "      shared: {type: SUB_FLOW, definition_file: flows/shared.json}\n"
        "      inline:\n"
        "        type: SUB_FLOW\n"
        "        definition: {activities: [{id: a, next: [b, c]}], weights: [1, 2.5]}\n"
        "    numbers:\n"
        '      "057188880001": {flow: main-ivr, skill_groups: [billing]}\n',
    )
    write(
        "conf/sales.yaml",
        "instances:\n"
        "  sales:\n"
        "    name: Sales Center\n"
        "    access_path: acme-sales\n"
        "    flows:\n"
        "      shared: {type: SUB_FLOW, definition_file: flows/shared.json}\n",
    )
    loaded = load_config(Path("conf"))
    support = loaded.config.instances["support"]
    main = support.flows["main-ivr"]
    assert main.definition == {"version": 1, "activities": [{"id": "start"}]}
    assert main.definition_file == "flows/main-ivr.json"
    after_call = support.flows["after-call"]
    assert after_call.definition == {"activities": []}
    assert after_call.definition_file == "./flows/survey/after-call.json"
    assert after_call.type == "SURVEY_FLOW"
    inline = support.flows["inline"]
    assert inline.definition_file is None
    assert inline.definition == {
        "activities": [{"id": "a", "next": ["b", "c"]}],
        "weights": [1, 2.5],
    }
    assert type(inline.definition["activities"]) is list  # JSON data, as from a file
    shared = loaded.config.instances["sales"].flows["shared"].definition
    assert shared == support.flows["shared"].definition == {"shared": True}
    assert all(flow.definition is not None for flow in support.flows.values())
    assert loaded.locations[("instances", "support", "flows", "main-ivr", "definition_file")] == (
        SourceLocation("conf/support.yaml", 12, 26)
    )


def test_a_single_file_resolves_against_its_own_directory() -> None:
    write("conf/flows/a.json", '{"from": "conf"}')
    write("flows/a.json", '{"from": "cwd"}')
    write("conf/main.yaml", main_flow("flows/a.json"))
    loaded = load_config(Path("conf/main.yaml"))
    assert loaded.config.instances["support"].flows["main"].definition == {"from": "conf"}


def test_parent_and_absolute_paths_are_allowed(tmp_path: Path) -> None:
    write("shared/a.json", '{"from": "shared"}')
    absolute = tmp_path / "shared" / "a.json"
    text = flows(
        "up: {definition_file: ../shared/a.json}",
        f"absolute: {{definition_file: '{absolute}'}}",
    )
    write("conf/main.yaml", text)
    found = load_config(Path("conf")).config.instances["support"].flows
    assert found["up"].definition == found["absolute"].definition == {"from": "shared"}


def test_utf8_with_byte_order_mark_and_unicode_text() -> None:
    write("flows/a.json", '\ufeff{"prompt": "您好，欢迎致电"}'.encode())
    loaded = load_config(write("a.yaml", main_flow("flows/a.json")))
    assert loaded.config.instances["support"].flows["main"].definition == {
        "prompt": "您好，欢迎致电"
    }


def test_a_file_of_exactly_one_mebibyte_is_accepted() -> None:
    prefix, suffix = '{"a": "', '"}'
    filler = "x" * (MAX_DEFINITION_BYTES - len(prefix) - len(suffix))
    write("flows/a.json", prefix + filler + suffix)
    assert os.path.getsize("flows/a.json") == MAX_DEFINITION_BYTES
    loaded = load_config(write("a.yaml", main_flow("flows/a.json")))
    assert loaded.config.instances["support"].flows["main"].definition == {"a": filler}


# --- the file ------------------------------------------------------------------------


def test_missing_file_with_a_close_name_says_did_you_mean() -> None:
    write("flows/main-ivr.json", "{}")
    write("a.yaml", main_flow("flows/mainivr.json"))
    assert problems("a.yaml") == [
        (
            "a.yaml:6:31",
            "instances.support.flows.main.definition_file",
            "definition file flows/mainivr.json does not exist",
            "did you mean 'flows/main-ivr.json'?",
        )
    ]


def test_missing_file_is_looked_for_next_to_the_yaml_file() -> None:
    write("conf/notes.txt", "")
    write("conf/a.yaml", main_flow("main.json"))
    assert problems("conf") == [
        (
            "conf/a.yaml:6:31",
            "instances.support.flows.main.definition_file",
            "definition file conf/main.json does not exist",
            "definition_file is relative to the directory of the YAML file that declares it; "
            "conf has no file named main.json",
        )
    ]


def test_missing_directory() -> None:
    write("a.yaml", main_flow("flow/main.json"))
    assert problems("a.yaml") == [
        (
            "a.yaml:6:31",
            "instances.support.flows.main.definition_file",
            "definition file flow/main.json does not exist",
            "definition_file is relative to the directory of the YAML file that declares it; "
            "there is no directory flow",
        )
    ]


def test_a_directory_is_not_a_definition_file() -> None:
    write("flows/a.json", "{}")
    write("a.yaml", main_flow("flows"))
    assert problems("a.yaml") == [
        (
            "a.yaml:6:31",
            "instances.support.flows.main.definition_file",
            "definition file flows is a directory, not a regular file",
            "point definition_file at a JSON file",
        )
    ]


def test_empty_definition_file() -> None:
    write("a.yaml", main_flow("''"))
    assert problems("a.yaml") == [
        (
            "a.yaml:6:31",
            "instances.support.flows.main.definition_file",
            "definition_file is empty",
            "give the path of a JSON file, relative to the directory of this YAML file",
        )
    ]


def test_a_file_larger_than_one_mebibyte() -> None:
    write("flows/a.json", '{"a": "' + "x" * MAX_DEFINITION_BYTES + '"}')
    write("a.yaml", main_flow("flows/a.json"))
    assert problems("a.yaml") == [
        (
            "a.yaml:6:31",
            "instances.support.flows.main.definition_file",
            f"definition file flows/a.json is larger than 1 MiB ({MAX_DEFINITION_BYTES + 9} bytes)",
            "a flow definition is at most 1 MiB; split the flow into sub-flows",
        )
    ]


# --- the JSON ------------------------------------------------------------------------


def test_json_syntax_error_points_into_the_json_file_and_at_the_yaml() -> None:
    write("flows/a.json", '{\n  "a": 1,\n  "b": [1 2]\n}\n')
    write("a.yaml", main_flow("flows/a.json"))
    assert one() == Diagnostic(
        "invalid JSON in flows/a.json at line 3, column 11: Expecting ',' delimiter",
        SourceLocation("flows/a.json", 3, 11),
        ("instances", "support", "flows", "main", "definition_file"),
        SYNTAX_HINT,
        (YAML_FLOW,),
    )


@pytest.mark.parametrize(
    ("text", "line", "column", "reason"),
    [
        ("", 1, 1, "Expecting value"),
        ('{"a": 1} // note', 1, 10, "Extra data"),
        ("{\n  'a': 1\n}", 2, 3, "Expecting property name enclosed in double quotes"),
    ],
)
def test_json_syntax_errors(text: str, line: int, column: int, reason: str) -> None:
    write("flows/a.json", text)
    write("a.yaml", main_flow("flows/a.json"))
    found = one()
    assert (
        found.message == f"invalid JSON in flows/a.json at line {line}, column {column}: {reason}"
    )
    assert found.location == SourceLocation("flows/a.json", line, column)
    assert found.related == (YAML_FLOW,)
    assert found.hint == SYNTAX_HINT


@pytest.mark.parametrize("word", ["NaN", "Infinity", "-Infinity"])
def test_nan_and_infinity_are_not_json(word: str) -> None:
    write("flows/a.json", f'{{\n  "x": "NaN",\n  "a": {word}\n}}')
    write("a.yaml", main_flow("flows/a.json"))
    assert one() == Diagnostic(
        f"invalid JSON in flows/a.json at line 3, column 8: {word} is not a JSON value",
        SourceLocation("flows/a.json", 3, 8),
        ("instances", "support", "flows", "main", "definition_file"),
        "write null, or a number",
        (YAML_FLOW,),
    )


def test_invalid_utf8_points_at_the_byte() -> None:
    write("flows/a.json", b'{\n  "a": "caf\xe9"\n}')
    write("a.yaml", main_flow("flows/a.json"))
    assert one() == Diagnostic(
        "definition file flows/a.json is not valid UTF-8: byte 0xe9 at byte offset 13",
        SourceLocation("flows/a.json", 2, 12),
        ("instances", "support", "flows", "main", "definition_file"),
        "save the file with UTF-8 encoding",
        (YAML_FLOW,),
    )


@pytest.mark.parametrize(
    ("text", "line", "column", "got"),
    [
        ("[1, 2]", 1, 1, "a list"),
        ('\n\n   "flow"', 3, 4, "the string 'flow'"),
        ("null", 1, 1, "null"),
        ("42", 1, 1, "the integer 42"),
    ],
)
def test_the_top_level_must_be_an_object(text: str, line: int, column: int, got: str) -> None:
    write("flows/a.json", text)
    write("a.yaml", main_flow("flows/a.json"))
    assert one() == Diagnostic(
        f"the top level of flows/a.json must be a JSON object {{...}}, got {got}",
        SourceLocation("flows/a.json", line, column),
        ("instances", "support", "flows", "main", "definition_file"),
        OBJECT_HINT,
        (YAML_FLOW,),
    )


def test_nesting_too_deep_to_read() -> None:
    write("flows/a.json", "[" * 100_000)
    write("a.yaml", main_flow("flows/a.json"))
    assert problems("a.yaml") == [
        (
            "a.yaml:6:31",
            "instances.support.flows.main.definition_file",
            "definition file flows/a.json is nested too deeply to read",
            "a flow definition is the JSON object the console exports; check the file",
        )
    ]


def test_a_number_with_too_many_digits() -> None:
    write("flows/a.json", '{"a": ' + "1" * 5000 + "}")
    write("a.yaml", main_flow("flows/a.json"))
    assert problems("a.yaml") == [
        (
            "a.yaml:6:31",
            "instances.support.flows.main.definition_file",
            "invalid JSON in flows/a.json: a number has too many digits",
            "a number in a flow definition has at most 4300 digits",
        )
    ]


# --- together ------------------------------------------------------------------------


def test_each_flow_naming_a_bad_file_is_reported() -> None:
    write("flows/a.json", "[]")
    write(
        "a.yaml",
        flows("one: {definition_file: flows/a.json}", "two: {definition_file: flows/a.json}"),
    )
    found = diagnostics("a.yaml")
    assert [(d.field_path, d.location, d.related) for d in found] == [
        (
            "instances.support.flows.one.definition_file",
            SourceLocation("flows/a.json", 1, 1),
            (SourceLocation("a.yaml", 6, 30),),
        ),
        (
            "instances.support.flows.two.definition_file",
            SourceLocation("flows/a.json", 1, 1),
            (SourceLocation("a.yaml", 7, 30),),
        ),
    ]


def test_definition_problems_are_reported_with_all_others() -> None:
    write("conf/flows/a.json", "{")
    write("conf/a.yaml", main_flow("flows/a.json") + "    numbers: {'0571': {}}\n")
    write("conf/b.yaml", instance("name: abc\naccess_path: acme-b", key="b"))
    assert [(str(d.location), d.message) for d in diagnostics("conf")] == [
        (
            "conf/a.yaml:7:15",
            "number '0571' is not one of the phone_numbers of instance.support",
        ),
        ("conf/b.yaml:3:11", "too short: 3 characters, at least 4 required"),
        (
            "conf/flows/a.json:1:2",
            "invalid JSON in conf/flows/a.json at line 1, column 2: "
            "Expecting property name enclosed in double quotes",
        ),
    ]


def test_the_definition_is_the_parsed_file() -> None:
    definition = {"activities": [{"id": "start", "type": "Start", "next": None}], "n": 1.5}
    write("flows/a.json", json.dumps(definition, indent=2))
    loaded = load_config(write("a.yaml", main_flow("flows/a.json")))
    assert loaded.config.instances["support"].flows["main"].definition == definition
