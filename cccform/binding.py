"""A state is bound to the provider and account it came from; a run elsewhere refuses.

The binding is recorded in the state (`State.binding`): the provider type, its endpoint or
region (local: the emulation's data directory, relative to the configuration directory, so
that a moved checkout, as CI runners make, is the same binding), and the account (aliyun: STS
GetCallerIdentity's AccountId; local: the emulation's own id, created with its database).
"""

from __future__ import annotations

import os
from pathlib import Path

from cccform.config.models import LocalProviderConfig, ProviderConfig
from cccform.errors import StateError
from cccform.providers.ccc import CccProvider
from cccform.providers.local import data_dir
from cccform.state.models import ProviderBinding, State


def current_binding(
    settings: ProviderConfig, config_dir: Path, provider: CccProvider
) -> ProviderBinding:
    """The binding of the provider this run talks to (asks the provider for its account)."""
    if isinstance(settings, LocalProviderConfig):
        location = os.path.relpath(data_dir(settings, config_dir).resolve(), config_dir.resolve())
        kind = "local"
    else:
        location = settings.endpoint or settings.region
        kind = "aliyun"
    return ProviderBinding(type=kind, location=location, account=provider.console.account_id())


def bound(state: State, binding: ProviderBinding) -> State:
    """`state` bound to `binding`; refuses a state bound elsewhere, naming both."""
    if state.binding is None:
        return state.model_copy(update={"binding": binding})
    if state.binding != binding:
        raise StateError(
            f"the state belongs to {state.binding}, but this run talks to {binding}. "
            "Nothing was changed. If the objects really moved there (a new endpoint, a "
            "restored emulation), run `cccform state rebind` to bind the state to this "
            "provider on purpose; otherwise fix the provider block or the state path."
        )
    return state
