"""Fault injection: the injector on its own, and what the official SDK sees through the server."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from alibabacloud_bssopenapi20171214 import models as bss_models
from alibabacloud_bssopenapi20171214.client import Client as BssClient
from alibabacloud_ccc20200701 import models as ccc_models
from alibabacloud_ccc20200701.client import Client as CccClient
from alibabacloud_tea_openapi.exceptions import (
    ClientException,
    ServerException,
    ThrottlingException,
)
from alibabacloud_tea_openapi.models import Config
from darabonba.exceptions import UnretryableException
from Tea.exceptions import TeaException

from ccc_emulator import CccEmulation
from ccc_emulator.http.faults import Fault, FaultConfig, FaultInjector, parse_actions
from ccc_emulator.http.server import EmulatorServer, serve_in_thread

from .conftest import MakeEmulation
from .helpers import ADMIN

AK, SK = "LTAI-faults", "faults-secret"


@pytest.fixture
def engine(make_emulation: MakeEmulation) -> CccEmulation:
    return make_emulation(create_seconds=0, delete_seconds=0)


@pytest.fixture
def injector() -> FaultInjector:
    return FaultInjector()


@pytest.fixture
def server(engine: CccEmulation, injector: FaultInjector) -> Iterator[EmulatorServer]:
    with serve_in_thread(engine, credentials={AK: SK}, faults=injector) as running:
        yield running


def client(server: EmulatorServer, **overrides: Any) -> CccClient:
    values: dict[str, Any] = {
        "access_key_id": AK,
        "access_key_secret": SK,
        "endpoint": server.endpoint,
        "protocol": "http",
        "region_id": "cn-shanghai",
        "read_timeout": 10000,
    }
    values.update(overrides)
    return CccClient(Config(**values))


def create(ccc: CccClient, domain: str) -> Any:
    return ccc.create_instance(
        ccc_models.CreateInstanceRequest(
            name="Support Center", domain_name=domain, admin_ram_id_list=json.dumps([ADMIN])
        )
    )


def list_instances(ccc: CccClient) -> Any:
    return ccc.list_instances(ccc_models.ListInstancesRequest(page_number=1, page_size=10))


def exists(engine: CccEmulation, domain: str) -> bool:
    return domain in engine.conversation_analysis_status()


# The injector on its own.


def test_seeded_draws_are_reproducible() -> None:
    config = FaultConfig(seed=7, throttle_rate=0.3, error_rate=0.2)
    actions = ["CreateInstance", "ListInstances", "GetInstance"] * 50
    one, two = FaultInjector(config), FaultInjector(config)
    first = [one.draw(action) for action in actions]
    assert [two.draw(action) for action in actions] == first
    assert any(first) and not all(first)
    other = FaultInjector(FaultConfig(seed=8, throttle_rate=0.3, error_rate=0.2))
    assert [other.draw(action) for action in actions] != first


def test_seeded_draws_do_not_depend_on_interleaving() -> None:
    config = FaultConfig(seed=3, throttle_rate=0.5)
    one, two = FaultInjector(config), FaultInjector(config)
    a_first = [one.draw("A") for _ in range(20)] + [one.draw("B") for _ in range(20)]
    interleaved = [(two.draw("A"), two.draw("B")) for _ in range(20)]
    assert a_first[:20] == [a for a, _ in interleaved]
    assert a_first[20:] == [b for _, b in interleaved]


def test_rates_are_honoured() -> None:
    injector = FaultInjector(FaultConfig(seed=1, throttle_rate=0.3))
    throttled = sum(injector.draw(f"Action{i % 5}") is not None for i in range(2000))
    assert 500 < throttled < 700
    assert FaultInjector(FaultConfig(seed=1)).draw("A") is None


def test_kinds_and_statuses() -> None:
    assert FaultInjector(FaultConfig(seed=1, throttle_rate=1)).draw("A") == Fault("throttle", 400)
    with_header = FaultConfig(seed=1, throttle_rate=1, throttle_retry_after=5)
    assert FaultInjector(with_header).draw("A") == Fault("throttle", 429, 5)
    as_503 = FaultConfig(seed=1, throttle_rate=1, throttle_retry_after=5, throttle_status=503)
    assert FaultInjector(as_503).draw("A") == Fault("throttle", 503, 5)
    errors = FaultInjector(FaultConfig(seed=1, error_rate=1))
    statuses = {errors.draw("A").status for _ in range(50)}  # type: ignore[union-attr]
    assert statuses == {500, 503}
    commit = FaultConfig(seed=1, commit_then_fail=frozenset({"A"}))
    assert FaultInjector(commit).draw("A") == Fault("commit", 500)
    assert FaultInjector(commit).draw("B") is None
    drop = FaultConfig(seed=1, commit_then_fail=frozenset({"A"}), commit_fail_mode="drop")
    assert FaultInjector(drop).draw("A") == Fault("drop", 500)
    half = FaultInjector(FaultConfig(seed=1, commit_then_fail=frozenset({"A"}), fault_rate=0.5))
    drawn = [half.draw("A") for _ in range(200)]
    assert 60 < sum(d is not None for d in drawn) < 140


def test_fail_first_then_random_then_clear() -> None:
    injector = FaultInjector()
    injector.fail_first("A", 2, "error", status=503)
    injector.fail_first("A", 1, "throttle", retry_after=3)
    assert injector.draw("B") is None
    assert [injector.draw("A") for _ in range(4)] == [
        Fault("error", 503),
        Fault("error", 503),
        Fault("throttle", 429, 3),
        None,
    ]
    assert [(i.action, i.call, i.fault.kind) for i in injector.injected] == [
        ("A", 1, "error"),
        ("A", 2, "error"),
        ("A", 3, "throttle"),
    ]
    injector.fail_first("A", 1, "commit")
    injector.clear()
    assert injector.draw("A") is None
    assert injector.injected == []


def test_configure_at_run_time() -> None:
    injector = FaultInjector()
    assert injector.draw("A") is None
    injector.configure(FaultConfig(seed=2, error_rate=1))
    assert injector.draw("A") is not None


@pytest.mark.parametrize(
    "fields",
    [
        {"throttle_rate": 1.5},
        {"error_rate": -0.1},
        {"fault_rate": 2},
        {"throttle_retry_after": 0},
        {"throttle_status": 200},
        {"commit_fail_mode": "explode"},
    ],
)
def test_config_validation(fields: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        FaultConfig(**fields)


def test_fail_first_validation() -> None:
    injector = FaultInjector()
    with pytest.raises(ValueError):
        injector.fail_first("A", 0)
    with pytest.raises(ValueError):
        injector.fail_first("A", 1, "melt")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        injector.fail_first("A", 1, retry_after=0)


def test_parse_actions() -> None:
    assert parse_actions(["A,B", " C ", ",", "BssOpenApi:ModifyInstance"]) == {
        "A",
        "B",
        "C",
        "BssOpenApi:ModifyInstance",
    }


# Through the server, as the SDK sees it.


def test_throttling_with_retry_after(server: EmulatorServer, injector: FaultInjector) -> None:
    injector.configure(FaultConfig(seed=1, throttle_rate=1, throttle_retry_after=7))
    for algorithm in (None, "v2"):
        with pytest.raises(ThrottlingException) as exc:
            list_instances(client(server, signature_algorithm=algorithm))
        assert exc.value.retry_after == 7
        assert exc.value.code == "Throttling.User"
        assert exc.value.status_code == 429


def test_throttling_as_503_with_retry_after(
    server: EmulatorServer, injector: FaultInjector
) -> None:
    injector.fail_first("ListInstances", 1, "throttle", status=503, retry_after=2)
    with pytest.raises(ThrottlingException) as exc:
        list_instances(client(server))
    assert (exc.value.code, exc.value.status_code, exc.value.retry_after) == (
        "Throttling.User",
        503,
        2,
    )
    assert list_instances(client(server)).body.code == "OK"


def test_throttling_without_retry_after(server: EmulatorServer, injector: FaultInjector) -> None:
    injector.configure(FaultConfig(seed=1, throttle_rate=1))
    with pytest.raises(ClientException) as exc:
        create(client(server), "acme-support")
    assert not isinstance(exc.value, ThrottlingException)
    assert (exc.value.code, exc.value.status_code) == ("Throttling.User", 400)
    assert set(exc.value.data) >= {"RequestId", "HostId", "Code", "Message", "Recommend"}
    assert not exists(server.engine, "acme-support")  # nothing was carried out


def test_server_errors_carry_nothing_out(server: EmulatorServer, injector: FaultInjector) -> None:
    injector.fail_first("CreateInstance", 1, "error", status=500)
    injector.fail_first("CreateInstance", 1, "error", status=503)
    seen = []
    for _ in range(2):
        with pytest.raises(ServerException) as exc:
            create(client(server), "acme-support")
        seen.append((exc.value.code, exc.value.status_code))
    assert seen == [("InternalService.Common", 500), ("ServiceUnavailable", 503)]
    assert not exists(server.engine, "acme-support")
    create(client(server), "acme-support")
    assert exists(server.engine, "acme-support")


def test_commit_then_fail(server: EmulatorServer, injector: FaultInjector) -> None:
    injector.configure(FaultConfig(commit_then_fail=frozenset({"CreateInstance"})))
    with pytest.raises(ServerException) as exc:
        create(client(server), "acme-support")
    assert (exc.value.code, exc.value.status_code) == ("InternalService.Common", 500)
    assert exists(server.engine, "acme-support")
    got = client(server).get_instance(ccc_models.GetInstanceRequest(instance_id="acme-support"))
    assert got.body.data.domain_name == "acme-support"
    # A retry meets the committed instance.
    injector.configure(FaultConfig())
    with pytest.raises(ClientException) as conflict:
        create(client(server), "acme-support")
    assert conflict.value.code == "AlreadyExists.DomainName"


def test_commit_then_drop_the_connection(server: EmulatorServer, injector: FaultInjector) -> None:
    injector.fail_first("CreateInstance", 1, "drop")
    with pytest.raises(UnretryableException):
        create(client(server), "acme-support")
    assert exists(server.engine, "acme-support")
    # The server goes on serving.
    assert list_instances(client(server)).body.data.total_count == 1


def test_commit_then_fail_only_after_success(
    server: EmulatorServer, injector: FaultInjector
) -> None:
    injector.fail_first("GetInstance", 1, "commit")
    with pytest.raises(ClientException) as exc:
        client(server).get_instance(ccc_models.GetInstanceRequest(instance_id="missing-one"))
    assert exc.value.code == "NotExists.InstanceId"


def test_commit_then_fail_on_bss(server: EmulatorServer, injector: FaultInjector) -> None:
    create(client(server), "acme-support")
    injector.configure(FaultConfig(commit_then_fail=parse_actions(["BssOpenApi:ModifyInstance"])))
    bss = BssClient(
        Config(
            access_key_id=AK,
            access_key_secret=SK,
            endpoint=server.endpoint,
            protocol="http",
            region_id="cn-shanghai",
        )
    )
    request = bss_models.ModifyInstanceRequest(
        product_code="ccc",
        instance_id="acme-support",
        modify_type="Upgrade",
        subscription_type="Subscription",
        parameter=[
            bss_models.ModifyInstanceRequestParameter(
                code="SmartConversationAnalysis", value="true"
            )
        ],
    )
    with pytest.raises(ServerException) as exc:
        bss.modify_instance(request)
    assert (exc.value.code, exc.value.status_code) == ("InternalError", 500)
    assert server.engine.conversation_analysis_status() == {"acme-support": True}
    # CCC's ModifyInstance is another action.
    client(server).modify_instance(
        ccc_models.ModifyInstanceRequest(instance_id="acme-support", description="d")
    )


def test_faults_never_hide_a_signature_error(
    server: EmulatorServer, injector: FaultInjector
) -> None:
    injector.configure(FaultConfig(seed=1, throttle_rate=1, error_rate=1))
    injector.fail_first("ListInstances", 5, "error")
    for algorithm in (None, "v2"):
        with pytest.raises(ClientException) as exc:
            list_instances(client(server, access_key_secret="wrong", signature_algorithm=algorithm))
        assert exc.value.code == "SignatureDoesNotMatch"
    assert injector.injected == []


def outcomes(engine: CccEmulation, seed: int) -> list[str]:
    config = FaultConfig(seed=seed, throttle_rate=0.25, error_rate=0.25)
    with serve_in_thread(engine, credentials={AK: SK}, faults=config) as server:
        ccc = client(server)
        seen = []
        for _ in range(30):
            try:
                list_instances(ccc)
                seen.append("OK")
            except TeaException as error:
                seen.append(f"{error.code}")
        return seen


def test_seeded_faults_are_reproducible_through_the_server(make_emulation: MakeEmulation) -> None:
    engine = make_emulation(create_seconds=0)
    first = outcomes(engine, seed=42)
    assert outcomes(engine, seed=42) == first
    assert {"OK", "Throttling.User"} <= set(first)
    assert set(first) & {"InternalService.Common", "ServiceUnavailable"}
    assert outcomes(engine, seed=43) != first
