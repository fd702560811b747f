"""Ctrl-C during apply: stop scheduling, let calls in flight finish, save, release, exit 130."""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType
from typing import TextIO

from cccform.cli.exit_codes import INTERRUPTED


@contextmanager
def graceful_interrupt(err: TextIO) -> Iterator[threading.Event]:
    """Yield an event set by the first SIGINT; a second SIGINT exits at once."""
    cancel = threading.Event()

    def handler(_signum: int, _frame: FrameType | None) -> None:
        if cancel.is_set():
            err.write(
                "\nSecond interrupt: exiting now. Steps in flight may be missing from the "
                "state; the next apply finds them through the recorded intents.\n"
            )
            err.flush()
            os._exit(INTERRUPTED)
        cancel.set()
        err.write(
            "\nInterrupt received. No new steps will start; waiting for the calls in flight, "
            "then saving the state. Press Ctrl-C again to exit at once.\n"
        )
        err.flush()

    previous = signal.signal(signal.SIGINT, handler)
    try:
        yield cancel
    finally:
        signal.signal(signal.SIGINT, previous)
