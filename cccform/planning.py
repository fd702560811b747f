"""How one run refreshes and plans: the whole plan, part of it (`--target`, `--exclude`), only
what changed outside cccform (`--refresh-only`), or from the state alone (`--refresh=false`);
and what it tells while it does (`RunProgress`). It never prints.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from threading import Event
from typing import Protocol

from cccform.addresses import Address, ResourceType
from cccform.config.models import LoadedConfig
from cccform.live import LiveInventory
from cccform.plan import messages
from cccform.plan.from_state import recalled_inventory
from cccform.plan.models import Plan, PlanWarning, PriorState, with_warning
from cccform.plan.planner import contents_known_ahead, contents_to_read
from cccform.plan.planner import plan as make_plan
from cccform.plan.refresh_only import contents_managed, refresh_only_plan
from cccform.plan.targets import WHOLE, Selection, select
from cccform.providers.ccc import CccProvider
from cccform.providers.paging import DEFAULT_PARALLELISM
from cccform.refresh import QuietRefresh, RefreshObserver, refresh_all
from cccform.state.models import State


class RunProgress(RefreshObserver, Protocol):
    """Told how a run goes before its plan exists: the lock it waits for, the refresh."""

    def waiting_for_lock(self, holder: str, waited: float, timeout: float) -> None: ...


class QuietProgress(QuietRefresh):
    """Progress that shows nothing."""

    def waiting_for_lock(self, holder: str, waited: float, timeout: float) -> None:
        del holder, waited, timeout


@dataclass(frozen=True)
class PlanMode:
    """How to plan: which part (`--target`, `--exclude`), and whether only what changed
    outside cccform (`--refresh-only`)."""

    selection: Selection = WHOLE
    refresh_only: bool = False
    refresh: bool = True  # False: plan from the state alone (`--refresh=false`)


def refresh_and_plan(
    loaded: LoadedConfig,
    provider: CccProvider,
    state: State,
    *,
    state_exists: bool,
    mode: PlanMode = PlanMode(),
    progress: RefreshObserver | None = None,
    cancel: Event | None = None,
    parallelism: int = DEFAULT_PARALLELISM,
) -> Plan:
    """Refresh, then plan, with at most `parallelism` reads at once. The caller holds the
    state lock; a set `cancel` stops the refresh (`RefreshInterrupted`)."""
    if not mode.refresh:
        return with_warning(
            make_plan(
                loaded,
                state,
                recalled_inventory(state),
                state_exists=state_exists,
                selection=mode.selection,
            ),
            PlanWarning(kind="refresh_skipped", subjects=[], message=messages.refresh_skipped()),
        )
    provider.read_parallelism(parallelism)
    # A refresh-only plan reads what the state manages; any other what it plans.
    wanted: Callable[[LiveInventory], dict[str, frozenset[ResourceType]]] = (
        (lambda listed: contents_managed(state, listed))
        if mode.refresh_only
        else (lambda listed: contents_to_read(loaded, state, listed))
    )
    live = refresh_all(
        provider,
        contents_known_ahead(loaded, state),
        wanted,
        parallelism,
        observer=progress,
        cancel=cancel,
    )
    if mode.refresh_only:
        prior = PriorState(lineage=state.lineage, serial=state.serial, existed=state_exists)
        known = [a for a in map(Address.try_parse, state.resources) if a is not None]
        return select(refresh_only_plan(state, live, prior), mode.selection, known)
    return make_plan(loaded, state, live, state_exists=state_exists, selection=mode.selection)
