"""Provider settings -> a provider."""

from __future__ import annotations

from pathlib import Path

from cccform.config.models import LocalProviderConfig, ProviderConfig
from cccform.providers.ccc import CccProvider
from cccform.providers.local import make_local_provider


def make_provider(settings: ProviderConfig, config_dir: Path) -> CccProvider:
    """Build the provider a configuration (or a saved plan) names."""
    if isinstance(settings, LocalProviderConfig):
        return make_local_provider(settings, config_dir)
    from cccform.providers.aliyun import make_aliyun_provider  # needs the aliyun extra

    return make_aliyun_provider(settings)
