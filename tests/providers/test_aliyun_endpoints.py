"""Endpoint settings of the aliyun provider: https, or http only for loopback."""

from __future__ import annotations

from pathlib import Path

import pytest

from cccform.config.models import AliyunProviderConfig
from cccform.errors import UsageError
from cccform.providers.aliyun import make_aliyun_provider
from cccform.providers.aliyun.endpoints import (
    Endpoint,
    is_loopback,
    parse_endpoint,
    resolve_endpoints,
)

from .contract.aliyun_env import SilentServer, credential_env


@pytest.mark.parametrize(
    ("url", "address", "protocol"),
    [
        ("https://ccc.cn-shanghai.aliyuncs.com", "ccc.cn-shanghai.aliyuncs.com", "https"),
        ("https://ccc.cn-shanghai.aliyuncs.com/", "ccc.cn-shanghai.aliyuncs.com", "https"),
        ("HTTPS://proxy.example.com:8443", "proxy.example.com:8443", "https"),
        ("https://10.0.0.5:443", "10.0.0.5:443", "https"),
        ("http://127.0.0.1:8765", "127.0.0.1:8765", "http"),
        ("http://127.9.8.7:1", "127.9.8.7:1", "http"),
        ("http://localhost:9000", "localhost:9000", "http"),
        ("http://[::1]:8765", "[::1]:8765", "http"),
        ("  http://127.0.0.1  ", "127.0.0.1", "http"),
    ],
)
def test_accepted(url: str, address: str, protocol: str) -> None:
    endpoint = parse_endpoint(url)
    assert (endpoint.address, endpoint.protocol) == (address, protocol)


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://ccc.cn-shanghai.aliyuncs.com", "plain http is allowed only for loopback"),
        ("http://10.0.0.1:8765", "plain http is allowed only for loopback"),
        ("http://0.0.0.0:8765", "plain http is allowed only for loopback"),
        ("http://128.0.0.1", "plain http is allowed only for loopback"),
        ("http://localhost.example.com", "plain http is allowed only for loopback"),
        ("ccc.cn-shanghai.aliyuncs.com", "no scheme"),
        ("127.0.0.1:8765", "no scheme"),
        ("garbage", "no scheme"),
        ("", "no scheme"),
        ("ftp://ccc.cn-shanghai.aliyuncs.com", "scheme must be https"),
        ("https://", "host is missing"),
        ("https://ccc.aliyuncs.com/path", "no path"),
        ("https://ccc.aliyuncs.com?Action=x", "no path"),
        ("https://ccc.aliyuncs.com#x", "no path"),
        ("https://user:pw@ccc.aliyuncs.com", "credentials do not belong"),
        ("https://bad_host!.com", "not a valid name"),
        ("http://127.0.0.1:0", "between 1 and 65535"),
        ("http://127.0.0.1:99999", "between 1 and 65535"),
        ("http://127.0.0.1:port", "between 1 and 65535"),
    ],
)
def test_refused(url: str, reason: str) -> None:
    with pytest.raises(UsageError) as exc:
        parse_endpoint(url, "bss_endpoint")
    assert reason in str(exc.value)
    assert "bss_endpoint" in str(exc.value)


def test_loopback() -> None:
    assert all(map(is_loopback, ["127.0.0.1", "127.255.0.1", "::1", "localhost", "LOCALHOST"]))
    assert not any(map(is_loopback, ["10.0.0.1", "0.0.0.0", "::", "example.com", "::ffff:1"]))


def test_defaults() -> None:
    endpoints = resolve_endpoints(AliyunProviderConfig(type="aliyun", region="cn-hangzhou"))
    assert endpoints.ccc == Endpoint("ccc.cn-hangzhou.aliyuncs.com", "https")
    assert endpoints.bss.url == "https://business.aliyuncs.com"
    assert endpoints.sts.url == "https://sts.aliyuncs.com"


def test_bss_and_sts_follow_a_loopback_ccc_endpoint() -> None:
    config = AliyunProviderConfig(type="aliyun", endpoint="http://127.0.0.1:8765")
    endpoints = resolve_endpoints(config)
    assert endpoints.ccc.url == endpoints.bss.url == endpoints.sts.url == "http://127.0.0.1:8765"
    config = AliyunProviderConfig(type="aliyun", endpoint="https://ccc.example.com")
    endpoints = resolve_endpoints(config)
    assert endpoints.bss.url == "https://business.aliyuncs.com"


def test_explicit_bss_and_sts_endpoints() -> None:
    config = AliyunProviderConfig(
        type="aliyun",
        bss_endpoint="https://business.ap-southeast-1.aliyuncs.com",
        sts_endpoint="http://127.0.0.1:9999",
    )
    endpoints = resolve_endpoints(config)
    assert endpoints.bss.url == "https://business.ap-southeast-1.aliyuncs.com"
    assert endpoints.sts.url == "http://127.0.0.1:9999"
    # Validation refuses it first; settings built without validation are refused here too.
    unchecked = AliyunProviderConfig.model_construct(type="aliyun", sts_endpoint="http://sts.x.com")
    with pytest.raises(UsageError, match="sts_endpoint"):
        resolve_endpoints(unchecked)


def test_bad_endpoint_refused_before_anything_else(tmp_path: Path) -> None:
    # No credentials at all: the endpoint is checked first, and nothing is contacted.
    with credential_env(tmp_path / "home", access_key_id=None, secret=None), SilentServer() as s:
        # Validation refuses it first; settings built without validation are refused here too.
        config = AliyunProviderConfig.model_construct(
            type="aliyun", endpoint=s.url.replace("127.0.0.1", "localhost.invalid")
        )
        with pytest.raises(UsageError, match="plain http is allowed only for loopback"):
            make_aliyun_provider(config)
        assert s.connections == 0
