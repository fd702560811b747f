"""The working state during an apply: every completed step lands here, then is persisted."""

from __future__ import annotations

from typing import Any

from cccform.addresses import Address, children_of
from cccform.errors import StateError
from cccform.kinds import kind_of
from cccform.kinds.base import Part
from cccform.live import LiveInstance
from cccform.plan.models import Action, Change, Forget, Move, Refreshed
from cccform.plan.moves import moved_state
from cccform.state.errored import write_errored_state
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

    def rescue(self, error: Exception) -> StateError:
        """The state could not be saved: keep it in a file of its own, and say how to restore."""
        target = write_errored_state(self.state, self.store.rescue_path)
        if target is None:
            return StateError(
                f"the state could not be saved ({error}), nor written anywhere else: what this "
                "apply did is not recorded. Run cccform plan: objects it created show as "
                "changes that AlreadyExists errors will name."
            )
        return StateError(
            f"the state could not be saved ({error}). Everything this apply did is in "
            f"{target}; once the cause is fixed, restore it with: "
            f"{self.store.restore_command(target)}"
        )

    def drop_intent(self, address: str) -> None:
        """A create that definitely did not happen leaves no intent behind."""
        if self.state.pending.pop(address, None) is not None:
            self.dirty = True

    def move(self, moves: list[Move]) -> None:
        """Renamed keys: the same objects under their new addresses (no API call)."""
        if moves:
            self.state = moved_state(self.state, moves)
            self.dirty = True

    def forget(self, entries: list[Forget]) -> None:
        for entry in entries:
            self._drop(entry.address)

    def refresh(self, entries: list[Refreshed]) -> None:
        """What changed outside cccform, recorded as it is now (no API call)."""
        for entry in entries:
            resource = self.state.resources.get(str(entry.address))
            if resource is not None:
                resource.attributes.update(entry.after)
                self.dirty = True

    def _drop(self, address: Address) -> None:
        """No longer managed: the object, and for an instance everything that lived in it."""
        if address.is_instance:
            for child in children_of(address, self.state.resources):
                del self.state.resources[child]
        self.state.resources.pop(str(address), None)
        self.state.pending.pop(str(address), None)
        self.dirty = True

    def record_intents(self, creates: list[Change]) -> None:
        """Before any create call: CreateInstance has no idempotency token."""
        for change in creates:
            after = change.after or {}
            self.state.pending[str(change.address)] = PendingCreate(
                access_path=str(after["access_path"]),
                name=str(after["name"]),
                phone_numbers=[str(n) for n in after.get("phone_numbers", [])],
            )
            self.dirty = True

    def sending(self, change: Change) -> bool:
        """The create call of `change` is about to go out (saved before it does).

        True when that is news, i.e. a save is needed before the call."""
        intent = self.state.pending.get(str(change.address))
        if intent is not None and not intent.sent:
            intent.sent = True
            self.dirty = True
            return True
        return False

    def not_sent(self, change: Change) -> None:
        """Undo `sending` for a create that was marked but, in the end, never went out."""
        intent = self.state.pending.get(str(change.address))
        if intent is not None and intent.sent:
            intent.sent = False
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
        self.state.resources[str(change.address)] = ResourceState(
            remote_id=live.instance_id,
            attributes=attributes,
            deletion_protection=bool(after.get("deletion_protection", True)),
        )
        self.state.pending.pop(str(change.address), None)
        self.dirty = True

    def adopted(self, change: Change) -> None:
        """An instance that existed already is managed from now on, as the plan recorded it."""
        after: dict[str, Any] = dict(change.after or {})
        protected = bool(after.pop("deletion_protection", True))
        self.state.resources[str(change.address)] = ResourceState(
            remote_id=change.required_remote_id(), attributes=after, deletion_protection=protected
        )
        self.dirty = True

    def updated(self, change: Change) -> None:
        resource = self.state.resources[str(change.address)]
        after = change.after or {}
        if "description" in change.changed_fields:
            resource.attributes["description"] = after["description"]
        if "deletion_protection" in change.changed_fields:
            resource.deletion_protection = bool(after["deletion_protection"])
        self.dirty = True

    def qa_enabled(self, change: Change) -> None:
        resource = self.state.resources.get(str(change.address))
        if resource is not None:
            resource.attributes["conversation_analysis"] = True
            self.dirty = True

    def deleted(self, change: Change) -> None:
        """An instance is gone, and everything that lived in it."""
        self._drop(change.address)

    def content_done(self, change: Change, part: Part, remote_id: str | None) -> None:
        """One step's share of a change to what lives in an instance has been made."""
        after: dict[str, Any] = dict(change.after or {})
        if change.action is Action.DELETE:
            self.state.resources.pop(str(change.address), None)
        elif change.action in (Action.CREATE, Action.ADOPT):
            self.state.resources[str(change.address)] = ResourceState(
                remote_id=str(remote_id or change.remote_id),
                attributes=after,
                deletion_protection=False,
            )
        else:
            resource = self.state.resources.get(str(change.address))
            if resource is None:  # adopted: start from what exists
                resource = ResourceState(
                    remote_id=str(change.remote_id),
                    attributes=dict(change.before or {}),
                    deletion_protection=False,
                )
                self.state.resources[str(change.address)] = resource
            kind = kind_of(change.resource_type)
            for field in kind.recorded_fields(part, after):
                # An update never sends a field that cannot change: the record keeps what
                # it says of it (a saved plan's `after` is data from a file).
                if field in kind.immutable and field in resource.attributes:
                    continue
                resource.attributes[field] = after[field]
        self.dirty = True

    def remote_ids(self, addresses: list[str]) -> dict[str, str]:
        resources = self.state.resources
        return {a: resources[a].remote_id for a in addresses if a in resources}
