"""Planning what lives inside an instance, kind by kind over the registry. Pure."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from cccform.addresses import Address, ResourceType
from cccform.config.models import InstanceConfig, LoadedConfig
from cccform.kinds import KINDS, kind_of
from cccform.kinds.base import AnyKind, PlannedChanges, Usage
from cccform.live import LiveContents
from cccform.plan import messages
from cccform.plan.diff import changed_fields, changed_paths
from cccform.plan.models import (
    Action,
    Change,
    Drift,
    Forget,
    Location,
    Rejection,
    RejectionKind,
)
from cccform.state.models import ResourceState

ManagedContents = dict[ResourceType, dict[str, ResourceState]]


def index_contents(resources: dict[str, ResourceState]) -> dict[str, ManagedContents]:
    """State's content objects by instance key, kind and name, in one pass over state."""
    index: dict[str, ManagedContents] = {}
    for text, resource in resources.items():
        address = Address.try_parse(text)
        if address is not None and not address.is_instance:
            by_kind = index.setdefault(address.instance, {})
            by_kind.setdefault(address.kind, {})[address.name] = resource
    return index


def kinds_to_read(
    instance: InstanceConfig | None, managed: ManagedContents
) -> frozenset[ResourceType]:
    """Read a kind only where something of it is declared or managed: a plan of instances
    without contents costs no content reads. A kind's deletion check may need others."""
    wanted: set[ResourceType] = set()
    for kind in KINDS:
        declared = instance is not None and bool(kind.declared(instance))
        if declared or managed.get(kind.resource_type):
            wanted |= {kind.resource_type, *kind.also_read}
    return frozenset(wanted)


@dataclass
class ContentsPlan:
    changes: list[Change] = field(default_factory=list)
    errors: list[Rejection] = field(default_factory=list)
    forget: list[Forget] = field(default_factory=list)


@dataclass
class InstanceContext:
    key: str
    instance: InstanceConfig
    instance_id: str
    live: LiveContents | None  # None: the instance is created by this plan
    managed: ManagedContents
    instance_create_key: str | None  # the step that creates the instance, if any


class ContentsPlanner:
    """Plans the contents of one declared instance."""

    def __init__(self, loaded: LoadedConfig, context: InstanceContext) -> None:
        self.loaded = loaded
        self.ctx = context
        self.out = ContentsPlan()

    def plan(self) -> ContentsPlan:
        for kind in KINDS:
            self._plan_kind(kind)
        planned = PlannedChanges(self.out.changes)
        self._add_dependencies(planned)
        self._check_in_use(planned)
        return self.out

    def _plan_kind(self, kind: AnyKind) -> None:
        managed = self.ctx.managed.get(kind.resource_type, {})
        live = (kind.live_of(self.ctx.live) if self.ctx.live is not None else None) or {}
        declared = kind.declared(self.ctx.instance)
        for name, value in sorted(declared.items()):
            want = kind.desired(name, value).recorded()
            self._plan_declared(kind, name, want, managed.get(name), live.get(name))
        for name, resource in sorted(managed.items()):
            if name not in declared:
                self._plan_removed(kind, name, resource, live.get(name))

    def _change(self, kind: AnyKind, name: str, action: Action, **fields: Any) -> Change:
        return Change(
            address=kind.address(self.ctx.key, name),
            action=action,
            instance_id=self.ctx.instance_id,
            location=None if action is Action.DELETE else self._location(kind, name),
            **fields,
        )

    def _location(self, kind: AnyKind, name: str) -> Location | None:
        """Where the configuration declares the object (a deletion has no such place)."""
        found = self.loaded.location("instances", self.ctx.key, kind.config_field, name)
        return Location(file=found.file, line=found.line, column=found.column) if found else None

    def _plan_declared(
        self,
        kind: AnyKind,
        name: str,
        want: dict[str, Any],
        managed: ResourceState | None,
        live: Any,
    ) -> None:
        if live is None and kind.bound:
            # bound with the instance: managing it is always an update
            self.out.changes.append(
                self._change(
                    kind,
                    name,
                    Action.UPDATE,
                    before=None,
                    after=want,
                    changed_fields=sorted(want),
                    remote_id=kind.predicted_id(name, self.ctx.instance_id),
                    reason=None if managed else kind.bound_note,
                )
            )
            return
        if live is None:
            drift = Drift.DELETED if managed is not None and self.ctx.live is not None else None
            self.out.changes.append(
                self._change(
                    kind,
                    name,
                    Action.CREATE,
                    after=want,
                    drift=drift,
                    remote_id=kind.predicted_id(name, self.ctx.instance_id),
                    reason="deleted outside cccform; it will be created again" if drift else None,
                )
            )
            return
        current = kind.observed(live).recorded()
        for field_name in kind.immutable:
            if current[field_name] != want[field_name]:
                self._reject(kind, name, field_name, current[field_name], want[field_name], managed)
        fields = [f for f in changed_fields(current, want) if f not in kind.immutable]
        adopt = None
        remade = managed is not None and managed.remote_id != kind.live_id(live)
        if managed is None or remade:
            # Exists, never managed, or made again outside cccform under its name (a new
            # id): recorded as it is first, with no call, so that what follows acts on it.
            adopt = self._change(
                kind,
                name,
                Action.ADOPT,
                before=current,
                after=current,
                remote_id=kind.live_id(live),
                adopt=True,
                reason=messages.remade(managed.remote_id) if managed is not None else None,
            )
            self.out.changes.append(adopt)
        if not fields:
            return
        recorded = managed.attributes if managed is not None else current
        drift_fields = [f for f in fields if f in recorded and recorded[f] != current[f]]
        details: dict[str, list[str]] = {}
        if "definition" in fields:
            details["definition"] = changed_paths(current["definition"], want["definition"])
        self.out.changes.append(
            self._change(
                kind,
                name,
                Action.UPDATE,
                before=current,
                after=want,
                changed_fields=fields,
                details=details,
                remote_id=kind.live_id(live),
                reason=None if adopt is None else messages.AFTER_ADOPTION,
                drift=Drift.CHANGED if drift_fields else None,
                drift_fields=drift_fields,
                adopt=adopt is not None,
                depends_on=[] if adopt is None else [adopt.key],
            )
        )

    def _plan_removed(self, kind: AnyKind, name: str, resource: ResourceState, live: Any) -> None:
        address = kind.address(self.ctx.key, name)
        if kind.bound:
            self.out.forget.append(
                Forget(address=address, remote_id=resource.remote_id, reason=kind.release_note)
            )
        elif live is None:
            self.out.forget.append(Forget(address=address, remote_id=resource.remote_id))
        else:
            self.out.changes.append(
                self._change(
                    kind,
                    name,
                    Action.DELETE,
                    before=kind.observed(live).recorded(),
                    remote_id=kind.live_id(live),
                    reason=f"because {address} is not in the configuration",
                )
            )

    def _reject(
        self,
        kind: AnyKind,
        name: str,
        field_name: str,
        before: Any,
        after: Any,
        managed: ResourceState | None,
    ) -> None:
        path = ("instances", self.ctx.key, kind.config_field, name, field_name)
        found = self.loaded.location(*path)
        said = messages.immutable_at_adoption if managed is None else messages.content_immutable
        message, hint = said(kind.resource_type.value, name, field_name, before, after)
        self.out.errors.append(
            Rejection(
                address=kind.address(self.ctx.key, name),
                field=field_name,
                kind=RejectionKind.IMMUTABLE,
                message=message,
                hint=hint,
                before=before,
                after=after,
                location=Location(file=found.file, line=found.line, column=found.column)
                if found
                else None,
            )
        )

    # -- order ------------------------------------------------------------------

    def _add_dependencies(self, planned: PlannedChanges) -> None:
        first = [self.ctx.instance_create_key] if self.ctx.instance_create_key else []
        self.out.changes = [
            change.model_copy(
                update={
                    "depends_on": sorted(
                        {*change.depends_on, *first, *_kind(change).dependencies(change, planned)}
                    )
                }
            )
            for change in self.out.changes
        ]

    # -- deletions of things still in use ----------------------------------------

    def _check_in_use(self, planned: PlannedChanges) -> None:
        if self.ctx.live is None:
            return
        usage = Usage(self.ctx.instance, self.ctx.live, planned)
        for change in self.out.changes:
            if change.action is not Action.DELETE:
                continue
            users = _kind(change).users(change, usage)
            if users:
                message, hint = messages.in_use(users)
                self.out.errors.append(
                    Rejection(
                        address=change.address,
                        field="(deletion)",
                        kind=RejectionKind.IN_USE,
                        message=message,
                        hint=hint,
                    )
                )


def _kind(change: Change) -> AnyKind:
    return kind_of(change.resource_type)


__all__ = ["ContentsPlanner", "InstanceContext", "index_contents", "kinds_to_read"]
