"""Provider aliyun without credentials on a machine that is not an ECS instance: cccform's own
message is all that is printed; the credentials library's records go to the debug log."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.cli.harness import Run, write

LAUNCHER = Path(__file__).with_name("closed_metadata.py")
MESSAGE = "error: No Alibaba Cloud credentials were found. cccform takes credentials only from"


def run_without_credentials(directory: Path, **env: str) -> Run:
    write(directory, "cccform.yaml", "provider: {type: aliyun, region: cn-shanghai}\n")
    clean = {
        name: value
        for name, value in os.environ.items()
        # ALIBABA_CLOUD_ECS_METADATA_DISABLED goes too: the metadata provider is in the chain
        if not name.startswith(("ALIBABA_CLOUD_", "CCCFORM_LOG"))
    }
    done = subprocess.run(
        [sys.executable, str(LAUNCHER), "plan"],
        cwd=directory,
        env={**clean, "HOME": str(directory), **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    return Run(done.returncode, done.stdout, done.stderr)


def test_only_cccforms_message_is_printed(tmp_path: Path) -> None:
    run = run_without_credentials(tmp_path)
    assert run.code == 1
    assert run.out == ""
    (line,) = run.err.splitlines()
    assert line.startswith(MESSAGE)


def test_the_librarys_records_go_to_the_debug_log(tmp_path: Path) -> None:
    log = tmp_path / "cccform.log"
    run = run_without_credentials(tmp_path, CCCFORM_LOG="debug", CCCFORM_LOG_PATH=str(log))
    assert run.code == 1
    (line,) = run.err.splitlines()
    assert line.startswith(MESSAGE)
    text = log.read_text(encoding="utf-8")
    assert "WARNING credentials: Refresh credentials failed" in text
    assert "Traceback" in text
