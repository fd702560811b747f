"""The state lock, exercised against holders in other processes."""

from __future__ import annotations

import fcntl
import itertools
import json
import os
import socket
import stat
import time
from pathlib import Path

import pytest

from cccform import __version__
from cccform.errors import StateError, StateLockedError
from cccform.state import lock as lock_module
from cccform.state.lock import LockInfo, StateLock, parse_duration, read_holder

from .helpers import Holder, run_python


@pytest.fixture
def lock_path(tmp_path: Path) -> Path:
    return tmp_path / "cccform.state.json.lock"


@pytest.fixture
def sleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Every time.sleep of this process, recorded; the sleeps still happen."""
    recorded: list[float] = []
    real_sleep = time.sleep

    def recording_sleep(seconds: float) -> None:
        recorded.append(seconds)
        real_sleep(seconds)

    monkeypatch.setattr(time, "sleep", recording_sleep)
    return recorded


def dead_pid() -> int:
    process = run_python("pass")
    process.communicate(timeout=10)
    return process.pid


def stale_record(pid: int) -> dict[str, object]:
    return {
        "id": "0b6f6f9e-stale",
        "who": "mallory",
        "host": socket.gethostname(),
        "pid": pid,
        "operation": "destroy",
        "since": "2020-01-01T00:00:00Z",
        "version": "0.0.1",
    }


def test_acquire_records_the_holder_and_release_clears_it(lock_path: Path) -> None:
    lock = StateLock(lock_path)
    info = lock.acquire("apply")
    assert (info.pid, info.operation, info.host, info.version) == (
        os.getpid(),
        "apply",
        socket.gethostname(),
        __version__,
    )
    assert info.who
    assert info.since.endswith("Z")
    assert lock.info == info
    assert LockInfo.model_validate_json(lock_path.read_bytes()) == info
    assert stat.S_IMODE(lock_path.stat().st_mode) == 0o600
    lock.release()
    assert lock.info is None
    assert lock_path.read_bytes() == b""
    assert lock_path.exists()


def test_release_is_idempotent(lock_path: Path) -> None:
    lock = StateLock(lock_path)
    lock.release()
    lock.acquire("plan")
    lock.release()
    lock.release()
    assert StateLock(lock_path).acquire("plan", timeout=0)


def test_acquiring_twice_with_one_object_is_a_bug(lock_path: Path) -> None:
    lock = StateLock(lock_path)
    with lock.held("apply"), pytest.raises(RuntimeError, match="already held"):
        lock.acquire("apply")


def test_context_manager_releases_on_error(lock_path: Path) -> None:
    lock = StateLock(lock_path)
    with pytest.raises(KeyError), lock.held("apply") as info:
        assert info.operation == "apply"
        raise KeyError("boom")
    assert lock.info is None
    with StateLock(lock_path).held("apply", timeout=0):
        pass


def test_two_locks_in_one_process_exclude_each_other(lock_path: Path) -> None:
    with StateLock(lock_path).held("apply"), pytest.raises(StateLockedError):
        StateLock(lock_path).acquire("plan")


def test_other_process_fails_at_once_naming_the_holder(lock_path: Path) -> None:
    with StateLock(lock_path).held("apply") as info:
        contender = run_python(
            "import sys; from pathlib import Path; from cccform.state.lock import StateLock\n"
            "from cccform.errors import StateLockedError\n"
            "try:\n    StateLock(Path(sys.argv[1])).acquire('plan', 0)\n"
            "except StateLockedError as e:\n    print(e); sys.exit(3)\n",
            str(lock_path),
        )
        stdout, stderr = contender.communicate(timeout=30)
        assert contender.returncode == 3, stderr
    message = stdout.strip()
    assert message.startswith(
        f"the state is locked by {info.who}@{info.host} (pid {os.getpid()}, cccform "
        f"{__version__}), running 'apply' since {info.since} (lock id {info.id})"
    )
    assert str(lock_path) in message
    assert message.endswith("Wait for it to finish, or retry with --lock-timeout 5m.")


def test_in_process_contender_fails_at_once_naming_a_holder_process(
    lock_path: Path, sleeps: list[float]
) -> None:
    holder = Holder(lock_path, operation="apply")
    try:
        with pytest.raises(StateLockedError) as caught:
            StateLock(lock_path).acquire("plan", timeout=0)
        assert sleeps == []  # at once: not even the grace for a holder record
        message = str(caught.value)
        assert f"(pid {holder.pid}, cccform {__version__})" in message
        assert "running 'apply'" in message
        assert f"lock id {holder.info['id']}" in message
        assert f"{holder.info['who']}@{holder.info['host']}" in message
        assert f"since {holder.info['since']}" in message
    finally:
        holder.release()
    assert StateLock(lock_path).acquire("plan", timeout=0)


def test_sigkill_of_the_holder_releases_the_lock(lock_path: Path) -> None:
    holder = Holder(lock_path, operation="apply")
    with pytest.raises(StateLockedError):
        StateLock(lock_path).acquire("apply", timeout=0)
    holder.kill()  # returns once the process is gone, and its lock with it
    info = StateLock(lock_path).acquire("apply", timeout=0)
    assert info.pid == os.getpid()


def test_a_waiting_contender_gets_the_lock_when_the_holder_finishes(
    lock_path: Path, sleeps: list[float]
) -> None:
    holder = Holder(lock_path, operation="apply", hold=0.6)
    info = StateLock(lock_path).acquire("apply", timeout=30)
    holder.wait_released()
    assert info.pid == os.getpid()
    assert sleeps  # it found the lock taken and waited


def test_waiting_gives_up_at_the_deadline_naming_the_holder(lock_path: Path) -> None:
    holder = Holder(lock_path, operation="apply")
    try:
        started = time.monotonic()
        with pytest.raises(StateLockedError) as caught:
            StateLock(lock_path).acquire("plan", timeout=0.4)
        waited = time.monotonic() - started
    finally:
        holder.release()
    assert waited >= 0.4  # never gives up before its deadline
    message = str(caught.value)
    assert f"(pid {holder.pid}, " in message
    assert "after waiting 400ms" in message
    assert "longer --lock-timeout" in message


def test_retry_delays_start_small_and_are_capped() -> None:
    delays = list(itertools.islice(lock_module.retry_delays(), 10))
    assert delays[0] <= 0.1
    assert delays == sorted(delays)
    assert max(delays) == 1.0


def test_waiting_sleeps_with_backoff(lock_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    sleeps: list[float] = []
    clock = [1000.0]

    def fake_sleep(seconds: float) -> None:
        sleeps.append(seconds)
        clock[0] += seconds

    monkeypatch.setattr(time, "sleep", fake_sleep)
    monkeypatch.setattr(time, "monotonic", lambda: clock[0])
    monkeypatch.setattr(lock_module, "HOLDER_RECORD_GRACE", 0)
    with StateLock(lock_path).held("apply"), pytest.raises(StateLockedError):
        StateLock(lock_path).acquire("plan", timeout=5)
    assert sleeps[:6] == [0.05, 0.1, 0.2, 0.4, 0.8, 1.0]
    assert max(sleeps) <= 1.0
    assert sum(sleeps) == pytest.approx(5.0)


def test_a_stale_record_without_flock_is_ignored(lock_path: Path) -> None:
    lock_path.write_text(json.dumps(stale_record(os.getpid())))
    lock = StateLock(lock_path)
    info = lock.acquire("apply", timeout=0)
    assert LockInfo.model_validate_json(lock_path.read_bytes()) == info
    lock.release()


def test_a_dead_holders_record_is_not_reported_as_the_holder(lock_path: Path) -> None:
    lock_path.write_text(json.dumps(stale_record(dead_pid())))
    assert read_holder(lock_path) is None
    fd = os.open(lock_path, os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # locked, holder record not yet written
        with pytest.raises(StateLockedError) as caught:
            StateLock(lock_path).acquire("plan", timeout=0)
    finally:
        os.close(fd)
    assert "mallory" not in str(caught.value)
    assert "another process that has not said who it is yet" in str(caught.value)


def test_a_live_holders_record_is_read(lock_path: Path) -> None:
    lock_path.write_text(json.dumps(stale_record(os.getpid())))
    holder = read_holder(lock_path)
    assert holder is not None
    assert holder.who == "mallory"


@pytest.mark.parametrize("content", [b"", b"{", b"[]", b'{"id": 1}'])
def test_unreadable_records_are_ignored(lock_path: Path, content: bytes) -> None:
    lock_path.write_bytes(content)
    assert read_holder(lock_path) is None


def test_missing_record_file(tmp_path: Path) -> None:
    assert read_holder(tmp_path / "nope.lock") is None


def test_lock_file_directory_is_created(tmp_path: Path) -> None:
    with StateLock(tmp_path / "sub" / "dir" / "s.lock").held("apply"):
        assert (tmp_path / "sub" / "dir" / "s.lock").exists()


def test_an_unusable_lock_file_is_a_state_error_not_contention(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(StateError) as caught:
        StateLock(blocker / "s.lock").acquire("apply", timeout=30)
    assert not isinstance(caught.value, StateLockedError)
    assert "could not open the lock file" in str(caught.value)


@pytest.mark.parametrize("timeout", [-1.0, float("nan")])
def test_invalid_timeouts(lock_path: Path, timeout: float) -> None:
    with pytest.raises(ValueError, match="lock timeout"):
        StateLock(lock_path).acquire("apply", timeout)


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("0", 0.0),
        ("10", 10.0),
        ("2.5", 2.5),
        ("250ms", 0.25),
        ("30s", 30.0),
        ("5m", 300.0),
        ("1h", 3600.0),
        ("1m30s", 90.0),
        ("1h0m5s", 3605.0),
        (" 5m ", 300.0),
        ("0s", 0.0),
    ],
)
def test_parse_duration(text: str, seconds: float) -> None:
    assert parse_duration(text) == pytest.approx(seconds)


@pytest.mark.parametrize(
    "text", ["", " ", "5x", "m", "-5", "-5s", "5 m", "5M", "1.s", "inf", "nan", "5m3", "s5"]
)
def test_parse_duration_rejects(text: str) -> None:
    with pytest.raises(ValueError, match=r"invalid duration .*for example 250ms, 30s, 5m"):
        parse_duration(text)
