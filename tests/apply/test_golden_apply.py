"""Golden applies: a folder per case under tests/golden_apply/, a subfolder per step.

Each step (`1/`, `2/`, ...) is a whole configuration. The test applies them one after the
other in one directory, on one local emulation, and records for each step the exit code, what
`apply --auto-approve --allow-delete --parallelism 1` printed (the plan, the progress and the
summary) and what `state list` then holds, in `transcript.txt`. Elapsed times are written as
`Ns`, since they depend on the machine.

To regenerate after a deliberate change of output, run
    CCCFORM_UPDATE_GOLDEN=1 pytest tests/apply/test_golden_apply.py
and review the diff before committing.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

from tests.cli.harness import Cli

GOLDEN = Path(__file__).resolve().parent.parent / "golden_apply"
CASES = sorted(p.name for p in GOLDEN.iterdir() if p.is_dir())
UPDATE = os.environ.get("CCCFORM_UPDATE_GOLDEN") == "1"
ELAPSED = re.compile(r"\b\d+s\b")


def _steps(case: Path) -> list[Path]:
    return sorted((p for p in case.iterdir() if p.is_dir()), key=lambda p: int(p.name))


def _use(step: Path, work: Path) -> None:
    """Make `work` hold exactly the configuration of `step` (state and emulation stay)."""
    for old in work.glob("*.yaml"):
        old.unlink()
    for source in step.iterdir():
        target = work / source.name
        if source.is_dir():
            shutil.rmtree(target, ignore_errors=True)
            shutil.copytree(source, target)
        else:
            shutil.copy(source, target)


@pytest.mark.parametrize("name", CASES)
def test_golden_apply(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    case = GOLDEN / name
    cli = Cli(tmp_path, capsys, monkeypatch)
    transcript = []
    for step in _steps(case):
        _use(step, tmp_path)
        applied = cli("apply", "--auto-approve", "--allow-delete", "--parallelism", "1")
        listed = cli("state", "list")
        transcript += [
            f"== step {step.name}: apply (exit {applied.code})",
            ELAPSED.sub("Ns", applied.out).rstrip(),
            f"== step {step.name}: state list (exit {listed.code})",
            listed.out.rstrip(),
        ]
        if applied.err:
            transcript += [f"== step {step.name}: stderr", applied.err.rstrip()]
    actual = "\n".join(transcript) + "\n"
    expected_path = case / "transcript.txt"
    if UPDATE:
        expected_path.write_text(actual)
        return
    expected = expected_path.read_text() if expected_path.exists() else ""
    assert actual == expected, f"{expected_path} differs; see the module docstring to regenerate"
