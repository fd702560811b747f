"""The working state during an apply: every completed step lands here, then is persisted."""

from __future__ import annotations

from typing import Any

from cccform.plan.models import Change, Forget
from cccform.providers.base import LiveInstance
from cccform.state.models import PendingCreate, ResourceState, State
from cccform.state.store import StateStore


class Ledger:
    """Holds the state the applier mutates; `save()` persists it when it changed."""

    def __init__(self, store: StateStore, state: State) -> None:
        self.store = store
        self.state = state.model_copy(deep=True)
        self.dirty = False

    def save(self) -> None:
        if self.dirty:
            self.state = self.store.write(self.state)
            self.dirty = False

    def forget(self, entries: list[Forget]) -> None:
        for entry in entries:
            self.state.resources.pop(entry.address, None)
            self.state.pending.pop(entry.address, None)
            self.dirty = True

    def record_intents(self, creates: list[Change]) -> None:
        """Before any create call: CreateInstance has no idempotency token."""
        for change in creates:
            after = change.after or {}
            self.state.pending[change.address] = PendingCreate(
                access_path=str(after["access_path"]), name=str(after["name"])
            )
            self.dirty = True

    def created(self, change: Change, live: LiveInstance) -> None:
        after: dict[str, Any] = dict(change.after or {})
        attributes = {
            "name": live.name,
            "access_path": live.access_path,
            "description": live.description,
            "phone_numbers": list(live.phone_numbers),
            "admins": list(after.get("admins", [])),
            "conversation_analysis": bool(live.conversation_analysis),
        }
        self.state.resources[change.address] = ResourceState(
            remote_id=live.instance_id,
            attributes=attributes,
            deletion_protection=bool(after.get("deletion_protection", True)),
        )
        self.state.pending.pop(change.address, None)
        self.dirty = True

    def updated(self, change: Change) -> None:
        resource = self.state.resources[change.address]
        after = change.after or {}
        if "description" in change.changed_fields:
            resource.attributes["description"] = after["description"]
        if "deletion_protection" in change.changed_fields:
            resource.deletion_protection = bool(after["deletion_protection"])
        self.dirty = True

    def qa_enabled(self, change: Change) -> None:
        resource = self.state.resources.get(change.address)
        if resource is not None:
            resource.attributes["conversation_analysis"] = True
            self.dirty = True

    def deleted(self, change: Change) -> None:
        self.state.resources.pop(change.address, None)
        self.state.pending.pop(change.address, None)
        self.dirty = True
