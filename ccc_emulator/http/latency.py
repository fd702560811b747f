"""Latency for the emulator server: every answer waits, as if the endpoint were far away.

`Latency(ms, jitter_ms)` delays each answer by `ms` milliseconds, give or take up to
`jitter_ms` drawn uniformly (never below zero), so that a rehearsal meets a far region's round
trips and a benchmark can measure what they cost. With a seed, the n-th delay is reproducible.
"""

from __future__ import annotations

import random
import threading
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Latency:
    """How long each answer waits: `ms` plus or minus up to `jitter_ms`, in milliseconds."""

    ms: float = 0.0
    jitter_ms: float = 0.0
    seed: int | None = None
    _random: random.Random = field(init=False, repr=False, compare=False)
    _lock: threading.Lock = field(
        init=False, repr=False, compare=False, default_factory=threading.Lock
    )

    def __post_init__(self) -> None:
        for name in ("ms", "jitter_ms"):
            if getattr(self, name) < 0:
                raise ValueError(f"{name} must not be negative, not {getattr(self, name)}")
        object.__setattr__(self, "_random", random.Random(self.seed))

    def seconds(self) -> float:
        """The delay of the next answer, in seconds."""
        if not self.jitter_ms:
            return self.ms / 1000
        with self._lock:
            offset = self._random.uniform(-self.jitter_ms, self.jitter_ms)
        return max(0.0, self.ms + offset) / 1000
