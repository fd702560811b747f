"""How the applier reports progress. The CLI supplies an implementation; the engine never prints."""

from __future__ import annotations

from typing import Protocol

from cccform.plan.models import Change


class ApplyObserver(Protocol):
    def step_started(self, change: Change) -> None: ...

    def step_waiting(self, change: Change, elapsed: float) -> None: ...

    def step_finished(self, change: Change, elapsed: float) -> None: ...

    def step_failed(self, change: Change, error: str) -> None: ...

    def step_manual(self, change: Change, instructions: str) -> None: ...

    def step_skipped(self, change: Change, because: str) -> None: ...


class SilentObserver:
    """Reports nothing (library use, tests)."""

    def step_started(self, change: Change) -> None:
        pass

    def step_waiting(self, change: Change, elapsed: float) -> None:
        pass

    def step_finished(self, change: Change, elapsed: float) -> None:
        pass

    def step_failed(self, change: Change, error: str) -> None:
        pass

    def step_manual(self, change: Change, instructions: str) -> None:
        pass

    def step_skipped(self, change: Change, because: str) -> None:
        pass
