"""`cccform emulator serve`: a real process serving the official SDK, stopped by signals."""

from __future__ import annotations

import json
import re
import signal
import socket
import subprocess
import threading
import time
from pathlib import Path

import pytest
from alibabacloud_ccc20200701 import models as ccc_models
from alibabacloud_ccc20200701.client import Client as CccClient
from alibabacloud_tea_openapi.exceptions import ClientException, ThrottlingException
from alibabacloud_tea_openapi.models import Config

from ccc_emulator.engine import CccEmulation
from tests.cli.harness import Cli, spawn

LISTENING = re.compile(r"^cccform emulator listening on http://(127\.0\.0\.1):(\d+)$")


def started(process: subprocess.Popen[str], timeout: float = 30) -> tuple[str, int]:
    """Wait for the listening line; returns (host, port)."""
    lines: list[str] = []

    def read() -> None:
        assert process.stdout is not None
        lines.append(process.stdout.readline())

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    reader.join(timeout)
    if not lines or not lines[0]:
        process.kill()
        _, err = process.communicate(timeout=10)
        raise AssertionError(f"no listening line; stderr: {err}")
    match = LISTENING.match(lines[0].rstrip("\n"))
    assert match, lines[0]
    return match.group(1), int(match.group(2))


def stop(process: subprocess.Popen[str]) -> None:
    """SIGTERM; the server must end with exit 0."""
    process.terminate()
    _, err = process.communicate(timeout=30)
    assert process.returncode == 0, err


def kill(process: subprocess.Popen[str]) -> None:
    """End a server a failed test left running."""
    if process.poll() is None:
        process.kill()
        process.communicate()


def sdk(host: str, port: int, key: str = "AK", secret: str = "SK") -> CccClient:
    return CccClient(
        Config(
            access_key_id=key,
            access_key_secret=secret,
            endpoint=f"{host}:{port}",
            protocol="http",
            region_id="cn-shanghai",
            read_timeout=10000,
        )
    )


def create(client: CccClient, domain: str) -> None:
    client.create_instance(
        ccc_models.CreateInstanceRequest(
            name="Support Center", domain_name=domain, admin_ram_id_list=json.dumps(["1234"])
        )
    )


@pytest.mark.slow
@pytest.mark.parametrize("stop_with", [signal.SIGTERM, signal.SIGINT])
def test_serve_on_a_free_port_then_stop(tmp_path: Path, stop_with: signal.Signals) -> None:
    data = tmp_path / "emulator-data"
    process = spawn(
        tmp_path, "emulator", "serve", "--port", "0", "--data", str(data), "--create-seconds", "0"
    )
    try:
        host, port = started(process)
        assert port != 0
        create(sdk(host, port), "acme-support")
        listed = sdk(host, port).list_instances(
            ccc_models.ListInstancesRequest(page_number=1, page_size=10)
        )
        assert [item.id for item in listed.body.data.list] == ["acme-support"]
        process.send_signal(stop_with)
        _, err = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 0, err
    assert "Traceback" not in err
    assert "stopped" in err
    with CccEmulation(data) as emulation:
        assert emulation.conversation_analysis_status() == {"acme-support": False}


@pytest.mark.slow
def test_serve_with_keys_and_faults(tmp_path: Path) -> None:
    process = spawn(
        tmp_path,
        "emulator",
        "serve",
        "--port",
        "0",
        "--access-key-id",
        "AK",
        "--access-key-secret",
        "SK",
        "--fault-seed",
        "1",
        "--throttle-rate",
        "1",
        "--throttle-retry-after",
        "4",
    )
    try:
        host, port = started(process)
        with pytest.raises(ClientException) as wrong:
            create(sdk(host, port, secret="nope"), "acme-support")
        assert wrong.value.code == "SignatureDoesNotMatch"
        with pytest.raises(ThrottlingException) as throttled:
            create(sdk(host, port), "acme-support")
        assert throttled.value.retry_after == 4
        stop(process)
    finally:
        kill(process)
    # The default data directory, under the working directory.
    assert (tmp_path / ".cccform" / "emulator" / "ccc.sqlite3").exists()


@pytest.mark.slow
def test_serve_with_latency_delays_every_answer(tmp_path: Path) -> None:
    data = str(tmp_path / "d")
    process = spawn(
        tmp_path, "emulator", "serve", "--port", "0", "--data", data, "--latency-ms", "400"
    )
    try:
        host, port = started(process)
        client = sdk(host, port)
        request = ccc_models.ListInstancesRequest(page_number=1, page_size=10)
        client.list_instances(request)  # the connection is open from here on
        begun = time.monotonic()
        assert client.list_instances(request).body.data.total_count == 0
        assert time.monotonic() - begun >= 0.4
        stop(process)
    finally:
        kill(process)


def test_negative_latency_is_a_usage_error(cli: Cli) -> None:
    run = cli("emulator", "serve", "--port", "0", "--latency-ms", "-5")
    assert run.code == 64
    assert run.err.splitlines()[0] == (
        "error: Invalid value for '--latency-ms': -5.0 is not in the range 0.0<=x<=600000.0."
    )


def test_key_id_needs_its_secret(cli: Cli) -> None:
    run = cli("emulator", "serve", "--port", "0", "--access-key-id", "AK")
    assert run.code == 64
    assert "--access-key-secret" in run.err


def test_bad_rate_is_a_usage_error(cli: Cli) -> None:
    run = cli("emulator", "serve", "--port", "0", "--throttle-rate", "2")
    assert run.code == 64


def test_port_in_use(cli: Cli, tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        run = cli("emulator", "serve", "--port", str(port), "--data", str(tmp_path / "d"))
    assert run.code == 1
    assert f"cannot listen on 127.0.0.1:{port}" in run.err


def test_help_lists_the_options(cli: Cli) -> None:
    run = cli("emulator", "serve", "--help")
    assert run.code == 0
    for option in (
        "--host",
        "--port",
        "--data",
        "--create-seconds",
        "--access-key-id",
        "--access-key-secret",
        "--fault-seed",
        "--throttle-rate",
        "--throttle-retry-after",
        "--throttle-status",
        "--error-rate",
        "--commit-then-fail",
        "--fault-rate",
        "--latency-ms",
        "--jitter-ms",
    ):
        assert option in run.out


def test_an_empty_secret_is_a_usage_error(cli: Cli) -> None:
    run = cli("emulator", "serve", "--access-key-id", "AK", "--access-key-secret", "")
    assert run.code == 64 and "must not be empty" in run.err


def _raw_answer(host: str, port: int, request: bytes) -> tuple[str, dict[str, object]]:
    with socket.create_connection((host, port), timeout=10) as sock:
        sock.sendall(request)
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    return head.split(b"\r\n")[0].decode(), json.loads(body)


@pytest.mark.slow
def test_serve_answers_malformed_http_with_the_gateway_error(tmp_path: Path) -> None:
    process = spawn(tmp_path, "emulator", "serve", "--port", "0", "--data", str(tmp_path / "d"))
    try:
        host, port = started(process)
        answers = [
            _raw_answer(host, port, b"GARBAGE\r\n\r\n"),
            _raw_answer(host, port, b"PUT / HTTP/1.1\r\nHost: h\r\n\r\n"),
            _raw_answer(
                host, port, b"POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 9999999999\r\n\r\n"
            ),
            _raw_answer(
                host, port, b"POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
            ),
        ]
        process.send_signal(signal.SIGTERM)
        _, err = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert [(status, body["Code"]) for status, body in answers] == [
        ("HTTP/1.1 400 Bad Request", "BadRequest"),
        ("HTTP/1.1 405 Method Not Allowed", "UnsupportedHTTPMethod"),
        ("HTTP/1.1 413 Request Entity Too Large", "RequestBodyTooLarge"),
        ("HTTP/1.1 411 Length Required", "MissingContentLength"),
    ]
    assert answers[2][1]["Message"] == "The request body is larger than 8388608 bytes."
    assert process.returncode == 0, err
    assert "Traceback" not in err
