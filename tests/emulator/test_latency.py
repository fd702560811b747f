"""Latency in the emulator server: every answer waits `ms`, give or take `jitter_ms`."""

from __future__ import annotations

import http.client
import time

import pytest

from ccc_emulator.http.latency import Latency
from ccc_emulator.http.server import serve_in_thread

from .conftest import MakeEmulation


def answer_seconds(host: str, port: int, body: bytes = b"") -> tuple[float, int]:
    connection = http.client.HTTPConnection(host, port, timeout=10)
    try:
        started = time.monotonic()
        connection.request("POST", "/", body=body, headers={"Content-Length": str(len(body))})
        response = connection.getresponse()
        response.read()
        return time.monotonic() - started, response.status
    finally:
        connection.close()


def test_every_answer_waits(make_emulation: MakeEmulation) -> None:
    with serve_in_thread(make_emulation(), latency=Latency(250)) as server:
        waited, status = answer_seconds(server.host, server.port)
    assert status == 400  # an unsigned request: refusals wait too
    assert 0.25 <= waited < 2.0


def test_jitter_stays_within_its_bounds_and_repeats_with_a_seed() -> None:
    first = Latency(50, 20, seed=7).seconds()
    seeded = Latency(50, 20, seed=7)
    drawn = [seeded.seconds() for _ in range(200)]
    assert all(0.030 <= d <= 0.070 for d in drawn)
    assert len(set(drawn)) > 100
    assert drawn[0] == first
    assert Latency(10, 30, seed=1).seconds() >= 0  # never below zero
    assert Latency(40).seconds() == 0.040


def test_negative_latency_is_refused() -> None:
    with pytest.raises(ValueError, match="jitter_ms must not be negative"):
        Latency(10, -1)
