"""The dependency rule of docs/architecture.md, checked on the source."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "cccform"
MODULES = sorted(PACKAGE.rglob("*.py"))
EMULATOR = ROOT / "ccc_emulator"
EMULATOR_MODULES = sorted(EMULATOR.rglob("*.py"))
# The only cccform modules that may use the emulator: the local transport's adapter, and the
# command that serves the emulator's HTTP gateway.
EMULATOR_USERS = ("providers/local.py", "cli/commands/emulator.py")


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


def is_within(name: str, package: str) -> bool:
    return name == package or name.startswith(f"{package}.")


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


@pytest.mark.parametrize("package", ["config", "state", "plan", "apply", "providers", "render"])
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
        "ccc_emulator.engine",
    }
    assert imports(PACKAGE / "plan" / "planner.py") & banned == set()
