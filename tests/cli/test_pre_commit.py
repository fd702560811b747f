"""The hooks of `.pre-commit-hooks.yaml`, run by the real `pre-commit try-repo`.

pre-commit installs this repository (its committed state, with the changes to tracked files
made since) into a virtual environment of its own with pip, as it does for a user, and pip
fetches cccform's dependencies from a package index. The test suite talks to nothing but
loopback, so these tests run only when asked: `CCCFORM_TEST_PRE_COMMIT=1 pytest
tests/cli/test_pre_commit.py` (about 30 s; needs the package index). Once installed, the
environment is reused by every test of this module.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli.harness import instance_yaml

ROOT = Path(__file__).resolve().parents[2]
PRE_COMMIT = Path(sys.executable).parent / "pre-commit"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not PRE_COMMIT.exists(), reason="pre-commit is not installed"),
    pytest.mark.skipif(shutil.which("git") is None, reason="needs git"),
    pytest.mark.skipif(
        os.environ.get("CCCFORM_TEST_PRE_COMMIT") != "1",
        reason="reaches a package index: run with CCCFORM_TEST_PRE_COMMIT=1",
    ),
]

GOOD = "instances:\n" + instance_yaml("a", 1)
BAD = GOOD.replace('phone_numbers: ["057100000001"]', "phone_numbers: [057100000001]")
UNFORMATTED = "instances:\n  a:\n    access_path: acme-a\n    name: Center A\n"


@pytest.fixture(scope="module")
def pre_commit_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("pre-commit-home")


def scratch_repository(directory: Path, config: str) -> Path:
    """A git repository holding one configuration file, committed."""
    directory.mkdir()
    (directory / "cccform.yaml").write_text(config)
    for command in (["init", "-q"], ["add", "."], ["commit", "-q", "-m", "configuration"]):
        git = ["git", "-c", "user.name=test", "-c", "user.email=test@example.com"]
        subprocess.run([*git, *command], cwd=directory, check=True, capture_output=True)
    return directory


def try_repo(repository: Path, hook: str, home: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PRE_COMMIT_HOME": str(home), "PRE_COMMIT_COLOR": "never"}
    return subprocess.run(
        [str(PRE_COMMIT), "try-repo", str(ROOT), hook, "--all-files"],
        cwd=repository,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_the_validate_hook_passes_a_good_configuration_and_fails_a_bad_one(
    tmp_path: Path, pre_commit_home: Path
) -> None:
    assert BAD != GOOD
    good = try_repo(
        scratch_repository(tmp_path / "good", GOOD), "cccform-validate", pre_commit_home
    )
    assert good.returncode == 0, good.stdout + good.stderr
    assert "cccform validate" in good.stdout and "Passed" in good.stdout
    bad = try_repo(scratch_repository(tmp_path / "bad", BAD), "cccform-validate", pre_commit_home)
    assert bad.returncode == 1, bad.stdout + bad.stderr
    assert "Failed" in bad.stdout
    assert "cccform.yaml:6:21: error: instances.a.phone_numbers[0]" in bad.stdout


def test_the_fmt_hook_formats_and_fails_until_the_file_is_formatted(
    tmp_path: Path, pre_commit_home: Path
) -> None:
    repository = scratch_repository(tmp_path / "repo", UNFORMATTED)
    first = try_repo(repository, "cccform-fmt", pre_commit_home)
    assert first.returncode == 1, first.stdout + first.stderr
    assert "files were modified by this hook" in first.stdout
    assert (repository / "cccform.yaml").read_text() == (
        "instances:\n  a:\n    name: Center A\n    access_path: acme-a\n"
    )
    formatted = scratch_repository(tmp_path / "formatted", GOOD)
    second = try_repo(formatted, "cccform-fmt", pre_commit_home)
    assert second.returncode == 0, second.stdout + second.stderr
