"""The aliyun console channel: STS caller identity, and conversation analysis through BSS
(with the manual-step fallback)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ccc_emulator.http.server import EmulatorServer, serve_in_thread
from cccform.errors import ApiError, CredentialsError, ManualStepRequired, ProviderError
from cccform.providers.aliyun.console import (
    AliyunConsole,
    find_qa_module,
    manual_instructions,
    on_value,
)
from cccform.providers.aliyun.ratelimit import RateLimiter
from cccform.providers.base import InstanceSpec
from cccform.providers.ccc import CccProvider

from .contract.aliyun_env import AK, SK, aliyun_provider, credential_env, fast_policy

INSTANCE = "acme-support"
SPEC = InstanceSpec("Support Center", INSTANCE, "", (), ("248613806810701",))


@pytest.fixture
def server(tmp_path: Path) -> Iterator[EmulatorServer]:
    home = tmp_path / "home"
    with credential_env(home), serve_in_thread(tmp_path / "emulator", credentials={AK: SK}) as s:
        yield s


@pytest.fixture
def provider(server: EmulatorServer) -> CccProvider:
    made = aliyun_provider(server)
    made.create_instance(SPEC)
    return made


def console_of(provider: CccProvider) -> AliyunConsole:
    assert isinstance(provider.console, AliyunConsole)
    return provider.console


def assert_console_steps(message: str, instance_id: str = INSTANCE) -> None:
    assert "https://ccc.console.aliyun.com" in message
    assert f"Select the instance {instance_id}" in message
    assert "变配 (Change Configuration)" in message
    assert "智能对话分析 (Smart Conversation Analysis)" in message
    assert "Submit the order" in message


# -- caller identity -----------------------------------------------------------------


def test_caller_identity_of_a_ram_user(server: EmulatorServer, provider: CccProvider) -> None:
    assert provider.caller_identity() == server.engine.caller_identity()


def test_caller_identity_of_an_assumed_role(tmp_path: Path, server: EmulatorServer) -> None:
    with credential_env(tmp_path / "home") as patch:
        patch.setenv("ALIBABA_CLOUD_SECURITY_TOKEN", "CAIS-token")
        provider = aliyun_provider(server)
        with pytest.raises(ProviderError, match="set `admins`"):
            provider.caller_identity()
        with pytest.raises(ProviderError, match="assumed RAM role"):
            provider.create_instance(InstanceSpec("Name", "acme-other", "", (), ()))
        assert provider.list_instances() == []  # the token works otherwise


class FakeResponse:
    def __init__(self, body: dict[str, Any]) -> None:
        self.body = self
        self._body = body

    def to_map(self) -> dict[str, Any]:
        return self._body


class FakeSts:
    def __init__(self, body: dict[str, Any]) -> None:
        self.body = body

    def get_caller_identity_with_options(self, _runtime: Any) -> FakeResponse:
        return FakeResponse(self.body)


class FakeBss:
    def __init__(self, modules: list[dict[str, Any]], order: dict[str, Any]) -> None:
        self.modules = modules
        self.order = order
        self.described: list[str] = []
        self.ordered: list[Any] = []

    def describe_pricing_module_with_options(self, request: Any, _runtime: Any) -> FakeResponse:
        self.described.append(request.subscription_type)
        return FakeResponse({"Success": True, "Data": {"ModuleList": {"Module": self.modules}}})

    def modify_instance_with_options(self, request: Any, _runtime: Any) -> FakeResponse:
        self.ordered.append(request)
        return FakeResponse(self.order)


def fake_console(
    sts: dict[str, Any] | None = None,
    modules: list[dict[str, Any]] | None = None,
    order: dict[str, Any] | None = None,
    **kwargs: Any,
) -> AliyunConsole:
    return AliyunConsole(
        bss=FakeBss(modules or [], order or {}),
        sts=FakeSts(sts or {}),
        runtime=None,
        policy=fast_policy(3),
        limiter=RateLimiter(sleep=lambda _s: None),
        redact=lambda text: text,
        **kwargs,
    )


def test_caller_identity_of_the_account_itself() -> None:
    body = {"IdentityType": "Account", "AccountId": "1234567890123456", "UserId": "x"}
    assert fake_console(sts=body).caller_identity() == "1234567890123456"
    body = {"IdentityType": "RAMUser", "AccountId": "1", "UserId": "200000000000001"}
    assert fake_console(sts=body).caller_identity() == "200000000000001"
    with pytest.raises(ProviderError, match="without a user or account id"):
        fake_console(sts={"IdentityType": "RAMUser"}).caller_identity()


# -- conversation analysis through BSS ---------------------------------------------------


def test_status_is_unknown(provider: CccProvider) -> None:
    provider.enable_conversation_analysis(INSTANCE)
    assert {i.conversation_analysis for i in provider.list_instances()} == {None}


def test_enable_discovers_the_module_once(server: EmulatorServer, provider: CccProvider) -> None:
    provider.create_instance(InstanceSpec("Sales Center", "acme-sales", "", (), ("1",)))
    provider.enable_conversation_analysis(INSTANCE)
    module = console_of(provider).qa_module(INSTANCE)
    assert (module.code, module.subscription_type, module.value) == (
        "SmartConversationAnalysis",
        "PayAsYouGo",
        "true",
    )
    server.faults.fail_first("BssOpenApi:DescribePricingModule", 5, "error", status=403)
    provider.enable_conversation_analysis("acme-sales")  # no second DescribePricingModule
    assert server.engine.conversation_analysis_status() == {INSTANCE: True, "acme-sales": True}


def test_configured_module_code(server: EmulatorServer) -> None:
    provider = aliyun_provider(server, qa_module_code="SmartConversationAnalysis")
    provider.create_instance(SPEC)
    server.faults.fail_first("BssOpenApi:DescribePricingModule", 5, "error", status=403)
    provider.enable_conversation_analysis(INSTANCE)  # needs no discovery
    assert server.engine.conversation_analysis_status() == {INSTANCE: True}


def test_unknown_module_code_is_a_manual_step(server: EmulatorServer) -> None:
    provider = aliyun_provider(server, qa_module_code="NoSuchModule")
    provider.create_instance(SPEC)
    with pytest.raises(ManualStepRequired) as exc:
        provider.enable_conversation_analysis(INSTANCE)
    assert "InvalidConfigCode" in str(exc.value)
    assert_console_steps(str(exc.value))
    assert server.engine.conversation_analysis_status() == {INSTANCE: False}


@pytest.mark.parametrize("status", [400, 403])
def test_bss_refusing_the_order_is_a_manual_step(
    server: EmulatorServer, provider: CccProvider, status: int
) -> None:
    server.faults.fail_first("BssOpenApi:ModifyInstance", 1, "error", status=status)
    with pytest.raises(ManualStepRequired) as exc:
        provider.enable_conversation_analysis(INSTANCE)
    assert "BSS OpenAPI refused the order" in str(exc.value)
    assert_console_steps(str(exc.value))
    assert server.engine.conversation_analysis_status() == {INSTANCE: False}


def test_discovery_failing_is_a_manual_step(server: EmulatorServer, provider: CccProvider) -> None:
    server.faults.fail_first("BssOpenApi:DescribePricingModule", 2, "error", status=403)
    with pytest.raises(ManualStepRequired) as exc:
        provider.enable_conversation_analysis(INSTANCE)
    message = str(exc.value)
    assert "PayAsYouGo" in message and "Subscription" in message
    assert "qa_module_code" in message
    assert_console_steps(message)
    # Not remembered: the next try discovers again, and succeeds.
    provider.enable_conversation_analysis(INSTANCE)
    assert server.engine.conversation_analysis_status() == {INSTANCE: True}


def test_state_errors_pass_through(provider: CccProvider) -> None:
    with pytest.raises(ApiError) as exc:
        provider.enable_conversation_analysis("missing-instance")
    assert exc.value.code == "NotExists.InstanceId"


def test_instance_still_being_created(tmp_path: Path) -> None:
    with (
        credential_env(tmp_path / "home"),
        serve_in_thread(tmp_path / "emulator", credentials={AK: SK}, create_seconds=600) as slow,
    ):
        provider = aliyun_provider(slow)
        provider.create_instance(SPEC)
        with pytest.raises(ApiError) as exc:
            provider.enable_conversation_analysis(INSTANCE)
        assert (exc.value.code, exc.value.http_status) == ("AbnormalService.Creating", 403)


def test_wrong_credentials_are_not_a_manual_step(tmp_path: Path, server: EmulatorServer) -> None:
    with credential_env(tmp_path / "home", secret="wrong"):
        provider = aliyun_provider(server, qa_module_code="SmartConversationAnalysis")
        with pytest.raises(CredentialsError):
            provider.enable_conversation_analysis(INSTANCE)


def test_success_needs_an_order_id() -> None:
    modules = [{"ModuleCode": "SmartConversationAnalysis", "ModuleName": "智能对话分析"}]
    for order in (
        {"Success": True, "Code": "Success", "Data": {}},
        {"Success": True, "Code": "Success"},
    ):
        console = fake_console(modules=modules, order=order)
        with pytest.raises(ManualStepRequired, match="without an order id"):
            console.enable_conversation_analysis("inst-1")
    refused = {"Success": False, "Code": "NotApplicable", "Message": "not for this instance"}
    console = fake_console(modules=modules, order=refused)
    with pytest.raises(ManualStepRequired, match="NotApplicable: not for this instance"):
        console.enable_conversation_analysis("inst-1")
    ok = {"Success": True, "Code": "Success", "Data": {"OrderId": "2023"}}
    console = fake_console(modules=modules, order=ok)
    console.enable_conversation_analysis("inst-1")
    bss = console.bss
    assert isinstance(bss, FakeBss)
    (request,) = bss.ordered
    assert (request.product_code, request.instance_id, request.modify_type) == (
        "ccc",
        "inst-1",
        "Upgrade",
    )
    assert request.subscription_type == "PayAsYouGo"
    assert request.client_token
    assert [(p.code, p.value) for p in request.parameter] == [("SmartConversationAnalysis", "true")]


def test_module_not_listed_tries_each_subscription_type() -> None:
    console = fake_console(modules=[{"ModuleCode": "AgentCount", "ModuleName": "坐席数"}])
    with pytest.raises(ManualStepRequired) as exc:
        console.enable_conversation_analysis("inst-1")
    assert "no conversation analysis module among AgentCount" in str(exc.value)
    assert_console_steps(str(exc.value), "inst-1")
    bss = console.bss
    assert isinstance(bss, FakeBss)
    assert bss.described == ["PayAsYouGo", "Subscription"]
    assert bss.ordered == []


@pytest.mark.parametrize(
    ("modules", "expected"),
    [
        ([{"ModuleCode": "SmartConversationAnalysis"}], "SmartConversationAnalysis"),
        (
            [{"ModuleCode": "Seat"}, {"ModuleCode": "QaModule", "ModuleName": "智能对话分析"}],
            "QaModule",
        ),
        ([{"ModuleCode": "Sca", "ModuleName": "Smart Conversation Analysis"}], "Sca"),
        ([{"ModuleCode": "SpeechAnalysisPack", "ModuleName": "x"}], "SpeechAnalysisPack"),
        ([{"ModuleCode": "Seat", "ModuleName": "Agent analysis"}], "Seat"),
    ],
)
def test_find_qa_module(modules: list[dict[str, Any]], expected: str) -> None:
    assert find_qa_module(modules) == expected


def test_find_qa_module_refuses_to_guess() -> None:
    found = find_qa_module([{"ModuleCode": "AAnalysis"}, {"ModuleCode": "BAnalysis"}])
    assert found == (None, "several modules could be it (AAnalysis, BAnalysis)")
    assert find_qa_module([]) == (None, "no conversation analysis module among none")


def test_on_value() -> None:
    attributes = [
        {
            "Code": "Qa",
            "Values": {"AttributeValue": [{"Value": "0", "Name": "关闭"}, {"Value": "1"}]},
        }
    ]
    assert on_value(attributes, "Qa") == "1"
    assert on_value(attributes, "Other") == "true"
    opened = [{"Code": "Qa", "Values": {"AttributeValue": [{"Value": "Y", "Name": "开通"}]}}]
    assert on_value(opened, "Qa") == "Y"


def test_manual_instructions() -> None:
    message = manual_instructions("acme-x", "because")
    assert message.startswith(
        "Smart Conversation Analysis (智能对话分析) could not be turned on for CCC instance "
        "'acme-x' through the API: because."
    )
    assert_console_steps(message, "acme-x")
