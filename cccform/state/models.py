"""State: address -> remote id, last applied attributes, protection; lineage and serial."""

from __future__ import annotations

import uuid
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from cccform.timestamps import utc_now

STATE_FORMAT_VERSION = 1


class ResourceState(BaseModel):
    """One managed object as last applied."""

    model_config = ConfigDict(extra="forbid")

    remote_id: str
    attributes: dict[str, Any]
    deletion_protection: bool = True


class PendingCreate(BaseModel):
    """An intent to create, recorded before the (non-idempotent) create call."""

    model_config = ConfigDict(extra="forbid")

    access_path: str
    name: str
    recorded_at: str = Field(default_factory=utc_now)


class State(BaseModel):
    """The whole state document. `serial` grows by one on every persisted change."""

    model_config = ConfigDict(extra="forbid")

    format_version: int = STATE_FORMAT_VERSION
    lineage: str = Field(default_factory=lambda: str(uuid.uuid4()))
    serial: int = 0
    resources: dict[str, ResourceState] = Field(default_factory=dict)
    pending: dict[str, PendingCreate] = Field(default_factory=dict)

    def content_equal(self, other: State) -> bool:
        """True when resources and intents are the same (serial ignored)."""
        return self.resources == other.resources and self.pending == other.pending
