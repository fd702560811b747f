"""The protocol every kind of object inside an instance follows, and what they share.

A kind owns everything that is particular to it: where it is declared, which fields can never
change, its attributes as configured and as live, its CCC ids, how it is read, how it is
created, changed, adopted and deleted, and what the API's `NotExists.*` / `AlreadyExists.*`
mean for its calls. The planner, the refresh and the applier loop over the registry
(`cccform.kinds.KINDS`) and never ask which kind they hold.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar, Generic, NewType, TypeVar, cast

from pydantic import BaseModel, ConfigDict

from cccform.addresses import Address, ResourceType
from cccform.config.models import InstanceConfig
from cccform.errors import ApiError, ProviderError
from cccform.live import LiveContents
from cccform.plan.models import Action, Change
from cccform.wire import Caller


class Attributes(BaseModel):
    """A kind's attributes, in the shape the plan and the state record them.

    A field left unset is one the configuration leaves alone (an agent's omitted mobile, a
    number's omitted flow): it is not compared and not written.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    def recorded(self) -> dict[str, Any]:
        return self.model_dump(exclude_unset=True)


# Which share of a change a step carries out. Most changes are carried out whole; a kind
# that splits its changes between steps names its own shares (the agent's profile and
# skills) and says which fields each one records (`ContentKind.recorded_fields`).
Part = NewType("Part", str)
WHOLE = Part("whole")

# What a step is: an instance's change, one content change, or a batch of changes that a
# kind makes together, named by that kind (the agent's memberships and removals).
StepKind = NewType("StepKind", str)
INSTANCE_STEP = StepKind("instance")
CHANGE_STEP = StepKind("change")
# An adoption of any kind: recorded in the state, with no call.
ADOPT_STEP = StepKind("adopt")


@dataclass(frozen=True)
class StepShare:
    """One step a change takes part in: the step's key, what it is, and the share it carries."""

    key: str
    kind: StepKind
    part: Part = WHOLE


@dataclass
class PlannedChanges:
    """The changes planned for one instance, for working out their order."""

    changes: list[Change]
    _by: dict[tuple[ResourceType, Action], list[Change]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for change in self.changes:
            self._by.setdefault((change.resource_type, change.action), []).append(change)

    def keys(self, kind: ResourceType, *actions: Action) -> list[str]:
        return [c.key for action in actions for c in self._by.get((kind, action), [])]

    def created(self, kind: ResourceType) -> dict[str, str]:
        """Objects of `kind` this plan creates: name -> step key."""
        return {c.object_name: c.key for c in self._by.get((kind, Action.CREATE), [])}

    def kept(self, kind: ResourceType) -> dict[str, str]:
        """Objects of `kind` this plan creates, adopts or changes: name -> the key of the
        last step that does, once the state knows their ids."""
        return {
            c.object_name: c.key
            for action in (Action.CREATE, Action.ADOPT, Action.UPDATE)
            for c in self._by.get((kind, action), [])
        }

    def deleted(self, kind: ResourceType) -> set[str]:
        return {c.object_name for c in self._by.get((kind, Action.DELETE), [])}


@dataclass(frozen=True)
class Usage:
    """What a deletion check looks at: the declared instance, what is live in it, and what
    the plan deletes."""

    instance: InstanceConfig
    live: LiveContents
    planned: PlannedChanges


ConfigT = TypeVar("ConfigT")
LiveT = TypeVar("LiveT")
AttrsT = TypeVar("AttrsT", bound=Attributes)


class ContentKind(ABC, Generic[ConfigT, LiveT, AttrsT]):
    """One kind of object inside an instance."""

    resource_type: ClassVar[ResourceType]
    model: ClassVar[type[Attributes]]  # the attributes, as the plan and the state record them
    config_field: ClassVar[str]  # the key under `instances.<key>` that declares them
    immutable: ClassVar[tuple[str, ...]] = ()
    # Kinds whose live objects the deletion check of this kind reads.
    also_read: ClassVar[frozenset[ResourceType]] = frozenset()
    # A bound object exists as long as its instance does (a number): it is never created or
    # deleted; managing it starts with an update, and no longer declaring it only forgets it.
    bound: ClassVar[bool] = False
    bound_note: ClassVar[str] = ""
    release_note: ClassVar[str] = ""

    # -- what is configured and what is live ------------------------------------

    def declared(self, instance: InstanceConfig) -> Mapping[str, ConfigT]:
        found: Mapping[str, ConfigT] = getattr(instance, self.config_field)
        return found

    @abstractmethod
    def desired(self, name: str, value: ConfigT) -> AttrsT:
        """What the configuration says, as attributes."""

    @abstractmethod
    def observed(self, live: LiveT) -> AttrsT:
        """What the control plane reports, as attributes."""

    @abstractmethod
    def live_id(self, live: LiveT) -> str:
        """The CCC id of a live object."""

    @abstractmethod
    def recalled(self, name: str, remote_id: str, recorded: AttrsT) -> LiveT:
        """The object as the state last recorded it, standing in for what a refresh would
        read (`--refresh=false`)."""

    def predicted_id(self, name: str, instance_id: str) -> str | None:
        """The CCC id an object will have once created, when it can be known beforehand."""
        del name, instance_id
        return None

    def live_of(self, contents: LiveContents) -> Mapping[str, LiveT] | None:
        found: Mapping[str, LiveT] | None = contents.read(self.resource_type)
        return found

    # -- reading ------------------------------------------------------------------

    @abstractmethod
    def read(self, caller: Caller, instance_id: str) -> dict[str, LiveT]:
        """Every object of this kind in one instance, by name: one paginated List."""

    # -- planning -----------------------------------------------------------------

    def address(self, instance: str, name: str) -> Address:
        return Address.of_content(instance, self.resource_type, name)

    def dependencies(self, change: Change, planned: PlannedChanges) -> list[str]:
        """Steps of the same instance that must be done before `change`."""
        del change, planned
        return []

    def users(self, change: Change, usage: Usage) -> list[str]:
        """What still uses an object the plan deletes ("agent alice"), so it must stay."""
        del change, usage
        return []

    # -- applying -----------------------------------------------------------------

    def steps(self, change: Change) -> list[StepShare]:
        """The steps `change` takes part in; most changes are one step of their own."""
        return [StepShare(change.key, CHANGE_STEP)]

    def recorded_fields(self, part: Part, after: Mapping[str, Any]) -> list[str]:
        """The attributes that a step carrying `part` of an update brings into the state."""
        del part
        return list(after)

    def ids_needed(self, change: Change) -> list[Address]:
        """Objects made by earlier steps whose CCC ids the calls of `change` need."""
        del change
        return []

    def run(
        self,
        kind: StepKind,
        parts: list[tuple[Change, Part]],
        caller: Caller,
        ids: Mapping[str, str],
    ) -> dict[str, str]:
        """Make the calls of one step; returns the CCC ids of what it created, by address."""
        del kind, ids
        ((change, part),) = parts
        instance_id = change.required_instance_id()
        if change.action is Action.DELETE:
            self.delete_tolerant(caller, instance_id, change.required_remote_id())
            return {}
        if change.action is Action.CREATE:
            after = self.parse(change.required_after())
            remote_id = self.create_or_adopt(caller, instance_id, change.object_name, after)
            return {str(change.address): remote_id}
        self.update(caller, instance_id, change, part)
        return {}

    def parse(self, recorded: Mapping[str, Any]) -> AttrsT:
        """Attributes from the plan's or the state's record."""
        return cast(AttrsT, self.model.model_validate(dict(recorded)))

    def create(self, caller: Caller, instance_id: str, name: str, after: AttrsT) -> str:
        """Create the object; returns its CCC id."""
        raise NotImplementedError(f"a {self.resource_type} is never created")

    def adopt(self, caller: Caller, instance_id: str, name: str, after: AttrsT) -> str:
        """Take over an object that exists already and bring it to `after`; returns its id."""
        raise NotImplementedError(f"a {self.resource_type} is never adopted on create")

    def update(self, caller: Caller, instance_id: str, change: Change, part: Part) -> None:
        """Change what `change` changes; only what changed is called."""
        raise NotImplementedError(f"a {self.resource_type} has no update")

    def delete(self, caller: Caller, instance_id: str, remote_id: str) -> None:
        raise NotImplementedError(f"a {self.resource_type} is never deleted")

    # What the API's answers mean for this kind's calls.

    @staticmethod
    def exists_already(error: ApiError) -> bool:
        return error.code.startswith("AlreadyExists")

    @staticmethod
    def gone(error: ApiError) -> bool:
        return error.code.startswith("NotExists")

    def create_or_adopt(self, caller: Caller, instance_id: str, name: str, after: AttrsT) -> str:
        try:
            return self.create(caller, instance_id, name, after)
        except ApiError as error:
            if not self.exists_already(error):
                raise
        # It exists already (the platform makes some objects with an instance, or someone
        # made it since the plan): manage it, and bring it to what the configuration says,
        # unless it differs in what can never change (as the planner would have refused).
        self._check_immutable_of_existing(caller, instance_id, name, after)
        return self.adopt(caller, instance_id, name, after)

    def _check_immutable_of_existing(
        self, caller: Caller, instance_id: str, name: str, after: AttrsT
    ) -> None:
        if not self.immutable:
            return
        live = self.read(caller, instance_id).get(name)
        if live is None:
            return
        current, wanted = self.observed(live).recorded(), after.recorded()
        for field_name in self.immutable:
            if field_name in wanted and current.get(field_name) != wanted[field_name]:
                raise ProviderError(
                    f"{self.resource_type.value} {name!r} exists already in {instance_id} with "
                    f"{field_name} {current.get(field_name)!r}; the configuration says "
                    f"{wanted[field_name]!r}, and {field_name} cannot change. Nothing was "
                    "changed in it: put the existing value in the configuration, or give yours "
                    "another name"
                )

    def delete_tolerant(self, caller: Caller, instance_id: str, remote_id: str) -> None:
        """Delete; an object that is gone already is what was wanted."""
        try:
            self.delete(caller, instance_id, remote_id)
        except ApiError as error:
            if not self.gone(error):
                raise


AnyKind = ContentKind[Any, Any, Any]
