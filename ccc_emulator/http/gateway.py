"""The gateway: one wire request in, one wire response out, as Alibaba Cloud's API gateway answers.

Requests are routed on the API version (ccc-api.md §4):

| version      | product     | answered by                                                   |
|--------------|-------------|---------------------------------------------------------------|
| `2020-07-01` | CCC         | `CccEmulation.handle`; `{RequestId, Code, Message, ..., Data}` |
| `2017-12-14` | BSS OpenAPI | `bss.BssOpenApi` (QA as a change-configuration order)         |
| `2015-04-01` | STS         | `sts.Sts` (`GetCallerIdentity`)                               |

`Gateway` knows no transport: it checks the signature (`signature.SignatureChecker`), routes,
injects faults (`faults.FaultInjector`) and builds the response envelopes. `server.EmulatorServer`
puts it behind HTTP.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import replace
from typing import Any, Protocol

from ccc_emulator.engine import CccEmulation
from ccc_emulator.errors import CccApiError
from ccc_emulator.http import wire
from ccc_emulator.http.bss import BssOpenApi
from ccc_emulator.http.faults import Fault, FaultInjector
from ccc_emulator.http.signature import Caller, SignatureChecker
from ccc_emulator.http.sts import Sts
from ccc_emulator.http.wire import GatewayError, WireRequest, WireResponse

log = logging.getLogger(__name__)

CCC_VERSION = "2020-07-01"
DEFAULT_HOST_ID = "ccc.cn-shanghai.aliyuncs.com"


class Product(Protocol):
    """One API product behind the gateway, answering in its own envelope."""

    @property
    def name(self) -> str: ...

    @property
    def version(self) -> str: ...

    @property
    def actions(self) -> frozenset[str]: ...

    def handle(
        self, action: str, params: Mapping[str, str], request_id: str, caller: Caller
    ) -> WireResponse: ...

    def internal_error(self, request_id: str) -> WireResponse: ...


class CccApi:
    """CCC 2020-07-01: every action goes to the engine; answers in CCC's envelope."""

    name = "Ccc"
    version = CCC_VERSION

    def __init__(self, engine: CccEmulation) -> None:
        self._engine = engine

    @property
    def actions(self) -> frozenset[str]:
        # Read on every request: operations added to the engine are served at once.
        return self._engine.actions

    def handle(
        self, action: str, params: Mapping[str, str], request_id: str, caller: Caller
    ) -> WireResponse:
        try:
            data = self._engine.handle(action, params)
        except CccApiError as error:
            return self.error(request_id, error.code, error.message, error.http_status)
        except Exception:
            log.exception("the engine failed on %s (request %s)", action, request_id)
            return self.internal_error(request_id)
        body: dict[str, Any] = {
            "RequestId": request_id,
            "Code": "OK",
            "Message": "",
            "HttpStatusCode": 200,
        }
        if data is not None:
            body["Data"] = data
        return WireResponse(200, body)

    @classmethod
    def internal_error(cls, request_id: str) -> WireResponse:
        message = "An internal error occurred in the service."
        return cls.error(request_id, "InternalService.Common", message, 500)

    @staticmethod
    def error(request_id: str, code: str, message: str, status: int) -> WireResponse:
        body = {
            "RequestId": request_id,
            "Code": code,
            "Message": message,
            "HttpStatusCode": status,
        }
        return WireResponse(status, body)


class Gateway:
    """Turns one `WireRequest` into one `WireResponse`, as Alibaba Cloud's gateway would.

    Order: signature (no fault ever hides a signature error), version, action, then the fault
    draw, the product call, and a commit-then-fail fault if one was drawn.
    """

    def __init__(
        self,
        engine: CccEmulation,
        credentials: Mapping[str, str] | None = None,
        faults: FaultInjector | None = None,
        checker: SignatureChecker | None = None,
    ) -> None:
        self.engine = engine
        self.faults = faults if faults is not None else FaultInjector()
        self.checker = checker if checker is not None else SignatureChecker(credentials)
        products: list[Product] = [CccApi(engine), BssOpenApi(engine), Sts(engine)]
        self.products: dict[str, Product] = {product.version: product for product in products}

    def __call__(self, request: WireRequest) -> WireResponse:
        request_id = wire.new_request_id()
        try:
            response = self._answer(request, request_id)
        except Exception:
            log.exception("the emulator failed on request %s", request_id)
            response = wire.internal_error().response(request_id, self._host_id(request), "Ccc")
        return _with_request_id(response, request_id)

    def refuse(self, error: GatewayError, host: str = "") -> WireResponse:
        """The answer to an HTTP request that never became a `WireRequest` (bad framing)."""
        request_id = wire.new_request_id()
        response = error.response(request_id, host or DEFAULT_HOST_ID, "Ccc")
        return _with_request_id(response, request_id)

    def _answer(self, request: WireRequest, request_id: str) -> WireResponse:
        product = self.products.get(request.version or "")
        product_name = product.name if product is not None else "Ccc"
        try:
            caller = self.checker.check(request)
            product, action = self._route(request)
        except GatewayError as error:
            return error.response(request_id, self._host_id(request), product_name)
        fault = self.faults.draw(fault_key(product, action))
        if fault is not None and fault.before_commit:
            return self._fault_response(fault, product, request, request_id)
        response = product.handle(action, request.params, request_id, caller)
        if fault is not None and response.status < 300:
            log.info("committed %s (request %s), then failing: %s", action, request_id, fault.kind)
            if fault.kind == "drop":
                return WireResponse.dropped()
            return replace(product.internal_error(request_id), status=fault.status)
        return response

    def _route(self, request: WireRequest) -> tuple[Product, str]:
        if request.path != "/":
            raise wire.path_not_found(request.path)
        disagreement = request.disagreement()
        if disagreement is not None:
            raise wire.incomplete_signature(disagreement)
        version = request.version
        if not version:
            raise wire.missing_parameter("Version")
        product = self.products.get(version)
        if product is None:
            raise wire.invalid_version(version)
        action = request.action
        if not action:
            raise wire.missing_parameter("Action")
        if action not in product.actions:
            raise wire.action_not_found(action)
        return product, action

    def _fault_response(
        self, fault: Fault, product: Product, request: WireRequest, request_id: str
    ) -> WireResponse:
        host_id = self._host_id(request)
        if fault.kind == "throttle":
            error = wire.throttled(fault.status, fault.retry_after)
            return error.response(request_id, host_id, product.name)
        if fault.status == 503:
            return wire.service_unavailable().response(request_id, host_id, product.name)
        return replace(product.internal_error(request_id), status=fault.status)

    @staticmethod
    def _host_id(request: WireRequest) -> str:
        return request.host or DEFAULT_HOST_ID


def _with_request_id(response: WireResponse, request_id: str) -> WireResponse:
    return replace(response, headers={**response.headers, "x-acs-request-id": request_id})


def fault_key(product: Product, action: str) -> str:
    """The name faults know an action by: CCC's bare (`CreateInstance`), others qualified with
    their product (`BssOpenApi:ModifyInstance`, `Sts:GetCallerIdentity`)."""
    return action if product.version == CCC_VERSION else f"{product.name}:{action}"
