"""When the state cannot be saved during an apply: keep what was done in a file beside it.

The apply has changed real objects that only this in-memory state records. Losing it would
make the next plan create them again, so it goes to `<state file>.errored` (or, failing that,
`<state file name>.<lineage>.errored` in the working directory, then in the temporary
directory: named after the lineage so that two projects never share one), mode 0600, and
the user is told how to restore it. It is written like the state (temporary file, fsync,
rename) and read back: a place is named only once the file there holds the whole state.
"""

from __future__ import annotations

import contextlib
import tempfile
from pathlib import Path

from cccform import files
from cccform.errors import StateError
from cccform.state import fileformat
from cccform.state.models import State

ERRORED_SUFFIX = ".errored"


def write_errored_state(state: State, state_path: Path) -> Path | None:
    """Write `state` to the first place that takes it whole; None when none does."""
    data = fileformat.serialise(state)
    for target in errored_paths(state, state_path):
        try:
            files.write_private_file(target, data)
        except files.DirectoryNotSyncedError:
            pass  # in place, if not yet safe from a power loss
        except OSError:
            continue
        if _reads_back(target, data):
            return target
        with contextlib.suppress(OSError):
            target.unlink()
    return None


def errored_paths(state: State, state_path: Path) -> list[Path]:
    """Where the errored state may go, in order of preference."""
    fallback = f"{state_path.name}.{state.lineage}{ERRORED_SUFFIX}"
    return [
        state_path.with_name(state_path.name + ERRORED_SUFFIX),
        Path.cwd() / fallback,
        Path(tempfile.gettempdir()) / fallback,
    ]


def _reads_back(target: Path, data: bytes) -> bool:
    try:
        written = target.read_bytes()
        if written != data:
            return False
        fileformat.parse(written, str(target))
    except (OSError, StateError):
        return False
    return True
