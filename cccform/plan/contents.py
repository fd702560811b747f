"""Planning what lives inside an instance: skill groups, flows, agents, number routing. Pure."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from cccform.config.models import InstanceConfig, LoadedConfig
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
    ResourceType,
    step_key,
)
from cccform.providers.base import LiveAgent, LiveContents, LiveFlow, LiveNumber, LiveSkillGroup
from cccform.state.models import ResourceState

CONTENT_KINDS = (
    ResourceType.SKILL_GROUP,
    ResourceType.FLOW,
    ResourceType.AGENT,
    ResourceType.NUMBER,
)
CONFIG_FIELD = {
    ResourceType.SKILL_GROUP: "skill_groups",
    ResourceType.FLOW: "flows",
    ResourceType.AGENT: "agents",
    ResourceType.NUMBER: "numbers",
}
IMMUTABLE = {
    ResourceType.SKILL_GROUP: ("media_type",),
    ResourceType.FLOW: ("type",),
    ResourceType.AGENT: ("email",),
    ResourceType.NUMBER: (),
}


def content_address(instance_key: str, kind: ResourceType, name: str) -> str:
    return f"instance.{instance_key}.{kind.value}.{name}"


ManagedContents = dict[ResourceType, dict[str, ResourceState]]


def index_contents(resources: dict[str, ResourceState]) -> dict[str, ManagedContents]:
    """State's content objects by instance key, kind and name, in one pass over state."""
    kinds = {kind.value: kind for kind in CONTENT_KINDS}
    index: dict[str, ManagedContents] = {}
    for address, resource in resources.items():
        parts = address.split(".", 3)  # instance, key, kind, name (a name may hold dots)
        if len(parts) == 4 and parts[0] == "instance" and parts[2] in kinds:
            by_kind = index.setdefault(parts[1], {})
            by_kind.setdefault(kinds[parts[2]], {})[parts[3]] = resource
    return index


def kinds_to_read(
    instance: InstanceConfig | None, managed: ManagedContents
) -> frozenset[ResourceType]:
    """Read a kind only where something of it is declared or managed: a plan of instances
    without contents costs no content reads."""
    wanted = set()
    for kind in CONTENT_KINDS:
        declared = instance is not None and bool(getattr(instance, CONFIG_FIELD[kind]))
        if declared or managed.get(kind):
            wanted.add(kind)
    # Whether a skill group or flow may be deleted depends on who still uses it: agents and
    # numbers, declared or not.
    if ResourceType.SKILL_GROUP in wanted:
        wanted |= {ResourceType.AGENT, ResourceType.NUMBER}
    if ResourceType.FLOW in wanted:
        wanted.add(ResourceType.NUMBER)
    return frozenset(wanted)


# -- desired and live attributes, in state's shape ------------------------------


def desired(kind: ResourceType, value: Any, name: str) -> dict[str, Any]:
    if kind is ResourceType.SKILL_GROUP:
        return {
            "display_name": value.display_name,
            "description": value.description,
            "media_type": value.media_type,
        }
    if kind is ResourceType.FLOW:
        return {
            "type": value.type,
            "description": value.description or name,  # CCC requires a non-blank one
            "definition": value.definition,
        }
    if kind is ResourceType.AGENT:
        agent = {
            "display_name": value.display_name,
            "email": value.email,
            "role": value.role,
            "work_mode": value.work_mode,
            "skills": dict(sorted(value.skills.items())),
        }
        if value.mobile is not None:  # no mobile given: the agent's is left as it is
            agent["mobile"] = value.mobile
        return agent
    routing: dict[str, Any] = {"usage": value.usage, "skill_groups": sorted(value.skill_groups)}
    if value.flow is not None:  # no flow given: its binding is left as it is
        routing["flow"] = value.flow
    return routing


def live_attributes(kind: ResourceType, live: Any) -> dict[str, Any]:
    if isinstance(live, LiveSkillGroup):
        return {
            "display_name": live.display_name,
            "description": live.description,
            "media_type": live.media_type,
        }
    if isinstance(live, LiveFlow):
        return {"type": live.type, "description": live.description, "definition": live.definition}
    if isinstance(live, LiveAgent):
        return {
            "display_name": live.display_name,
            "email": live.email,
            "mobile": live.mobile,
            "role": live.role,
            "work_mode": live.work_mode,
            "skills": dict(sorted(live.skills.items())),
        }
    assert isinstance(live, LiveNumber)
    return {"usage": live.usage, "flow": live.flow_name, "skill_groups": sorted(live.skill_groups)}


def live_remote_id(live: Any) -> str:
    if isinstance(live, LiveSkillGroup):
        return live.skill_group_id
    if isinstance(live, LiveFlow):
        return live.flow_id
    if isinstance(live, LiveAgent):
        return live.user_id
    assert isinstance(live, LiveNumber)
    return live.number


def predicted_remote_id(kind: ResourceType, name: str, instance_id: str) -> str | None:
    if kind in (ResourceType.SKILL_GROUP, ResourceType.AGENT):
        return f"{name}@{instance_id}"
    if kind is ResourceType.NUMBER:
        return name
    return None  # a flow's id is known only once it exists


# -- the planner ---------------------------------------------------------------


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
        for kind in CONTENT_KINDS:
            self._plan_kind(kind)
        self._add_dependencies()
        self._check_in_use()
        return self.out

    def _declared(self, kind: ResourceType) -> dict[str, Any]:
        return dict(getattr(self.ctx.instance, CONFIG_FIELD[kind]))

    def _live(self, kind: ResourceType) -> dict[str, Any] | None:
        if self.ctx.live is None:
            return None
        return getattr(self.ctx.live, CONFIG_FIELD[kind])  # type: ignore[no-any-return]

    def _plan_kind(self, kind: ResourceType) -> None:
        managed = self.ctx.managed.get(kind, {})
        live = self._live(kind) or {}
        for name, value in sorted(self._declared(kind).items()):
            self._plan_declared(
                kind, name, desired(kind, value, name), managed.get(name), live.get(name)
            )
        for name, resource in sorted(managed.items()):
            if name not in self._declared(kind):
                self._plan_removed(kind, name, resource, live.get(name))

    def _change(self, kind: ResourceType, name: str, action: Action, **fields: Any) -> Change:
        return Change(
            address=content_address(self.ctx.key, kind, name),
            action=action,
            resource_type=kind,
            name=name,
            instance=self.ctx.key,
            instance_id=self.ctx.instance_id,
            location=None if action is Action.DELETE else self._location(kind, name),
            **fields,
        )

    def _location(self, kind: ResourceType, name: str) -> Location | None:
        """Where the configuration declares the object (a deletion has no such place)."""
        found = self.loaded.location("instances", self.ctx.key, CONFIG_FIELD[kind], name)
        return Location(file=found.file, line=found.line, column=found.column) if found else None

    def _plan_declared(
        self,
        kind: ResourceType,
        name: str,
        want: dict[str, Any],
        managed: ResourceState | None,
        live: Any,
    ) -> None:
        if live is None and kind is ResourceType.NUMBER:
            # numbers are bound with the instance: routing one is always an update
            self.out.changes.append(
                self._change(
                    kind,
                    name,
                    Action.UPDATE,
                    before=None,
                    after=want,
                    changed_fields=sorted(want),
                    remote_id=name,
                    reason=None if managed else "cccform will manage its routing",
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
                    remote_id=predicted_remote_id(kind, name, self.ctx.instance_id),
                    reason="deleted outside cccform; it will be created again" if drift else None,
                )
            )
            return
        current = live_attributes(kind, live)
        for field_name in IMMUTABLE[kind]:
            if current[field_name] != want[field_name]:
                self._reject(kind, name, field_name, current[field_name], want[field_name])
        fields = [f for f in changed_fields(current, want) if f not in IMMUTABLE[kind]]
        if not fields and managed is not None:
            return
        recorded = managed.attributes if managed is not None else current
        drift_fields = [f for f in fields if f in recorded and recorded[f] != current[f]]
        reason = None if managed is not None else messages.ADOPTED
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
                remote_id=live_remote_id(live),
                reason=reason,
                drift=Drift.CHANGED if drift_fields else None,
                drift_fields=drift_fields,
                resume=managed is None,
            )
        )

    def _plan_removed(
        self, kind: ResourceType, name: str, resource: ResourceState, live: Any
    ) -> None:
        address = content_address(self.ctx.key, kind, name)
        if kind is ResourceType.NUMBER:
            self.out.forget.append(
                Forget(
                    address=address,
                    remote_id=resource.remote_id,
                    reason="no longer declared; its routing is left as it is",
                )
            )
        elif live is None:
            self.out.forget.append(Forget(address=address, remote_id=resource.remote_id))
        else:
            self.out.changes.append(
                self._change(
                    kind,
                    name,
                    Action.DELETE,
                    before=live_attributes(kind, live),
                    remote_id=live_remote_id(live),
                    reason=f"because {address} is not in the configuration",
                )
            )

    def _reject(
        self, kind: ResourceType, name: str, field_name: str, before: Any, after: Any
    ) -> None:
        path = ("instances", self.ctx.key, CONFIG_FIELD[kind], name, field_name)
        found = self.loaded.location(*path)
        message, hint = messages.content_immutable(kind.value, name, field_name, before, after)
        self.out.errors.append(
            Rejection(
                address=content_address(self.ctx.key, kind, name),
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

    def _add_dependencies(self) -> None:
        by_kind: dict[tuple[ResourceType, Action], list[Change]] = {}
        for change in self.out.changes:
            by_kind.setdefault((change.resource_type, change.action), []).append(change)

        def keys(
            kind: ResourceType, *actions: Action, only: Callable[[Change], bool] = lambda c: True
        ) -> list[str]:
            return [c.key for a in actions for c in by_kind.get((kind, a), []) if only(c)]

        created_groups = {
            c.object_name: c.key for c in by_kind.get((ResourceType.SKILL_GROUP, Action.CREATE), [])
        }
        flow_steps = {
            c.object_name: c.key
            for c in self.out.changes
            if c.resource_type is ResourceType.FLOW and c.action is not Action.DELETE
        }
        updated = []
        for change in self.out.changes:
            deps = [self.ctx.instance_create_key] if self.ctx.instance_create_key else []
            after = change.after or {}
            kind, action = change.resource_type, change.action
            if kind is ResourceType.AGENT and action is not Action.DELETE:
                deps += [created_groups[g] for g in after.get("skills", {}) if g in created_groups]
            elif kind is ResourceType.NUMBER:
                deps += [
                    created_groups[g] for g in after.get("skill_groups", []) if g in created_groups
                ]
                if after.get("flow") in flow_steps:
                    deps.append(flow_steps[after["flow"]])
            elif kind is ResourceType.FLOW and action is Action.DELETE:
                deps += keys(ResourceType.NUMBER, Action.UPDATE)
            elif kind is ResourceType.SKILL_GROUP and action is Action.DELETE:
                deps += keys(ResourceType.AGENT, Action.UPDATE, Action.DELETE)
                deps += keys(ResourceType.NUMBER, Action.UPDATE)
            updated.append(change.model_copy(update={"depends_on": sorted(set(deps))}))
        self.out.changes = updated

    # -- deletions of things still in use ----------------------------------------

    def _check_in_use(self) -> None:
        live = self.ctx.live
        if live is None:
            return
        declared_agents = set(self.ctx.instance.agents)
        declared_numbers = set(self.ctx.instance.numbers)
        deleted_agents = {
            c.object_name
            for c in self.out.changes
            if c.resource_type is ResourceType.AGENT and c.action is Action.DELETE
        }
        for change in self.out.changes:
            if change.action is not Action.DELETE:
                continue
            name = change.object_name
            users: list[str] = []
            if change.resource_type is ResourceType.SKILL_GROUP:
                users += [
                    f"agent {a.login_name}"
                    for a in (live.agents or {}).values()
                    if name in a.skills
                    and a.login_name not in declared_agents
                    and a.login_name not in deleted_agents
                ]
                users += [
                    f"number {n.number}"
                    for n in (live.numbers or {}).values()
                    if name in n.skill_groups and n.number not in declared_numbers
                ]
            elif change.resource_type is ResourceType.FLOW:
                # a declared number without `flow` keeps its binding: it still uses the flow
                rerouted = {n for n, r in self.ctx.instance.numbers.items() if r.flow is not None}
                users += [
                    f"number {n.number}"
                    for n in (live.numbers or {}).values()
                    if n.flow_id == change.remote_id and n.number not in rerouted
                ]
            if users:
                message, hint = messages.in_use(change.address, users)
                self.out.errors.append(
                    Rejection(
                        address=change.address,
                        field="(deletion)",
                        kind=RejectionKind.IN_USE,
                        message=message,
                        hint=hint,
                    )
                )


__all__ = [
    "CONTENT_KINDS",
    "ContentsPlanner",
    "InstanceContext",
    "content_address",
    "index_contents",
    "kinds_to_read",
    "step_key",
]
