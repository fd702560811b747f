"""Malformed and hostile HTTP over real sockets: every refusal is the gateway's JSON error,
idle connections end, and only so many connections are served at once."""

from __future__ import annotations

import contextlib
import json
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

import pytest

from ccc_emulator import CccEmulation
from ccc_emulator.http.server import (
    MAX_BODY_BYTES,
    MAX_CONNECTIONS,
    EmulatorServer,
    serve_in_thread,
)

from .helpers import create_params

LIST = b"/?Action=ListInstances&Version=2020-07-01&PageNumber=1&PageSize=10"


@pytest.fixture
def server(emu: CccEmulation) -> Iterator[EmulatorServer]:
    with serve_in_thread(emu) as running:
        yield running


def connect(server: EmulatorServer, timeout: float = 5) -> socket.socket:
    return socket.create_connection((server.host, server.port), timeout=timeout)


def read_response(sock: socket.socket) -> tuple[int, dict[str, str], dict[str, Any]]:
    """One HTTP response read off the socket: status, headers (lower-case), JSON body."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        assert chunk, f"connection closed after {data!r}"
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    status_line, *lines = head.decode("latin-1").split("\r\n")
    headers = {k.lower(): v.strip() for k, _, v in (line.partition(":") for line in lines)}
    while len(body) < int(headers["content-length"]):
        chunk = sock.recv(65536)
        assert chunk, "connection closed inside the body"
        body += chunk
    return int(status_line.split()[1]), headers, json.loads(body)


def exchange(server: EmulatorServer, raw: bytes) -> tuple[int, dict[str, str], dict[str, Any]]:
    with connect(server) as sock:
        sock.sendall(raw)
        return read_response(sock)


def closed_by_server(sock: socket.socket) -> bool:
    try:
        return sock.recv(1) == b""
    except ConnectionResetError:
        return True


def assert_gateway_error(
    answer: tuple[int, dict[str, str], dict[str, Any]], status: int, code: str
) -> None:
    got_status, headers, body = answer
    assert (got_status, body["Code"]) == (status, code), body
    assert headers["content-type"] == "application/json;charset=utf-8"
    assert set(body) == {"RequestId", "HostId", "Code", "Message", "Recommend"}
    assert body["RequestId"] == headers["x-acs-request-id"]
    assert body["Message"]


REFUSED = {
    "request-line": (b"GARBAGE\r\n\r\n", 400, "BadRequest"),
    "http-version": (b"GET / HTTP/9.9\r\n\r\n", 505, "UnsupportedHTTPVersion"),
    "request-line-too-long": (
        b"GET /" + b"a" * 70_000 + b" HTTP/1.1\r\n\r\n",
        414,
        "RequestURITooLong",
    ),
    "too-many-headers": (
        b"GET / HTTP/1.1\r\n" + b"".join(b"X-%d: 1\r\n" % n for n in range(200)) + b"\r\n",
        431,
        "RequestHeaderTooLarge",
    ),
    "method": (b"PUT " + LIST + b" HTTP/1.1\r\nHost: h\r\n\r\n", 405, "UnsupportedHTTPMethod"),
    "content-length-text": (
        b"POST " + LIST + b" HTTP/1.1\r\nHost: h\r\nContent-Length: abc\r\n\r\n",
        400,
        "BadRequest",
    ),
    "content-length-negative": (
        b"POST " + LIST + b" HTTP/1.1\r\nHost: h\r\nContent-Length: -5\r\n\r\n",
        400,
        "BadRequest",
    ),
    "content-lengths-disagree": (
        b"POST "
        + LIST
        + b" HTTP/1.1\r\nHost: h\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab",
        400,
        "BadRequest",
    ),
    "content-length-huge": (
        b"POST " + LIST + b" HTTP/1.1\r\nHost: h\r\nContent-Length: 99999999999\r\n\r\n",
        413,
        "RequestBodyTooLarge",
    ),
    "chunked": (
        b"POST " + LIST + b" HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
        b"5\r\nhello\r\n0\r\n\r\n",
        411,
        "MissingContentLength",
    ),
}


@pytest.mark.parametrize(("raw", "status", "code"), REFUSED.values(), ids=REFUSED.keys())
def test_malformed_requests_get_the_gateway_error_and_the_connection_ends(
    server: EmulatorServer, raw: bytes, status: int, code: str
) -> None:
    with connect(server) as sock:
        sock.sendall(raw)
        assert_gateway_error(read_response(sock), status, code)
        assert closed_by_server(sock)


def test_a_body_one_byte_over_the_limit_is_refused_unread(server: EmulatorServer) -> None:
    head = b"POST / HTTP/1.1\r\nHost: h\r\nContent-Length: %d\r\n\r\n" % (MAX_BODY_BYTES + 1)
    assert_gateway_error(exchange(server, head), 413, "RequestBodyTooLarge")


def test_the_refusal_of_a_method_says_which_are_allowed(server: EmulatorServer) -> None:
    _, headers, body = exchange(server, b"DELETE / HTTP/1.1\r\nHost: h\r\n\r\n")
    assert headers["allow"] == "GET, POST"
    assert body["HostId"] == "h"
    assert body["Message"] == "Specified HTTP method DELETE is not supported; use GET or POST."


def test_a_path_other_than_the_root_is_not_found(server: EmulatorServer) -> None:
    with connect(server) as sock:
        sock.sendall(b"POST /admin" + LIST[1:] + b" HTTP/1.1\r\nHost: h\r\n\r\n")
        answer = read_response(sock)
        assert_gateway_error(answer, 404, "InvalidUri.NotFound")
        assert answer[2]["Message"] == "Specified path /admin is not found; RPC requests go to /."
        sock.sendall(b"POST " + LIST + b" HTTP/1.1\r\nHost: h\r\n\r\n")
        assert read_response(sock)[0] == 200


def test_a_deeply_nested_list_parameter_is_a_400(server: EmulatorServer) -> None:
    params = {**create_params(), "AdminRamIdList": "[" * 50_000 + "]" * 50_000}
    form = urlencode({"Action": "CreateInstance", "Version": "2020-07-01", **params}).encode()
    head = b"POST / HTTP/1.1\r\nHost: h\r\nContent-Type: application/x-www-form-urlencoded\r\n"
    status, _, body = exchange(server, head + b"Content-Length: %d\r\n\r\n" % len(form) + form)
    assert (status, body["Code"], body["HttpStatusCode"]) == (400, "Parameter.Format", 400)
    assert body["Message"] == "The parameter AdminRamIdList must be a JSON array."


def test_an_idle_connection_is_closed_after_the_idle_timeout(emu: CccEmulation) -> None:
    with EmulatorServer(emu, port=0, idle_timeout=0.3) as server:
        server.start()
        with connect(server) as idle, connect(server) as partial:
            partial.sendall(b"POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 10\r\n\r\nabc")
            started = time.monotonic()
            assert closed_by_server(idle) and closed_by_server(partial)
            assert time.monotonic() - started < 4


def test_connections_beyond_the_limit_wait_for_a_free_one(emu: CccEmulation) -> None:
    with EmulatorServer(emu, port=0, max_connections=2) as server:
        server.start()
        first, second, third = connect(server), connect(server), connect(server)
        try:
            request = b"POST " + LIST + b" HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\n\r\n"
            third.sendall(request)
            third.settimeout(0.5)
            with pytest.raises(TimeoutError):
                third.recv(1)
            first.close()
            third.settimeout(5)
            assert read_response(third)[0] == 200
        finally:
            for sock in (first, second, third):
                sock.close()


def test_as_many_keep_alive_connections_as_cccform_may_open_are_served_at_once(
    server: EmulatorServer,
) -> None:
    """`--parallelism 256` keeps up to 256 connections alive: none of them waits for another
    to close (an idle keep-alive connection holds its slot for IDLE_TIMEOUT_SECONDS)."""
    assert MAX_CONNECTIONS == 256
    request = b"POST " + LIST + b" HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\n\r\n"
    socks = [connect(server) for _ in range(MAX_CONNECTIONS)]
    try:
        for sock in socks:  # every one answered, and kept open
            sock.sendall(request)
        assert {read_response(sock)[0] for sock in socks} == {200}
    finally:
        for sock in socks:
            sock.close()


def test_stop_is_not_held_up_by_a_client_waiting_for_a_connection(emu: CccEmulation) -> None:
    server = EmulatorServer(emu, port=0, max_connections=1).start()
    held, waiting = connect(server), connect(server)
    try:
        time.sleep(0.3)
        started = time.monotonic()
        server.stop()
        assert time.monotonic() - started < 3
        assert closed_by_server(held)
    finally:
        held.close()
        waiting.close()


def test_a_client_still_sending_a_body_too_large_reads_the_refusal(server: EmulatorServer) -> None:
    size = MAX_BODY_BYTES + 1
    with connect(server) as sock:
        sock.sendall(b"POST / HTTP/1.1\r\nHost: h\r\nContent-Length: %d\r\n\r\n" % size)

        def send_body() -> None:
            with contextlib.suppress(OSError):
                sock.sendall(b"x" * size)

        sender = threading.Thread(target=send_body)
        sender.start()
        try:
            time.sleep(0.5)
            assert_gateway_error(read_response(sock), 413, "RequestBodyTooLarge")
        finally:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_WR)
            sender.join(10)


def test_a_client_gone_mid_request_prints_no_traceback(
    server: EmulatorServer, capsys: pytest.CaptureFixture[str]
) -> None:
    for partial in (b"GARB", b"GET / HTTP/1.1\r\nHost: x\r\n"):
        with connect(server) as sock:
            sock.sendall(partial)
            sock.setsockopt(
                socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00"
            )
    time.sleep(0.5)  # the handler threads see the reset
    assert "Traceback" not in capsys.readouterr().err
