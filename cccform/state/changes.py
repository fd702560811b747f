"""What a save changes: the entries (resources and intents) set or dropped since the last one.

Both backends save only this: the PostgreSQL store as rows, the local file as a journal line.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from cccform.state.models import PendingCreate, ResourceState, State

RESOURCE = "resource"
PENDING = "pending"

Body = dict[str, Any]
_MODELS: dict[str, type[BaseModel]] = {RESOURCE: ResourceState, PENDING: PendingCreate}


@dataclass(frozen=True)
class Change:
    """One entry (for PostgreSQL, a row) a save changes: its body before and after (None:
    absent)."""

    kind: str
    address: str
    before: Body | None
    after: Body | None


def changes(persisted: State, state: State) -> list[Change]:
    """The rows that differ between `persisted` and `state`, bodies as JSON-ready dicts."""
    found: list[Change] = []
    for kind, old, new in (
        (RESOURCE, persisted.resources, state.resources),
        (PENDING, persisted.pending, state.pending),
    ):
        found.extend(_changed(kind, old, new))
    return found


def _changed(kind: str, old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    # Compared field by field rather than with pydantic's __eq__, and inline: this runs
    # for every entry of every save (measured: about 5x faster at 10,000 entries).
    found = [
        Change(kind, address, _body(before), _body(entry))
        for address, entry in new.items()
        if (before := old.get(address)) is None or before.__dict__ != entry.__dict__
    ]
    found.extend(Change(kind, a, _body(old[a]), None) for a in old if a not in new)
    return found


def _body(entry: BaseModel | None) -> Body | None:
    return None if entry is None else entry.model_dump(mode="json")


def apply_changes(state: State, applied: list[Change]) -> None:
    """Bring `state` (the store's snapshot) to the rows after `applied`, in place."""
    for change in applied:
        entries: dict[str, Any] = state.resources if change.kind == RESOURCE else state.pending
        if change.after is None:
            entries.pop(change.address, None)
        else:
            entries[change.address] = _MODELS[change.kind].model_validate(change.after)
