"""One run's surroundings: the configuration, its state store and its provider."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from cccform.apply.applier import ApplyOptions
from cccform.config.loader import load_config
from cccform.config.models import (
    AliyunProviderConfig,
    LoadedConfig,
    LocalStateConfig,
    ProviderConfig,
)
from cccform.errors import StalePlanError
from cccform.plan.models import Plan
from cccform.plan.planfile import SavedPlan
from cccform.plan.planner import contents_to_read
from cccform.plan.planner import plan as make_plan
from cccform.providers.ccc import CccProvider
from cccform.providers.registry import make_provider
from cccform.refresh import refresh, refresh_contents
from cccform.state.local import LocalStateStore
from cccform.state.models import State


@dataclass
class Workspace:
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


def open_config(path: Path) -> Workspace:
    """Load and validate the configuration (raises ConfigError before anything is contacted)."""
    loaded = load_config(path)
    config = loaded.config
    return Workspace(loaded.directory.resolve(), config.provider, config.state, loaded)


def open_saved(saved: SavedPlan) -> Workspace:
    return Workspace(Path(saved.config_dir), saved.provider, saved.state)


def plan_workspace(
    workspace: Workspace, provider: CccProvider, state: State, *, state_exists: bool
) -> Plan:
    """Refresh, then plan. The caller holds the state lock."""
    assert workspace.loaded is not None
    live = refresh(provider)
    live = refresh_contents(provider, live, contents_to_read(workspace.loaded, state, live))
    return make_plan(workspace.loaded, state, live, state_exists=state_exists)


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
