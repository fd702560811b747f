"""SIGTERM and SIGHUP, during an apply and outside it: the documented exit codes, no traceback."""

from __future__ import annotations

import signal
import time
from pathlib import Path

import pytest

from cccform.state.lock import StateLock
from tests.cli.harness import config, instance_yaml, run_process, spawn
from tests.cli.test_processes import live_access_paths, lock_held, wait_for

pytestmark = pytest.mark.slow


@pytest.mark.parametrize(("signum", "code"), [(signal.SIGTERM, 143), (signal.SIGHUP, 129)])
def test_signal_mid_apply_finishes_in_flight_saves_and_exits(
    tmp_path: Path, signum: int, code: int
) -> None:
    config(tmp_path, *(instance_yaml(f"i{n}", n) for n in range(6)))
    process = spawn(
        tmp_path,
        "apply",
        "--auto-approve",
        "--parallelism",
        "2",
        env={"CCCFORM_LOCAL_CREATE_SECONDS": "2"},
    )
    wait_for(lambda: len(live_access_paths(tmp_path)) >= 1)
    process.send_signal(signum)
    out, err = process.communicate(timeout=60)
    assert process.returncode == code, err
    assert "Traceback" not in out + err
    assert f"{signal.Signals(signum).name} received. No new steps will start" in err
    assert "Interrupted." in out and "State is saved." in out
    assert "instance.i5 (create): " in out  # listed as not done: it never finished
    assert not lock_held(tmp_path)
    again = run_process(tmp_path, "plan")  # what was started is in the saved state
    assert again.code == 0, again.err
    assert "finishing a creation that an earlier apply started" in again.out


def test_sigterm_while_waiting_for_the_lock_exits_143(tmp_path: Path) -> None:
    config(tmp_path, instance_yaml("a", 1))
    holder = StateLock(tmp_path / "cccform.state.json.lock")
    with holder.held("apply"):
        waiting = spawn(tmp_path, "plan", "--lock-timeout", "60s")
        time.sleep(3)  # start-up and the first attempts at the lock
        waiting.send_signal(signal.SIGTERM)
        out, err = waiting.communicate(timeout=30)
    assert waiting.returncode == 143, err
    assert "Stopped by SIGTERM." in err
    assert "Traceback" not in out + err


@pytest.mark.parametrize("delay", [0.08, 0.12, 0.16, 0.2, 0.25, 0.3, 0.5])
def test_ctrl_c_during_start_up_gives_no_traceback(tmp_path: Path, delay: float) -> None:
    # Most of these land while modules are still loading, where an exception raised by
    # the handler used to be swallowed, turned into a RuntimeError, or end the process
    # by SIGINT (-2) instead of exit code 130.
    config(tmp_path, instance_yaml("a", 1))
    process = spawn(tmp_path, "plan")
    time.sleep(delay)
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=30)
    assert "Traceback" not in out + err
    assert process.returncode in (0, 130), err  # 0: the plan was over before the signal
    if process.returncode == 130:
        assert err.strip().splitlines()[-1].startswith("Interrupted"), err


def test_deleting_the_lock_under_an_apply_is_detected_and_the_apply_refuses_to_write(
    tmp_path: Path,
) -> None:
    config(tmp_path, *(instance_yaml(f"i{n}", n) for n in range(4)))
    holder = spawn(
        tmp_path,
        "apply",
        "--auto-approve",
        "--parallelism",
        "1",
        env={"CCCFORM_LOCAL_CREATE_SECONDS": "1"},
    )
    wait_for(lambda: lock_held(tmp_path))
    (tmp_path / "cccform.state.json.lock").unlink()
    second = run_process(tmp_path, "state", "list")  # a second run may now lock a new file
    assert second.code == 0, second.err
    out, err = holder.communicate(timeout=60)
    assert holder.returncode != 0, out + err
    assert "was removed or replaced while this run held it" in out + err
    assert "Traceback" not in out + err
