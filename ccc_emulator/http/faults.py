"""Fault injection for the emulator server: throttling, server errors, and "commit, then fail".

Faults are drawn per request, after the signature check (a badly signed request always gets its
signature error) and once the action is known. The kinds:

* `throttle`: `Throttling.User`, HTTP 400 without `x-acs-retry-after` (the SDK raises a plain
  `ClientException`), or, when a retry-after is set, HTTP 429 with `x-acs-retry-after: <seconds>`
  (the SDK raises `ThrottlingException` with `.retry_after`). Nothing is carried out.
* `error`: a server error before anything is carried out: 500 `InternalService.Common` (the
  product's internal error) or 503 `ServiceUnavailable`, half and half.
* `commit`: the operation is carried out, then the answer is a 500 as if it had failed.
* `drop`: the operation is carried out, then the connection is closed without an answer.

Rates are probabilities per request. With a seed, the draw for the n-th call of an action depends
only on (seed, action, n), so a run is reproducible even when calls to different actions
interleave differently. `fail_first(action, times, kind)` scripts the next calls of one action,
ahead of the random draws.
"""

from __future__ import annotations

import random
import threading
from collections import Counter, deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

FaultKind = Literal["throttle", "error", "commit", "drop"]
CommitFailMode = Literal["error", "drop"]
FAULT_KINDS: tuple[FaultKind, ...] = ("throttle", "error", "commit", "drop")


@dataclass(frozen=True)
class FaultConfig:
    """What to inject, and how often.

    `commit_then_fail` names the actions that may fail after committing, with probability
    `fault_rate`, in `commit_fail_mode` ("error": answer 500; "drop": close the connection).
    `throttle_status` overrides the throttling HTTP status (default 400, or 429 with a
    retry-after).
    """

    seed: int | None = None
    throttle_rate: float = 0.0
    throttle_retry_after: int | None = None
    throttle_status: int | None = None
    error_rate: float = 0.0
    commit_then_fail: frozenset[str] = frozenset()
    fault_rate: float = 1.0
    commit_fail_mode: CommitFailMode = "error"

    def __post_init__(self) -> None:
        for name in ("throttle_rate", "error_rate", "fault_rate"):
            rate = getattr(self, name)
            if not 0.0 <= rate <= 1.0:
                raise ValueError(f"{name} must be between 0 and 1, not {rate}")
        if self.throttle_retry_after is not None and self.throttle_retry_after < 1:
            raise ValueError("throttle_retry_after must be a whole number of seconds, at least 1")
        if self.throttle_status is not None and not 400 <= self.throttle_status <= 599:
            raise ValueError("throttle_status must be an HTTP error status (400-599)")
        if self.commit_fail_mode not in ("error", "drop"):
            raise ValueError("commit_fail_mode must be 'error' or 'drop'")
        object.__setattr__(self, "commit_then_fail", frozenset(self.commit_then_fail))

    @property
    def active(self) -> bool:
        return bool(self.throttle_rate or self.error_rate or self.commit_then_fail)


@dataclass(frozen=True)
class Fault:
    """One fault to inject. `status` is the HTTP status; `retry_after` goes in the header."""

    kind: FaultKind
    status: int
    retry_after: int | None = None

    @property
    def before_commit(self) -> bool:
        """Whether it replaces the call (nothing carried out) rather than following it."""
        return self.kind in ("throttle", "error")


@dataclass(frozen=True)
class InjectedFault:
    """A fault drawn for a call: the action, its call number (1-based), the fault.

    A commit-then-fail fault drawn for a call that fails on its own changes nothing.
    """

    action: str
    call: int
    fault: Fault


@dataclass
class _Script:
    fault: Fault
    remaining: int


@dataclass
class FaultInjector:
    """Decides, per request, which fault (if any) to inject. Thread-safe.

    Use `configure` to change the random faults at run time, `fail_first` to script faults for
    one action, and `injected` to see what was injected.
    """

    config: FaultConfig = field(default_factory=FaultConfig)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)
    _calls: Counter[str] = field(default_factory=Counter, init=False, repr=False)
    _scripts: dict[str, deque[_Script]] = field(default_factory=dict, init=False, repr=False)
    _injected: list[InjectedFault] = field(default_factory=list, init=False, repr=False)
    _unseeded: random.Random = field(default_factory=random.Random, init=False, repr=False)

    def configure(self, config: FaultConfig) -> None:
        """Replace the random fault settings and restart the per-action call counts."""
        with self._lock:
            self.config = config
            self._calls.clear()

    def fail_first(
        self,
        action: str,
        times: int = 1,
        kind: FaultKind = "throttle",
        *,
        status: int | None = None,
        retry_after: int | None = None,
    ) -> None:
        """Make the next `times` calls of `action` fail with `kind` (queued after earlier ones).

        Default statuses: throttle 400 (429 with `retry_after`), error 500, commit 500.
        """
        if times < 1:
            raise ValueError("times must be at least 1")
        if kind not in FAULT_KINDS:
            raise ValueError(f"kind must be one of {', '.join(FAULT_KINDS)}")
        if retry_after is not None and retry_after < 1:
            raise ValueError("retry_after must be at least 1 second")
        fault = Fault(kind, status or _default_status(kind, retry_after), retry_after)
        with self._lock:
            self._scripts.setdefault(action, deque()).append(_Script(fault, times))

    def clear(self) -> None:
        """Forget scripted faults, call counts and the record of injected faults."""
        with self._lock:
            self._scripts.clear()
            self._calls.clear()
            self._injected.clear()

    @property
    def injected(self) -> list[InjectedFault]:
        with self._lock:
            return list(self._injected)

    def draw(self, action: str) -> Fault | None:
        """The fault for this call of `action`, or None; counts the call."""
        with self._lock:
            self._calls[action] += 1
            call = self._calls[action]
            fault = self._scripted(action)
            if fault is None:
                fault = self._random(action, call)
            if fault is not None:
                self._injected.append(InjectedFault(action, call, fault))
            return fault

    def _scripted(self, action: str) -> Fault | None:
        queue = self._scripts.get(action)
        if not queue:
            return None
        script = queue[0]
        script.remaining -= 1
        if script.remaining <= 0:
            queue.popleft()
        return script.fault

    def _random(self, action: str, call: int) -> Fault | None:
        config = self.config
        if not config.active:
            return None
        rng = (
            random.Random(f"{config.seed}|{action}|{call}")
            if config.seed is not None
            else self._unseeded
        )
        # Always draw the same four numbers so one setting does not shift another's outcomes.
        throttle, error, error_kind, commit = (rng.random() for _ in range(4))
        if throttle < config.throttle_rate:
            retry_after = config.throttle_retry_after
            status = config.throttle_status or _default_status("throttle", retry_after)
            return Fault("throttle", status, retry_after)
        if error < config.error_rate:
            return Fault("error", 500 if error_kind < 0.5 else 503)
        if action in config.commit_then_fail and commit < config.fault_rate:
            kind: FaultKind = "drop" if config.commit_fail_mode == "drop" else "commit"
            return Fault(kind, 500)
        return None


def _default_status(kind: FaultKind, retry_after: int | None) -> int:
    if kind == "throttle":
        return 429 if retry_after is not None else 400
    return 500


def parse_actions(raw: Iterable[str]) -> frozenset[str]:
    """Action names from comma-separated lists (`"A,B"`, `"C"`), blanks dropped."""
    return frozenset(name.strip() for item in raw for name in item.split(",") if name.strip())
