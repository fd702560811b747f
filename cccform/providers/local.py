"""The default provider: the CCC mapping over the embedded CCC emulator (`ccc_emulator`).

This module is the adapter between the two: the only place in cccform that calls the emulator.
The emulator answers in its own error type; each answer is translated into cccform's errors
exactly as the SDK transport translates the cloud's (`providers.aliyun.failures`), so a local
run meets the same `ApiError` codes, messages and statuses as a run against the cloud.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ccc_emulator import CccApiError, CccEmulation, DamagedStoreError, StoreError
from cccform.config.models import LocalProviderConfig
from cccform.errors import CccformError, ProviderError, UsageError
from cccform.providers.aliyun.failures import CallFailure, classify, final_error
from cccform.providers.ccc import CccProvider

DEFAULT_CREATE_SECONDS = 3.0
CREATE_SECONDS_ENV = "CCCFORM_LOCAL_CREATE_SECONDS"
DEFAULT_DATA_DIR = ".cccform"


def translate(action: str, error: CccApiError) -> CccformError:
    """The cccform error for an emulator's error answer, as the SDK transport makes it."""
    failure = CallFailure(
        classify(error.code, error.http_status), error.code, error.message, error.http_status
    )
    return final_error(action, failure)


@contextmanager
def _translated(action: str) -> Iterator[None]:
    try:
        yield
    except CccApiError as error:
        raise translate(action, error) from error
    except DamagedStoreError as error:
        raise ProviderError(damaged_message(error)) from error
    except StoreError as error:
        raise ProviderError(str(error)) from error


def damaged_message(error: DamagedStoreError) -> str:
    """What to do when the emulation's database cannot be read: start over without it."""
    return (
        f"the local emulation's database {error.path} is damaged or not one cccform wrote"
        f": {error.reason}. Nothing was changed. Move it away (with any {error.path.name}-wal"
        f" and {error.path.name}-shm beside it) to start an empty emulation, or put back a"
        " copy of it."
    )


class LocalTransport:
    """Hands each wire operation to the in-process emulator."""

    def __init__(self, emulation: CccEmulation) -> None:
        self.emulation = emulation

    def call(self, action: str, params: dict[str, str]) -> Any:
        with _translated(action):
            return self.emulation.handle(action, params)

    def close(self) -> None:
        self.emulation.close()


class LocalConsole:
    """The emulator's stand-in for console-only actions (the CCC API has none for these)."""

    def __init__(self, emulation: CccEmulation) -> None:
        self.emulation = emulation

    def enable_conversation_analysis(self, instance_id: str) -> None:
        with _translated("EnableConversationAnalysis"):
            self.emulation.enable_conversation_analysis(instance_id)

    def caller_identity(self) -> str:
        with _translated("CallerIdentity"):
            return self.emulation.caller_identity()

    def account_id(self) -> str:
        with _translated("CallerIdentity"):
            return self.emulation.account_id()


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
    """Where the emulator keeps its data: provider.path, else .cccform/, next to the config."""
    return config_dir / (settings.path or DEFAULT_DATA_DIR)


def make_local_provider(settings: LocalProviderConfig, config_dir: Path) -> CccProvider:
    """The provider for `type: local` (the default)."""
    seconds = create_seconds(settings)
    directory = data_dir(settings, config_dir)
    try:
        with _translated("open"):
            emulation = CccEmulation(directory, create_seconds=seconds)
    except OSError as error:
        raise ProviderError(
            f"cannot keep the local emulation's data in {directory}: {error.strerror or error}. "
            "Set provider.path to a directory cccform may create and write."
        ) from error
    return CccProvider(LocalTransport(emulation), LocalConsole(emulation))
