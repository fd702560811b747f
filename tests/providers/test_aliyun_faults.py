"""The aliyun provider against the emulator's fault injection, over real HTTP."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ccc_emulator.http.faults import FaultConfig, FaultInjector
from ccc_emulator.http.server import EmulatorServer
from cccform.errors import AmbiguousError, ApiError, TransientError
from cccform.providers.aliyun.retry import RetryPolicy
from cccform.providers.aliyun.transport import AliyunTransport
from cccform.providers.base import InstanceSpec
from cccform.providers.ccc import CccProvider

from .contract.aliyun_env import (
    RecordingSleep,
    SilentServer,
    aliyun_provider,
    credential_env,
    fast_policy,
    start_emulator,
)

INSTANCE = "acme-support"
SPEC = InstanceSpec("Support Center", INSTANCE, "", (), ("248613806810701",))


@pytest.fixture(autouse=True)
def env(tmp_path: Path) -> Iterator[None]:
    """Only the credentials the emulator accepts, for every test here."""
    with credential_env(tmp_path / "home"):
        yield


@pytest.fixture
def server(tmp_path: Path) -> Iterator[EmulatorServer]:
    with start_emulator(tmp_path / "emulator") as running:
        yield running


@pytest.fixture
def sleep() -> RecordingSleep:
    return RecordingSleep()


@pytest.fixture
def provider(server: EmulatorServer, sleep: RecordingSleep) -> CccProvider:
    return aliyun_provider(server, fast_policy(max_attempts=4, sleep=sleep))


def policy_of(provider: CccProvider) -> RetryPolicy:
    assert isinstance(provider.transport, AliyunTransport)
    return provider.transport.policy


class CountingSender:
    """Wraps the provider's sender to count the requests it makes."""

    def __init__(self, provider: CccProvider) -> None:
        assert isinstance(provider.transport, AliyunTransport)
        self.inner = provider.transport.send
        self.actions: list[str] = []
        provider.transport.send = self

    def __call__(self, action: str, params: dict[str, str]) -> Any:
        self.actions.append(action)
        return self.inner(action, params)


def instances(server: EmulatorServer) -> list[str]:
    data = server.engine.handle("ListInstances", {"PageNumber": "1", "PageSize": "100"})
    return [item["Id"] for item in data["List"]]


def test_throttling_is_retried(
    server: EmulatorServer, provider: CccProvider, sleep: RecordingSleep
) -> None:
    server.faults.fail_first("ListInstances", 2, "throttle")  # 400 Throttling.User
    assert provider.list_instances() == []
    history = policy_of(provider).history
    assert [(r.kind, r.code) for r in history] == [("throttled", "Throttling.User")] * 2
    assert sleep.calls == [0.25, 0.5]  # random 0.5 x (0.5, 1.0)


def test_retry_after_header_is_honoured(
    server: EmulatorServer, provider: CccProvider, sleep: RecordingSleep
) -> None:
    server.faults.fail_first("ListInstances", 1, "throttle", retry_after=3)  # 429 + header
    assert provider.list_instances() == []
    assert sleep.calls == [3.0]
    assert policy_of(provider).history[0].code == "Throttling.User"


def test_throttled_create_is_retried(server: EmulatorServer, provider: CccProvider) -> None:
    server.faults.fail_first("CreateInstance", 2, "throttle")
    provider.create_instance(SPEC)
    assert instances(server) == [INSTANCE]


@pytest.mark.parametrize(
    ("kind", "status", "created"),
    [("error", 500, False), ("error", 503, False), ("commit", 500, True), ("drop", 500, True)],
)
def test_create_with_unknown_outcome_is_ambiguous(
    server: EmulatorServer,
    provider: CccProvider,
    sleep: RecordingSleep,
    kind: Any,
    status: int,
    created: bool,
) -> None:
    counter = CountingSender(provider)
    server.faults.fail_first("CreateInstance", 1, kind, status=status)
    with pytest.raises(AmbiguousError) as exc:
        provider.create_instance(SPEC)
    assert "CreateInstance" in str(exc.value)
    assert counter.actions == ["CreateInstance"]  # never repeated
    assert sleep.calls == []
    # Reading back is how the caller settles it.
    assert instances(server) == ([INSTANCE] if created else [])


@pytest.mark.parametrize(("kind", "status"), [("error", 500), ("error", 503), ("drop", 500)])
def test_idempotent_operations_are_retried_after_5xx(
    server: EmulatorServer, provider: CccProvider, kind: Any, status: int
) -> None:
    provider.create_instance(SPEC)
    server.faults.fail_first("ModifyInstance", 2, kind, status=status)
    provider.modify_instance(INSTANCE, "after two failures")
    assert provider.list_instances()[0].description == "after two failures"
    assert len(policy_of(provider).history) == 2


def test_transient_error_after_max_attempts(
    server: EmulatorServer, provider: CccProvider, sleep: RecordingSleep
) -> None:
    server.faults.fail_first("ListInstances", 10, "error", status=503)
    with pytest.raises(TransientError) as exc:
        provider.list_instances()
    assert "failed 4 times" in str(exc.value)
    assert "ServiceUnavailable" in str(exc.value)
    assert len([f for f in server.faults.injected if f.action == "ListInstances"]) == 4
    assert sleep.calls == [0.25, 0.5, 1.0]


def test_validation_errors_are_not_retried(provider: CccProvider) -> None:
    counter = CountingSender(provider)
    with pytest.raises(ApiError) as exc:
        provider.create_instance(InstanceSpec("x", "bad domain!", "", (), ("1",)))
    assert exc.value.code.startswith("Parameter.")
    provider.create_instance(SPEC)
    with pytest.raises(ApiError) as exc:
        provider.create_instance(SPEC)
    assert exc.value.code == "AlreadyExists.DomainName"
    with pytest.raises(ApiError) as exc:
        provider.modify_instance("missing-instance", "x")
    assert exc.value.code == "NotExists.InstanceId"
    assert counter.actions == [
        "CreateInstance",
        "CreateInstance",
        "CreateInstance",
        "ModifyInstance",
    ]
    assert policy_of(provider).history == []


def test_seeded_random_faults(tmp_path: Path) -> None:
    faults = FaultInjector(FaultConfig(seed=11, throttle_rate=0.3, error_rate=0.2))
    with start_emulator(tmp_path / "emulator", faults) as server:
        provider = aliyun_provider(server, fast_policy(max_attempts=10))
        server.engine.handle(
            "CreateInstance",
            {"Name": "Support", "DomainName": INSTANCE, "AdminRamIdList": json.dumps(["1"])},
        )
        for n in range(15):
            provider.modify_instance(INSTANCE, f"round {n}")
            assert provider.list_instances()[0].description == f"round {n}"
        injected = server.faults.injected
        assert injected  # the seed does inject faults
        assert len(policy_of(provider).history) == len(injected)
        assert {r.kind for r in policy_of(provider).history} == {"throttled", "server"}


def test_connection_refused_is_retried_then_transient(tmp_path: Path) -> None:
    with start_emulator(tmp_path / "emulator") as server:
        sleep = RecordingSleep()
        provider = aliyun_provider(server, fast_policy(max_attempts=3, sleep=sleep))
    # The server is gone: nothing listens on its port any more.
    with pytest.raises(TransientError) as exc:
        provider.create_instance(SPEC)  # not sent, so safe to repeat even for a create
    assert "ConnectionFailed" in str(exc.value)
    assert len(sleep.calls) == 2
    assert {r.kind for r in policy_of(provider).history} == {"unsent"}


def test_read_timeout() -> None:
    with SilentServer() as silent:
        sleep = RecordingSleep()
        provider = aliyun_provider(
            silent,
            fast_policy(max_attempts=2, sleep=sleep),
            request_timeout=0.3,
        )
        with pytest.raises(AmbiguousError) as exc:
            provider.create_instance(SPEC)
        assert "ReadTimeout" in str(exc.value)
        assert silent.connections == 1
        with pytest.raises(TransientError, match="ReadTimeout"):
            provider.list_instances()
        assert silent.connections >= 2


def test_bss_order_is_retried_with_its_token(server: EmulatorServer, provider: CccProvider) -> None:
    provider.create_instance(SPEC)
    # Carried out, then answered 500: the retry carries the same ClientToken, so one order.
    server.faults.fail_first("BssOpenApi:ModifyInstance", 1, "commit")
    provider.enable_conversation_analysis(INSTANCE)
    assert server.engine.conversation_analysis_status() == {INSTANCE: True}
    assert [r.action for r in policy_of(provider).history] == ["BssOpenApi:ModifyInstance"]


def test_sts_is_retried(server: EmulatorServer, provider: CccProvider) -> None:
    server.faults.fail_first("Sts:GetCallerIdentity", 2, "error", status=503)
    assert provider.caller_identity() == server.engine.caller_identity()
