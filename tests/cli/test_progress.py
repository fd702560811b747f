"""Progress where people wait: the refresh's counts, the lock's holder, Ctrl-C in the refresh."""

from __future__ import annotations

import io
import os
import re
import signal
import sys
import threading
import time
from typing import Any

import pytest

from cccform.kinds.skill_group import SkillGroupKind
from cccform.render import progress_view
from cccform.state import lock
from cccform.state.lock import StateLock
from tests.cli.harness import Cli, config, instance_yaml


class TerminalOutput(io.StringIO):
    """A standard error that says it is a terminal."""

    def isatty(self) -> bool:
        return True


def with_groups(cli: Cli, count: int) -> None:
    groups = {"billing": {"display_name": "Billing"}}
    config(cli.directory, *(instance_yaml(f"i{n}", n, skill_groups=groups) for n in range(count)))
    assert cli("apply", "--auto-approve").code == 0


def test_a_long_refresh_prints_its_counts_on_stderr_and_nothing_on_stdout(
    cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    with_groups(cli, 2)
    monkeypatch.setattr(progress_view, "SHOW_AFTER", 0.0)
    monkeypatch.setattr(progress_view, "PLAIN_EVERY", 0.0)
    run = cli("plan", "--json")
    assert run.code == 0, run.err
    assert run.json()["changes"] == []  # stdout is the JSON document alone
    lines = run.err.splitlines()
    # two instances, three kinds each (an agent or a number may hold a skill group)
    assert lines[0] == "Refreshing... 2 instances, 0 of 6 lists read"
    assert lines[-2:] == [
        "Refreshing... 2 instances, 6 of 6 lists read",
        "Refreshed 2 instances and 6 lists in 0s.",
    ]
    assert all(
        re.fullmatch(r"Refreshing\.\.\. 2 instances, \d of 6 lists read", x) for x in lines[:-1]
    )


def test_a_short_refresh_prints_nothing(cli: Cli) -> None:
    with_groups(cli, 2)
    run = cli("plan")
    assert (run.code, run.err) == (0, "")


def test_on_a_terminal_the_refresh_is_one_updating_line(
    cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    with_groups(cli, 1)
    monkeypatch.setattr(progress_view, "SHOW_AFTER", 0.0)
    monkeypatch.setattr(progress_view, "TERMINAL_EVERY", 0.0)
    err = TerminalOutput()
    monkeypatch.setattr(sys, "stderr", err)
    assert cli("plan").code == 0
    shown = err.getvalue()
    assert shown.startswith("\rRefreshing... 1 instance, 0 of 3 lists read\x1b[K\r")
    assert shown.endswith(
        "\rRefreshing... 1 instance, 3 of 3 lists read\x1b[K"
        "\rRefreshed 1 instance and 3 lists in 0s.\x1b[K\n"
    )
    assert shown.count("\n") == 1  # one line, redrawn


def test_waiting_for_the_lock_names_its_holder_once_then_at_each_interval(
    cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    config(cli.directory, instance_yaml("a", 1))
    holder = StateLock(cli.directory / "cccform.state.json.lock")
    holder.acquire("apply")
    monkeypatch.setattr(lock, "WAIT_REPORT_EVERY", 0.6)
    threading.Timer(1.5, holder.release).start()
    run = cli("plan", "--lock-timeout", "30s")
    assert run.code == 0, run.err
    waits = [line for line in run.err.splitlines() if line.startswith("Waiting for the state lock")]
    assert waits[0].startswith("Waiting for the state lock (up to 30s): held by ")
    assert "running 'apply' since" in waits[0]
    assert waits[2].startswith("Waiting for the state lock (waited 1s of 30s): held by ")
    assert len(waits) == 3


def test_waiting_for_the_lock_briefly_says_so_once(cli: Cli) -> None:
    config(cli.directory, instance_yaml("a", 1))
    holder = StateLock(cli.directory / "cccform.state.json.lock")
    holder.acquire("apply")
    threading.Timer(0.5, holder.release).start()
    run = cli("plan", "--lock-timeout", "30s")
    assert run.code == 0, run.err
    assert len([line for line in run.err.splitlines() if "held by" in line]) == 1


def test_ctrl_c_during_the_refresh_stops_within_a_second_as_an_apply_does(
    cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    with_groups(cli, 40)
    read = SkillGroupKind.read

    def slow_read(self: SkillGroupKind, caller: Any, instance_id: str) -> Any:
        time.sleep(0.5)
        return read(self, caller, instance_id)

    monkeypatch.setattr(SkillGroupKind, "read", slow_read)
    sent: list[float] = []

    def interrupt() -> None:
        sent.append(time.monotonic())
        os.kill(os.getpid(), signal.SIGINT)

    threading.Timer(0.3, interrupt).start()
    run = cli("apply", "--auto-approve")  # 40 Lists, 10 at a time: 2 s unless it stops
    stopped = time.monotonic() - sent[0]
    assert run.code == 130, run.err
    assert stopped < 1.0
    assert run.err.endswith(
        "\nInterrupt received. No new reads will start; waiting for the calls in flight, then "
        "stopping before anything is planned or changed. Press Ctrl-C again to exit at once.\n"
        "Interrupted. Nothing was planned or changed.\n"
    )
    assert run.out == ""
    assert cli("plan").code == 0  # the lock was released


def test_the_state_commands_name_the_lock_holder_while_they_wait_too(cli: Cli) -> None:
    config(cli.directory, instance_yaml("a", 1))
    assert cli("apply", "--auto-approve").code == 0
    holder = StateLock(cli.directory / "cccform.state.json.lock")
    holder.acquire("apply")
    threading.Timer(0.5, holder.release).start()
    run = cli("state", "rebind", "--lock-timeout", "30")
    assert run.code == 0, run.err
    assert run.err.startswith("Waiting for the state lock (up to 30s): held by ")
