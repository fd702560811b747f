"""Provider settings -> a provider."""

from __future__ import annotations

from pathlib import Path

from cccform.config.models import LocalProviderConfig
from cccform.providers.ccc import CccProvider
from cccform.providers.local import make_local_provider


def make_provider(settings: LocalProviderConfig, config_dir: Path) -> CccProvider:
    """Build the provider a configuration (or a saved plan) names."""
    return make_local_provider(settings, config_dir)
