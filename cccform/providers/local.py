"""The default provider: the CCC mapping over the embedded local emulation."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from cccform.config.models import LocalProviderConfig
from cccform.emulation.engine import CccEmulation
from cccform.errors import ProviderError, UsageError
from cccform.providers.ccc import CccProvider

DEFAULT_CREATE_SECONDS = 3.0
CREATE_SECONDS_ENV = "CCCFORM_LOCAL_CREATE_SECONDS"
DEFAULT_DATA_DIR = ".cccform"


class LocalTransport:
    """Hands each wire operation to the in-process emulation."""

    def __init__(self, emulation: CccEmulation) -> None:
        self.emulation = emulation

    def call(self, action: str, params: dict[str, str]) -> Any:
        return self.emulation.handle(action, params)

    def close(self) -> None:
        self.emulation.close()


class LocalConsole:
    """The emulation's stand-in for console-only actions (the CCC API has none for these)."""

    def __init__(self, emulation: CccEmulation) -> None:
        self.emulation = emulation

    def enable_conversation_analysis(self, instance_id: str) -> None:
        self.emulation.enable_conversation_analysis(instance_id)

    def conversation_analysis_status(self) -> dict[str, bool] | None:
        return self.emulation.conversation_analysis_status()

    def caller_identity(self) -> str:
        return self.emulation.caller_identity()


def create_seconds(settings: LocalProviderConfig) -> float:
    """The provider setting, else CCCFORM_LOCAL_CREATE_SECONDS, else 3."""
    if settings.create_seconds is not None:
        return settings.create_seconds
    raw = os.environ.get(CREATE_SECONDS_ENV)
    if raw is None or raw == "":
        return DEFAULT_CREATE_SECONDS
    try:
        value = float(raw)
    except ValueError:
        raise UsageError(f"{CREATE_SECONDS_ENV}={raw!r} is not a number of seconds") from None
    if not 0 <= value <= 3600:
        raise UsageError(f"{CREATE_SECONDS_ENV}={raw!r} must be between 0 and 3600")
    return value


def data_dir(settings: LocalProviderConfig, config_dir: Path) -> Path:
    return config_dir / (settings.path or DEFAULT_DATA_DIR)


def make_local_provider(settings: LocalProviderConfig, config_dir: Path) -> CccProvider:
    seconds = create_seconds(settings)
    directory = data_dir(settings, config_dir)
    try:
        emulation = CccEmulation(directory, create_seconds=seconds)
    except OSError as error:
        raise ProviderError(
            f"cannot keep the local emulation's data in {directory}: {error.strerror or error}. "
            "Set provider.path to a directory cccform may create and write."
        ) from error
    return CccProvider(LocalTransport(emulation), LocalConsole(emulation))
