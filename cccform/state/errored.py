"""When the state cannot be saved during an apply: keep what was done in a file beside it.

The apply has changed real objects that only this in-memory state records. Losing it would
make the next plan create them again, so it goes to `<state file>.errored` (or, failing that,
the working directory, then the temporary directory), mode 0600, and the user is told how to
restore it.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from cccform import files
from cccform.state import fileformat
from cccform.state.models import State

ERRORED_SUFFIX = ".errored"


def write_errored_state(state: State, state_path: Path) -> Path | None:
    """Write `state` to the first place that takes it; None when none does."""
    name = state_path.name + ERRORED_SUFFIX
    data = fileformat.serialise(state)
    for directory in (state_path.parent, Path.cwd(), Path(tempfile.gettempdir())):
        target = directory / name
        try:
            files.write_private_file(target, data)
        except files.DirectoryNotSyncedError:
            return target  # in place, if not yet safe from a power loss
        except OSError:
            continue
        return target
    return None
