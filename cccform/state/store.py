"""What the engine needs from a state backend."""

from __future__ import annotations

from typing import Protocol

from cccform.state.models import State


class StateStore(Protocol):
    def read(self) -> State: ...

    def write(self, state: State) -> State:
        """Persist `state` if its content changed; return the persisted copy (serial bumped)."""
        ...
