"""The emulator's HTTP server, driven by the official Alibaba Cloud SDK as a user would drive it."""

from __future__ import annotations

import http.client
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from alibabacloud_bssopenapi20171214 import models as bss_models
from alibabacloud_bssopenapi20171214.client import Client as BssClient
from alibabacloud_ccc20200701 import models as ccc_models
from alibabacloud_ccc20200701.client import Client as CccClient
from alibabacloud_sts20150401.client import Client as StsClient
from alibabacloud_tea_openapi.exceptions import ClientException
from alibabacloud_tea_openapi.models import Config

from ccc_emulator import CccEmulation
from ccc_emulator.http.server import EmulatorServer, serve_in_thread

from .conftest import MakeEmulation
from .helpers import ADMIN, FakeClock

AK, SK = "LTAI-emulator-test", "emulator-secret"


@pytest.fixture
def engine(make_emulation: MakeEmulation) -> CccEmulation:
    return make_emulation(create_seconds=30, delete_seconds=20)


@pytest.fixture
def server(engine: CccEmulation) -> Iterator[EmulatorServer]:
    with serve_in_thread(engine, credentials={AK: SK}) as running:
        yield running


def config(server: EmulatorServer, **overrides: Any) -> Config:
    values: dict[str, Any] = {
        "access_key_id": AK,
        "access_key_secret": SK,
        "endpoint": server.endpoint,
        "protocol": "http",
        "region_id": "cn-shanghai",
        "read_timeout": 10000,
        "connect_timeout": 5000,
    }
    values.update(overrides)
    return Config(**values)


def ccc(server: EmulatorServer, **overrides: Any) -> CccClient:
    return CccClient(config(server, **overrides))


def create(client: CccClient, domain: str, **fields: Any) -> Any:
    request = ccc_models.CreateInstanceRequest(
        name=fields.pop("name", "Support Center"),
        domain_name=domain,
        admin_ram_id_list=json.dumps([ADMIN]),
        **fields,
    )
    return client.create_instance(request)


def raw(
    server: EmulatorServer,
    query: str = "",
    headers: dict[str, str] | None = None,
    method: str = "POST",
    body: bytes = b"",
) -> tuple[int, dict[str, str], dict[str, Any]]:
    connection = http.client.HTTPConnection(server.host, server.port, timeout=10)
    try:
        connection.request(method, f"/?{query}" if query else "/", body=body, headers=headers or {})
        response = connection.getresponse()
        payload = json.loads(response.read() or b"{}")
        return response.status, {k.lower(): v for k, v in response.getheaders()}, payload
    finally:
        connection.close()


@pytest.mark.parametrize("algorithm", [None, "v2"])
def test_instance_round_trip(
    server: EmulatorServer, clock: FakeClock, algorithm: str | None
) -> None:
    client = ccc(server, signature_algorithm=algorithm)
    created = create(client, "acme-support", description="first line & more = é ~")
    assert created.status_code == 200
    assert created.body.code == "OK"
    assert created.body.http_status_code == 200
    assert created.body.request_id
    assert created.body.data  # the workflow id
    assert created.headers["x-acs-request-id"] == created.body.request_id

    got = client.get_instance(ccc_models.GetInstanceRequest(instance_id="acme-support"))
    assert got.body.data.status == "CREATING"
    assert got.body.data.description == "first line & more = é ~"
    clock.advance(31)
    got = client.get_instance(ccc_models.GetInstanceRequest(instance_id="acme-support"))
    assert got.body.data.status == "RUNNING"

    listed = client.list_instances(ccc_models.ListInstancesRequest(page_number=1, page_size=10))
    assert listed.body.data.total_count == 1
    assert [item.id for item in listed.body.data.list] == ["acme-support"]

    client.modify_instance(
        ccc_models.ModifyInstanceRequest(instance_id="acme-support", description="new words")
    )
    got = client.get_instance(ccc_models.GetInstanceRequest(instance_id="acme-support"))
    assert got.body.data.description == "new words"

    deleted = client.delete_instance(ccc_models.DeleteInstanceRequest(instance_id="acme-support"))
    assert deleted.body.code == "OK"
    clock.advance(21)
    listed = client.list_instances(ccc_models.ListInstancesRequest(page_number=1, page_size=10))
    assert listed.body.data.total_count == 0


def test_api_error_maps_to_client_exception(server: EmulatorServer) -> None:
    client = ccc(server)
    with pytest.raises(ClientException) as exc:
        client.get_instance(ccc_models.GetInstanceRequest(instance_id="missing-instance"))
    assert exc.value.code == "NotExists.InstanceId"
    assert exc.value.status_code == 404
    assert exc.value.data["HttpStatusCode"] == 404
    assert exc.value.request_id == exc.value.data["RequestId"]


def test_conflict_and_parameter_errors(server: EmulatorServer) -> None:
    client = ccc(server)
    create(client, "acme-support")
    with pytest.raises(ClientException) as exc:
        create(client, "acme-support")
    assert (exc.value.code, exc.value.status_code) == ("AlreadyExists.DomainName", 409)
    with pytest.raises(ClientException) as exc:
        client.create_instance(ccc_models.CreateInstanceRequest(domain_name="acme-other"))
    assert exc.value.status_code == 400
    assert exc.value.code.startswith("Parameter.")


class RecordingEngine(CccEmulation):
    """An emulation that also answers DeleteSkillGroup, recording what reached it."""

    def __init__(self, data_dir: Path) -> None:
        super().__init__(data_dir, create_seconds=0)
        self.calls: list[tuple[str, dict[str, str]]] = []

    @property
    def actions(self) -> frozenset[str]:
        return super().actions | {"DeleteSkillGroup"}

    def handle(self, action: str, params: Any) -> Any:
        self.calls.append((action, dict(params)))
        return None if action == "DeleteSkillGroup" else super().handle(action, params)


def test_parameters_reach_the_engine_as_the_sdk_writes_them(tmp_path: Path) -> None:
    # Booleans as True/False, lists as JSON text, no gateway parameters (Action, Signature...).
    engine = RecordingEngine(tmp_path / "ccc")
    with engine, serve_in_thread(engine) as server:
        for algorithm in (None, "v2"):
            engine.calls.clear()
            ccc(server, signature_algorithm=algorithm).delete_skill_group(
                ccc_models.DeleteSkillGroupRequest(
                    instance_id="acme-support", skill_group_id="sales@acme-support", force=True
                )
            )
            assert engine.calls == [
                (
                    "DeleteSkillGroup",
                    {
                        "InstanceId": "acme-support",
                        "SkillGroupId": "sales@acme-support",
                        "Force": "True",
                    },
                )
            ]


def test_wrong_secret_is_signature_mismatch(server: EmulatorServer) -> None:
    for algorithm in (None, "v2"):
        client = ccc(server, access_key_secret="not-the-secret", signature_algorithm=algorithm)
        with pytest.raises(ClientException) as exc:
            client.list_instances(ccc_models.ListInstancesRequest(page_number=1, page_size=10))
        assert (exc.value.code, exc.value.status_code) == ("SignatureDoesNotMatch", 400)
        assert set(exc.value.data) >= {"RequestId", "HostId", "Code", "Message", "Recommend"}


def test_unknown_access_key(server: EmulatorServer) -> None:
    client = ccc(server, access_key_id="LTAI-unknown")
    with pytest.raises(ClientException) as exc:
        client.list_instances(ccc_models.ListInstancesRequest(page_number=1, page_size=10))
    assert (exc.value.code, exc.value.status_code) == ("InvalidAccessKeyId.NotFound", 404)


def test_sts_token_is_accepted_with_its_key(server: EmulatorServer) -> None:
    for algorithm in (None, "v2"):
        client = ccc(server, security_token="CAIS-token", signature_algorithm=algorithm)
        listed = client.list_instances(ccc_models.ListInstancesRequest(page_number=1, page_size=1))
        assert listed.body.code == "OK"


def test_unsigned_request_is_refused_when_keys_are_set(server: EmulatorServer) -> None:
    status, _, body = raw(
        server,
        "PageNumber=1&PageSize=10",
        {"x-acs-action": "ListInstances", "x-acs-version": "2020-07-01"},
    )
    assert (status, body["Code"]) == (400, "MissingParameter")
    assert "AccessKeyId" in body["Message"]


def test_without_keys_anything_goes(engine: CccEmulation) -> None:
    with serve_in_thread(engine) as server:
        # Unsigned, with the action in the query (as the legacy protocol sends it) and by GET.
        status, _, body = raw(
            server,
            "Action=ListInstances&Version=2020-07-01&PageNumber=1&PageSize=10",
            method="GET",
        )
        assert (status, body["Code"], body["Data"]["TotalCount"]) == (200, "OK", 0)
        # Any signature at all.
        listed = ccc(server, access_key_secret="whatever").list_instances(
            ccc_models.ListInstancesRequest(page_number=1, page_size=10)
        )
        assert listed.body.code == "OK"


def test_form_body_parameters(engine: CccEmulation) -> None:
    with serve_in_thread(engine) as server:
        status, _, body = raw(
            server,
            "Action=ListInstances&Version=2020-07-01",
            {"content-type": "application/x-www-form-urlencoded"},
            body=b"PageNumber=1&PageSize=5",
        )
        assert (status, body["Data"]["PageSize"]) == (200, 5)


def test_unknown_version_and_action(engine: CccEmulation) -> None:
    with serve_in_thread(engine) as server:
        status, _, body = raw(server, headers={"x-acs-action": "X", "x-acs-version": "1999-01-01"})
        assert (status, body["Code"]) == (400, "InvalidVersion")
        assert set(body) == {"RequestId", "HostId", "Code", "Message", "Recommend"}
        status, _, body = raw(
            server, headers={"x-acs-action": "NoSuchThing", "x-acs-version": "2020-07-01"}
        )
        assert (status, body["Code"]) == (404, "InvalidAction.NotFound")
        status, _, body = raw(server, headers={"x-acs-version": "2020-07-01"})
        assert (status, body["Code"]) == (400, "MissingParameter")
        status, _, body = raw(server, headers={"x-acs-action": "ListInstances"})
        assert (status, body["Code"]) == (400, "MissingParameter")
        # BSS's and STS's actions are not CCC's.
        status, _, body = raw(
            server, headers={"x-acs-action": "GetCallerIdentity", "x-acs-version": "2020-07-01"}
        )
        assert (status, body["Code"]) == (404, "InvalidAction.NotFound")


def test_new_engine_operations_are_served(engine: CccEmulation) -> None:
    # Whatever the engine answers, the server dispatches: no list of actions to keep in step.
    with serve_in_thread(engine) as server:
        for action in sorted(engine.actions):
            status, _, body = raw(
                server, headers={"x-acs-action": action, "x-acs-version": "2020-07-01"}
            )
            assert body["RequestId"]
            assert body.get("Code") != "InvalidAction.NotFound", action
            assert status == body.get("HttpStatusCode", status)


def test_bss_turns_conversation_analysis_on(server: EmulatorServer, clock: FakeClock) -> None:
    create(ccc(server), "acme-support")
    create(ccc(server), "acme-sales")
    clock.advance(31)
    bss = BssClient(config(server))
    modules = bss.describe_pricing_module(
        bss_models.DescribePricingModuleRequest(
            product_code="ccc", subscription_type="Subscription"
        )
    )
    assert modules.body.success is True
    assert modules.body.code == "Success"
    codes = [module.module_code for module in modules.body.data.module_list.module]
    assert "SmartConversationAnalysis" in codes
    attributes = {a.code: a for a in modules.body.data.attribute_list.attribute}
    values = [v.value for v in attributes["SmartConversationAnalysis"].values.attribute_value]
    assert values == ["true", "false"]

    order = bss.modify_instance(
        bss_models.ModifyInstanceRequest(
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
    )
    assert order.body.success is True
    assert order.body.data.order_id.isdigit()
    assert order.body.data.host_id
    assert server.engine.conversation_analysis_status() == {
        "acme-support": True,
        "acme-sales": False,
    }


def test_bss_order_is_idempotent_by_client_token(server: EmulatorServer, clock: FakeClock) -> None:
    create(ccc(server), "acme-support")
    clock.advance(31)
    bss = BssClient(config(server))

    def order(token: str) -> str:
        request = bss_models.ModifyInstanceRequest(
            product_code="ccc",
            instance_id="acme-support",
            modify_type="Upgrade",
            subscription_type="Subscription",
            client_token=token,
            parameter=[
                bss_models.ModifyInstanceRequestParameter(code="AgentCount", value="20"),
                bss_models.ModifyInstanceRequestParameter(
                    code="SmartConversationAnalysis", value="True"
                ),
            ],
        )
        return str(bss.modify_instance(request).body.data.order_id)

    first = order("token-1")
    assert order("token-1") == first
    assert order("token-2") != first
    assert server.engine.conversation_analysis_status() == {"acme-support": True}


@pytest.mark.parametrize(
    ("fields", "code", "status"),
    [
        ({"instance_id": "missing-instance"}, "NotExists.InstanceId", 404),
        ({"product_code": "rds"}, "InvalidParameter", 400),
        ({"modify_type": "Sideways"}, "InvalidParameter", 400),
        ({"subscription_type": None}, "MissingParameter", 400),
        ({"code": "Nonsense"}, "InvalidConfigCode", 400),
        ({"value": "false"}, "NotApplicable", 400),
    ],
)
def test_bss_errors(
    server: EmulatorServer, clock: FakeClock, fields: dict[str, Any], code: str, status: int
) -> None:
    create(ccc(server), "acme-support")
    clock.advance(31)
    values: dict[str, Any] = {
        "product_code": "ccc",
        "instance_id": "acme-support",
        "modify_type": "Upgrade",
        "subscription_type": "Subscription",
    }
    parameter = {
        "code": fields.pop("code", "SmartConversationAnalysis"),
        "value": fields.pop("value", "true"),
    }
    values.update(fields)
    request = bss_models.ModifyInstanceRequest(
        **values, parameter=[bss_models.ModifyInstanceRequestParameter(**parameter)]
    )
    with pytest.raises(ClientException) as exc:
        BssClient(config(server)).modify_instance(request)
    assert (exc.value.code, exc.value.status_code) == (code, status)
    assert exc.value.data["Success"] is False
    assert server.engine.conversation_analysis_status() == {"acme-support": False}


def test_bss_waits_for_creation(server: EmulatorServer) -> None:
    create(ccc(server), "acme-support")
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
    with pytest.raises(ClientException) as exc:
        BssClient(config(server)).modify_instance(request)
    assert (exc.value.code, exc.value.status_code) == ("AbnormalService.Creating", 403)


def test_sts_caller_identity(server: EmulatorServer) -> None:
    identity = StsClient(config(server)).get_caller_identity().body
    assert identity.identity_type == "RAMUser"
    assert identity.user_id == server.engine.caller_identity()
    assert identity.principal_id == identity.user_id
    assert identity.account_id.isdigit() and len(identity.account_id) == 16
    assert identity.arn.startswith(f"acs:ram::{identity.account_id}:user/")
    assert identity.request_id
    # The same account, signed the legacy way.
    again = StsClient(config(server, signature_algorithm="v2")).get_caller_identity().body
    assert (again.account_id, again.user_id) == (identity.account_id, identity.user_id)


def test_sts_caller_identity_with_a_token(server: EmulatorServer) -> None:
    identity = StsClient(config(server, security_token="CAIS-token")).get_caller_identity().body
    assert identity.identity_type == "AssumedRoleUser"
    assert identity.role_id and identity.user_id is None
    assert identity.arn.startswith(f"acs:ram::{identity.account_id}:assumed-role/")


def test_serve_in_thread_owns_an_engine_made_from_a_data_dir(tmp_path: Path) -> None:
    server = serve_in_thread(tmp_path / "ccc", credentials={AK: SK})
    try:
        create(ccc(server), "acme-support")
        got = ccc(server).get_instance(ccc_models.GetInstanceRequest(instance_id="acme-support"))
        assert got.body.data.status == "RUNNING"  # create_seconds defaults to 0 here
    finally:
        server.stop()
    server.stop()  # idempotent
    with CccEmulation(tmp_path / "ccc") as reopened:
        assert reopened.conversation_analysis_status() == {"acme-support": False}


def test_stop_releases_the_port_and_idle_connections(engine: CccEmulation) -> None:
    server = serve_in_thread(engine)
    connection = http.client.HTTPConnection(server.host, server.port, timeout=5)
    connection.request("POST", "/?Action=ListInstances&Version=2020-07-01&PageNumber=1&PageSize=1")
    assert connection.getresponse().read()
    port = server.port
    server.stop()
    with EmulatorServer(engine, port=port) as again:
        assert again.port == port
    connection.close()
