"""The whole suite talks to loopback only.

Every test connects to nothing but 127.0.0.1, ::1, localhost or a unix socket: pytest-socket
refuses any other `connect()` before a packet leaves. The guard is on from configuration time
(so imports during collection are covered), during each test, and again after each teardown.

The Alibaba Cloud credentials library looks for the ECS metadata service (100.100.100.200)
when nothing else gives it credentials. The variable that turns that off is set here, at
import time, in `os.environ` itself, so that every process the tests start inherits it.
"""

from __future__ import annotations

import os
from collections.abc import Generator, Iterator

import pytest
import pytest_socket

from tests.pg import PgSchema, temporary_schema

LOOPBACK_HOSTS = ("127.0.0.1", "::1", "localhost")
ECS_METADATA_DISABLED = "ALIBABA_CLOUD_ECS_METADATA_DISABLED"

os.environ[ECS_METADATA_DISABLED] = "true"


def allow_loopback_only() -> None:
    """Refuse every connect() but to a loopback host or a unix socket."""
    pytest_socket.socket_allow_hosts(list(LOOPBACK_HOSTS), allow_unix_socket=True)


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    # pytest-socket reads these options in its own pytest_configure, which runs after this
    # one, and then applies them at the setup of every test.
    config.option.allow_hosts = ",".join(LOOPBACK_HOSTS)
    config.option.allow_unix_socket = True
    allow_loopback_only()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown() -> Generator[None, None, None]:
    # pytest-socket lifts its guard at each teardown; put it back for what runs between tests.
    try:
        yield
    finally:
        allow_loopback_only()


@pytest.fixture
def pg_schema() -> Iterator[PgSchema]:
    """A PostgreSQL schema of this test's own on the local server, dropped afterwards."""
    with temporary_schema() as schema:
        yield schema
