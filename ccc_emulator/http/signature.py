"""Checking request signatures as Alibaba Cloud's gateway does (ccc-api.md §4).

Two schemes:

* **ACS3-HMAC-SHA256** (tea-openapi's default): an `Authorization` header
  `ACS3-HMAC-SHA256 Credential=<id>,SignedHeaders=<a;b;...>,Signature=<hex>` over the canonical
  request `METHOD\\nPATH\\nQUERY\\nHEADERS\\nSIGNED_HEADERS\\nx-acs-content-sha256`, where QUERY
  has the keys sorted and the decoded values re-encoded with `quote(v, safe='~')`, HEADERS is
  `name:value\\n` for each signed header, and the string to sign is
  `ACS3-HMAC-SHA256\\n<hex sha256 of the canonical request>`; the HMAC key is the secret.
* **v2** (`signature_algorithm='v2'`): `SignatureMethod=HMAC-SHA1` and `Signature` in the query;
  the string to sign is `METHOD&%2F&percentEncode(canonicalized parameters)` over every query and
  form parameter but `Signature`; the HMAC key is `secret + "&"`; the signature is base64.

`SignatureChecker.check` raises the gateway's `GatewayError` for what the gateway rejects.
The signing functions are public so tests can build requests by hand.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import quote

from ccc_emulator.http import wire
from ccc_emulator.http.wire import GatewayError, WireRequest

ACS3_HMAC_SHA256 = "ACS3-HMAC-SHA256"
V2_METHOD = "HMAC-SHA1"
TIMESTAMP_FORMAT = "%Y-%m-%dT%H:%M:%SZ"
# The gateway accepts a request dated within 15 minutes of its clock, and remembers nonces as
# long, so a replayed request is refused.
MAX_SKEW_SECONDS = 15 * 60
_MAX_NONCES = 200_000


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def canonical_query(query: Mapping[str, str]) -> str:
    """Keys sorted, values re-encoded with `quote(v, safe='~')`, joined as `k=v&...`."""
    return "&".join(f"{key}={quote(query[key], safe='~')}" for key in sorted(query))


def canonical_request(
    method: str,
    path: str,
    query: Mapping[str, str],
    headers: Mapping[str, Sequence[str]],
    signed_headers: Sequence[str],
    content_sha256: str,
) -> str:
    """The ACS3 canonical request; `headers` maps lower-case names to their values."""
    lines = []
    for name in signed_headers:
        values = sorted(value.strip() for value in headers.get(name, ()))
        lines.append(f"{name}:{','.join(values)}\n")
    return "\n".join(
        [
            method,
            path or "/",
            canonical_query(query),
            "".join(lines),
            ";".join(signed_headers),
            content_sha256,
        ]
    )


def acs3_signature(secret: str, canonical: str) -> str:
    """The hex ACS3-HMAC-SHA256 signature of a canonical request."""
    string_to_sign = f"{ACS3_HMAC_SHA256}\n{sha256_hex(canonical.encode('utf-8'))}"
    return hmac.new(
        secret.encode("utf-8"), string_to_sign.encode("utf-8"), hashlib.sha256
    ).hexdigest()


def acs3_authorization(
    access_key_id: str,
    secret: str,
    method: str,
    path: str,
    query: Mapping[str, str],
    headers: Mapping[str, str],
    content_sha256: str,
) -> str:
    """An `Authorization` value signing every header given (names are lower-cased)."""
    lowered = {name.lower(): [value] for name, value in headers.items()}
    signed = sorted(lowered)
    canonical = canonical_request(method, path, query, lowered, signed, content_sha256)
    signature = acs3_signature(secret, canonical)
    return (
        f"{ACS3_HMAC_SHA256} Credential={access_key_id},"
        f"SignedHeaders={';'.join(signed)},Signature={signature}"
    )


def v2_string_to_sign(method: str, params: Mapping[str, str]) -> str:
    """`METHOD&%2F&percentEncode(canonicalized query)` over every parameter but `Signature`."""
    canonical = "&".join(
        f"{quote(key, safe='~')}={quote(params[key], safe='~')}"
        for key in sorted(params)
        if key != "Signature"
    )
    return f"{method}&%2F&{quote(canonical, safe='~')}"


def v2_signature(secret: str, method: str, params: Mapping[str, str]) -> str:
    """The base64 HMAC-SHA1 signature, keyed with `secret + "&"`."""
    digest = hmac.new(
        f"{secret}&".encode(), v2_string_to_sign(method, params).encode("utf-8"), hashlib.sha1
    ).digest()
    return base64.b64encode(digest).decode("ascii")


@dataclass(frozen=True)
class Authorization:
    """A parsed ACS3 `Authorization` header."""

    algorithm: str
    credential: str
    signed_headers: tuple[str, ...]
    signature: str

    @classmethod
    def parse(cls, value: str) -> Authorization:
        algorithm, _, rest = value.strip().partition(" ")
        fields: dict[str, str] = {}
        for part in rest.split(","):
            name, sep, content = part.strip().partition("=")
            if not sep:
                raise wire.incomplete_signature("The Authorization header is malformed.")
            fields[name] = content
        missing = [
            name for name in ("Credential", "SignedHeaders", "Signature") if not fields.get(name)
        ]
        if missing:
            raise wire.incomplete_signature(f"The Authorization header lacks {missing[0]}.")
        signed = tuple(name.strip().lower() for name in fields["SignedHeaders"].split(";"))
        return cls(algorithm, fields["Credential"], signed, fields["Signature"])


@dataclass(frozen=True)
class Caller:
    """Who signed a request: the access key id, and the STS token if one came with it."""

    access_key_id: str | None
    security_token: str | None = None


class SignatureChecker:
    """Checks every request against the configured access keys (id -> secret).

    With no keys configured every request is accepted, signed or not, and nothing is checked.
    """

    def __init__(
        self,
        credentials: Mapping[str, str] | None = None,
        *,
        max_skew_seconds: float = MAX_SKEW_SECONDS,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._credentials = dict(credentials or {})
        self._max_skew = max_skew_seconds
        self._clock = clock
        self._nonces: OrderedDict[tuple[str, str], float] = OrderedDict()
        self._lock = threading.Lock()

    @property
    def enabled(self) -> bool:
        return bool(self._credentials)

    def check(self, request: WireRequest) -> Caller:
        """Who signed the request; raises `GatewayError` when the gateway would refuse it."""
        if not self.enabled:
            return _unchecked_caller(request)
        authorization = request.header("authorization")
        if authorization is not None:
            return self._check_acs3(request, authorization)
        params = request.all_parameters
        if "Signature" in params or "AccessKeyId" in params:
            return self._check_v2(request, params)
        raise wire.missing_parameter("AccessKeyId")

    def _secret(self, access_key_id: str) -> str:
        secret = self._credentials.get(access_key_id)
        if secret is None:
            raise wire.access_key_not_found()
        return secret

    def _check_acs3(self, request: WireRequest, header: str) -> Caller:
        auth = Authorization.parse(header)
        if auth.algorithm != ACS3_HMAC_SHA256:
            raise wire.incomplete_signature(
                f"The signature algorithm {auth.algorithm} is not supported."
            )
        secret = self._secret(auth.credential)
        unsigned = sorted(
            name
            for name in request.headers
            if name.startswith("x-acs-") and name not in auth.signed_headers
        )
        if unsigned:
            raise wire.incomplete_signature(f"The header {unsigned[0]} must be signed.")
        body_sha256 = sha256_hex(request.body)
        content_sha256 = request.header("x-acs-content-sha256") or body_sha256
        canonical = canonical_request(
            request.method,
            request.path,
            request.query,
            request.headers,
            auth.signed_headers,
            content_sha256,
        )
        expected = acs3_signature(secret, canonical)
        if not hmac.compare_digest(expected.encode(), auth.signature.lower().encode()):
            raise wire.signature_mismatch()
        if not hmac.compare_digest(content_sha256.lower().encode(), body_sha256.encode()):
            raise wire.signature_mismatch(
                "The x-acs-content-sha256 header does not match the body."
            )
        token = request.header("x-acs-security-token")
        self._check_token_key(request.header("x-acs-accesskey-id"), auth.credential, token)
        date = request.header("x-acs-date")
        if date is None:
            raise wire.missing_parameter("x-acs-date")
        self._check_time(date, "x-acs-date")
        nonce = request.header("x-acs-signature-nonce")
        if nonce is None:
            raise wire.missing_parameter("x-acs-signature-nonce")
        self._check_nonce(auth.credential, nonce)
        return Caller(auth.credential, token)

    def _check_v2(self, request: WireRequest, params: Mapping[str, str]) -> Caller:
        for name in ("AccessKeyId", "Signature", "SignatureMethod", "Timestamp", "SignatureNonce"):
            if not params.get(name):
                raise wire.missing_parameter(name)
        if params["SignatureMethod"] != V2_METHOD:
            raise wire.invalid_signature_method(params["SignatureMethod"])
        access_key_id = params["AccessKeyId"]
        secret = self._secret(access_key_id)
        expected = v2_signature(secret, request.method, params)
        if not hmac.compare_digest(expected.encode(), params["Signature"].encode()):
            raise wire.signature_mismatch()
        token = params.get("SecurityToken") or request.header("x-acs-security-token")
        self._check_token_key(request.header("x-acs-accesskey-id"), access_key_id, token)
        self._check_time(params["Timestamp"], "Timestamp")
        self._check_nonce(access_key_id, params["SignatureNonce"])
        return Caller(access_key_id, token)

    @staticmethod
    def _check_token_key(token_key_id: str | None, access_key_id: str, token: str | None) -> None:
        # An STS token is accepted with the access key it was issued with.
        if token and token_key_id is not None and token_key_id != access_key_id:
            raise wire.security_token_mismatch()

    def _check_time(self, value: str, name: str) -> None:
        try:
            stamp = datetime.strptime(value, TIMESTAMP_FORMAT).replace(tzinfo=UTC).timestamp()
        except ValueError:
            raise wire.timestamp_format(name) from None
        if abs(self._clock() - stamp) > self._max_skew:
            raise wire.timestamp_expired()

    def _check_nonce(self, access_key_id: str, nonce: str) -> None:
        now = self._clock()
        key = (access_key_id, nonce)
        with self._lock:
            while self._nonces:
                oldest, seen = next(iter(self._nonces.items()))
                if now - seen <= 2 * self._max_skew and len(self._nonces) < _MAX_NONCES:
                    break
                del self._nonces[oldest]
            if key in self._nonces:
                raise wire.nonce_used()
            self._nonces[key] = now


def _unchecked_caller(request: WireRequest) -> Caller:
    access_key_id: str | None = None
    authorization = request.header("authorization")
    if authorization is not None:
        try:
            access_key_id = Authorization.parse(authorization).credential
        except GatewayError:
            access_key_id = None
    access_key_id = access_key_id or request.all_parameters.get("AccessKeyId")
    token = request.header("x-acs-security-token") or request.all_parameters.get("SecurityToken")
    return Caller(access_key_id, token)
