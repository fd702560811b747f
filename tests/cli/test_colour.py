"""When output is coloured: a terminal, and neither --no-color nor NO_COLOR."""

from __future__ import annotations

import io

import pytest

from cccform.cli.context import Context, stream_style


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(
    ("stream", "no_color", "env", "coloured"),
    [
        (Terminal(), False, {}, True),
        (Terminal(), True, {}, False),
        (Terminal(), False, {"NO_COLOR": ""}, False),
        (io.StringIO(), False, {}, False),
        (object(), False, {}, False),  # no isatty at all
    ],
)
def test_colour_only_on_a_terminal_unless_turned_off(
    monkeypatch: pytest.MonkeyPatch,
    stream: object,
    no_color: bool,
    env: dict[str, str],
    coloured: bool,
) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert stream_style(stream, no_color=no_color).color is coloured


def test_a_command_context_follows_its_no_color_option(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    assert Context().style(Terminal()).color is True
    assert Context(no_color=True).style(Terminal()).color is False
