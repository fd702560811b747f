"""Calls through the official SDK: configuration, one attempt, and SDK errors -> `CallFailure`.

A CCC operation is made with the typed client exactly as the brief of the provider says:
`getattr(models, f"{action}Request")().from_map(params)` and
`client.<snake_case(action)>_with_options(request, RuntimeOptions(...))`; the answer is
`response.body.to_map()`. A 2xx whose `Code` is not "OK" is an error too (ccc-api.md §4).

SDK exceptions (tea-openapi 0.4, darabonba 1.0):

* `ClientException` (4xx), `ServerException` (5xx), `ThrottlingException` (an error answer with
  `x-acs-retry-after`; `.retry_after` in seconds), all `AlibabaCloudException`: classified by
  code and status (`failures.classify`).
* `darabonba.exceptions.UnretryableException`: no answer. `.inner_exception` is darabonba's
  `RetryError`, raised while handling the `requests` exception, which is found on the
  `__context__` chain: connect failures (refused, DNS, connect timeout) are `unsent`, read
  timeouts and dropped connections `lost`, TLS failures `fatal`; when the cause cannot be found,
  `lost` (the safe assumption). A credential provider failing mid-run (an expired RAM role
  session that cannot be refreshed) is `credentials`.
"""

from __future__ import annotations

import logging
import re
import socket
from collections.abc import Callable
from typing import Any

import requests.exceptions
import urllib3.exceptions
from alibabacloud_ccc20200701 import models as ccc_models
from alibabacloud_credentials.exceptions import CredentialException
from alibabacloud_tea_openapi.exceptions import AlibabaCloudException
from alibabacloud_tea_openapi.models import Config
from darabonba.exceptions import UnretryableException
from darabonba.runtime import RuntimeOptions
from Tea.exceptions import TeaException

from cccform.errors import ProviderError
from cccform.providers.aliyun.endpoints import Endpoint
from cccform.providers.aliyun.failures import (
    CallFailure,
    FailureKind,
    classify,
    is_credentials_code,
)
from cccform.providers.paging import MAX_PARALLELISM

log = logging.getLogger("cccform.api")

Redact = Callable[[str], str]
CONNECT_TIMEOUT = 10.0  # seconds, at most; the read timeout is the provider's request_timeout
USER_AGENT = "cccform"
MAX_MESSAGE = 500
_SDK_ERRORS = (TeaException, CredentialException)


def snake_case(action: str) -> str:
    """`ListInstances` -> `list_instances` (the SDK's method names)."""
    words = re.sub(r"(?<=[A-Z])([A-Z][a-z])", r"_\1", action)
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", words).lower()


def sdk_config(endpoint: Endpoint, region: str, credential: Any, timeout: float) -> Any:
    """The SDK's `Config` for one endpoint: the credential client, never raw keys."""
    return Config(
        credential=credential,
        endpoint=endpoint.address,
        protocol=endpoint.protocol,
        region_id=region,
        read_timeout=int(timeout * 1000),
        connect_timeout=int(min(timeout, CONNECT_TIMEOUT) * 1000),
        user_agent=USER_AGENT,
    )


def runtime_options(timeout: float) -> Any:
    """Per-call options: our timeouts, no retries inside the SDK (ours decide), and a pool
    that keeps a connection for every call `--parallelism` lets run at once (the SDK's
    default keeps 40 and opens and closes the others call by call)."""
    return RuntimeOptions(
        read_timeout=int(timeout * 1000),
        connect_timeout=int(min(timeout, CONNECT_TIMEOUT) * 1000),
        autoretry=False,
        max_idle_conns=MAX_PARALLELISM,
    )


def build_request(action: str, params: dict[str, str]) -> Any:
    """The typed request of a CCC operation from its wire parameters."""
    request_type = getattr(ccc_models, f"{action}Request", None)
    if request_type is None:
        raise ProviderError(
            f"the installed CCC SDK (alibabacloud-ccc20200701) has no operation {action}; "
            "upgrade it: pip install -U 'cccform[aliyun]'"
        )
    request = request_type().from_map(dict(params))
    dropped = sorted(set(params) - set(request.to_map() or {}))
    if dropped:
        raise ProviderError(
            f"the installed CCC SDK's {action} has no parameter {', '.join(dropped)}; "
            "upgrade it: pip install -U 'cccform[aliyun]'"
        )
    return request


def failure_from(error: BaseException, redact: Redact) -> CallFailure:
    """Classify an exception the SDK raised for one attempt."""
    if isinstance(error, AlibabaCloudException):
        code = str(error.code or "Unknown")
        status = error.status_code if isinstance(error.status_code, int) else None
        data = error.data if isinstance(error.data, dict) else {}
        message = data.get("Message") or data.get("message") or error.message or ""
        retry_after = getattr(error, "retry_after", None)
        kind: FailureKind
        if status is not None:
            kind = classify(code, status)
        else:  # raised by the SDK itself, before any request
            kind = "credentials" if is_credentials_code(code) else "fatal"
        request_id = data.get("RequestId") or getattr(error, "request_id", None)
        log.debug("answer %s %s (HTTP %s, request id %s)", kind, code, status, request_id)
        return CallFailure(
            kind,
            code,
            _clip(redact(str(message))),
            status,
            float(retry_after) if isinstance(retry_after, int | float) else None,
        )
    if isinstance(error, UnretryableException):
        return _no_answer(error.inner_exception, redact)
    if isinstance(error, CredentialException):
        return _credentials_unavailable(error, redact)
    code = str(getattr(error, "code", None) or type(error).__name__)
    message = str(getattr(error, "message", None) or error)
    return CallFailure("fatal", code, _clip(redact(message)))


def _no_answer(inner: BaseException | None, redact: Redact) -> CallFailure:
    chain = _chain(inner)
    root = next(
        (e for e in chain if isinstance(e, requests.exceptions.RequestException | OSError)),
        inner,
    )
    text = _clip(redact(f"{type(root).__name__}: {root}" if root is not None else "no answer"))
    for error in chain:
        if isinstance(error, CredentialException):
            return _credentials_unavailable(error, redact)
    kind, code = _connection_kind(chain)
    log.debug("no answer: %s %s", kind, code)
    return CallFailure(kind, code, text)


def _connection_kind(chain: list[BaseException]) -> tuple[FailureKind, str]:
    if any(isinstance(e, requests.exceptions.SSLError) for e in chain):
        return "fatal", "TlsError"
    unsent = (
        requests.exceptions.ConnectTimeout,
        urllib3.exceptions.ConnectTimeoutError,  # NewConnectionError, NameResolutionError too
        ConnectionRefusedError,
        socket.gaierror,
    )
    if any(isinstance(e, unsent) for e in chain):
        return "unsent", "ConnectionFailed"
    timeouts = (
        requests.exceptions.ReadTimeout,
        urllib3.exceptions.ReadTimeoutError,
        TimeoutError,
    )
    if any(isinstance(e, timeouts) for e in chain):
        return "lost", "ReadTimeout"
    return "lost", "ConnectionLost"


def _chain(error: BaseException | None) -> list[BaseException]:
    """The exception, its causes and contexts, and urllib3's `reason`s, without repeats."""
    seen: list[BaseException] = []
    todo = [error]
    while todo:
        current = todo.pop(0)
        if current is None or any(current is e for e in seen) or len(seen) > 20:
            continue
        seen.append(current)
        todo.extend([current.__cause__, current.__context__])
        reason = getattr(current, "reason", None)
        if isinstance(reason, BaseException):
            todo.append(reason)
        todo.extend(arg for arg in current.args if isinstance(arg, BaseException))
    return seen


def _credentials_unavailable(error: BaseException, redact: Redact) -> CallFailure:
    message = str(getattr(error, "message", None) or error)
    return CallFailure("credentials", "CredentialsUnavailable", _clip(redact(message)))


def _clip(text: str) -> str:
    return text if len(text) <= MAX_MESSAGE else text[: MAX_MESSAGE - 3] + "..."


def attempt_sdk(call: Callable[[], Any], redact: Redact) -> dict[str, Any]:
    """One SDK call; the response body as a dict, or `CallFailure`."""
    try:
        response = call()
    except _SDK_ERRORS as error:
        raise failure_from(error, redact) from None
    body = getattr(response, "body", None)
    mapped = body.to_map() if body is not None else None
    return dict(mapped) if isinstance(mapped, dict) else {}


def sdk_method(client: Any, action: str) -> Callable[..., Any]:
    """`client.<snake_case(action)>_with_options`; for the few names the SDK spells otherwise
    (`list_call_detail_records_v2with_options`, `save_web_rtcstats_with_options`), the method
    whose name matches once underscores and case are ignored."""
    method = getattr(client, f"{snake_case(action)}_with_options", None)
    if method is None:
        wanted = f"{action}withoptions".lower()
        for name in dir(type(client)):
            if name.endswith("with_options") and name.replace("_", "").lower() == wanted:
                method = getattr(client, name)
                break
    if not callable(method):
        raise ProviderError(f"the installed CCC SDK has no method for {action}")
    return method  # type: ignore[no-any-return]


class CccSender:
    """One attempt of a CCC operation through the typed client; returns `Data`."""

    def __init__(self, client: Any, runtime: Any, redact: Redact) -> None:
        self.client = client
        self.runtime = runtime
        self.redact = redact

    def __call__(self, action: str, params: dict[str, str]) -> Any:
        request = build_request(action, params)
        method = sdk_method(self.client, action)
        body = attempt_sdk(lambda: method(request, self.runtime), self.redact)
        code = str(body.get("Code") or "")
        if code == "OK":
            return body.get("Data")
        status = _int(body.get("HttpStatusCode"))
        message = _clip(self.redact(str(body.get("Message") or "the answer was not OK")))
        raise CallFailure(classify(code or "Unknown", status), code or "Unknown", message, status)

    def __repr__(self) -> str:
        return "CccSender()"


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
