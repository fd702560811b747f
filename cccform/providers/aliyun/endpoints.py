"""Where the aliyun provider sends its requests: the CCC, BSS OpenAPI and STS endpoints.

An endpoint setting is a URL, `https://host[:port]`; plain `http://` is accepted only for a
loopback host (127.0.0.0/8, ::1, localhost), i.e. a local emulator such as
`cccform emulator serve`. Anything else (http to another host, a path, a query, credentials in
the URL, garbage) is refused with `cccform.errors.UsageError` before any request is made: it is
a mistake in the configuration, not a failed call.

Defaults: CCC `https://ccc.<region>.aliyuncs.com`; BSS OpenAPI and STS their setting, else the
CCC endpoint when that is loopback (the emulator answers all three products, routed by API
version), else `https://business.aliyuncs.com` and `https://sts.aliyuncs.com`.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from cccform.config.models import AliyunProviderConfig
from cccform.errors import UsageError

DEFAULT_BSS_HOST = "business.aliyuncs.com"
DEFAULT_STS_HOST = "sts.aliyuncs.com"
LOOPBACK_NAMES = frozenset({"localhost"})
_LABEL = re.compile(r"^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$")


@dataclass(frozen=True)
class Endpoint:
    """An endpoint as the SDK's `Config` takes it: `host[:port]` plus a protocol."""

    host: str  # a DNS name or an IP address; IPv6 without brackets
    protocol: str  # "https" or "http"
    port: int | None = None

    @property
    def address(self) -> str:
        """`host[:port]`, with an IPv6 address in brackets (the SDK's `Config.endpoint`)."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return host if self.port is None else f"{host}:{self.port}"

    @property
    def url(self) -> str:
        return f"{self.protocol}://{self.address}"

    @property
    def loopback(self) -> bool:
        return is_loopback(self.host)


@dataclass(frozen=True)
class Endpoints:
    ccc: Endpoint
    bss: Endpoint
    sts: Endpoint


def is_loopback(host: str) -> bool:
    """127.0.0.0/8, ::1 or `localhost`."""
    if host.lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def parse_endpoint(raw: str, setting: str = "endpoint") -> Endpoint:
    """Check an endpoint URL from the provider settings; `setting` names it in errors."""
    text = raw.strip()

    def refuse(reason: str) -> UsageError:
        return UsageError(
            f"aliyun provider: {setting} {raw!r} is not usable: {reason}. Give a URL such as "
            "https://ccc.cn-shanghai.aliyuncs.com, or http://127.0.0.1:8765 for a local emulator."
        )

    if "://" not in text:
        raise refuse("it has no scheme (https://)")
    try:
        parts = urlsplit(text)
    except ValueError as error:
        raise refuse(str(error)) from None
    try:
        port = parts.port
    except ValueError:
        raise refuse("the port must be a number between 1 and 65535") from None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise refuse(f"the scheme must be https (or http for a loopback host), not {scheme!r}")
    if parts.username is not None or parts.password is not None:
        raise refuse("credentials do not belong in the URL")
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise refuse("only scheme, host and port are allowed (no path, query or fragment)")
    host = parts.hostname or ""
    if not _valid_host(host):
        raise refuse("the host is missing or not a valid name or address")
    if port is not None and port == 0:
        raise refuse("the port must be between 1 and 65535")
    if scheme == "http" and not is_loopback(host):
        raise refuse(
            "plain http is allowed only for loopback addresses (127.0.0.0/8, ::1, localhost); "
            "use https"
        )
    return Endpoint(host=host, protocol=scheme, port=port)


def _valid_host(host: str) -> bool:
    if not host:
        return False
    try:
        ipaddress.ip_address(host)
        return True
    except ValueError:
        pass
    name = host[:-1] if host.endswith(".") else host
    if len(name) > 253:
        return False
    labels = name.split(".")
    return all(_LABEL.fullmatch(label) for label in labels) and not labels[-1].isdigit()


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
