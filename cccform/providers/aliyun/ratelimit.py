"""Client-side rate limiting per operation, at the documented CCC quotas (ccc-api.md §6).

The quotas hold per region + API + main account (all its RAM users together), so staying under
them from one process avoids most throttling; the retry policy handles the rest. Operations the
quota page does not list get `DEFAULT_QPS` (most CCC management operations are 100/s there).
BSS OpenAPI and STS operations (named `BssOpenApi:<Action>`, `Sts:<Action>`) get the default
too; their quotas are not documented for this use.

Each operation has a token bucket refilled at its rate, holding at most a tenth of a second's
worth of tokens (so a burst never exceeds ~1.1x the quota within a second). `acquire` takes a
token, sleeping until one is there if the bucket is empty. One caller at a time waits for a
token while the others wait for their turn (in no set order), so no token is promised ahead
of time: after a stall (the machine busy, the interpreter held), at most the bucket's
capacity of calls goes at once, however many threads were waiting. Thread-safe; the clock
and the sleep are injectable.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping

DEFAULT_QPS = 100.0
BURST_SECONDS = 0.1

# api-ccc-2020-07-01-quota, as summarised in ccc-api.md §6.
DOCUMENTED_QPS: Mapping[str, float] = {
    "GetInstance": 300,
    "ListSkillGroups": 200,
    "ListUsers": 100,
    "AddUsersToSkillGroup": 100,
    "RemoveUsersFromSkillGroup": 100,
    "AssignUsers": 100,
    "AddNumbersToSkillGroup": 100,
    "RemoveSkillGroupsFromUser": 100,
    "RemovePhoneNumberFromSkillGroups": 100,
    "AddPhoneNumbers": 100,
    "ListSkillLevelsOfUser": 100,
    "ListUnassignedNumbers": 100,
    "ListInstancesOfUser": 100,
    "ListBriefSkillGroups": 100,
    "ListContactFlows": 100,
    "ListPersonalNumbersOfUser": 100,
    "ImportCorpNumbers": 100,
    "ListPhoneNumbersOfSkillGroup": 2000,
    "UpdateConfigItems": 2000,
}


class TokenBucket:
    """`rate` tokens a second, at most `capacity` stored."""

    def __init__(
        self,
        rate: float,
        capacity: float,
        clock: Callable[[], float],
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if rate <= 0:
            raise ValueError("rate must be positive")
        self.rate = rate
        self.capacity = max(1.0, capacity)
        self._clock = clock
        self._sleep = sleep
        self._tokens = self.capacity
        self._stamp = clock()
        # Held by the caller taking a token, while it waits for one too: the others wait
        # for it, in no set order.
        self._turn = threading.Lock()

    def take(self) -> float:
        """Take one token, waiting for it when the bucket is empty; returns the seconds
        waited (0 when one was there)."""
        with self._turn:
            self._refill()
            shortfall = max(0.0, (1.0 - self._tokens) / self.rate)
            if shortfall > 0:
                self._sleep(shortfall)
                self._refill()
            # A token short by a rounding error, or by a sleep that returned early, is owed.
            self._tokens -= 1.0
            return shortfall

    def _refill(self) -> None:
        now = self._clock()
        elapsed = max(0.0, now - self._stamp)
        self._stamp = now
        self._tokens = min(self.capacity, self._tokens + elapsed * self.rate)


class RateLimiter:
    """One token bucket per operation, made on first use."""

    def __init__(
        self,
        limits: Mapping[str, float] | None = None,
        default: float = DEFAULT_QPS,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.limits = dict(DOCUMENTED_QPS if limits is None else limits)
        self.default = default
        self._clock = clock
        self._sleep = sleep
        self._buckets: dict[str, TokenBucket] = {}
        self._lock = threading.Lock()

    def rate(self, action: str) -> float:
        return float(self.limits.get(action, self.default))

    def bucket(self, action: str) -> TokenBucket:
        with self._lock:
            bucket = self._buckets.get(action)
            if bucket is None:
                rate = self.rate(action)
                bucket = TokenBucket(rate, rate * BURST_SECONDS, self._clock, self._sleep)
                self._buckets[action] = bucket
            return bucket

    def acquire(self, action: str) -> float:
        """Wait for a token of `action`'s bucket; returns the seconds waited."""
        return self.bucket(action).take()
