"""One run: lock -> state -> refresh -> plan -> review -> apply -> close.

Each command makes one call here (`plan`, `apply`, `show_target`, `read_state`) and hands
what it returns to a view. The run never prints: what the user sees reaches them through the
view the caller passes in (`planned`, `applying`) and through the outcome it returns.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass
from pathlib import Path
from threading import Event
from typing import Protocol

from cccform.apply.applier import ApplyOptions, apply_plan
from cccform.apply.observer import ApplyObserver
from cccform.apply.result import ApplyResult
from cccform.config.loader import load_config
from cccform.config.models import (
    AliyunProviderConfig,
    LoadedConfig,
    LocalStateConfig,
    ProviderConfig,
)
from cccform.errors import StalePlanError
from cccform.plan.models import Plan
from cccform.plan.planfile import SavedPlan, is_plan_file, read_plan_file, write_plan_file
from cccform.plan.planner import contents_to_read
from cccform.plan.planner import plan as make_plan
from cccform.plan.review import Verdict, review, standing
from cccform.providers.ccc import CccProvider
from cccform.providers.registry import make_provider
from cccform.refresh import refresh, refresh_contents
from cccform.state.local import LocalStateStore
from cccform.state.models import State

Approver = Callable[[Plan], bool]
"""Asks a person whether to carry out a plan; True to go on."""

InterruptGuard = Callable[[], AbstractContextManager[Event]]
"""Around the apply: yields an event that is set when the user asks to stop."""


class PlanWatcher(Protocol):
    """Told of the plan as soon as it exists, before review (a view shows it there)."""

    def planned(self, plan: Plan) -> None: ...


class ApplyWatcher(PlanWatcher, Protocol):
    """An apply's view: it sees the plan, then gives the observer of the apply's progress."""

    def applying(self) -> ApplyObserver: ...


@dataclass(frozen=True)
class Target:
    """Where a configuration lives and what it talks to."""

    config_dir: Path
    provider_settings: ProviderConfig
    state_settings: LocalStateConfig
    loaded: LoadedConfig | None = None

    @property
    def state_path(self) -> Path:
        return self.config_dir / self.state_settings.path

    def store(self) -> LocalStateStore:
        return LocalStateStore(self.state_path)

    def provider(self) -> CccProvider:
        return make_provider(self.provider_settings, self.config_dir)

    def apply_options(self, parallelism: int) -> ApplyOptions:
        settings = self.provider_settings
        if isinstance(settings, AliyunProviderConfig):
            return ApplyOptions(
                parallelism=parallelism,
                create_timeout=settings.create_timeout,
                delete_timeout=settings.delete_timeout,
            )
        return ApplyOptions(parallelism=parallelism)

    def saved(self, plan: Plan) -> SavedPlan:
        return SavedPlan(
            config_dir=str(self.config_dir.resolve()),
            provider=self.provider_settings,
            state=self.state_settings,
            plan=plan,
        )


def open_config(path: Path) -> Target:
    """Load and validate the configuration (raises ConfigError before anything is contacted)."""
    loaded = load_config(path)
    config = loaded.config
    return Target(loaded.directory.resolve(), config.provider, config.state, loaded)


def open_saved(saved: SavedPlan) -> Target:
    return Target(Path(saved.config_dir), saved.provider, saved.state)


# -- plan ----------------------------------------------------------------------


@dataclass(frozen=True)
class PlanOutcome:
    """What `cccform plan` made, and where it saved it (None: not saved)."""

    plan: Plan
    verdict: Verdict
    saved_to: Path | None = None


def plan(
    path: Path,
    watcher: PlanWatcher,
    *,
    out_file: Path | None = None,
    lock_timeout: float = 0,
    lock: bool = True,
) -> PlanOutcome:
    """Plan the configuration at `path` under the state lock (none when `lock` is False);
    save it unless it is rejected."""
    target = open_config(path)
    store = target.store()
    with store.lock("plan", lock_timeout) if lock else nullcontext():
        exists = target.state_path.exists()
        state = store.read()
        with _provider(target) as provider:
            made = refresh_and_plan(target, provider, state, state_exists=exists)
    watcher.planned(made)
    verdict = standing(made)
    if verdict is Verdict.REJECTED or out_file is None:
        return PlanOutcome(made, verdict)
    write_plan_file(out_file, target.saved(made))
    return PlanOutcome(made, verdict, saved_to=out_file)


def refresh_and_plan(
    target: Target, provider: CccProvider, state: State, *, state_exists: bool
) -> Plan:
    """Refresh, then plan. The caller holds the state lock."""
    assert target.loaded is not None, "a saved plan is applied, not planned again"
    live = refresh(provider)
    live = refresh_contents(provider, live, contents_to_read(target.loaded, state, live))
    return make_plan(target.loaded, state, live, state_exists=state_exists)


# -- apply ---------------------------------------------------------------------


def _not_interrupted() -> AbstractContextManager[Event]:
    @contextmanager
    def never() -> Iterator[Event]:
        yield Event()

    return never()


@dataclass(frozen=True)
class ApplyRequest:
    """What `cccform apply` was asked to do.

    `approve` is None when the plan is approved in advance (`--auto-approve`); a saved plan
    is approved by being applied and is never asked about.
    """

    path: Path
    approve: Approver | None = None
    allow_delete: bool = False
    parallelism: int = 10
    lock_timeout: float = 0
    interrupt: InterruptGuard = _not_interrupted


@dataclass(frozen=True)
class ApplyOutcome:
    """How an apply ended: the plan as reviewed, the verdict, and what apply did (if it ran)."""

    plan: Plan
    verdict: Verdict
    from_file: bool
    result: ApplyResult | None = None


def apply(request: ApplyRequest, watcher: ApplyWatcher) -> ApplyOutcome:
    """Plan (or read the saved plan), review it, and carry it out, all under the state lock."""
    saved = read_plan_file(request.path) if is_plan_file(request.path) else None
    target = open_saved(saved) if saved else open_config(request.path)
    store = target.store()
    with store.lock("apply", request.lock_timeout):
        exists = target.state_path.exists()
        state = store.read()
        with _provider(target) as provider:
            if saved is not None:
                state = check_not_stale(saved.plan, state, exists)
                made = saved.plan
            else:
                made = refresh_and_plan(target, provider, state, state_exists=exists)
                watcher.planned(made)
            approve = None if saved is not None else request.approve
            reviewed = review(made, ask=approve, allow_delete=request.allow_delete)
            if reviewed.verdict is not Verdict.APPROVED:
                return ApplyOutcome(reviewed.plan, reviewed.verdict, saved is not None)
            observer = watcher.applying()
            with request.interrupt() as cancel:
                result = apply_plan(
                    made,
                    store,
                    state,
                    provider,
                    observer,
                    options=target.apply_options(request.parallelism),
                    cancel=cancel,
                )
    return ApplyOutcome(made, Verdict.APPROVED, saved is not None, result)


def check_not_stale(plan: Plan, state: State, state_exists: bool) -> State:
    """A saved plan applies only to the state it was made from. Returns the state to use."""
    prior = plan.prior_state
    if not prior.existed:
        if state_exists:
            raise StalePlanError(
                "Saved plan is stale: it was made when no state existed, and a state has been "
                f"written since (serial {state.serial}). Run cccform plan again."
            )
        return state
    if state.lineage != prior.lineage:
        raise StalePlanError(
            f"Saved plan does not match the state: lineage mismatch (plan {prior.lineage}, "
            f"state {state.lineage}). It was made for another state; run cccform plan again."
        )
    if state.serial != prior.serial:
        raise StalePlanError(
            f"Saved plan is stale: the state changed after the plan was made (plan serial "
            f"{prior.serial}, state serial {state.serial}). Run cccform plan again."
        )
    return state


@contextmanager
def _provider(target: Target) -> Iterator[CccProvider]:
    provider = target.provider()
    try:
        yield provider
    finally:
        provider.close()


# -- show and state list ---------------------------------------------------------


@dataclass(frozen=True)
class ShowOutcome:
    """A saved plan, or the state of a configuration: exactly one of them is set."""

    plan: Plan | None = None
    state: State | None = None


def show_target(path: Path) -> ShowOutcome:
    """What `cccform show` shows: the saved plan at `path`, else the state of its configuration."""
    if is_plan_file(path):
        return ShowOutcome(plan=read_plan_file(path).plan)
    return ShowOutcome(state=read_state(path))


def read_state(path: Path) -> State:
    """The state of the configuration at `path` (its `state:` block, else the default).

    Read without the lock: it only looks, and a reader never sees a half-written state.
    """
    loaded = load_config(path)
    settings: LocalStateConfig = loaded.config.state
    return LocalStateStore(loaded.directory / settings.path).read()
