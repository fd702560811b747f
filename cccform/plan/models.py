"""Plan data: frozen and serialisable. The JSON form is built from these; the human view from it."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from cccform.addresses import Address, ResourceType, step_key

PLAN_FORMAT_VERSION = "1.0"


class Action(StrEnum):
    """What a change does. The order is the order of the changes of one object in a plan."""

    CREATE = "create"
    # Take over an object that exists but this state does not manage: recorded, no call.
    ADOPT = "adopt"
    UPDATE = "update"
    DELETE = "delete"
    ENABLE_QA = "enable_qa"


class RejectionKind(StrEnum):
    IMMUTABLE = "immutable"
    ONE_WAY = "one_way"
    PROTECTED = "protected"
    DELETE_NOT_ALLOWED = "delete_not_allowed"
    FORGET_NOT_ALLOWED = "forget_not_allowed"
    IN_USE = "in_use"


class Drift(StrEnum):
    """How an object changed outside cccform since the last apply."""

    CHANGED = "changed"
    DELETED = "deleted"


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Location(_Frozen):
    file: str
    line: int
    column: int


class Change(_Frozen):
    """One step of the plan. What it names (instance, kind, name) is in its address."""

    address: Address
    action: Action
    instance_id: str | None = None  # contents: the cloud id of the instance they live in
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None
    changed_fields: list[str] = Field(default_factory=list)
    details: dict[str, list[str]] = Field(default_factory=dict)
    remote_id: str | None = None
    drift: Drift | None = None
    drift_fields: list[str] = Field(default_factory=list)
    reason: str | None = None
    # An instance create that finishes what an earlier apply started: no create call.
    resume: bool = False
    # Part of taking over an object that exists but is not managed yet: the `adopt` change,
    # and the update that brings the object to the configuration after it.
    adopt: bool = False
    depends_on: list[str] = Field(default_factory=list)
    location: Location | None = None  # where the configuration declares it (None: not declared)

    @property
    def key(self) -> str:
        """A step's identity: the address and the action."""
        return step_key(self.address, self.action)

    @property
    def resource_type(self) -> ResourceType:
        return self.address.kind

    @property
    def instance(self) -> str:
        """The key of the instance this change is, or lives in."""
        return self.address.instance

    @property
    def object_name(self) -> str:
        """The name of a content object (login, skill group, flow, number)."""
        if self.address.is_instance:
            raise ValueError(f"{self.address} names no object inside an instance")
        return self.address.name

    def required_after(self) -> dict[str, Any]:
        """`after`, which every create and update carries."""
        if self.after is None:
            raise ValueError(f"{self.address}: the plan holds no attributes for {self.action}")
        return self.after

    def required_remote_id(self) -> str:
        if self.remote_id is None:
            raise ValueError(f"{self.address}: the plan holds no remote id for {self.action}")
        return self.remote_id

    def required_instance_id(self) -> str:
        if self.instance_id is None:
            raise ValueError(f"{self.address}: the plan holds no instance id")
        return self.instance_id


class Rejection(_Frozen):
    """A change the plan refuses to make, and what to do instead."""

    address: Address
    field: str
    kind: RejectionKind
    message: str
    hint: str
    before: Any = None
    after: Any = None
    location: Location | None = None


class Forget(_Frozen):
    """An object apply only drops from state: gone from the control plane, or no longer managed."""

    address: Address
    remote_id: str
    reason: str = "deleted outside cccform"


class Refreshed(_Frozen):
    """A managed object changed outside cccform: what the state recorded (`before`) and what
    exists (`after`), for the fields that differ. A refresh-only apply records `after`."""

    address: Address
    remote_id: str
    before: dict[str, Any]
    after: dict[str, Any]
    changed_fields: list[str]


class Move(_Frozen):
    """An instance whose key was renamed, same access path: apply only rewrites the state."""

    address: Address  # the new address
    from_address: Address
    remote_id: str


class Impact(_Frozen):
    """What the plan will mean for the call center, beyond the objects it changes.

    `subject` is the address the impact is about; `before` and `after` are the value that
    changes for it, in the terms of its `kind` (docs/json-plan.md lists them).
    """

    instance: str
    kind: str
    subject: str
    message: str
    before: Any = None
    after: Any = None


class PlanWarning(_Frozen):
    """Something about the plan as a whole to check before applying it.

    `subjects` are the addresses it is about (docs/json-plan.md lists the kinds).
    """

    kind: str
    subjects: list[str]
    message: str


class PriorState(_Frozen):
    """The state a plan was made from; apply of a saved plan checks it still matches."""

    lineage: str
    serial: int
    existed: bool


class Plan(_Frozen):
    """The whole plan."""

    format_version: str = PLAN_FORMAT_VERSION
    changes: list[Change] = Field(default_factory=list)
    errors: list[Rejection] = Field(default_factory=list)
    forget: list[Forget] = Field(default_factory=list)
    moves: list[Move] = Field(default_factory=list)
    impacts: list[Impact] = Field(default_factory=list)
    notes: list[Impact] = Field(default_factory=list)
    warnings: list[PlanWarning] = Field(default_factory=list)
    # A partial plan (--target, --exclude): what it was made with; empty for a whole plan.
    targets: list[Address] = Field(default_factory=list)
    excludes: list[Address] = Field(default_factory=list)
    # --refresh-only: no change, only what changed outside cccform, to record in the state
    refresh_only: bool = False
    refreshed: list[Refreshed] = Field(default_factory=list)
    prior_state: PriorState

    @property
    def has_changes(self) -> bool:
        return bool(self.changes or self.forget or self.moves or self.refreshed)

    @property
    def deletions(self) -> list[Change]:
        return [c for c in self.changes if c.action is Action.DELETE]

    def summary(self) -> dict[str, int]:
        counts = {action.value: 0 for action in Action}
        for change in self.changes:
            counts[change.action.value] += 1
        counts["move"] = len(self.moves)
        counts["forget"] = len(self.forget)
        return counts


def with_warning(plan: Plan, warning: PlanWarning) -> Plan:
    """`plan` with `warning` first among its warnings."""
    return plan.model_copy(update={"warnings": [warning, *plan.warnings]})
