"""Helpers for tests of the aliyun provider: an isolated credential chain and an emulator."""

from __future__ import annotations

import os
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Protocol

import pytest

from ccc_emulator.http.faults import FaultConfig, FaultInjector
from ccc_emulator.http.server import EmulatorServer, serve_in_thread
from cccform.config.models import AliyunProviderConfig
from cccform.providers.aliyun import make_aliyun_provider
from cccform.providers.aliyun.credentials import refresh_environment
from cccform.providers.aliyun.ratelimit import RateLimiter
from cccform.providers.aliyun.retry import RetryPolicy
from cccform.providers.ccc import CccProvider

AK = "LTAI-cccform-contract"
SK = "contract-secret-value"
ID_VAR = "ALIBABA_CLOUD_ACCESS_KEY_ID"
SECRET_VAR = "ALIBABA_CLOUD_ACCESS_KEY_SECRET"


@contextmanager
def credential_env(
    home: Path, access_key_id: str | None = AK, secret: str | None = SK
) -> Iterator[pytest.MonkeyPatch]:
    """Only what is given here reaches the default credential chain: no ALIBABA_CLOUD_* from
    outside, an empty HOME (no ~/.aliyun profile), no ECS metadata service."""
    with pytest.MonkeyPatch.context() as patch:
        for name in list(os.environ):
            if name.startswith("ALIBABA_CLOUD_"):
                patch.delenv(name)
        home.mkdir(parents=True, exist_ok=True)
        patch.setenv("HOME", str(home))
        patch.setenv("ALIBABA_CLOUD_ECS_METADATA_DISABLED", "true")
        patch.setenv("ALIBABA_CLOUD_CLI_PROFILE_DISABLED", "true")
        patch.setenv("ALIBABA_CLOUD_CREDENTIALS_FILE", str(home / "no-credentials.ini"))
        if access_key_id is not None:
            patch.setenv(ID_VAR, access_key_id)
        if secret is not None:
            patch.setenv(SECRET_VAR, secret)
        yield patch
    refresh_environment()  # leave the library's snapshot as the environment is again


class RecordingSleep:
    """A sleep that only records."""

    def __init__(self) -> None:
        self.calls: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)


def fast_policy(max_attempts: int = 6, sleep: RecordingSleep | None = None) -> RetryPolicy:
    return RetryPolicy(max_attempts, sleep=sleep or RecordingSleep(), random=lambda: 0.5)


def no_limits() -> RateLimiter:
    return RateLimiter(sleep=lambda _seconds: None)


class Served(Protocol):
    """Anything listening at a URL: the emulator server, or a test double."""

    @property
    def url(self) -> str: ...


def settings(server: Served, **overrides: Any) -> AliyunProviderConfig:
    values: dict[str, Any] = {"type": "aliyun", "endpoint": server.url, "request_timeout": 10}
    values.update(overrides)
    return AliyunProviderConfig(**values)


def aliyun_provider(
    server: Served, policy: RetryPolicy | None = None, **overrides: Any
) -> CccProvider:
    return make_aliyun_provider(
        settings(server, **overrides),
        retry_policy=policy or fast_policy(),
        rate_limiter=no_limits(),
    )


def start_emulator(
    data_dir: Path, faults: FaultInjector | FaultConfig | None = None
) -> EmulatorServer:
    return serve_in_thread(data_dir, credentials={AK: SK}, faults=faults)


class SilentServer:
    """Accepts connections, reads what comes, never answers (a server that hangs)."""

    def __init__(self) -> None:
        self._socket = socket.create_server(("127.0.0.1", 0))
        self._socket.settimeout(0.2)
        self.connections = 0
        self._open: list[socket.socket] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._socket.getsockname()[1]}"

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                connection, _ = self._socket.accept()
            except OSError:
                continue
            self.connections += 1
            self._open.append(connection)

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        for connection in self._open:
            connection.close()
        self._socket.close()

    def __enter__(self) -> SilentServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
