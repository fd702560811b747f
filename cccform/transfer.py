"""A state's history, and a state moved in and out of its backend: `state history`,
`state pull` and `state push`.

Moving a state from one backend to another is a pull from one and a push to the other: the
lineage is kept, and the serial goes on from the one it replaces.
"""

from __future__ import annotations

import contextlib
import os
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from cccform.errors import StateError
from cccform.planning import QuietProgress, RunProgress
from cccform.run import backend_of
from cccform.state import fileformat
from cccform.state.journal import JOURNAL_SUFFIX
from cccform.state.local import LocalStateStore
from cccform.state.models import HistoryEntry, State

PUSHED_SUFFIX = ".pushed"
# Files that could be taken for a live state (a local state file, a rescued one): renamed
# once pushed, so that nobody uses them by mistake afterwards.
LIVE_STATE_NAMES = (".state.json", ".errored")


def history(path: Path) -> tuple[str, list[HistoryEntry]]:
    """Where the state of the configuration at `path` is, and its kept versions, newest first."""
    with closing(backend_of(path)) as store:
        return store.describe(), store.history()


def pull(path: Path, serial: int | None = None) -> str:
    """The state (at `serial`, if given) of the configuration at `path`, as the JSON text of
    a state file (what `push` reads back). Read without the lock."""
    with closing(backend_of(path)) as store:
        state = store.read() if serial is None else store.read_serial(serial)
    return fileformat.serialise(state).decode("utf-8")


@dataclass(frozen=True)
class PushOutcome:
    """What `state push` wrote: where, the serial it became, and where the file went."""

    where: str
    lineage: str
    serial: int
    renamed_to: Path | None


def push(
    path: Path,
    source: Path,
    *,
    force: bool = False,
    lock_timeout: float = 0,
    progress: RunProgress | None = None,
) -> PushOutcome:
    """Upload the state file `source` as the state of the configuration at `path`, under the
    lock. Refuses another lineage, or a serial lower than the current one, unless `force`."""
    waiting = (progress or QuietProgress()).waiting_for_lock
    with closing(backend_of(path)) as store, store.lock("state push", lock_timeout, waiting):
        if source.resolve() == store.rescue_path.resolve():
            raise StateError(
                f"{source} is the state file of this configuration itself: there is nothing to "
                "push. Push a file pulled from another backend, or a rescued .errored file."
            )
        pushed = _read_file(source)
        current = store.read()
        if store.exists() and not force:
            _check_may_replace(pushed, current, store.describe())
        written = store.replace(pushed)
        where = store.describe()
    return PushOutcome(where, written.lineage, written.serial, _retire(source))


def _read_file(source: Path) -> State:
    if os.path.lexists(source.with_name(source.name + JOURNAL_SUFFIX)):
        # A local state file whose last run was cut short: its journal holds saves the
        # file does not have yet.
        return LocalStateStore(source).read()
    try:
        data = source.read_bytes()
    except OSError as exc:
        raise StateError(f"could not read the state file {source}: {exc.strerror}.") from exc
    return fileformat.parse(data, str(source))


def _check_may_replace(pushed: State, current: State, where: str) -> None:
    if pushed.lineage != current.lineage:
        raise StateError(
            f"refusing to push a state of lineage {pushed.lineage} over {where}, which holds "
            f"lineage {current.lineage}: they are different states. Check the file and the "
            "configuration; --force replaces the state anyway (its history keeps the old one)."
        )
    if pushed.serial < current.serial:
        raise StateError(
            f"refusing to push serial {pushed.serial} over {where}, which is at serial "
            f"{current.serial}: it was written since the file was taken. Pull the state and "
            "compare; --force replaces it anyway (its history keeps the newer one)."
        )


def _retire(source: Path) -> Path | None:
    if not source.name.endswith(LIVE_STATE_NAMES):
        return None
    target = source.with_name(source.name + PUSHED_SUFFIX)
    try:
        os.replace(source, target)
    except OSError:
        return None
    # A local state's backup and journal go too: beside no state, they would be taken for a
    # lost state (and refused), or restored over the state that now lives elsewhere.
    if source.name.endswith(".state.json"):
        for suffix in (".backup", JOURNAL_SUFFIX):
            kept = source.with_name(source.name + suffix)
            if os.path.lexists(kept):
                with contextlib.suppress(OSError):
                    os.replace(kept, kept.with_name(kept.name + PUSHED_SUFFIX))
    return target
