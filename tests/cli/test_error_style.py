"""One error form for every command, and the texts of errors that used to mislead."""

from __future__ import annotations

import re

import pytest

from tests.cli.harness import Cli, TerminalInput, config, instance_yaml, write


def test_a_wrong_access_path_at_the_delete_prompt_says_it_did_not_match(
    cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    config(cli.directory, instance_yaml("a", 1))
    assert cli("apply", "--auto-approve").code == 0
    config(cli.directory)  # the plan deletes instance.a
    monkeypatch.setattr("sys.stdin", TerminalInput("yes\nacme-wrong\n"))
    run = cli("apply")
    assert run.code == 1
    assert run.err.endswith(
        "  Type its access path (acme-0001) to confirm: \n"
        "error: 'acme-wrong' does not match the access path of instance.a (acme-0001)\n"
        "  hint: to delete instance.a, run the apply again and type acme-0001 exactly\n"
        "\n"
        "Apply cancelled. Nothing was changed.\n"
    )
    assert cli("state", "list").out == "instance.a\n"


def test_a_duplicate_names_the_first_place_once(cli: Cli) -> None:
    numbers = ["057100000001", "057100000001"]
    config(cli.directory, instance_yaml("a", 1, phone_numbers=numbers))
    run = cli("validate")
    assert run.code == 4
    assert run.err == (
        "cccform.yaml:6:37: error: instances.a.phone_numbers[1]: phone number '057100000001' "
        "is listed twice in instance.a; first at cccform.yaml:6:21\n"
        "  hint: remove the repeated one\n"
        "1 configuration error; nothing was contacted or written.\n"
    )


def test_every_file_of_a_configuration_may_say_version_1(cli: Cli) -> None:
    write(cli.directory, "a.yaml", "version: 1\ninstances:\n" + instance_yaml("a", 1))
    write(cli.directory, "b.yaml", "version: 1\ninstances:\n" + instance_yaml("b", 2))
    run = cli("validate")
    assert (run.code, run.err) == (0, "")
    assert run.out == "Success! The configuration is valid: 2 instances in 2 files.\n"
    write(cli.directory, "b.yaml", "version: 2\ninstances:\n" + instance_yaml("b", 2))
    run = cli("validate")
    assert run.code == 4
    assert run.err.startswith("b.yaml:1:10: error: version: expected 1, got the integer 2\n")


@pytest.mark.parametrize("command", ["plan", "validate"])
def test_a_saved_plan_passed_as_a_configuration_says_to_use_show_or_apply(
    cli: Cli, command: str
) -> None:
    config(cli.directory, instance_yaml("a", 1))
    assert cli("plan", "--out", "saved.plan").code == 0
    run = cli(command, "saved.plan")
    assert run.code == 64
    assert run.err == (
        "error: 'saved.plan' is a saved plan (a file not named *.yaml or *.yml), not a "
        "configuration: use cccform show saved.plan to read it, or cccform apply saved.plan "
        "to carry it out\n"
    )


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("instances:\n\ta: {}\n", "cccform.yaml:2:1"),  # cannot start any token
        ("instances:\n  a:\n    name: Center\n \taccess_path: acme\n", "cccform.yaml:4:2"),
        ("instances:\n  a:\n  \t- 1\n", "cccform.yaml:3:3"),  # violates indentation
    ],
)
def test_tab_indentation_is_named(cli: Cli, text: str, where: str) -> None:
    (cli.directory / "cccform.yaml").write_text(text)
    run = cli("validate")
    assert run.code == 4
    assert run.err == (
        f"{where}: error: tabs are not allowed for indentation in YAML\n"
        "  hint: indent this line with spaces instead of tab characters\n"
        "1 configuration error; nothing was contacted or written.\n"
    )


ERROR_LINE = re.compile(r"^(?:[^\s:]+:\d+:\d+: )?error: \S.*$")

SUMMARIES = ("Plan rejected: ", "Apply cancelled.")


def _first_lines(err: str) -> list[str]:
    """The lines of stderr that start an error: all but hints, notes and closing summaries."""
    return [
        line
        for line in err.splitlines()
        if line
        and not line.startswith(("  ", *SUMMARIES))
        and not line.endswith("nothing was contacted or written.")
    ]


def test_every_command_prints_errors_in_one_form(cli: Cli) -> None:
    config(cli.directory, instance_yaml("a", 1))
    assert cli("apply", "--auto-approve").code == 0
    (cli.directory / "damaged.plan").write_text("{}\n")
    config(cli.directory, instance_yaml("a", 1, name="Renamed Center"))
    runs = {
        "validate": cli("validate", "elsewhere.yaml"),  # a missing path
        "plan": cli("plan"),  # rejected, with the location of the change
        "apply": cli("apply"),  # no terminal to ask
        "show": cli("show", "damaged.plan"),
        "usage": cli("plan", "--no-such-option"),
    }
    write(cli.directory, "cccform.yaml", "instances:\n  a:\n    name: 7\n")
    runs["validate located"] = cli("validate")
    codes = {name: run.code for name, run in runs.items()}
    assert codes == {
        "validate": 4,
        "plan": 3,
        "apply": 64,
        "show": 7,
        "usage": 64,
        "validate located": 4,
    }
    for name, run in runs.items():
        first = _first_lines(run.err)
        assert first, name
        assert all(ERROR_LINE.match(line) for line in first), (name, run.err)
    assert runs["plan"].err.startswith("cccform.yaml:3:11: error: instance.a: name cannot change")
    assert "\ncccform.yaml:3:11: error: instances.a.name: " in runs["validate located"].err
