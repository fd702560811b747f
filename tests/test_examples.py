"""Every configuration under examples/ validates, applies on the emulation and converges."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from cccform.cli.main import main

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


@pytest.mark.parametrize("name", NAMES)
def test_example_applies_and_converges(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    work = tmp_path / name
    shutil.copytree(EXAMPLES / name, work)
    monkeypatch.setenv("CCCFORM_LOCAL_CREATE_SECONDS", "0")
    assert main(["validate", str(work)]) == 0
    assert main(["plan", "--detailed-exitcode", str(work)]) == 2
    assert main(["apply", "--auto-approve", str(work)]) == 0
    assert main(["plan", "--detailed-exitcode", str(work)]) == 0
    assert "Apply complete!" in capsys.readouterr().out
