"""One run: lock -> state -> refresh -> plan -> review -> apply -> close.

Each command makes one call here (`plan`, `apply`, `show_target`, `read_state`) and hands
what it returns to a view. The run never prints: what the user sees reaches them through the
view the caller passes in (`planned`, `applying`) and through the outcome it returns.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, closing, contextmanager, nullcontext
from dataclasses import dataclass
from pathlib import Path
from threading import Event
from typing import Literal, Protocol

from cccform.apply.applier import ApplyOptions, apply_plan
from cccform.apply.observer import ApplyObserver
from cccform.apply.result import ApplyResult
from cccform.binding import bound, current_binding
from cccform.config.loader import load_config, yaml_entries
from cccform.config.models import (
    AliyunProviderConfig,
    LoadedConfig,
    ProviderConfig,
    StateConfig,
)
from cccform.errors import StalePlanError, UsageError
from cccform.plan.models import Plan
from cccform.plan.planfile import SavedPlan, is_plan_file, read_plan_file, write_plan_file
from cccform.plan.recheck import recheck
from cccform.plan.review import Verdict, review, standing
from cccform.planning import PlanMode, QuietProgress, RunProgress, refresh_and_plan
from cccform.providers.ccc import CccProvider
from cccform.providers.paging import DEFAULT_PARALLELISM
from cccform.providers.registry import make_provider
from cccform.state.backends import open_backend
from cccform.state.models import ProviderBinding, State
from cccform.state.store import StateBackend
from cccform.state.surgery import SurgeryResult

Approver = Callable[[Plan], bool]
"""Asks a person whether to carry out a plan; True to go on."""


Stretch = Literal["apply", "refresh", "import"]  # what an interrupt guard is around


class InterruptGuard(Protocol):
    """Around the refresh, the apply or an import (`during` says which): yields an event
    that is set when the user asks to stop."""

    def __call__(self, during: Stretch = "apply") -> AbstractContextManager[Event]: ...


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
    state_settings: StateConfig
    loaded: LoadedConfig | None = None

    def configuration(self) -> LoadedConfig:
        """The configuration loaded (a saved plan's target has none: it is not planned again)."""
        assert self.loaded is not None, "a saved plan is applied, not planned again"
        return self.loaded

    def store(self) -> StateBackend:
        """The state backend and its lock (close it when done)."""
        return open_backend(self.state_settings, self.config_dir)

    def provider(self) -> CccProvider:
        return make_provider(self.provider_settings, self.config_dir)

    def binding(self, provider: CccProvider) -> ProviderBinding:
        return current_binding(self.provider_settings, self.config_dir, provider)

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
            config_dir=portable_dir(self.config_dir),
            provider=self.provider_settings,
            state=self.state_settings,
            plan=plan,
        )


def load_configuration(path: Path) -> LoadedConfig:
    """The configuration at `path` (ConfigError before anything is contacted); a saved plan
    there is refused, saying which commands read one."""
    if is_plan_file(path):
        raise UsageError(
            f"'{path}' is a saved plan (a file not named *.yaml or *.yml), not a "
            f"configuration: use cccform show {path} to read it, or cccform apply {path} "
            "to carry it out"
        )
    return load_config(path)


def backend_of(path: Path) -> StateBackend:
    """The state backend of the configuration at `path` (loaded and validated first; a saved
    plan there is refused like everywhere a configuration is read)."""
    loaded = load_configuration(path)
    return open_backend(loaded.config.state, loaded.directory)


def open_config(path: Path) -> Target:
    """Load and validate the configuration (raises ConfigError before anything is contacted)."""
    loaded = load_configuration(path)
    config = loaded.config
    return Target(loaded.directory.resolve(), config.provider, config.state, loaded)


def portable_dir(directory: Path) -> str:
    """`directory` relative to the working directory, as a saved plan records it."""
    return os.path.relpath(directory.resolve(), Path.cwd().resolve())


def open_saved(saved: SavedPlan, origin: Path) -> Target:
    """The target of a saved plan read from `origin`: its directory, relative to here.

    Checked before anything is locked or written: the directory must exist and hold a
    configuration, and a plan made from a state finds that state there. A saved plan never
    creates a directory, a state or a lock somewhere the configuration is not.
    """
    recorded = Path(saved.config_dir)
    if recorded.is_absolute():
        raise StalePlanError(
            f"the saved plan {origin} names its configuration by an absolute path "
            f"({recorded}); make the plan again with this version of cccform."
        )
    directory = Path.cwd() / recorded
    made_for = f"the saved plan {origin} was made for the configuration in '{recorded}'"
    where = "run cccform apply from the directory where cccform plan ran, or make the plan again"
    if not directory.is_dir() or not any(p.is_file() for p in yaml_entries(directory)):
        raise StalePlanError(
            f"{made_for} (relative to the directory where cccform plan ran), and there is no "
            f"such configuration here ({directory}): {where}."
        )
    target = Target(directory, saved.provider, saved.state)
    with closing(target.store()) as store:
        if saved.plan.prior_state.existed and not store.exists():
            raise StalePlanError(
                f"{made_for}, from a state of lineage {saved.plan.prior_state.lineage}, and "
                f"there is no state in {store.describe()}: {where}."
            )
    return target


def _not_interrupted(during: Stretch = "apply") -> AbstractContextManager[Event]:
    del during

    @contextmanager
    def never() -> Iterator[Event]:
        yield Event()

    return never()


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
    parallelism: int = DEFAULT_PARALLELISM,
    lock_timeout: float = 0,
    lock: bool = True,
    mode: PlanMode | None = None,
    progress: RunProgress | None = None,
    interrupt: InterruptGuard = _not_interrupted,
) -> PlanOutcome:
    """Plan the configuration at `path` under the state lock (none when `lock` is False);
    save it unless it is rejected. `mode`: a partial or refresh-only plan."""
    target = open_config(path)
    progress = progress or QuietProgress()
    with (
        closing(target.store()) as store,
        store.lock("plan", lock_timeout, progress.waiting_for_lock) if lock else nullcontext(),
    ):
        exists = store.exists()
        state = store.read()
        with _provider(target) as provider, interrupt("refresh") as cancel:
            state = bound(state, target.binding(provider))
            made = refresh_and_plan(
                target.configuration(),
                provider,
                state,
                state_exists=exists,
                mode=mode or PlanMode(),
                progress=progress,
                cancel=cancel,
                parallelism=parallelism,
            )
    watcher.planned(made)
    verdict = standing(made)
    if verdict is Verdict.REJECTED or out_file is None:
        return PlanOutcome(made, verdict)
    write_plan_file(out_file, target.saved(made))
    return PlanOutcome(made, verdict, saved_to=out_file)


# -- apply ---------------------------------------------------------------------


@dataclass(frozen=True)
class ApplyRequest:
    """What `cccform apply` was asked to do.

    `approve` is None when the plan is approved in advance (`--auto-approve`); a saved plan
    is approved by being applied and is never asked about.
    """

    path: Path
    approve: Approver | None = None
    allow_delete: bool = False
    allow_forget: bool = False
    parallelism: int = DEFAULT_PARALLELISM
    lock_timeout: float = 0
    interrupt: InterruptGuard = _not_interrupted
    mode: PlanMode | None = None
    progress: RunProgress | None = None


@dataclass(frozen=True)
class ApplyOutcome:
    """How an apply ended: the plan as reviewed, the verdict, and what apply did (if it ran)."""

    plan: Plan
    verdict: Verdict
    from_file: bool
    result: ApplyResult | None = None
    newly_bound: ProviderBinding | None = None  # an older state, bound by this apply


def apply(request: ApplyRequest, watcher: ApplyWatcher) -> ApplyOutcome:
    """Plan (or read the saved plan), review it, and carry it out, all under the state lock."""
    saved = read_plan_file(request.path) if is_plan_file(request.path) else None
    target = open_saved(saved, request.path) if saved else open_config(request.path)
    progress = request.progress or QuietProgress()
    with (
        closing(target.store()) as store,
        store.lock("apply", request.lock_timeout, progress.waiting_for_lock),
    ):
        exists = store.exists()
        state = store.read()
        with _provider(target) as provider:
            unbound = exists and state.binding is None
            state = bound(state, target.binding(provider))
            if saved is not None:
                state = check_not_stale(saved.plan, state, exists)
                made = recheck(saved.plan, state)
            else:
                with request.interrupt("refresh") as cancel:
                    made = refresh_and_plan(
                        target.configuration(),
                        provider,
                        state,
                        state_exists=exists,
                        mode=request.mode or PlanMode(),
                        progress=progress,
                        cancel=cancel,
                        parallelism=request.parallelism,
                    )
                watcher.planned(made)
            approve = None if saved is not None else request.approve
            reviewed = review(
                made,
                ask=approve,
                allow_delete=request.allow_delete,
                allow_forget=request.allow_forget,
            )
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
        # Read back only for an older state: did the apply's writes bind it?
        newly_bound = state.binding if unbound and store.read().binding is not None else None
    return ApplyOutcome(made, Verdict.APPROVED, saved is not None, result, newly_bound)


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
    with closing(backend_of(path)) as store:
        return store.read()


# -- state surgery -------------------------------------------------------------


@dataclass(frozen=True)
class SurgeryOutcome:
    """What a `state mv` or `state rm` did (or, with dry_run, would do)."""

    result: SurgeryResult
    serial: int
    dry_run: bool


def state_surgery(
    path: Path,
    operation: str,
    change: Callable[[State], SurgeryResult],
    *,
    dry_run: bool = False,
    lock_timeout: float = 0,
    progress: RunProgress | None = None,
) -> SurgeryOutcome:
    """Change the state under its lock (serial +1, previous version kept as the backup)."""
    store = backend_of(path)
    waiting = (progress or QuietProgress()).waiting_for_lock
    with closing(store), store.lock(operation, lock_timeout, waiting):
        state = store.read()
        result = change(state)
        if dry_run:
            return SurgeryOutcome(result, state.serial, dry_run=True)
        written = store.write(result.state)
    return SurgeryOutcome(result, written.serial, dry_run=False)


@dataclass(frozen=True)
class RebindOutcome:
    """The binding the state had (None: none), the one it has now, and its serial."""

    before: ProviderBinding | None
    after: ProviderBinding
    serial: int


def rebind(
    path: Path, *, lock_timeout: float = 0, progress: RunProgress | None = None
) -> RebindOutcome:
    """Bind the state to the provider of the configuration at `path`, on purpose."""
    target = open_config(path)
    waiting = (progress or QuietProgress()).waiting_for_lock
    with closing(target.store()) as store, store.lock("state rebind", lock_timeout, waiting):
        state = store.read()
        with _provider(target) as provider:
            binding = target.binding(provider)
        written = store.write(state.model_copy(update={"binding": binding}))
    return RebindOutcome(state.binding, binding, written.serial)
