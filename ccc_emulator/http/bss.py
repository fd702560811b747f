"""The slice of BSS OpenAPI (交易与账单管理, version 2017-12-14) that CCC's console features need.

The CCC API cannot turn on Smart Conversation Analysis (智能对话分析, "QA"); the console does it
as a change-configuration (变配) order, which BSS OpenAPI's `ModifyInstance` places through the
API (ccc-api.md §3). Two operations are emulated, in BSS's response envelope
`{Code, Message, RequestId, Success, Data}` (success: `Code` "Success", `Success` true):

* `DescribePricingModule(ProductCode=ccc, ProductType?, SubscriptionType)` ->
  `Data{ModuleList{Module[]}, AttributeList{Attribute[]}}`: CCC's pricing modules, one of them
  `SmartConversationAnalysis` (values `true`/`false`).
* `ModifyInstance(ProductCode=ccc, InstanceId, ModifyType=Upgrade, SubscriptionType,
  Parameter.N.Code/Value[, ClientToken])` -> `Data{OrderId, HostId}`. A parameter
  `SmartConversationAnalysis=true` turns QA on for the instance; `ClientToken` makes the order
  idempotent.

The shapes follow the BSS OpenAPI reference for DescribePricingModule and ModifyInstance and the
models of `alibabacloud-bssopenapi20171214`. CCC's module list is the emulator's own choice (the
real one is not published): Region, AgentCount, SmartConversationAnalysis.
"""

from __future__ import annotations

import re
import secrets
import threading
from collections.abc import Mapping
from typing import Any

from ccc_emulator.engine import CccEmulation
from ccc_emulator.errors import CccApiError
from ccc_emulator.http.signature import Caller
from ccc_emulator.http.wire import WireResponse

VERSION = "2017-12-14"
PRODUCT = "BssOpenApi"
PRODUCT_CODE = "ccc"
QA_MODULE = "SmartConversationAnalysis"
SUBSCRIPTION_TYPES = ("Subscription", "PayAsYouGo")
MODIFY_TYPES = ("Upgrade", "Downgrade")
MAX_PARAMETERS = 100
_PARAMETER = re.compile(r"Parameter\.([0-9]+)\.(Code|Value)")
_TRUE = {"true": True, "false": False}


class BssError(Exception):
    def __init__(self, code: str, message: str, status: int = 400) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.status = status


def _missing(name: str) -> BssError:
    return BssError(
        "MissingParameter", f"The specified parameter {name} is mandatory for this request."
    )


def _invalid(name: str, detail: str = "") -> BssError:
    message = f"The specified parameter {name} is not valid."
    return BssError("InvalidParameter", f"{message} {detail}".strip())


def _modules(subscription_type: str) -> list[dict[str, Any]]:
    # PayAsYouGo bills seats by the day and QA by usage; Subscription bills both monthly.
    seat_price, qa_price = (
        ("Month", "Month") if subscription_type == "Subscription" else ("Day", "Usage")
    )
    return [
        {
            "ModuleCode": "AgentCount",
            "ModuleName": "坐席数",
            "PriceType": seat_price,
            "Currency": "CNY",
            "ConfigList": {"ConfigList": ["Region", "AgentCount"]},
        },
        {
            "ModuleCode": QA_MODULE,
            "ModuleName": "智能对话分析",
            "PriceType": qa_price,
            "Currency": "CNY",
            "ConfigList": {"ConfigList": ["Region", QA_MODULE]},
        },
    ]


def _attributes() -> list[dict[str, Any]]:
    def value(name: str, val: str, remark: str = "") -> dict[str, str]:
        return {"Type": "single", "Name": name, "Value": val, "Remark": remark}

    return [
        {
            "Code": "Region",
            "Name": "地域",
            "Unit": "",
            "Values": {"AttributeValue": [value("华东2（上海）", "cn-shanghai")]},
        },
        {
            "Code": "AgentCount",
            "Name": "坐席数",
            "Unit": "个",
            "Values": {
                "AttributeValue": [
                    {"Type": "range", "Name": "1-10000", "Value": "1-10000", "Remark": ""}
                ]
            },
        },
        {
            "Code": QA_MODULE,
            "Name": "智能对话分析",
            "Unit": "",
            "Values": {
                "AttributeValue": [
                    value("开通", "true", "Smart Conversation Analysis on"),
                    value("不开通", "false", "Smart Conversation Analysis off"),
                ]
            },
        },
    ]


_KNOWN_CODES = frozenset({"Region", "AgentCount", QA_MODULE})


class BssOpenApi:
    """Answers BSS OpenAPI requests for CCC against the emulation."""

    name = PRODUCT
    version = VERSION
    actions = frozenset({"DescribePricingModule", "ModifyInstance"})

    def __init__(self, engine: CccEmulation) -> None:
        self._engine = engine
        self._lock = threading.Lock()
        self._orders: dict[str, dict[str, str]] = {}
        self._next_order = 20_000_000_000_000 + secrets.randbelow(10**12)

    def handle(
        self, action: str, params: Mapping[str, str], request_id: str, caller: Caller
    ) -> WireResponse:
        try:
            if action == "DescribePricingModule":
                data = self._describe_pricing_module(params)
            else:
                data = self._modify_instance(params)
        except BssError as error:
            return self.error(request_id, error.code, error.message, error.status)
        except CccApiError as error:
            return self.error(request_id, error.code, error.message, error.http_status)
        body = {
            "Code": "Success",
            "Message": "Successful!",
            "RequestId": request_id,
            "Success": True,
            "Data": data,
        }
        return WireResponse(200, body)

    @classmethod
    def internal_error(cls, request_id: str) -> WireResponse:
        message = "The request processing has failed due to some unknown error."
        return cls.error(request_id, "InternalError", message, 500)

    @staticmethod
    def error(request_id: str, code: str, message: str, status: int) -> WireResponse:
        body = {"Code": code, "Message": message, "RequestId": request_id, "Success": False}
        return WireResponse(status, body)

    def _describe_pricing_module(self, params: Mapping[str, str]) -> dict[str, Any]:
        _product_code(params)
        subscription_type = _subscription_type(params)
        return {
            "ModuleList": {"Module": _modules(subscription_type)},
            "AttributeList": {"Attribute": _attributes()},
        }

    def _modify_instance(self, params: Mapping[str, str]) -> dict[str, str]:
        _product_code(params)
        _subscription_type(params)
        modify_type = _required(params, "ModifyType")
        if modify_type not in MODIFY_TYPES:
            raise _invalid("ModifyType", f"Valid values: {', '.join(MODIFY_TYPES)}.")
        instance_id = _required(params, "InstanceId")
        changes = _parameters(params)
        token = params.get("ClientToken")
        # Orders are placed one at a time, so a repeated ClientToken always finds the first.
        with self._lock:
            if token and token in self._orders:
                return dict(self._orders[token])
            self._carry_out(instance_id, modify_type, changes)
            self._next_order += 1
            order = {"OrderId": str(self._next_order), "HostId": "cn"}
            if token:
                self._orders[token] = order
        return dict(order)

    def _carry_out(self, instance_id: str, modify_type: str, changes: Mapping[str, str]) -> None:
        qa = changes.get(QA_MODULE)
        if qa is None:
            # Other modules are billing-only here; the instance must still exist.
            self._engine.handle("GetInstance", {"InstanceId": instance_id})
            return
        enable = _TRUE.get(qa.lower())
        if enable is None:
            raise _invalid(f"Parameter {QA_MODULE}", "Valid values: true, false.")
        if not enable:
            # QA is one way: the console offers no way back, and neither does the order.
            raise BssError(
                "NotApplicable",
                f"{QA_MODULE} cannot be turned off once it is on; it is not downgradable.",
            )
        if modify_type != "Upgrade":
            raise _invalid("ModifyType", f"Turning {QA_MODULE} on is an Upgrade.")
        self._engine.enable_conversation_analysis(instance_id)


def _required(params: Mapping[str, str], name: str) -> str:
    value = params.get(name)
    if value is None or not value.strip():
        raise _missing(name)
    return value


def _product_code(params: Mapping[str, str]) -> str:
    code = _required(params, "ProductCode")
    if code.lower() != PRODUCT_CODE:
        # The emulator only knows CCC.
        raise _invalid("ProductCode", f"Only {PRODUCT_CODE} is emulated.")
    return code


def _subscription_type(params: Mapping[str, str]) -> str:
    value = _required(params, "SubscriptionType")
    if value not in SUBSCRIPTION_TYPES:
        raise _invalid("SubscriptionType", f"Valid values: {', '.join(SUBSCRIPTION_TYPES)}.")
    return value


def _parameters(params: Mapping[str, str]) -> dict[str, str]:
    """`Parameter.N.Code` / `Parameter.N.Value` pairs (N = 1..100) as code -> value."""
    pairs: dict[int, dict[str, str]] = {}
    for name, value in params.items():
        match = _PARAMETER.fullmatch(name)
        if match is None:
            continue
        index = int(match.group(1))
        if not 1 <= index <= MAX_PARAMETERS:
            raise _invalid(name, f"N must be between 1 and {MAX_PARAMETERS}.")
        pairs.setdefault(index, {})[match.group(2)] = value
    changes: dict[str, str] = {}
    for index in sorted(pairs):
        pair = pairs[index]
        code = pair.get("Code")
        if not code:
            raise _missing(f"Parameter.{index}.Code")
        if "Value" not in pair:
            raise _missing(f"Parameter.{index}.Value")
        if code not in _KNOWN_CODES:
            raise BssError("InvalidConfigCode", f"The specified configCode {code} is not valid.")
        changes[code] = pair["Value"]
    return changes
