"""The aliyun transport: one CCC wire operation, rate limited and retried.

The request itself is made by a `Sender` (one attempt; raises `failures.CallFailure`), normally
`sdk_calls.CccSender` over the official SDK; tests may give a fake one.
"""

from __future__ import annotations

import logging
import time
from typing import Any, Protocol

from cccform.providers.aliyun.ratelimit import RateLimiter
from cccform.providers.aliyun.retry import RetryPolicy

log = logging.getLogger("cccform.api")


class Sender(Protocol):
    """Makes one attempt of an operation; returns the response's `Data`."""

    def __call__(self, action: str, params: dict[str, str]) -> Any: ...


class AliyunTransport:
    """`Transport` for `CccProvider`: rate limit, then attempts under the retry policy."""

    def __init__(
        self,
        send: Sender,
        policy: RetryPolicy,
        limiter: RateLimiter,
        *,
        endpoint: str = "",
    ) -> None:
        self.send = send
        self.policy = policy
        self.limiter = limiter
        self.endpoint = endpoint

    def call(self, action: str, params: dict[str, str]) -> Any:
        started = time.monotonic()

        def attempt() -> Any:
            self.limiter.acquire(action)
            return self.send(action, params)

        try:
            return self.policy.run(action, attempt)
        finally:
            log.debug("%s done in %.3fs", action, time.monotonic() - started)

    def close(self) -> None:
        """Nothing to release: the SDK keeps its HTTP sessions per process."""

    def __repr__(self) -> str:
        return f"AliyunTransport(endpoint={self.endpoint!r})"
