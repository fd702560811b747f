"""The one place that turns a configuration's `state:` block into a state backend."""

from __future__ import annotations

from pathlib import Path

from cccform.config.models import PostgresStateConfig, StateConfig
from cccform.state.local import LocalStateStore
from cccform.state.store import StateBackend


def open_backend(settings: StateConfig, config_dir: Path) -> StateBackend:
    """The store, with its lock, that `settings` names (a local path is relative to
    `config_dir`). Close it when done."""
    if isinstance(settings, PostgresStateConfig):
        # Imported here: a run on the local file never loads the PostgreSQL driver.
        from cccform.state.postgres.store import PostgresStateStore

        return PostgresStateStore.from_settings(settings, config_dir)
    return LocalStateStore(config_dir / settings.path)
