"""The guard of tests/conftest.py: loopback and unix sockets only, no ECS metadata lookup."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import pytest_socket

from tests.conftest import ECS_METADATA_DISABLED

# TEST-NET-1 (RFC 5737) and the ECS metadata address: neither may be reached.
OUTSIDE = ("192.0.2.1", "100.100.100.200")


@pytest.fixture
def real_connects(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Record every connect() that gets past the guard to the real socket call."""
    passed: list[Any] = []
    real = pytest_socket._true_connect

    def record(sock: socket.socket, *args: Any) -> None:
        passed.append(args[0])
        real(sock, *args)

    monkeypatch.setattr(pytest_socket, "_true_connect", record)
    return passed


@pytest.fixture
def listener() -> Iterator[socket.socket]:
    server = socket.create_server(("127.0.0.1", 0))
    try:
        yield server
    finally:
        server.close()


@pytest.mark.parametrize("host", OUTSIDE)
@pytest.mark.filterwarnings("ignore:A test tried to use socket.socket.connect")
def test_a_connect_to_another_host_is_refused_before_anything_is_sent(
    host: str, real_connects: list[Any]
) -> None:
    client = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    with pytest.raises(pytest_socket.SocketConnectBlockedError, match=host):
        client.connect((host, 80))
    assert real_connects == []
    assert client.fileno() == -1  # closed by the guard, never connected


def test_a_connect_to_loopback_goes_through(
    listener: socket.socket, real_connects: list[Any]
) -> None:
    port = listener.getsockname()[1]
    for host in ("127.0.0.1", "localhost"):
        with socket.create_connection((host, port), timeout=10):
            pass
    assert [address[1] for address in real_connects] == [port, port]


def test_a_unix_socket_goes_through(tmp_path: Path) -> None:
    path = str(tmp_path / "s")
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as server:
        server.bind(path)
        server.listen()
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as client:
            client.connect(path)


def test_ecs_metadata_is_disabled_here_and_in_child_processes() -> None:
    assert os.environ[ECS_METADATA_DISABLED] == "true"
    child = subprocess.run(
        [sys.executable, "-c", f"import os; print(os.environ['{ECS_METADATA_DISABLED}'])"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert child.stdout == "true\n"
