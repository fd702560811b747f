"""Signals outside the apply: SIGINT, SIGTERM and SIGHUP end a run with their exit code.

Installed first thing by the entry point (`cli/entry.py`), before the rest of cccform is
imported, so that a signal during start-up ends the run as cleanly as one during a plan.
The first signal raises an exception in the main thread (`KeyboardInterrupt` for SIGINT,
`Terminated` for the others) that unwinds the run, releasing the lock; from then on further
signals are ignored, so that the unwinding and the exit are never cut short. During an
apply, `cli/interrupt.py` takes over the three signals and gives them back afterwards.
"""

from __future__ import annotations

import os
import signal
from types import FrameType

from cccform.cli.exit_codes import HUNG_UP, INTERRUPTED, TERMINATED

HANDLED = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
EXIT_CODES = {signal.SIGINT: INTERRUPTED, signal.SIGTERM: TERMINATED, signal.SIGHUP: HUNG_UP}
NAMES = {signal.SIGINT: "Interrupt", signal.SIGTERM: "SIGTERM", signal.SIGHUP: "SIGHUP"}


class Terminated(BaseException):
    """SIGTERM or SIGHUP arrived outside an apply: the run stops (a BaseException, like Ctrl-C)."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum

    @property
    def exit_code(self) -> int:
        return exit_code(self.signum)


def exit_code(signum: int) -> int:
    """The documented exit code for a run ended by `signum` (128 + its number)."""
    return EXIT_CODES.get(signal.Signals(signum), 128 + signum)


_installed = False


def install() -> None:
    """Make the first of the handled signals stop the run; ignore the ones after it."""
    global _installed
    _installed = True
    for signum in HANDLED:
        signal.signal(signum, _stop_run)


def installed() -> bool:
    """Whether this process runs as the `cccform` program (`install` was called)."""
    return _installed


def ignore_all() -> None:
    """From here on the run is over: no signal may change how it ends."""
    for signum in HANDLED:
        signal.signal(signum, signal.SIG_IGN)


def _stop_run(signum: int, frame: FrameType | None) -> None:
    ignore_all()
    if _importing(frame):
        # An exception raised inside an import may be swallowed ("Exception ignored in"),
        # turned into another one (a RuntimeError from `__set_name__`) or leave a module
        # half made; what the run holds is safe with the process gone (the kernel drops
        # the lock, a stray temporary file is removed by the next run), so end now.
        os.write(2, b"\nInterrupted while loading: nothing more was done.\n")
        os._exit(exit_code(signum))
    if signum == signal.SIGINT:
        raise KeyboardInterrupt
    raise Terminated(signum)


def _importing(frame: FrameType | None) -> bool:
    """Whether the signal arrived while a module was being imported (at any depth)."""
    while frame is not None:
        if frame.f_code.co_filename.startswith("<frozen importlib"):
            return True
        frame = frame.f_back
    return False
