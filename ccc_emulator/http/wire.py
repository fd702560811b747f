"""The RPC wire format of Alibaba Cloud's API gateway, as the official SDK speaks it.

A request is `POST /` (GET works too) whose action and version travel in the `x-acs-action` and
`x-acs-version` headers (tea-openapi 0.4.x, ACS3 signing) or in the `Action` and `Version` query
parameters (the legacy v2 signing); the operation's parameters are in the query string and, for a
few operations, in an `application/x-www-form-urlencoded` body (ccc-api.md §0, §4).

A response is JSON. This module holds the transport-independent request and response values,
the gateway's own errors (signature, throttling, unknown action) in the gateway's body shape
`{RequestId, HostId, Code, Message, Recommend}`, and the request id format.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, quote

# Query parameters the gateway itself consumes (v2 signing and the RPC common parameters); the
# product never sees them.
COMMON_PARAMETERS = frozenset(
    {
        "Action",
        "Version",
        "Format",
        "Timestamp",
        "SignatureNonce",
        "SignatureMethod",
        "SignatureVersion",
        "SignatureType",
        "AccessKeyId",
        "Signature",
        "SecurityToken",
    }
)

FORM_CONTENT_TYPE = "application/x-www-form-urlencoded"


def new_request_id() -> str:
    """A request id in Alibaba Cloud's format: an upper-case UUID."""
    return str(uuid.uuid4()).upper()


@dataclass(frozen=True)
class WireRequest:
    """One HTTP request as the gateway sees it.

    `query` and `form` hold the decoded parameters (the last value wins when a name repeats);
    `headers` maps lower-case names to every value received.
    """

    method: str
    path: str
    query: Mapping[str, str]
    headers: Mapping[str, tuple[str, ...]]
    body: bytes = b""
    form: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def parse(
        cls,
        method: str,
        target: str,
        headers: Mapping[str, tuple[str, ...]],
        body: bytes = b"",
    ) -> WireRequest:
        """Build from the request line's method and target, the headers and the raw body."""
        path, _, raw_query = target.partition("?")
        lowered = {name.lower(): tuple(values) for name, values in headers.items()}
        content_type = (lowered.get("content-type") or ("",))[0]
        form: dict[str, str] = {}
        if body and content_type.split(";")[0].strip().lower() == FORM_CONTENT_TYPE:
            form = _decode_pairs(body.decode("utf-8", errors="replace"))
        return cls(
            method=method.upper(),
            path=path or "/",
            query=_decode_pairs(raw_query),
            headers=lowered,
            body=body,
            form=form,
        )

    def header(self, name: str) -> str | None:
        """The first value of a header, or None."""
        values = self.headers.get(name.lower())
        return values[0] if values else None

    @property
    def action(self) -> str | None:
        # A signed parameter wins over a header: legacy (v2) signing does not cover headers.
        return self.form.get("Action") or self.query.get("Action") or self.header("x-acs-action")

    @property
    def version(self) -> str | None:
        return self.form.get("Version") or self.query.get("Version") or self.header("x-acs-version")

    def disagreement(self) -> str | None:
        """A header that names another action or version than the parameters do."""
        for header, name in (("x-acs-action", "Action"), ("x-acs-version", "Version")):
            given, signed = self.header(header), self.form.get(name) or self.query.get(name)
            if given and signed and given != signed:
                return f"the {header} header ({given}) disagrees with the {name} parameter"
        return None

    @property
    def host(self) -> str:
        return self.header("host") or ""

    @property
    def all_parameters(self) -> dict[str, str]:
        """Query and form parameters together (the form wins), as v2 signing covers them."""
        return {**self.query, **self.form}

    @property
    def params(self) -> dict[str, str]:
        """The operation's parameters: query and form, without the gateway's own."""
        return {
            name: value
            for name, value in self.all_parameters.items()
            if name not in COMMON_PARAMETERS
        }


def _decode_pairs(raw: str) -> dict[str, str]:
    return dict(parse_qsl(raw, keep_blank_values=True))


@dataclass(frozen=True)
class WireResponse:
    """An answer: status, JSON body and extra headers; `drop` closes the connection unanswered."""

    status: int
    body: Mapping[str, Any] | None = None
    headers: Mapping[str, str] = field(default_factory=dict)
    drop: bool = False

    def encoded_body(self) -> bytes:
        return json.dumps(self.body if self.body is not None else {}, ensure_ascii=False).encode(
            "utf-8"
        )

    @classmethod
    def dropped(cls) -> WireResponse:
        return cls(status=0, drop=True)


class GatewayError(Exception):
    """An error the API gateway answers before the product sees the request."""

    def __init__(
        self, code: str, message: str, status: int, headers: Mapping[str, str] | None = None
    ) -> None:
        super().__init__(f"{code}: {message} (HTTP {status})")
        self.code = code
        self.message = message
        self.status = status
        self.headers = dict(headers or {})

    def response(self, request_id: str, host_id: str, product: str) -> WireResponse:
        return gateway_error_response(
            request_id, host_id, product, self.code, self.message, self.status, self.headers
        )


def gateway_error_response(
    request_id: str,
    host_id: str,
    product: str,
    code: str,
    message: str,
    status: int,
    headers: Mapping[str, str] | None = None,
) -> WireResponse:
    """The gateway's error body: `{RequestId, HostId, Code, Message, Recommend}`."""
    recommend = (
        "https://api.aliyun.com/troubleshoot?"
        f"q={quote(code, safe='')}&product={quote(product, safe='')}&requestId={request_id}"
    )
    body = {
        "RequestId": request_id,
        "HostId": host_id,
        "Code": code,
        "Message": message,
        "Recommend": recommend,
    }
    return WireResponse(status=status, body=body, headers=dict(headers or {}))


# The gateway's errors, worded as Alibaba Cloud's gateway words them.


def missing_parameter(name: str) -> GatewayError:
    message = (
        f'The input parameter "{name}" that is mandatory for processing this request '
        "is not supplied."
    )
    return GatewayError("MissingParameter", message, 400)


def invalid_version(version: str) -> GatewayError:
    return GatewayError(
        "InvalidVersion", f"Specified parameter Version is not valid: {version}", 400
    )


def action_not_found(action: str) -> GatewayError:
    message = f"Specified api {action} is not found, please check your url and method."
    return GatewayError("InvalidAction.NotFound", message, 404)


def signature_mismatch(detail: str = "") -> GatewayError:
    message = "Specified signature is not matched with our calculation."
    if detail:
        message = f"{message} {detail}"
    return GatewayError("SignatureDoesNotMatch", message, 400)


def incomplete_signature(detail: str) -> GatewayError:
    message = f"The request signature does not conform to Aliyun standards. {detail}"
    return GatewayError("IncompleteSignature", message, 400)


def access_key_not_found() -> GatewayError:
    return GatewayError("InvalidAccessKeyId.NotFound", "Specified access key is not found.", 404)


def security_token_mismatch() -> GatewayError:
    message = "Specified SecurityToken mismatch with the AccessKey."
    return GatewayError("InvalidSecurityToken.MismatchWithAccessKey", message, 400)


def timestamp_format(name: str) -> GatewayError:
    message = f"Specified {name} is not valid: it must be UTC in the form yyyy-MM-ddTHH:mm:ssZ."
    return GatewayError("InvalidTimeStamp.Format", message, 400)


def timestamp_expired() -> GatewayError:
    return GatewayError(
        "InvalidTimeStamp.Expired", "Specified time stamp or date value is expired.", 400
    )


def nonce_used() -> GatewayError:
    return GatewayError("SignatureNonceUsed", "Specified signature nonce was used already.", 400)


def invalid_signature_method(method: str) -> GatewayError:
    message = f'The specified parameter "SignatureMethod" is not valid: {method}'
    return GatewayError("InvalidParameter", message, 400)


def throttled(status: int = 400, retry_after: int | None = None) -> GatewayError:
    headers = {"x-acs-retry-after": str(retry_after)} if retry_after is not None else {}
    return GatewayError(
        "Throttling.User", "Request was denied due to user flow control.", status, headers
    )


def service_unavailable() -> GatewayError:
    message = "The request has failed due to a temporary failure of the server."
    return GatewayError("ServiceUnavailable", message, 503)


def internal_error() -> GatewayError:
    message = "The request processing has failed due to some unknown error, exception or failure."
    return GatewayError("InternalError", message, 500)


# Refusals of the HTTP request itself, before any parameter is read.


def path_not_found(path: str) -> GatewayError:
    message = f"Specified path {path} is not found; RPC requests go to /."
    return GatewayError("InvalidUri.NotFound", message, 404)


def method_not_allowed(method: str) -> GatewayError:
    message = f"Specified HTTP method {method} is not supported; use GET or POST."
    return GatewayError("UnsupportedHTTPMethod", message, 405, {"Allow": "GET, POST"})


def length_required() -> GatewayError:
    message = "A request body must come with a Content-Length; Transfer-Encoding is not supported."
    return GatewayError("MissingContentLength", message, 411)


def body_too_large(limit: int) -> GatewayError:
    message = f"The request body is larger than {limit} bytes."
    return GatewayError("RequestBodyTooLarge", message, 413)


def bad_http(status: int, detail: str) -> GatewayError:
    """A request that is not HTTP the gateway can read (request line, headers, version)."""
    codes = {414: "RequestURITooLong", 431: "RequestHeaderTooLarge", 505: "UnsupportedHTTPVersion"}
    return GatewayError(
        codes.get(status, "BadRequest"), f"The request is not valid: {detail}.", status
    )
