"""Every configuration under examples/ validates, applies on the emulation and converges.

The tests copy only the configuration of an example (its YAML files and the flow definition
files they name), never what running it leaves beside it: the README's quick start applies
examples/quickstart in place, which writes a state file and the emulation's data there.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from cccform.cli.main import main
from cccform.config.loader import load_config

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
NAMES = sorted(p.name for p in EXAMPLES.iterdir() if p.is_dir())
MODELINE = "# yaml-language-server: $schema="


def test_there_are_examples() -> None:
    assert "quickstart" in NAMES


@pytest.mark.parametrize("name", NAMES)
def test_example_files_start_with_the_schema_modeline(name: str) -> None:
    for path in sorted((EXAMPLES / name).glob("*.y*ml")):
        first = path.read_text().splitlines()[0]
        assert first.startswith(MODELINE), path
        schema = (path.parent / first.removeprefix(MODELINE)).resolve()
        assert schema.name == "cccform.schema.json" and schema.exists(), path


def copy_configuration(source: Path, target: Path) -> None:
    """Copy the YAML files of the configuration in `source` and the definition files they name."""
    loaded = load_config(source)
    named = [
        source / flow.definition_file
        for instance in loaded.config.instances.values()
        for flow in instance.flows.values()
        if flow.definition_file is not None
    ]
    for path in [*loaded.files, *named]:
        copy = target / path.relative_to(source)
        copy.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, copy)


def check_applies_and_converges(source: Path, work: Path) -> None:
    copy_configuration(source, work)
    assert main(["validate", str(work)]) == 0
    assert main(["plan", "--detailed-exitcode", str(work)]) == 2
    assert main(["apply", "--auto-approve", str(work)]) == 0
    assert main(["plan", "--detailed-exitcode", str(work)]) == 0


@pytest.fixture(autouse=True)
def instant_creation(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CCCFORM_LOCAL_CREATE_SECONDS", "0")


@pytest.mark.parametrize("name", NAMES)
def test_example_applies_and_converges(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    check_applies_and_converges(EXAMPLES / name, tmp_path / name)
    assert "Apply complete!" in capsys.readouterr().out


def test_the_example_test_ignores_what_the_quick_start_leaves_behind(tmp_path: Path) -> None:
    source = tmp_path / "quickstart"
    copy_configuration(EXAMPLES / "quickstart", source)
    assert main(["apply", "--auto-approve", str(source)]) == 0  # the README, in place
    assert (source / ".cccform").is_dir() and (source / "cccform.state.json").is_file()
    check_applies_and_converges(source, tmp_path / "copy")


def listing(directory: Path) -> list[str]:
    return sorted(p.relative_to(directory).as_posix() for p in directory.rglob("*"))


def test_only_the_configuration_is_copied(tmp_path: Path) -> None:
    source, copy = tmp_path / "source", tmp_path / "copy"
    copy_configuration(EXAMPLES / "contact-center", source)
    configuration = listing(source)
    assert "flows/cs-main.json" in configuration and "support.yaml" in configuration
    for leftover in [
        ".cccform/ccc.sqlite3",
        "cccform.state.json",
        "cccform.state.json.backup",
        "cccform.state.json.lock",
        "cccform.state.json.errored",
        "flows/notes.txt",
    ]:
        (source / leftover).parent.mkdir(parents=True, exist_ok=True)
        (source / leftover).write_text("left behind")
    copy_configuration(source, copy)
    assert listing(copy) == configuration
