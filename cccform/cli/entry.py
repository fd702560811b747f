"""The `cccform` program: signal handling first, then the CLI, then an exit no signal can break.

This module imports almost nothing at the top so that the signal handlers are in place
before the rest of cccform (click, pydantic, ...) is loaded: a Ctrl-C or SIGTERM during
start-up then ends the run with its exit code and one line, not a traceback. Once the
run's exit code is known, further signals are ignored, so that a late Ctrl-C (say just
after "Apply complete!") cannot turn a finished run into a process killed by a signal.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
from typing import NoReturn

from cccform.cli import signals


def run() -> None:
    """Run the CLI on `sys.argv` and exit with its code."""
    signals.install()
    try:
        from cccform.cli.main import main

        code = main()
        _flush()
    except KeyboardInterrupt:
        _stopped("Interrupted.", signals.EXIT_CODES[signal.SIGINT])
    except signals.Terminated as stopped:
        name = signals.NAMES[signal.Signals(stopped.signum)]
        _stopped(f"Stopped by {name}.", stopped.exit_code)
    signals.ignore_all()
    sys.exit(code)


def _stopped(message: str, code: int) -> NoReturn:
    """End a run a signal stopped: the unwinding has released what it held.

    `os._exit`, because an interpreter that saw a KeyboardInterrupt on its way may end
    itself by SIGINT at shutdown instead of with the documented code.
    """
    signals.ignore_all()
    with contextlib.suppress(OSError, ValueError):  # the terminal went with a SIGHUP
        sys.stderr.write(f"\n{message}\n")
    _flush()
    import logging  # loaded by then; not at the top, to keep start-up short

    logging.shutdown()
    os._exit(code)


def _flush() -> None:
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):
            stream.flush()
