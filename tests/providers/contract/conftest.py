"""The provider contract: the same tests against the local provider and the aliyun provider
(the official SDK over HTTP to the emulator server)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from ccc_emulator.engine import CccEmulation
from cccform.config.models import LocalProviderConfig
from cccform.providers.aliyun import make_aliyun_provider
from cccform.providers.ccc import CccProvider
from cccform.providers.local import LocalTransport, make_local_provider

from .aliyun_env import credential_env, settings, start_emulator


@dataclass
class Harness:
    kind: str  # "local" or "aliyun"
    provider: CccProvider
    engine: CccEmulation  # the emulation behind the provider, to set up and to check


@pytest.fixture(params=["local", "aliyun"])
def harness(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Harness]:
    if request.param == "local":
        provider = make_local_provider(LocalProviderConfig(create_seconds=0), tmp_path)
        assert isinstance(provider.transport, LocalTransport)
        try:
            yield Harness("local", provider, provider.transport.emulation)
        finally:
            provider.close()
        return
    with credential_env(tmp_path / "home"), start_emulator(tmp_path / "emulator") as server:
        # As cccform builds it: default retry policy and rate limits.
        provider = make_aliyun_provider(settings(server))
        try:
            yield Harness("aliyun", provider, server.engine)
        finally:
            provider.close()


@pytest.fixture
def provider(harness: Harness) -> CccProvider:
    return harness.provider
