"""Endpoint URLs of a provider: parsed and checked only here.

An endpoint setting is a URL, `https://host[:port]`; plain `http://` is accepted only for a
loopback host (127.0.0.0/8, ::1, localhost), i.e. a local emulator such as
`cccform emulator serve`. Anything else (http to another host, a path, a query, credentials in
the URL, garbage) is refused with `EndpointError`. The configuration's validation uses it to
refuse a bad setting at its line; the aliyun provider to build its endpoints.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

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


class EndpointError(ValueError):
    """Why an endpoint URL is not usable (one clause, no final stop)."""


def is_loopback(host: str) -> bool:
    """127.0.0.0/8, ::1 or `localhost`."""
    if host.lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def parse_endpoint(raw: str) -> Endpoint:
    """The endpoint `raw` names; `EndpointError` saying why when it is not usable."""
    text = raw.strip()
    refuse = EndpointError

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
