"""`python tests/cli/closed_metadata.py ARGS`: cccform ARGS where no ECS metadata service is.

The credentials library's ECS metadata service is moved to a closed loopback port (the
credentials library allows no other address but its own), so its fetches are refused as they
are where no metadata service answers; and any connection that would leave loopback fails
before a packet goes out.
"""

from __future__ import annotations

import ipaddress
import socket
from typing import Any

from alibabacloud_credentials.provider import ecs_ram_role

from cccform.cli.entry import run


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def loopback_only() -> None:
    connect = socket.socket.connect

    def guarded(self: socket.socket, address: Any) -> None:
        inet = self.family in (socket.AF_INET, socket.AF_INET6)
        if inet and not ipaddress.ip_address(address[0]).is_loopback:
            raise ConnectionRefusedError(f"the tests stay on loopback, not {address[0]}")
        connect(self, address)

    socket.socket.connect = guarded  # type: ignore[method-assign,assignment]


def metadata_at(host: str) -> None:
    provider = ecs_ram_role.EcsRamRoleCredentialsProvider
    original = provider.__init__

    def init(self: Any, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        self._EcsRamRoleCredentialsProvider__metadata_service_host = host

    provider.__init__ = init


if __name__ == "__main__":
    loopback_only()
    metadata_at(f"127.0.0.1:{closed_port()}")
    run()
