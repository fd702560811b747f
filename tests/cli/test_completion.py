"""`cccform completion bash|zsh|fish`: scripts that complete cccform's own commands."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli.harness import Cli


@pytest.mark.parametrize(
    ("shell", "first_line", "call"),
    [
        ("bash", "_cccform_completion() {", "_CCCFORM_COMPLETE=bash_complete"),
        ("zsh", "#compdef cccform", "_CCCFORM_COMPLETE=zsh_complete"),
        ("fish", "function _cccform_completion;", "_CCCFORM_COMPLETE=fish_complete"),
    ],
)
def test_completion_prints_the_script_of_each_shell(
    cli: Cli, shell: str, first_line: str, call: str
) -> None:
    run = cli("completion", shell)
    assert run.code == 0, run.err
    assert run.out.splitlines()[0] == first_line
    assert call in run.out and run.out.endswith("\n")


def test_another_shell_is_a_usage_error(cli: Cli) -> None:
    run = cli("completion", "tcsh")
    assert run.code == 64
    assert "'tcsh' is not one of 'bash', 'zsh', 'fish'" in run.err


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
def test_the_bash_script_completes_subcommands(tmp_path: Path) -> None:
    # The script calls the program by name, as a shell does: the installed entry point.
    bin_dir = Path(sys.executable).parent
    assert (bin_dir / "cccform").exists()
    script = (
        'eval "$(cccform completion bash)"; COMP_WORDS=(cccform state r); COMP_CWORD=2; '
        '_cccform_completion cccform; printf "%s\\n" "${COMPREPLY[@]}"'
    )
    done = subprocess.run(
        ["bash", "--norc", "-c", script],
        cwd=tmp_path,
        env={**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert (done.returncode, done.stdout, done.stderr) == (0, "rebind\nrm\n", "")
