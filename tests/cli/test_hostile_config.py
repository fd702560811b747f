"""Hostile configuration files: a clean error with file, line and field, never a traceback."""

from __future__ import annotations

import pytest

from tests.cli.harness import Cli, instance_yaml, write


def _body(key_line: str) -> str:
    fields = instance_yaml("placeholder", 1).split("\n", 1)[1]
    return "instances:\n" + key_line + fields


@pytest.mark.parametrize(
    "key_line",
    ['  "support\\n":\n', "  ? |\n    support\n  :\n"],
    ids=["quoted-newline", "block-scalar-key"],
)
def test_instance_key_with_trailing_newline_is_a_config_error(cli: Cli, key_line: str) -> None:
    write(cli.directory, "a.yaml", _body(key_line))
    run = cli("validate")
    assert run.code == 4, run.err
    assert "Traceback" not in run.err
    assert "a.yaml:2:" in run.err and "invalid instance key 'support\\n'" in run.err
