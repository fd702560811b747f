"""Progress before the plan exists, on stderr: who holds the state lock while a run waits for
it, and the refresh's counts ("Refreshing..."), one updating line on a terminal, plain lines
otherwise. Nothing reaches stdout, which may hold a JSON document."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TextIO

SHOW_AFTER = 1.0
"""A refresh shorter than this shows nothing."""

PLAIN_EVERY = 5.0
"""Without a terminal, one line at most this often."""

TERMINAL_EVERY = 0.1
"""On a terminal, the line is redrawn at most this often."""


class RunProgressPrinter:
    """`planning.RunProgress` for people: on `err`, a terminal when `terminal` is True."""

    def __init__(
        self, err: TextIO, *, terminal: bool, clock: Callable[[], float] = time.monotonic
    ) -> None:
        # control sequences (carriage return, erase line) go out as they are
        self.err: TextIO = getattr(err, "raw", err)
        self.terminal = terminal
        self.clock = clock
        self.started: float | None = None
        self.last = float("-inf")
        self.shown = False
        self.waiting = False  # the lock's holder was named already

    def waiting_for_lock(self, holder: str, waited: float, timeout: float) -> None:
        so_far = f"waited {waited:.0f}s of {timeout:g}s" if self.waiting else f"up to {timeout:g}s"
        self.waiting = True
        self.err.write(f"Waiting for the state lock ({so_far}): held by {holder}\n")
        self.err.flush()

    def refreshing(self, instances: int, read: int, total: int) -> None:
        now = self.clock()
        if self.started is None:
            self.started = now
        if now - self.started < SHOW_AFTER:
            return
        if now - self.last < (TERMINAL_EVERY if self.terminal else PLAIN_EVERY):
            return
        self.last = now
        self._line(f"Refreshing... {_instances(instances)}, {read} of {total} lists read")

    def refreshed(self, instances: int, read: int) -> None:
        if not self.shown or self.started is None:
            return
        elapsed = self.clock() - self.started
        self._line(f"Refreshed {_instances(instances)} and {read} lists in {elapsed:.0f}s.")
        if self.terminal:
            self.err.write("\n")
            self.err.flush()

    def _line(self, text: str) -> None:
        self.shown = True
        self.err.write(f"\r{text}\x1b[K" if self.terminal else f"{text}\n")
        self.err.flush()


def _instances(count: int) -> str:
    return f"{count} instance{'s' if count != 1 else ''}"
