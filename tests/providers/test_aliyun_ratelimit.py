"""Client-side rate limiting of the aliyun provider."""

from __future__ import annotations

import threading

import pytest

from cccform.providers.aliyun.ratelimit import DEFAULT_QPS, RateLimiter, TokenBucket

from .contract.aliyun_env import RecordingSleep


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


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
    bucket = TokenBucket(rate=10, capacity=1, clock=clock)
    assert bucket.reserve() == 0
    assert bucket.reserve() == pytest.approx(0.1)
    assert bucket.reserve() == pytest.approx(0.2)  # reserved behind the previous one
    clock.now += 0.3
    assert bucket.reserve() == pytest.approx(0.0)
    clock.now += 5  # never more than the capacity is saved up
    assert bucket.reserve() == 0
    assert bucket.reserve() == pytest.approx(0.1)


def test_limiter_sleeps_per_operation() -> None:
    clock = FakeClock()
    sleep = RecordingSleep()
    limiter = RateLimiter({"Slow": 2}, default=1000, clock=clock, sleep=sleep)
    assert [limiter.acquire("Slow") for _ in range(3)] == [0, 0.5, 1.0]
    assert sleep.calls == [0.5, 1.0]
    # Another operation has its own bucket: 100 tokens at 1000/s, then 1 ms apart.
    waits = [limiter.acquire("Fast") for _ in range(102)]
    assert waits[:100] == [0] * 100
    assert waits[100:] == [pytest.approx(0.001), pytest.approx(0.002)]


def test_burst_is_a_tenth_of_a_second() -> None:
    clock = FakeClock()
    limiter = RateLimiter(clock=clock, sleep=lambda _s: None)
    waits = [limiter.acquire("ListUsers") for _ in range(11)]
    assert waits[:10] == [0] * 10
    assert waits[10] == pytest.approx(0.01)


def test_thread_safe_reservations() -> None:
    clock = FakeClock()  # time stands still: every token after the burst is reserved ahead
    limiter = RateLimiter({"Op": 100}, clock=clock, sleep=lambda _s: None)
    waits: list[float] = []
    lock = threading.Lock()

    def work() -> None:
        mine = [limiter.acquire("Op") for _ in range(50)]
        with lock:
            waits.extend(mine)

    threads = [threading.Thread(target=work) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    expected = [0.0] * 10 + [k / 100 for k in range(1, 391)]
    assert sorted(waits) == pytest.approx(expected)  # no token handed out twice


def test_rate_must_be_positive() -> None:
    with pytest.raises(ValueError):
        TokenBucket(0, 1, FakeClock())
