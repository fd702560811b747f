"""What the planner and the applier need from a CCC control plane."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol

# Instance statuses of the real API (GetInstance / ListInstances `Status`).
CREATING = "CREATING"
RUNNING = "RUNNING"
STOPPED = "STOPPED"
RELEASED = "RELEASED"


@dataclass(frozen=True)
class LiveInstance:
    """An instance as the control plane reports it (refresh result)."""

    instance_id: str
    name: str
    access_path: str
    description: str
    phone_numbers: tuple[str, ...]
    admins: tuple[str, ...]
    status: str
    conversation_analysis: bool | None = None  # None: the control plane cannot tell

    def attributes(self) -> dict[str, Any]:
        """The attributes cccform compares, in the shape state records them."""
        return {
            "name": self.name,
            "access_path": self.access_path,
            "description": self.description,
            "phone_numbers": list(self.phone_numbers),
            "conversation_analysis": self.conversation_analysis,
        }


@dataclass(frozen=True)
class InstanceSpec:
    """What CreateInstance needs."""

    name: str
    access_path: str
    description: str
    phone_numbers: tuple[str, ...]
    admins: tuple[str, ...]


@dataclass
class ApiCallCounter:
    """Counts API calls per operation (for logs, tests and benchmarks)."""

    counts: dict[str, int] = field(default_factory=dict)

    def add(self, action: str) -> None:
        self.counts[action] = self.counts.get(action, 0) + 1

    @property
    def total(self) -> int:
        return sum(self.counts.values())


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


@dataclass
class LiveContents:
    """What lives in one instance; None for a kind that was not read."""

    skill_groups: dict[str, LiveSkillGroup] | None = None
    agents: dict[str, LiveAgent] | None = None
    flows: dict[str, LiveFlow] | None = None
    numbers: dict[str, LiveNumber] | None = None


class Caller(Protocol):
    """Makes CCC calls: one, or every page of a List operation."""

    def call(self, action: str, params: dict[str, str]) -> Any: ...

    def pages(self, action: str, params: dict[str, str]) -> Iterator[dict[str, Any]]: ...


class Transport(Protocol):
    """Carries one CCC 2020-07-01 operation: wire action name and wire parameters.

    Returns the response's `Data`; raises `cccform.errors.ApiError` with the API's code.
    """

    def call(self, action: str, params: dict[str, str]) -> Any: ...


class ConsoleChannel(Protocol):
    """Actions the CCC API does not offer, done the way the console does them."""

    def enable_conversation_analysis(self, instance_id: str) -> None: ...

    def caller_identity(self) -> str: ...


class Provider(Protocol):
    """The operations plan and apply use, whatever the transport."""

    calls: ApiCallCounter

    def list_instances(self) -> list[LiveInstance]: ...

    def get_instance(self, instance_id: str) -> LiveInstance | None: ...

    def create_instance(self, spec: InstanceSpec) -> None: ...

    def modify_instance(self, instance_id: str, description: str) -> None: ...

    def delete_instance(self, instance_id: str) -> None: ...

    def enable_conversation_analysis(self, instance_id: str) -> None: ...

    def close(self) -> None: ...
