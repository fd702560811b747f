"""Retries: capped exponential backoff with full jitter, and which operations may be retried.

Delay before retry n (n = 1 for the first retry): `uniform(0, min(cap, base * 2**(n-1)))`
("full jitter"), base 0.5 s, cap 20 s; when the service said how long to wait (the
`x-acs-retry-after` header, `ThrottlingException.retry_after`), at least that long. At most
`max_attempts` attempts (the provider setting, default 6) per call.

What is retried depends on how the attempt failed (`failures.FailureKind`) and on the operation:

* `throttled` and `unsent`: the request was not carried out, so every operation is retried.
* `server` (5xx, including 503) and `lost` (sent, no answer): the request may have been carried
  out. Only operations that are safe to repeat are retried (`Idempotency.SAFE`, and `TOKEN` ones,
  which carry the same idempotency token on every attempt). For any other operation the call
  stops at once with `AmbiguousError`: the caller reads the state back before trying again.
* `rejected` (validation, NotExists.*, AlreadyExists.*, permissions...), `credentials` and
  `fatal` are never retried.

After `max_attempts` retryable failures the call raises `TransientError`, or `AmbiguousError`
for a `TOKEN` operation if any attempt may have been carried out (a later run would use a new
token, so it must not simply try again).

## Idempotency of operations (also in docs/aliyun.md)

SAFE: repeating has no further effect.
  - reads: `List*`, `Get*`, `Describe*`, `Query*`; STS `GetCallerIdentity`; BSS
    `DescribePricingModule`
  - `Modify*` (ModifyInstance, ModifySkillGroup, ModifyUser, ModifyPhoneNumber,
    ModifyUserLevelsOfSkillGroup, ModifySkillLevelsOfUser) and `Update*`: they set fields to the
    given values
  - `CommitContactFlow`: saves the given definition into the named draft
TOKEN: repeating with the same idempotency token has no further effect.
  - BSS `ModifyInstance` (the conversation analysis order): BSS documents `ClientToken` as its
    idempotency token, and the same token is sent on every attempt
UNSAFE: a repeat may fail although the first attempt worked, or act twice.
  - `Create*`: AlreadyExists, or (CreateContactFlow) a second flow
  - `Add*`, `Remove*`, `Delete*`, `AssignUsers`, `Import*`: AlreadyExists / NotExists
  - `StartEditContactFlow`: opens a draft
  - `PublishContactFlow`, `DiscardEditingContactFlow`: close the draft, so a repeat fails
    NotExists.DraftId
  - anything not listed
"""

from __future__ import annotations

import enum
import logging
import random
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from cccform.errors import AmbiguousError, TransientError
from cccform.providers.aliyun.failures import CallFailure, FailureKind, final_error

log = logging.getLogger("cccform.api")

T = TypeVar("T")

BASE_DELAY = 0.5
MAX_DELAY = 20.0
# A service may ask for a longer wait than this; then the call fails now ("try again later")
# rather than leave a run asleep where Ctrl-C waits for it.
MAX_RETRY_AFTER = 60.0
DEFAULT_MAX_ATTEMPTS = 6
HISTORY_SIZE = 1000


class Idempotency(enum.Enum):
    SAFE = "safe"  # repeating it has no further effect
    TOKEN = "token"  # repeating it with the same idempotency token has no further effect
    UNSAFE = "unsafe"  # repeating it may fail or act twice


SAFE_PREFIXES = ("List", "Get", "Describe", "Query", "Modify", "Update")

# Explicit entries win over the prefixes. Products other than CCC are qualified.
IDEMPOTENCY: dict[str, Idempotency] = {
    "CommitContactFlow": Idempotency.SAFE,
    "StartEditContactFlow": Idempotency.UNSAFE,
    "PublishContactFlow": Idempotency.UNSAFE,
    "DiscardEditingContactFlow": Idempotency.UNSAFE,
    "BssOpenApi:ModifyInstance": Idempotency.TOKEN,
    "BssOpenApi:DescribePricingModule": Idempotency.SAFE,
    "Sts:GetCallerIdentity": Idempotency.SAFE,
}


def idempotency(action: str) -> Idempotency:
    """How safe it is to repeat `action` (see the module table)."""
    known = IDEMPOTENCY.get(action)
    if known is not None:
        return known
    if ":" in action:
        return Idempotency.UNSAFE
    if action.startswith(SAFE_PREFIXES):
        return Idempotency.SAFE
    return Idempotency.UNSAFE


@dataclass(frozen=True)
class RetryRecord:
    """A retry that was made: after which attempt, why, and the pause before the next."""

    action: str
    attempt: int
    kind: FailureKind
    code: str
    delay: float


class RetryPolicy:
    """Runs one call's attempts. `sleep` and `random` (uniform in [0, 1)) are injectable."""

    def __init__(
        self,
        max_attempts: int = DEFAULT_MAX_ATTEMPTS,
        *,
        base: float = BASE_DELAY,
        cap: float = MAX_DELAY,
        sleep: Callable[[float], None] = time.sleep,
        random: Callable[[], float] = random.random,
    ) -> None:
        if max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        self.max_attempts = max_attempts
        self.base = base
        self.cap = cap
        self._sleep = sleep
        self._random = random
        self._history: deque[RetryRecord] = deque(maxlen=HISTORY_SIZE)
        self._lock = threading.Lock()

    @property
    def history(self) -> list[RetryRecord]:
        """The most recent retries (up to 1000), oldest first."""
        with self._lock:
            return list(self._history)

    @property
    def delays(self) -> list[float]:
        return [record.delay for record in self.history]

    def backoff(self, retry: int) -> float:
        """The backoff ceiling before retry `retry` (1-based): min(cap, base * 2**(retry-1))."""
        return float(min(self.cap, self.base * 2 ** (retry - 1)))

    def delay(self, retry: int, retry_after: float | None = None) -> float:
        """Full jitter under the ceiling, but never less than the service's retry-after."""
        delay = self._random() * self.backoff(retry)
        if retry_after is not None and retry_after > delay:
            delay = float(retry_after)
        return delay

    def run(self, action: str, attempt: Callable[[], T]) -> T:
        """Call `attempt` until it succeeds or the failure is final (see the module doc)."""
        safety = idempotency(action)
        maybe_done = False
        last: CallFailure | None = None
        for number in range(1, self.max_attempts + 1):
            try:
                return attempt()
            except CallFailure as failure:
                last = failure
            if not last.retryable:
                raise final_error(action, last) from None
            if last.maybe_carried_out:
                if safety is Idempotency.UNSAFE:
                    raise _ambiguous(action, last, number) from None
                maybe_done = True
            if number == self.max_attempts:
                break
            if last.retry_after is not None and last.retry_after > MAX_RETRY_AFTER:
                raise TransientError(
                    f"{action}: the service asks to wait {last.retry_after:.0f}s before trying "
                    f"again (more than cccform waits, {MAX_RETRY_AFTER:.0f}s): "
                    f"{last.describe()}. Try again later."
                ) from None
            pause = self.delay(number, last.retry_after)
            with self._lock:
                self._history.append(RetryRecord(action, number, last.kind, last.code, pause))
            log.debug(
                "%s attempt %d/%d failed (%s %s); retrying in %.2fs",
                action,
                number,
                self.max_attempts,
                last.kind,
                last.code,
                pause,
            )
            self._sleep(pause)
        assert last is not None
        if maybe_done and safety is Idempotency.TOKEN:
            raise _ambiguous(action, last, self.max_attempts) from None
        raise TransientError(
            f"{action} failed {self.max_attempts} time{'s' if self.max_attempts != 1 else ''}; "
            f"the last failure: {last.describe()}. This may pass: try again later."
        ) from None


def _ambiguous(action: str, failure: CallFailure, attempts: int) -> AmbiguousError:
    return AmbiguousError(
        f"{action}: unknown whether the request took effect (attempt {attempts}: "
        f"{failure.describe()}). Read the current state back before trying it again."
    )
