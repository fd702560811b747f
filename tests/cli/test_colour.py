"""When output is coloured: --color, --no-color (before or after the command), NO_COLOR,
FORCE_COLOR, and a terminal."""

from __future__ import annotations

import io

import pytest

from cccform.cli.context import ColorMode, Context, color_from_args, stream_style
from tests.cli.harness import Cli, config, instance_yaml, write


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture(autouse=True)
def no_colour_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("FORCE_COLOR", raising=False)


@pytest.mark.parametrize(
    ("stream", "color", "env", "coloured"),
    [
        (Terminal(), "auto", {}, True),
        (Terminal(), "never", {}, False),
        (Terminal(), "auto", {"NO_COLOR": "1"}, False),
        (Terminal(), "auto", {"NO_COLOR": ""}, True),  # empty is unset (no-color.org)
        (io.StringIO(), "auto", {}, False),
        (io.StringIO(), "auto", {"FORCE_COLOR": "1"}, True),
        (io.StringIO(), "auto", {"FORCE_COLOR": ""}, False),
        (io.StringIO(), "auto", {"FORCE_COLOR": "1", "NO_COLOR": "1"}, False),
        (io.StringIO(), "always", {"NO_COLOR": "1"}, True),
        (Terminal(), "never", {"FORCE_COLOR": "1"}, False),
        (object(), "auto", {}, False),  # no isatty at all
    ],
)
def test_colour_on_a_terminal_unless_told_otherwise(
    monkeypatch: pytest.MonkeyPatch,
    stream: object,
    color: ColorMode,
    env: dict[str, str],
    coloured: bool,
) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert stream_style(stream, color).color is coloured


def test_a_command_context_follows_its_colour_option() -> None:
    assert Context().style(Terminal()).color is True
    assert Context(color="never").style(Terminal()).color is False
    assert Context(color="always").style(io.StringIO()).color is True


@pytest.mark.parametrize(
    ("args", "color"),
    [
        (["plan"], "auto"),
        (["plan", "--no-color"], "never"),
        (["--no-color", "plan"], "never"),
        (["plan", "--color=always"], "always"),
        (["plan", "--color", "always"], "always"),
        (["plan", "--color", "rainbow"], "auto"),
        (["plan", "--", "--no-color"], "auto"),
        (["plan", "--color"], "auto"),
    ],
)
def test_errors_before_parsing_read_the_colour_from_the_command_line(
    args: list[str], color: ColorMode
) -> None:
    assert color_from_args(args) == color


SUCCESS = "Success! The configuration is valid: 1 instance in 1 file.\n"
GREEN_SUCCESS = "\x1b[32;1mSuccess!\x1b[0m"


@pytest.mark.parametrize(
    ("args", "env", "coloured"),
    [
        (["validate"], {}, False),
        (["validate"], {"FORCE_COLOR": "1"}, True),
        (["validate"], {"FORCE_COLOR": ""}, False),
        (["validate"], {"FORCE_COLOR": "1", "NO_COLOR": "1"}, False),
        (["validate", "--color=always"], {}, True),
        (["validate", "--color", "always"], {"NO_COLOR": "1"}, True),
        (["--color=always", "validate"], {}, True),
        (["validate", "--no-color"], {"FORCE_COLOR": "1"}, False),
        (["--no-color", "validate"], {"FORCE_COLOR": "1"}, False),
        (["validate", "--color=never"], {"FORCE_COLOR": "1"}, False),
        (["validate", "--color=auto"], {"FORCE_COLOR": "1"}, True),
    ],
)
def test_colour_options_before_or_after_the_command(
    cli: Cli, args: list[str], env: dict[str, str], coloured: bool
) -> None:
    for name, value in env.items():
        cli.monkeypatch.setenv(name, value)
    config(cli.directory, instance_yaml("a", 1))
    run = cli(*args)
    assert run.code == 0, run.err
    assert run.out.startswith(GREEN_SUCCESS) is coloured
    assert ("\x1b[" not in run.out) is not coloured
    if not coloured:
        assert run.out == SUCCESS


def test_errors_follow_the_colour_given_after_the_command(cli: Cli) -> None:
    write(cli.directory, "a.yaml", "instances: [1]\n")
    assert "\x1b[" in cli("validate", "--color=always").err
    assert "\x1b[" not in cli("validate", "--no-color").err
    cli.monkeypatch.setenv("FORCE_COLOR", "1")
    assert "\x1b[" not in cli("validate", "--no-color").err
    assert "\x1b[" in cli("validate").err


def test_state_subcommands_take_the_colour_options_too(cli: Cli) -> None:
    config(cli.directory)
    assert cli("state", "list", "--no-color").code == 0


def test_contradicting_colour_options_are_a_usage_error(cli: Cli) -> None:
    config(cli.directory)
    run = cli("--no-color", "validate", "--color=always")
    assert run.code == 64
    assert "colour is set twice, to never and to always" in run.err
    assert cli("--no-color", "validate", "--color=never").code == 0


def test_an_unknown_colour_is_a_usage_error(cli: Cli) -> None:
    run = cli("validate", "--color=rainbow")
    assert run.code == 64
    assert "'rainbow' is not one of 'auto', 'always', 'never'" in run.err
