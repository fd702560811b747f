"""Where the aliyun provider sends its requests: the CCC, BSS OpenAPI and STS endpoints.

An endpoint setting is a URL, `https://host[:port]`; plain `http://` is accepted only for a
loopback host (127.0.0.0/8, ::1, localhost), i.e. a local emulator such as
`cccform emulator serve`. Anything else (http to another host, a path, a query, credentials in
the URL, garbage) is refused with `cccform.errors.UsageError` before any request is made: it is
a mistake in the configuration, not a failed call. The rules are those of `cccform.endpoints`,
which validation applies first, so a configuration that validates has usable endpoints.

Defaults: CCC `https://ccc.<region>.aliyuncs.com`; BSS OpenAPI and STS their setting, else the
CCC endpoint when that is loopback (the emulator answers all three products, routed by API
version), else `https://business.aliyuncs.com` and `https://sts.aliyuncs.com`.
"""

from __future__ import annotations

from dataclasses import dataclass

from cccform import endpoints
from cccform.config.models import AliyunProviderConfig
from cccform.endpoints import Endpoint, EndpointError, is_loopback
from cccform.errors import UsageError

DEFAULT_BSS_HOST = "business.aliyuncs.com"
DEFAULT_STS_HOST = "sts.aliyuncs.com"
__all__ = ["Endpoint", "Endpoints", "is_loopback", "parse_endpoint", "resolve_endpoints"]


def parse_endpoint(raw: str, setting: str = "endpoint") -> Endpoint:
    """Check an endpoint URL from the provider settings; `setting` names it in errors."""
    try:
        return endpoints.parse_endpoint(raw)
    except EndpointError as error:
        raise UsageError(
            f"aliyun provider: {setting} {raw!r} is not usable: {error}. Give a URL such as "
            "https://ccc.cn-shanghai.aliyuncs.com, or http://127.0.0.1:8765 for a local emulator."
        ) from None


@dataclass(frozen=True)
class Endpoints:
    ccc: Endpoint
    bss: Endpoint
    sts: Endpoint


def resolve_endpoints(settings: AliyunProviderConfig) -> Endpoints:
    """The three endpoints the provider uses (raises UsageError for a bad setting)."""
    if settings.endpoint:
        ccc = parse_endpoint(settings.endpoint, "endpoint")
    else:
        ccc = Endpoint(host=f"ccc.{settings.region}.aliyuncs.com", protocol="https")

    def companion(value: str | None, setting: str, default_host: str) -> Endpoint:
        if value:
            return parse_endpoint(value, setting)
        if ccc.loopback:
            return ccc
        return Endpoint(host=default_host, protocol="https")

    return Endpoints(
        ccc=ccc,
        bss=companion(settings.bss_endpoint, "bss_endpoint", DEFAULT_BSS_HOST),
        sts=companion(settings.sts_endpoint, "sts_endpoint", DEFAULT_STS_HOST),
    )
