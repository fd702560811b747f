"""`cccform version [--json]`: what a bug report needs, from the installed distributions."""

from __future__ import annotations

import platform
import re
import tomllib
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import pytest

from cccform import __version__
from cccform.cli.commands import version as version_command
from cccform.render.json_plan import FORMAT_VERSION
from tests.cli.harness import Cli

ROOT = Path(__file__).resolve().parents[2]


def test_version_json_names_cccform_the_formats_and_the_sdk(cli: Cli) -> None:
    run = cli("version", "--json")
    assert run.code == 0, run.err
    assert run.json() == {
        "cccform": __version__,
        "python": platform.python_version(),
        "formats": {"state": 3, "saved_plan": 3, "json_plan": FORMAT_VERSION},
        "sdk": {name: version(name) for name in version_command.SDK_DISTRIBUTIONS},
    }


def test_version_says_the_same_in_lines(cli: Cli) -> None:
    run = cli("version")
    assert run.code == 0
    lines = run.out.splitlines()
    assert lines[:2] == [
        f"cccform {__version__} (Python {platform.python_version()})",
        f"formats: state 3, saved plan 3, JSON plan {FORMAT_VERSION}",
    ]
    assert [line.split()[0] for line in lines[2:]] == list(version_command.SDK_DISTRIBUTIONS)


def test_an_sdk_that_is_not_installed_is_null(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    def missing(name: str) -> str:
        raise PackageNotFoundError(name)

    monkeypatch.setattr(version_command, "installed_version", missing)
    assert set(cli("version", "--json").json()["sdk"].values()) == {None}
    assert "alibabacloud-ccc20200701 not installed\n" in cli("version").out


def test_the_sdk_listed_is_the_aliyun_extra() -> None:
    extra = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"][
        "optional-dependencies"
    ]["aliyun"]
    assert [re.split(r"[<>=;\s]", requirement)[0] for requirement in extra] == list(
        version_command.SDK_DISTRIBUTIONS
    )


def test_dash_dash_version_stays(cli: Cli) -> None:
    assert cli("--version").out == f"cccform, version {__version__}\n"
