"""Ctrl-C, SIGTERM or SIGHUP during apply: stop scheduling, let calls in flight finish, save,
release the lock, print the summary, exit 130 (SIGINT), 143 (SIGTERM) or 129 (SIGHUP).
During the refresh before a plan, the same: no new List starts, the ones in flight finish,
nothing is planned or changed. During an import's reading, the same, and nothing is written;
a signal that arrives once the files are being written lets the writing finish."""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from types import FrameType
from typing import TextIO

from cccform.cli import signals
from cccform.run import Stretch

# What the first signal's message says happens next, for each guarded stretch.
THEN: dict[Stretch, str] = {
    "apply": "No new steps will start; waiting for the calls in flight, then saving the state.",
    "refresh": "No new reads will start; waiting for the calls in flight, then stopping before "
    "anything is planned or changed.",
    "import": "No new reads will start; waiting for the calls in flight, then stopping before "
    "anything is written, or once every file is written if the writing has begun.",
}

# What a second signal's message says before exiting at once.
AT_ONCE: dict[Stretch, str] = {
    "apply": "Second signal: exiting now. Steps in flight may be missing from the state; the "
    "next apply finds them through the recorded intents.",
    "refresh": "Second signal: exiting now.",
    "import": "Second signal: exiting now. If the files were being written, some may be "
    "missing; run the import again with --force.",
}


class GracefulInterrupt:
    """The apply's interrupt guard: call it for a context manager yielding the cancel event.

    The first handled signal sets the event and is remembered in `signum`; a second one
    exits at once with the first one's code.
    """

    def __init__(self, err: TextIO) -> None:
        self.err = err
        self.signum: int | None = None

    @property
    def exit_code(self) -> int | None:
        """The exit code the signal received calls for, or None when none arrived."""
        return None if self.signum is None else signals.exit_code(self.signum)

    @contextmanager
    def __call__(self, during: Stretch = "apply") -> Iterator[threading.Event]:
        cancel = threading.Event()
        then = THEN[during]

        def handler(signum: int, _frame: FrameType | None) -> None:
            if cancel.is_set():
                self.err.write(f"\n{AT_ONCE[during]}\n")
                self.err.flush()
                os._exit(signals.exit_code(self.signum or signum))
            self.signum = signum
            cancel.set()
            name = signals.NAMES.get(signal.Signals(signum), f"Signal {signum}")
            again = "Press Ctrl-C again" if signum == signal.SIGINT else "Signal again"
            self.err.write(f"\n{name} received. {then} {again} to exit at once.\n")
            self.err.flush()

        previous = {signum: signal.signal(signum, handler) for signum in signals.HANDLED}
        try:
            yield cancel
        finally:
            if cancel.is_set() and signals.installed():
                signals.ignore_all()  # the run ends with the first signal's code
            else:
                for signum, old in previous.items():
                    signal.signal(signum, old)


def refresh_stopped(
    err: TextIO, guard: GracefulInterrupt, nothing: str = "Nothing was planned or changed."
) -> int:
    """A signal stopped the refresh: say so, as an interrupted apply does; its exit code."""
    err.write(f"Interrupted. {nothing}\n")
    return guard.exit_code or signals.exit_code(signal.SIGINT)


def graceful_interrupt(err: TextIO) -> AbstractContextManager[threading.Event]:
    """One guarded stretch, its messages to `err`: yields the cancel event."""
    return GracefulInterrupt(err)()
