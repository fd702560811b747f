"""Console-only actions on the real cloud: the caller's identity (STS) and turning on Smart
Conversation Analysis (智能对话分析, "QA") as a change-configuration order (BSS OpenAPI).

* `caller_identity()`: STS `GetCallerIdentity`. For a RAM user its `UserId` (the RAM user id CCC
  takes in `AdminRamIdList`); for the account itself (root access key, `IdentityType` "Account")
  the `AccountId`. An assumed role has no RAM user id: cccform then asks for `admins` to be set.
* `enable_conversation_analysis(instance_id)`: BSS `ModifyInstance(ProductCode=ccc, InstanceId,
  ModifyType=Upgrade, SubscriptionType, Parameter.1.Code=<module>, Parameter.1.Value=true,
  ClientToken)`. The module code is the provider setting `qa_module_code`, else found once with
  `DescribePricingModule(ProductCode=ccc, SubscriptionType)` (PayAsYouGo first, then
  Subscription): the module whose code is `SmartConversationAnalysis`, else whose name is
  智能对话分析 / conversation analysis, else the only one whose code or name holds "Analysis".
  Success is only an answer with `Success: true` (or `Code: Success`) and an `OrderId`. When no
  module is found, or BSS refuses the order (NotApplicable, Forbidden, InvalidParameter, no
  permission...), `ManualStepRequired` says how to do it in the console. None of this has been
  tried against the real cloud: CCC's real BSS module list is not published.

Neither CCC nor BSS can tell whether QA is on, so there is no way to read it: the planner relies on
the state (the same on every transport).
"""

from __future__ import annotations

import functools
import logging
import threading
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from alibabacloud_bssopenapi20171214 import models as bss_models

from cccform.errors import ApiError, ManualStepRequired, ProviderError
from cccform.providers.aliyun.failures import CallFailure, classify
from cccform.providers.aliyun.ratelimit import RateLimiter
from cccform.providers.aliyun.retry import RetryPolicy
from cccform.providers.aliyun.sdk_calls import Redact, attempt_sdk

log = logging.getLogger("cccform.api")

PRODUCT_CODE = "ccc"
QA_MODULE_CODE = "SmartConversationAnalysis"
QA_MODULE_NAMES = ("智能对话分析", "conversationanalysis")
SUBSCRIPTION_TYPES = ("PayAsYouGo", "Subscription")
CONSOLE_URL = "https://ccc.console.aliyun.com"
_ON_VALUES = ("true", "on", "1", "yes", "开通")
# BSS answers that are about the instance's state, not about the order: passed on as ApiError.
_STATE_CODES = ("NotExists.", "AbnormalService.")


def manual_instructions(instance_id: str, reason: str) -> str:
    """The console steps that turn QA on, with why cccform could not do it."""
    return (
        f"Smart Conversation Analysis (智能对话分析) could not be turned on for CCC instance "
        f"{instance_id!r} through the API: {reason}. Turn it on in the console:\n"
        f"  1. Open {CONSOLE_URL} and sign in to the account that owns the instance.\n"
        f"  2. Select the instance {instance_id}.\n"
        "  3. Choose 变配 (Change Configuration).\n"
        "  4. Turn on 智能对话分析 (Smart Conversation Analysis).\n"
        "  5. Submit the order (and pay it if asked).\n"
        "cccform cannot read this setting back from the cloud; once it is on, it stays on."
    )


@dataclass(frozen=True)
class QaModule:
    code: str
    subscription_type: str
    value: str = "true"


class AliyunConsole:
    """`ConsoleChannel` for the real cloud: STS and BSS OpenAPI through the official SDKs."""

    def __init__(
        self,
        *,
        bss: Any,
        sts: Any,
        runtime: Any,
        policy: RetryPolicy,
        limiter: RateLimiter,
        redact: Redact,
        qa_module_code: str | None = None,
        subscription_types: Sequence[str] = SUBSCRIPTION_TYPES,
    ) -> None:
        self.bss = bss
        self.sts = sts
        self.runtime = runtime
        self.policy = policy
        self.limiter = limiter
        self.redact = redact
        self.qa_module_code = qa_module_code
        self.subscription_types = tuple(subscription_types)
        self._module: QaModule | None = None
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"AliyunConsole(qa_module_code={self.qa_module_code!r})"

    # -- STS -------------------------------------------------------------------------

    def caller_identity(self) -> str:
        body = self._call(
            "Sts:GetCallerIdentity",
            lambda: self.sts.get_caller_identity_with_options(self.runtime),
            _sts_ok,
        )
        kind = str(body.get("IdentityType") or "")
        if kind == "AssumedRoleUser":
            raise ProviderError(
                "the Alibaba Cloud credentials are an assumed RAM role, which has no RAM user id "
                "for CreateInstance's AdminRamIdList; set `admins` on the instance to the RAM "
                "user ids that should administer it"
            )
        identity = body.get("AccountId") if kind == "Account" else body.get("UserId")
        identity = identity or body.get("UserId") or body.get("AccountId")
        if not identity:
            raise ProviderError("STS GetCallerIdentity answered without a user or account id")
        return str(identity)

    def account_id(self) -> str:
        body = self._call(
            "Sts:GetCallerIdentity",
            lambda: self.sts.get_caller_identity_with_options(self.runtime),
            _sts_ok,
        )
        account = body.get("AccountId")
        if not account:
            raise ProviderError("STS GetCallerIdentity answered without an account id")
        return str(account)

    # -- BSS -------------------------------------------------------------------------

    def enable_conversation_analysis(self, instance_id: str) -> None:
        module = self.qa_module(instance_id)
        request = bss_models.ModifyInstanceRequest(
            product_code=PRODUCT_CODE,
            instance_id=instance_id,
            modify_type="Upgrade",
            subscription_type=module.subscription_type,
            # The same token on every attempt: BSS places one order for it.
            client_token=uuid.uuid4().hex,
            parameter=[
                bss_models.ModifyInstanceRequestParameter(code=module.code, value=module.value)
            ],
        )
        try:
            body = self._call(
                "BssOpenApi:ModifyInstance",
                lambda: self.bss.modify_instance_with_options(request, self.runtime),
                _bss_ok,
            )
        except ApiError as error:
            if error.code.startswith(_STATE_CODES):
                raise
            reason = f"BSS OpenAPI refused the order ({error.code}: {error.api_message})"
            raise ManualStepRequired(manual_instructions(instance_id, reason)) from None
        order = _dict(body.get("Data")).get("OrderId")
        if not order:
            reason = "BSS OpenAPI answered without an order id, so the order is not confirmed"
            raise ManualStepRequired(manual_instructions(instance_id, reason))
        log.info("conversation analysis ordered for %s: BSS order %s", instance_id, order)

    def qa_module(self, instance_id: str) -> QaModule:
        """The BSS module that is QA: the setting, else found once (ManualStepRequired if not)."""
        with self._lock:
            if self._module is None:
                if self.qa_module_code:
                    self._module = QaModule(self.qa_module_code, self.subscription_types[0])
                else:
                    self._module = self._discover(instance_id)
            return self._module

    def _discover(self, instance_id: str) -> QaModule:
        reasons: list[str] = []
        for subscription_type in self.subscription_types:
            request = bss_models.DescribePricingModuleRequest(
                product_code=PRODUCT_CODE, subscription_type=subscription_type
            )
            try:
                body = self._call(
                    "BssOpenApi:DescribePricingModule",
                    functools.partial(
                        self.bss.describe_pricing_module_with_options, request, self.runtime
                    ),
                    _bss_ok,
                )
            except ApiError as error:
                reasons.append(f"{subscription_type}: {error.code}: {error.api_message}")
                continue
            data = _dict(body.get("Data"))
            found = find_qa_module(_items(data, "ModuleList", "Module"))
            if isinstance(found, str):
                value = on_value(_items(data, "AttributeList", "Attribute"), found)
                log.debug("conversation analysis is BSS module %s (%s)", found, subscription_type)
                return QaModule(found, subscription_type, value)
            reasons.append(f"{subscription_type}: {found[1]}")
        raise ManualStepRequired(
            manual_instructions(
                instance_id,
                "BSS DescribePricingModule did not show a conversation analysis module ("
                + "; ".join(reasons)
                + "); set qa_module_code in the provider block if you know it",
            )
        )

    def _call(
        self, action: str, call: Callable[[], Any], ok: Callable[[dict[str, Any]], bool]
    ) -> dict[str, Any]:
        def attempt() -> dict[str, Any]:
            self.limiter.acquire(action)
            body = attempt_sdk(call, self.redact)
            if not ok(body):
                code = str(body.get("Code") or "Unknown")
                message = self.redact(str(body.get("Message") or "the answer was not a success"))
                raise CallFailure(classify(code, None), code, message, None)
            return body

        return self.policy.run(action, attempt)


def _bss_ok(body: dict[str, Any]) -> bool:
    return body.get("Success") is True or body.get("Code") == "Success"


def _sts_ok(body: dict[str, Any]) -> bool:
    return "Code" not in body or not body.get("Code")


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _items(data: dict[str, Any], outer: str, inner: str) -> list[dict[str, Any]]:
    """BSS wraps lists twice: `{"ModuleList": {"Module": [...]}}`."""
    wrapper = data.get(outer)
    items = wrapper.get(inner) if isinstance(wrapper, dict) else wrapper
    return [item for item in items or [] if isinstance(item, dict)]


def _squash(text: Any) -> str:
    return "".join(str(text or "").split()).lower()


def find_qa_module(modules: list[dict[str, Any]]) -> str | tuple[None, str]:
    """The code of the QA module, or (None, why not)."""
    codes = [str(m.get("ModuleCode") or "") for m in modules]
    if QA_MODULE_CODE in codes:
        return QA_MODULE_CODE
    named = [
        code
        for code, module in zip(codes, modules, strict=True)
        if code and any(name in _squash(module.get("ModuleName")) for name in QA_MODULE_NAMES)
    ]
    if len(named) == 1:
        return named[0]
    loose = named or [
        code
        for code, module in zip(codes, modules, strict=True)
        if code and ("analysis" in code.lower() or "analysis" in _squash(module.get("ModuleName")))
    ]
    if len(loose) == 1:
        return loose[0]
    if loose:
        return None, f"several modules could be it ({', '.join(sorted(loose))})"
    listed = ", ".join(code for code in codes if code) or "none"
    return None, f"no conversation analysis module among {listed}"


def on_value(attributes: list[dict[str, Any]], code: str) -> str:
    """The value that turns the module on, from its attribute's values; "true" by default."""
    for attribute in attributes:
        if attribute.get("Code") != code:
            continue
        values = _items(attribute, "Values", "AttributeValue")
        for value in values:
            raw = str(value.get("Value") or "")
            if raw.lower() in _ON_VALUES or str(value.get("Name") or "") == "开通":
                return raw
    return "true"
