"""What exists on the control plane, as refresh reads it: the neutral nouns that planning works
on. Nothing here knows how they are read."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from cccform.addresses import ResourceType

# Instance statuses of the real API (GetInstance / ListInstances `Status`).
CREATING = "CREATING"
RUNNING = "RUNNING"
RELEASED = "RELEASED"


@dataclass(frozen=True)
class LiveInstance:
    """An instance as the control plane reports it."""

    instance_id: str
    name: str
    access_path: str
    description: str
    phone_numbers: tuple[str, ...]
    admins: tuple[str, ...]
    status: str
    conversation_analysis: bool | None = None  # None: the control plane cannot tell


@dataclass(frozen=True)
class LiveSkillGroup:
    skill_group_id: str
    name: str
    display_name: str
    description: str
    media_type: str


@dataclass(frozen=True)
class LiveAgent:
    user_id: str
    login_name: str
    display_name: str
    email: str
    mobile: str | None
    role: str
    work_mode: str
    skills: dict[str, int]  # skill group name -> level


@dataclass(frozen=True)
class LiveFlow:
    flow_id: str
    name: str
    type: str
    description: str
    definition: dict[str, Any] | None  # the published version, parsed
    numbers: tuple[str, ...]


@dataclass(frozen=True)
class LiveNumber:
    number: str
    usage: str
    flow_id: str | None
    flow_name: str | None
    skill_groups: tuple[str, ...]  # names


@dataclass(frozen=True)
class LiveContents:
    """What lives in one instance, by kind and name; a kind that was not read is absent."""

    by_kind: Mapping[ResourceType, Mapping[str, Any]] = field(default_factory=dict)

    def read(self, kind: ResourceType) -> Mapping[str, Any] | None:
        """The objects of `kind` by name, or None when that kind was not read."""
        return self.by_kind.get(kind)

    # Typed views for the checks that look across kinds (who uses a group or a flow).
    @property
    def agents(self) -> Mapping[str, LiveAgent]:
        return self.by_kind.get(ResourceType.AGENT) or {}

    @property
    def numbers(self) -> Mapping[str, LiveNumber]:
        return self.by_kind.get(ResourceType.NUMBER) or {}


@dataclass(frozen=True)
class LiveInventory:
    """Every live instance of the account, by instance id (= access path), and the contents
    read for some of them."""

    instances: dict[str, LiveInstance] = field(default_factory=dict)
    contents: dict[str, LiveContents] = field(default_factory=dict)

    def get(self, instance_id: str) -> LiveInstance | None:
        found = self.instances.get(instance_id)
        if found is None or found.status == RELEASED:
            return None
        return found
