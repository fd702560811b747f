"""Running cccform the way a user does: in-process for speed, or as a real process."""

from __future__ import annotations

import gc
import io
import json
import os
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import pytest

from ccc_emulator.engine import CccEmulation
from cccform.cli.main import main

T = TypeVar("T")


@dataclass
class Run:
    code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)


class TerminalInput(io.StringIO):
    """Typed answers on a standard input that says it is a terminal."""

    def isatty(self) -> bool:
        return True


def write(directory: Path, name: str, text: str) -> Path:
    path = directory / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip())
    return path


def instance_yaml(key: str, n: int, **fields: Any) -> str:
    values: dict[str, Any] = {
        "name": f"Center {n:04d}",
        "access_path": f"acme-{n:04d}",
        "description": f"center {n}",
        "phone_numbers": [f"0571{n:08d}"],
        "admins": ["248613806810701"],
        "deletion_protection": False,
    }
    values.update(fields)
    lines = [f"  {key}:"] + [f"    {k}: {json.dumps(v)}" for k, v in values.items()]
    return "\n".join(lines) + "\n"


def config(directory: Path, *instances: str, name: str = "cccform.yaml") -> Path:
    body = "instances:\n" + "".join(instances) if instances else "instances: {}\n"
    return write(directory, name, body)


class Cli:
    """In-process runs of `cccform` in one configuration directory."""

    def __init__(
        self, directory: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
    ) -> None:
        self.directory = directory
        self.capsys = capsys
        self.monkeypatch = monkeypatch
        monkeypatch.chdir(directory)
        monkeypatch.setenv("CCCFORM_LOCAL_CREATE_SECONDS", "0")
        monkeypatch.delenv("CCCFORM_LOG", raising=False)

    def __call__(self, *args: str) -> Run:
        self.capsys.readouterr()
        # main() tunes the garbage collector for one short run; in a test process that runs
        # it hundreds of times, the default keeps cyclic garbage (threads' database
        # connections) from piling up open descriptors.
        thresholds = gc.get_threshold()
        try:
            code = main(list(args))
        finally:
            gc.set_threshold(*thresholds)
        captured = self.capsys.readouterr()
        return Run(code, captured.out, captured.err)

    def emulation(self) -> CccEmulation:
        """The same emulated control plane cccform uses here, for changes outside cccform."""
        return CccEmulation(self.directory / ".cccform", create_seconds=0)


def calls(cli: Cli, *args: str) -> dict[str, int]:
    """Run cccform with API logging on; count the calls per action."""
    log = cli.directory / "api.log"
    log.unlink(missing_ok=True)
    cli.monkeypatch.setenv("CCCFORM_LOG", "debug")
    cli.monkeypatch.setenv("CCCFORM_LOG_PATH", str(log))
    run = cli(*args)
    cli.monkeypatch.delenv("CCCFORM_LOG")
    assert run.code in (0, 2), run.out + run.err
    counts: dict[str, int] = {}
    for line in log.read_text().splitlines():
        if "cccform.api: call " in line:
            action = line.split("cccform.api: call ")[1].split()[0]
            counts[action] = counts.get(action, 0) + 1
    return counts


def spawn(
    directory: Path, *args: str, env: dict[str, str] | None = None, **kwargs: Any
) -> subprocess.Popen[str]:
    """`cccform ARGS` as a separate process (for signals, locks and crashes)."""
    full_env = {**os.environ, "CCCFORM_LOCAL_CREATE_SECONDS": "0", **(env or {})}
    return subprocess.Popen(
        [sys.executable, "-m", "cccform", *args],
        cwd=directory,
        env=full_env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **kwargs,
    )


def run_process(
    directory: Path, *args: str, env: dict[str, str] | None = None, timeout: float = 120
) -> Run:
    process = spawn(directory, *args, env=env)
    out, err = process.communicate(timeout=timeout)
    return Run(process.returncode, out, err)


class InFlight:
    """Counts the calls in flight through `hold`, and proves a bound on them: the first
    `expected` calls wait for one another (up to `patience` seconds from the first call, in
    all), then stay a moment more, so that a call beyond the bound would be in flight with
    them and counted; the calls after them pass straight through. A loaded machine can make
    the count smaller only if `patience` runs out, never larger; a bound lower than
    `expected` costs one `patience`, not one per call held."""

    def __init__(self, expected: int, patience: float = 20.0, linger: float = 0.1) -> None:
        self.expected = expected
        self.patience = patience
        self.linger = linger
        self.now = self.most = self.arrived = 0
        self._lock = threading.Lock()
        self._reached = threading.Event()
        self._deadline: float | None = None

    def hold(self, call: Callable[[], T]) -> T:
        with self._lock:
            self.now += 1
            self.arrived += 1
            self.most = max(self.most, self.now)
            held = self.arrived <= self.expected
            if self.now >= self.expected:
                self._reached.set()
            if self._deadline is None:
                self._deadline = time.monotonic() + self.patience
            left = self._deadline - time.monotonic()
        try:
            if held and self._reached.wait(max(left, 0.0)):
                time.sleep(self.linger)
            return call()
        finally:
            with self._lock:
                self.now -= 1
