"""Real processes: the lock, two applies at once, Ctrl-C, and SIGKILL in the middle of an apply."""

from __future__ import annotations

import signal
import time
from pathlib import Path

import pytest

from ccc_emulator.engine import CccEmulation
from tests.cli.harness import config, instance_yaml, run_process, spawn

pytestmark = pytest.mark.slow


def wait_for(predicate: object, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():  # type: ignore[operator]
            return
        time.sleep(0.02)
    raise AssertionError("timed out waiting")


def lock_held(directory: Path) -> bool:
    lock = directory / "cccform.state.json.lock"
    return lock.exists() and lock.stat().st_size > 0


def live_access_paths(directory: Path) -> list[str]:
    with CccEmulation(directory / ".cccform", create_seconds=0) as emulation:
        found: list[str] = []
        page = 1
        while True:
            data = emulation.handle("ListInstances", {"PageNumber": str(page), "PageSize": "100"})
            found += [item["DomainName"] for item in data["List"]]
            if len(found) >= data["TotalCount"]:
                return found
            page += 1


def test_second_run_exits_6_naming_the_holder(tmp_path: Path) -> None:
    config(tmp_path, instance_yaml("a", 1))
    holder = spawn(tmp_path, "apply", "--auto-approve", env={"CCCFORM_LOCAL_CREATE_SECONDS": "2"})
    wait_for(lambda: lock_held(tmp_path))
    second = run_process(tmp_path, "plan")
    assert second.code == 6
    assert f"(pid {holder.pid}," in second.err and "running 'apply'" in second.err
    assert "--lock-timeout" in second.err
    waiting = run_process(tmp_path, "plan", "--lock-timeout", "60s", "--detailed-exitcode")
    assert holder.wait(timeout=60) == 0
    assert waiting.code == 0, waiting.err  # it waited for the apply, then found nothing to do


def test_two_applies_at_once_one_proceeds(tmp_path: Path) -> None:
    config(tmp_path, *(instance_yaml(f"i{n}", n) for n in range(5)))
    env = {"CCCFORM_LOCAL_CREATE_SECONDS": "1"}
    first = spawn(tmp_path, "apply", "--auto-approve", env=env)
    second = spawn(tmp_path, "apply", "--auto-approve", env=env)
    results = sorted(
        [(first.wait(timeout=60), first), (second.wait(timeout=60), second)],
        key=lambda pair: pair[0],
    )
    (ok, winner), (locked, loser) = results
    assert (ok, locked) == (0, 6)
    err = loser.stderr.read() if loser.stderr else ""
    assert f"(pid {winner.pid}," in err and "running 'apply'" in err
    assert sorted(live_access_paths(tmp_path)) == [f"acme-{n:04d}" for n in range(5)]


def test_ctrl_c_finishes_in_flight_saves_and_exits_130(tmp_path: Path) -> None:
    config(tmp_path, *(instance_yaml(f"i{n}", n, conversation_analysis=True) for n in range(6)))
    process = spawn(
        tmp_path,
        "apply",
        "--auto-approve",
        "--parallelism",
        "2",
        env={"CCCFORM_LOCAL_CREATE_SECONDS": "3"},
    )
    wait_for(lambda: len(live_access_paths(tmp_path)) >= 1)
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=60)
    assert process.returncode == 130, err
    assert "Interrupt received. No new steps will start" in err
    assert "Interrupted." in out and "State is saved." in out
    assert "not_started: instance.i0 (enable_qa)" in out  # QA waits for RUNNING: never began
    assert not lock_held(tmp_path)
    with CccEmulation(tmp_path / ".cccform", create_seconds=0) as emulation:
        assert not any(emulation.conversation_analysis_status().values())
    again = run_process(tmp_path, "apply", "--auto-approve")
    assert again.code == 0, again.err
    assert sorted(live_access_paths(tmp_path)) == [f"acme-{n:04d}" for n in range(6)]
    with CccEmulation(tmp_path / ".cccform", create_seconds=0) as emulation:
        assert all(emulation.conversation_analysis_status().values())


@pytest.mark.parametrize("kill_after", [0.0, 0.4, 0.9, 1.5])
def test_sigkill_during_apply_then_apply_converges(tmp_path: Path, kill_after: float) -> None:
    count = 40
    config(tmp_path, *(instance_yaml(f"i{n}", n) for n in range(count)))
    process = spawn(
        tmp_path,
        "apply",
        "--auto-approve",
        "--parallelism",
        "4",
        env={"CCCFORM_LOCAL_CREATE_SECONDS": "0.5"},
    )
    wait_for(lambda: lock_held(tmp_path))
    time.sleep(kill_after)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    again = run_process(tmp_path, "apply", "--auto-approve")
    assert again.code == 0, again.out + again.err
    live = live_access_paths(tmp_path)
    assert sorted(live) == [f"acme-{n:04d}" for n in range(count)]  # none lost, none twice
    final = run_process(tmp_path, "plan", "--detailed-exitcode")
    assert final.code == 0, final.out
    listed = run_process(tmp_path, "state", "list")
    assert len(listed.out.splitlines()) == count


def test_interactive_approval(tmp_path: Path) -> None:
    pexpect = pytest.importorskip("pexpect")
    config(tmp_path, instance_yaml("a", 1))
    env = {"CCCFORM_LOCAL_CREATE_SECONDS": "0", "NO_COLOR": "1", "PATH": "/usr/bin:/bin"}
    import sys

    child = pexpect.spawn(
        sys.executable,
        ["-m", "cccform", "apply"],
        cwd=str(tmp_path),
        env=env,
        encoding="utf-8",
        timeout=30,
        use_poll=True,  # select() cannot take a descriptor above 1024
    )
    child.expect("Only 'yes' will be accepted to approve.")
    child.expect("Enter a value: ")
    child.sendline("no")
    child.expect("Apply cancelled.")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 1

    child = pexpect.spawn(
        sys.executable,
        ["-m", "cccform", "apply"],
        cwd=str(tmp_path),
        env=env,
        encoding="utf-8",
        timeout=30,
        use_poll=True,  # select() cannot take a descriptor above 1024
    )
    child.expect("Enter a value: ")
    child.sendline("yes")
    child.expect("Apply complete!")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0

    config(tmp_path)  # now the plan deletes instance.a
    for typed, code in (("acme-wrong", 1), ("acme-0001", 0)):
        child = pexpect.spawn(
            sys.executable,
            ["-m", "cccform", "apply"],
            cwd=str(tmp_path),
            env=env,
            encoding="utf-8",
            timeout=30,
            use_poll=True,
        )
        child.expect("Enter a value: ")
        child.sendline("yes")
        child.expect(r"Type its access path \(acme-0001\) to confirm: ")
        child.sendline(typed)
        child.expect(pexpect.EOF)
        child.close()
        assert child.exitstatus == code
    assert live_access_paths(tmp_path) == []


def test_lock_is_released_after_sigkill(tmp_path: Path) -> None:
    config(tmp_path, instance_yaml("a", 1))
    holder = spawn(tmp_path, "apply", "--auto-approve", env={"CCCFORM_LOCAL_CREATE_SECONDS": "30"})
    wait_for(lambda: live_access_paths(tmp_path) == ["acme-0001"])
    holder.send_signal(signal.SIGKILL)
    holder.wait(timeout=10)
    run = run_process(tmp_path, "state", "list")
    assert run.code == 0
    plan = run_process(tmp_path, "plan")
    assert plan.code == 0, plan.err
    assert "finishing a creation that an earlier apply started" in plan.out
