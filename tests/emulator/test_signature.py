"""Signature checking (ACS3-HMAC-SHA256 and the legacy v2), against requests built by hand."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

import pytest
from alibabacloud_tea_openapi.utils import Utils
from darabonba.request import DaraRequest

from ccc_emulator.http import signature
from ccc_emulator.http.signature import Authorization, SignatureChecker
from ccc_emulator.http.wire import GatewayError, WireRequest

AK, SK = "LTAI-test", "test-secret"
QUERY = {"InstanceId": "acme support", "Tags": '["a~b","c*d"]', "Empty": ""}


def stamp(offset: float = 0) -> str:
    return datetime.fromtimestamp(time.time() + offset, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def acs3_request(
    query: dict[str, str] | None = None,
    body: bytes = b"",
    *,
    secret: str = SK,
    access_key_id: str = AK,
    extra: dict[str, str] | None = None,
    nonce: str = "nonce-1",
    date: str | None = None,
    tamper: dict[str, Any] | None = None,
) -> WireRequest:
    """A request signed like tea-openapi signs it; `tamper` changes it after signing."""
    query = dict(QUERY if query is None else query)
    headers = {
        "host": "127.0.0.1:8765",
        "x-acs-action": "GetInstance",
        "x-acs-version": "2020-07-01",
        "x-acs-date": date or stamp(),
        "x-acs-signature-nonce": nonce,
        "x-acs-content-sha256": signature.sha256_hex(body),
        "accept": "application/json",
        **(extra or {}),
    }
    headers["authorization"] = signature.acs3_authorization(
        access_key_id, secret, "POST", "/", query, headers, headers["x-acs-content-sha256"]
    )
    fields: dict[str, Any] = {"query": query, "body": body, "headers": headers}
    fields.update(tamper or {})
    return WireRequest.parse(
        "POST",
        "/?" + urlencode(fields["query"]),
        {name: (value,) for name, value in fields["headers"].items()},
        fields["body"],
    )


def v2_request(
    query: dict[str, str] | None = None,
    *,
    secret: str = SK,
    nonce: str = "nonce-1",
    timestamp: str | None = None,
    drop: str | None = None,
    **overrides: str,
) -> WireRequest:
    params = {
        "Action": "GetInstance",
        "Format": "json",
        "Version": "2020-07-01",
        "Timestamp": timestamp or stamp(),
        "SignatureNonce": nonce,
        "SignatureMethod": "HMAC-SHA1",
        "SignatureVersion": "1.0",
        "AccessKeyId": AK,
        **(QUERY if query is None else query),
        **overrides,
    }
    params["Signature"] = signature.v2_signature(secret, "POST", params)
    if drop:
        del params[drop]
    return WireRequest.parse("POST", "/?" + urlencode(params), {"host": ("127.0.0.1",)})


def refused(checker: SignatureChecker, request: WireRequest) -> tuple[str, int]:
    with pytest.raises(GatewayError) as exc:
        checker.check(request)
    return exc.value.code, exc.value.status


@pytest.fixture
def checker() -> SignatureChecker:
    return SignatureChecker({AK: SK})


def test_canonical_query_reencodes_like_the_sdk() -> None:
    assert signature.canonical_query({"b": "x y", "a": "~*'/é"}) == "a=~%2A%27%2F%C3%A9&b=x%20y"


def test_our_signatures_match_the_sdks() -> None:
    request = DaraRequest()
    request.method = "POST"
    request.pathname = "/"
    request.query = dict(QUERY)
    request.headers = {"host": "h", "x-acs-action": "A", "x-acs-date": "2026-01-01T00:00:00Z"}
    payload = signature.sha256_hex(b"")
    sdk = Utils.get_authorization(request, "ACS3-HMAC-SHA256", payload, AK, SK)
    ours = signature.acs3_authorization(AK, SK, "POST", "/", QUERY, request.headers, payload)
    assert ours == sdk
    params = {"Action": "A", "Timestamp": "2026-01-01T00:00:00Z", **QUERY}
    assert signature.v2_signature(SK, "POST", params) == Utils.get_rpcsignature(params, "POST", SK)


def test_acs3_valid(checker: SignatureChecker) -> None:
    caller = checker.check(acs3_request())
    assert (caller.access_key_id, caller.security_token) == (AK, None)
    form = b"PageNumber=1&PageSize=2"
    checker.check(
        acs3_request(
            body=form, nonce="n2", extra={"content-type": "application/x-www-form-urlencoded"}
        )
    )


def test_acs3_refusals(checker: SignatureChecker) -> None:
    assert refused(checker, acs3_request(secret="wrong")) == ("SignatureDoesNotMatch", 400)
    assert refused(checker, acs3_request(access_key_id="other")) == (
        "InvalidAccessKeyId.NotFound",
        404,
    )
    tampered_query = acs3_request(tamper={"query": {**QUERY, "InstanceId": "other"}})
    assert refused(checker, tampered_query) == ("SignatureDoesNotMatch", 400)
    # The body changed but the signed hash did not.
    tampered_body = acs3_request(tamper={"body": b"Extra=1"})
    assert refused(checker, tampered_body) == ("SignatureDoesNotMatch", 400)


def test_acs3_header_rules(checker: SignatureChecker) -> None:
    good = acs3_request()
    unsigned = dict(good.headers)
    unsigned["x-acs-extra"] = ("sneaked in",)
    request = WireRequest("POST", "/", good.query, unsigned, good.body)
    assert refused(checker, request) == ("IncompleteSignature", 400)
    for value in ("ACS3-HMAC-SHA256 Credential=AK", "ACS3-HMAC-SHA256 nonsense", "Basic Zm9v"):
        headers = dict(good.headers)
        headers["authorization"] = (value,)
        request = WireRequest("POST", "/", good.query, headers, good.body)
        assert refused(checker, request) == ("IncompleteSignature", 400)
    rsa = good.header("authorization") or ""
    headers = dict(good.headers)
    headers["authorization"] = (rsa.replace("ACS3-HMAC-SHA256", "ACS3-RSA-SHA256"),)
    assert refused(checker, WireRequest("POST", "/", good.query, headers, good.body))[0] == (
        "IncompleteSignature"
    )


def test_acs3_time_and_nonce(checker: SignatureChecker) -> None:
    assert refused(checker, acs3_request(date=stamp(-3600))) == ("InvalidTimeStamp.Expired", 400)
    assert refused(checker, acs3_request(date="yesterday")) == ("InvalidTimeStamp.Format", 400)
    checker.check(acs3_request(nonce="once"))
    assert refused(checker, acs3_request(nonce="once")) == ("SignatureNonceUsed", 400)
    checker.check(acs3_request(nonce="twice"))


def test_acs3_security_token(checker: SignatureChecker) -> None:
    caller = checker.check(
        acs3_request(extra={"x-acs-accesskey-id": AK, "x-acs-security-token": "CAIS-token"})
    )
    assert caller.security_token == "CAIS-token"
    mismatched = acs3_request(
        nonce="n2", extra={"x-acs-accesskey-id": "other", "x-acs-security-token": "CAIS-token"}
    )
    assert refused(checker, mismatched) == ("InvalidSecurityToken.MismatchWithAccessKey", 400)


def test_v2(checker: SignatureChecker) -> None:
    assert checker.check(v2_request()).access_key_id == AK
    assert refused(checker, v2_request(secret="wrong", nonce="n2")) == (
        "SignatureDoesNotMatch",
        400,
    )
    assert refused(checker, v2_request(nonce="n3", SignatureMethod="HMAC-SHA256")) == (
        "InvalidParameter",
        400,
    )
    for name in ("SignatureMethod", "Timestamp", "SignatureNonce", "Signature"):
        assert refused(checker, v2_request(nonce=f"drop-{name}", drop=name)) == (
            "MissingParameter",
            400,
        )
    assert refused(checker, v2_request(nonce="old", timestamp=stamp(-3600))) == (
        "InvalidTimeStamp.Expired",
        400,
    )
    assert refused(checker, v2_request()) == ("SignatureNonceUsed", 400)
    assert checker.check(v2_request(nonce="tok", SecurityToken="CAIS")).security_token == "CAIS"


def test_v2_covers_the_form_body(checker: SignatureChecker) -> None:
    params = {
        "Action": "GetInstance",
        "Version": "2020-07-01",
        "Timestamp": stamp(),
        "SignatureNonce": "form",
        "SignatureMethod": "HMAC-SHA1",
        "AccessKeyId": AK,
    }
    form = {"InstanceId": "acme"}
    params["Signature"] = signature.v2_signature(SK, "POST", {**params, **form})
    headers = {"content-type": ("application/x-www-form-urlencoded",)}
    good = WireRequest.parse("POST", "/?" + urlencode(params), headers, b"InstanceId=acme")
    checker.check(good)
    bad = WireRequest.parse("POST", "/?" + urlencode(params), headers, b"InstanceId=other")
    assert refused(checker, bad) == ("SignatureDoesNotMatch", 400)


def test_missing_authentication(checker: SignatureChecker) -> None:
    request = WireRequest.parse("POST", "/?InstanceId=x", {"x-acs-action": ("GetInstance",)})
    assert refused(checker, request) == ("MissingParameter", 400)


def test_without_keys_nothing_is_checked() -> None:
    checker = SignatureChecker()
    assert not checker.enabled
    assert checker.check(acs3_request(secret="anything")).access_key_id == AK
    assert checker.check(acs3_request(secret="anything")).access_key_id == AK  # nonce reused
    assert checker.check(v2_request(secret="x")).access_key_id == AK
    assert checker.check(WireRequest.parse("GET", "/", {})).access_key_id is None
    headers = {"authorization": ("garbage",)}
    assert checker.check(WireRequest.parse("GET", "/", headers)).access_key_id is None


def test_authorization_parse() -> None:
    auth = Authorization.parse(
        "ACS3-HMAC-SHA256 Credential=AK,SignedHeaders=host;X-Acs-Date,Signature=abc"
    )
    assert auth == Authorization("ACS3-HMAC-SHA256", "AK", ("host", "x-acs-date"), "abc")


def test_v2_action_comes_from_the_signed_parameters_not_a_header(tmp_path: Any) -> None:
    from ccc_emulator.engine import CccEmulation
    from ccc_emulator.http.gateway import Gateway

    signed = v2_request(nonce="tamper")
    tampered = WireRequest.parse(
        "POST",
        "/?" + urlencode(signed.query),
        {"host": ("127.0.0.1",), "x-acs-action": ("DeleteInstance",)},
    )
    assert tampered.action == "GetInstance"
    assert tampered.disagreement() is not None
    with CccEmulation(tmp_path, create_seconds=0) as engine:
        engine.handle(
            "CreateInstance",
            {"Name": "Kept Center", "DomainName": "acme-sup", "AdminRamIdList": '["1"]'},
        )
        response = Gateway(engine, credentials={AK: SK})(tampered)
        assert response.status == 400 and response.body is not None
        assert response.body["Code"] == "IncompleteSignature"
        assert engine.handle("GetInstance", {"InstanceId": "acme-sup"})["Name"] == "Kept Center"
