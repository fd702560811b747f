"""The dependency rule of docs/architecture.md, checked on the source."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "cccform"
MODULES = sorted(PACKAGE.rglob("*.py"))


def imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
    return found


def relative(path: Path) -> str:
    return path.relative_to(PACKAGE).as_posix()


@pytest.mark.parametrize(
    ("library", "allowed"),
    [("click", ("cli/",)), ("deepdiff", ("plan/diff.py",)), ("ruamel", ("config/yaml_reader.py",))],
)
def test_libraries_stay_behind_their_module(library: str, allowed: tuple[str, ...]) -> None:
    offenders = [
        relative(path)
        for path in MODULES
        if any(name == library or name.startswith(f"{library}.") for name in imports(path))
        and not relative(path).startswith(allowed)
    ]
    assert offenders == []


@pytest.mark.parametrize(
    "package", ["config", "state", "plan", "apply", "providers", "emulation", "render"]
)
def test_lower_layers_do_not_import_the_cli(package: str) -> None:
    for path in (PACKAGE / package).rglob("*.py"):
        assert not any(name.startswith("cccform.cli") for name in imports(path)), path


def test_the_planner_does_no_io() -> None:
    banned = {
        "os",
        "time",
        "subprocess",
        "sqlite3",
        "cccform.providers.ccc",
        "cccform.state.local",
        "cccform.emulation.engine",
    }
    assert imports(PACKAGE / "plan" / "planner.py") & banned == set()


def test_commands_make_one_call_into_the_run() -> None:
    """Click commands reach the planner, refresh, applier and state only through run.py."""
    banned = {
        "cccform.apply.applier",
        "cccform.plan.planner",
        "cccform.plan.refresh",
        "cccform.state.local",
        "cccform.providers.registry",
    }
    for path in (PACKAGE / "cli" / "commands").rglob("*.py"):
        assert imports(path) & banned == set(), path


def test_the_run_never_prints() -> None:
    assert not any(
        name.startswith(("cccform.render", "cccform.cli", "click"))
        for name in imports(PACKAGE / "run.py")
    )
