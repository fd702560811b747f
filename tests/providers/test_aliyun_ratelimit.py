"""Client-side rate limiting of the aliyun provider."""

from __future__ import annotations

import threading
from collections import Counter

import pytest

from cccform.providers.aliyun.ratelimit import DEFAULT_QPS, RateLimiter, TokenBucket


class FakeClock:
    """Time that moves only when a caller sleeps (or a test moves it)."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def test_documented_rates() -> None:
    limiter = RateLimiter()
    assert limiter.rate("GetInstance") == 300
    assert limiter.rate("ListSkillGroups") == 200
    assert limiter.rate("ListPhoneNumbersOfSkillGroup") == 2000
    assert limiter.rate("UpdateConfigItems") == 2000
    assert limiter.rate("AddUsersToSkillGroup") == 100
    assert limiter.rate("CreateInstance") == DEFAULT_QPS == 100
    assert limiter.rate("BssOpenApi:ModifyInstance") == 100


def test_bucket_waits_when_empty_and_refills() -> None:
    clock = FakeClock()
    bucket = TokenBucket(rate=10, capacity=1, clock=clock, sleep=clock.sleep)
    assert bucket.take() == 0
    assert bucket.take() == pytest.approx(0.1)
    assert bucket.take() == pytest.approx(0.1)
    clock.now += 0.05
    assert bucket.take() == pytest.approx(0.05)  # half a token had come in meanwhile
    clock.now += 5  # never more than the capacity is saved up
    assert bucket.take() == 0
    assert bucket.take() == pytest.approx(0.1)
    assert clock.slept == [pytest.approx(s) for s in (0.1, 0.1, 0.05, 0.1)]


def test_limiter_sleeps_per_operation() -> None:
    clock = FakeClock()
    limiter = RateLimiter({"Slow": 2}, default=1000, clock=clock, sleep=clock.sleep)
    assert [limiter.acquire("Slow") for _ in range(3)] == [0, 0.5, 0.5]
    # Another operation has its own bucket: 100 tokens at 1000/s, then 1 ms apart.
    waits = [limiter.acquire("Fast") for _ in range(102)]
    assert waits[:100] == [0] * 100
    assert waits[100:] == [pytest.approx(0.001), pytest.approx(0.001)]


def test_burst_is_a_tenth_of_a_second() -> None:
    clock = FakeClock()
    limiter = RateLimiter(clock=clock, sleep=clock.sleep)
    waits = [limiter.acquire("ListUsers") for _ in range(11)]
    assert waits[:10] == [0] * 10
    assert waits[10] == pytest.approx(0.01)


def test_threads_are_paced_at_the_rate_and_no_faster_after_a_stall() -> None:
    """100 threads waiting for tokens: one waits at a time, so none holds a token promised
    ahead; a stall (time jumping while they wait) lets only the bucket's capacity through at
    once, not every call that fell due meanwhile."""
    clock = FakeClock()
    stalled = threading.Event()
    granted: list[float] = []
    lock = threading.Lock()

    def sleep(seconds: float) -> None:
        with lock:
            clock.sleep(seconds)
            if len(granted) >= 150 and not stalled.is_set():
                stalled.set()
                clock.now += 0.5  # the machine was busy

    limiter = RateLimiter({"Op": 100}, clock=clock, sleep=sleep)

    def work() -> None:
        for _ in range(3):
            limiter.acquire("Op")
            with lock:
                granted.append(clock())

    threads = [threading.Thread(target=work) for _ in range(100)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert stalled.is_set() and len(granted) == 300
    times = sorted(granted)
    for start in times:  # a burst of 10, then 100 a second, in any second
        assert sum(start <= t < start + 1 for t in times) <= 100 + 10
    # at no instant more than the burst at once, the stall's included
    assert max(Counter(times).values()) <= 10


def test_rate_must_be_positive() -> None:
    with pytest.raises(ValueError):
        TokenBucket(0, 1, FakeClock())
