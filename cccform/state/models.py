"""State: address -> remote id, last applied attributes, protection; lineage and serial."""

from __future__ import annotations

import uuid
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from cccform.timestamps import utc_now

STATE_FORMAT_VERSION = 3


class ResourceState(BaseModel):
    """One managed object as last applied."""

    model_config = ConfigDict(extra="forbid")

    remote_id: str
    attributes: dict[str, Any]
    deletion_protection: bool = True


class PendingCreate(BaseModel):
    """An intent to create, recorded before the (non-idempotent) create call.

    `sent` means the create call went out or was about to: it is saved before
    CreateInstance goes out, and the applier marks the next creates ahead in the same write,
    in batches that double up to a bound (`apply.applier.MARK_AHEAD_MAX`), so that not every
    create costs a state write. On a clean exit (done, failed, interrupted, or rescued after a
    failed save) the marks of creates that never went out are removed; only a crash leaves
    them, at most one batch. An intent that was never sent proves nothing about an instance
    at its access path, and an instance found there is taken for the result of a sent intent
    only when it is what was asked for.
    """

    model_config = ConfigDict(extra="forbid")

    access_path: str
    name: str
    phone_numbers: list[str] | None = None  # None: not recorded (an older state)
    sent: bool = False
    recorded_at: str = Field(default_factory=utc_now)

    def matches(self, name: str, phone_numbers: tuple[str, ...] | list[str]) -> bool:
        """Whether a live instance is what this intent asked for: its name, and no number
        it did not ask for (the platform may bind fewer)."""
        if name != self.name:
            return False
        return self.phone_numbers is None or set(phone_numbers) <= set(self.phone_numbers)


class ProviderBinding(BaseModel):
    """Where a state's objects live: the provider type, its endpoint or region, the account."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    type: str
    location: str
    account: str

    def __str__(self) -> str:
        return f"{self.type} {self.location}, account {self.account}"


class State(BaseModel):
    """The whole state document. `serial` grows by one on every persisted change."""

    model_config = ConfigDict(extra="forbid")

    format_version: int = STATE_FORMAT_VERSION
    lineage: str = Field(default_factory=lambda: str(uuid.uuid4()))
    serial: int = 0
    resources: dict[str, ResourceState] = Field(default_factory=dict)
    pending: dict[str, PendingCreate] = Field(default_factory=dict)
    binding: ProviderBinding | None = None  # None: not bound yet (bound on its next write)

    def content_equal(self, other: State) -> bool:
        """True when resources and intents are the same (serial ignored)."""
        return (
            self.resources == other.resources
            and self.pending == other.pending
            and self.binding == other.binding
        )


class HistoryEntry(BaseModel):
    """One kept version of a state: its serial, when and by whom it was written, its size.

    `who`, `host` and `operation` are None where the backend does not record them (a local
    file and its backup).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    serial: int
    lineage: str
    recorded_at: str
    who: str | None = None
    host: str | None = None
    operation: str | None = None
    resources: int
    pending: int
