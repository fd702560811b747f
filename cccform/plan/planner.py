"""plan(config, state, live) -> Plan. Pure: no I/O, no clock, no printing."""

from __future__ import annotations

from typing import Any

from cccform.addresses import Address, ResourceType, children_of, step_key
from cccform.config.models import InstanceConfig, LoadedConfig
from cccform.live import CREATING, LiveInstance, LiveInventory
from cccform.plan import messages
from cccform.plan.bound_numbers import check_bound_numbers
from cccform.plan.contents import ContentsPlanner, InstanceContext, index_contents, kinds_to_read
from cccform.plan.diff import changed_fields
from cccform.plan.impacts import instance_impacts
from cccform.plan.models import (
    Action,
    Change,
    Drift,
    Forget,
    Impact,
    Location,
    Move,
    Plan,
    PlanWarning,
    PriorState,
    Rejection,
    RejectionKind,
)
from cccform.plan.moves import find_moves, moved_state
from cccform.plan.qa import qa_cost_notes
from cccform.plan.targets import WHOLE, Selection, select
from cccform.state.models import ResourceState, State


def instance_address(key: str) -> Address:
    return Address.of_instance(key)


def desired_attributes(instance: InstanceConfig) -> dict[str, Any]:
    """The attributes a create carries, in state's shape."""
    return {
        "name": instance.name,
        "access_path": instance.access_path,
        "description": instance.description,
        "phone_numbers": list(instance.phone_numbers),
        "admins": list(instance.admins),
        "conversation_analysis": instance.conversation_analysis,
        "deletion_protection": instance.deletion_protection,
    }


def plan(
    loaded: LoadedConfig,
    state: State,
    live: LiveInventory,
    *,
    state_exists: bool,
    selection: Selection = WHOLE,
) -> Plan:
    """Compare what the user wrote with what exists and what cccform manages; with a partial
    `selection` (--target, --exclude), only the part it selects (`plan/targets.py`)."""
    moves = find_moves(loaded, state)
    prior = PriorState(lineage=state.lineage, serial=state.serial, existed=state_exists)
    # A selection may name what the state holds before the moves as well as after them.
    known = _known(loaded, state)
    state = moved_state(state, moves)  # everything else is planned as after the moves
    builder = _PlanBuilder(loaded, state, live)
    builder.moves = moves
    for key, instance in loaded.config.instances.items():
        builder.plan_declared(key, instance)
    builder.plan_undeclared()
    builder.check_all_gone()
    builder.check_bound_numbers()
    builder.plan_all_contents()
    return select(builder.build(prior), selection, known + _known(loaded, state))


def _known(loaded: LoadedConfig, state: State) -> list[Address]:
    """The addresses the configuration declares as instances and the state manages."""
    managed = [Address.try_parse(text) for text in state.resources]
    declared = [instance_address(key) for key in loaded.config.instances]
    return declared + [address for address in managed if address is not None]


def contents_to_read(
    loaded: LoadedConfig, state: State, live: LiveInventory
) -> dict[str, frozenset[ResourceType]]:
    """Which kinds to read in which existing instances: only what is declared or managed."""
    wanted: dict[str, frozenset[ResourceType]] = {}
    state = moved_state(state, find_moves(loaded, state))
    managed = index_contents(state.resources)
    for key, instance in loaded.config.instances.items():
        current = _existing_instance(key, instance, state, live)
        if current is None or current.status == CREATING:
            continue
        kinds = kinds_to_read(instance, managed.get(key, {}))
        if kinds:
            wanted[current.instance_id] = kinds
    return wanted


def contents_known_ahead(loaded: LoadedConfig, state: State) -> dict[str, frozenset[ResourceType]]:
    """What `contents_to_read` will ask for in the instances the state manages, known before
    the instances are listed, so that those reads need not wait for every ListInstances page.
    """
    ahead: dict[str, frozenset[ResourceType]] = {}
    state = moved_state(state, find_moves(loaded, state))
    managed = index_contents(state.resources)
    for key, instance in loaded.config.instances.items():
        recorded = state.resources.get(str(instance_address(key)))
        kinds = kinds_to_read(instance, managed.get(key, {}))
        if recorded is not None and recorded.remote_id and kinds:
            ahead[recorded.remote_id] = kinds
    return ahead


def _existing_instance(
    key: str, instance: InstanceConfig, state: State, live: LiveInventory
) -> LiveInstance | None:
    """The live instance a declared key stands for: the one the state manages, the one an
    intent may have made, or, with neither, the one at its access path (adopted)."""
    address = instance_address(key)
    managed = state.resources.get(str(address))
    if managed is not None:
        return live.get(managed.remote_id)
    pending = state.pending.get(str(address))
    return live.get(pending.access_path if pending is not None else instance.access_path)


class _PlanBuilder:
    def __init__(self, loaded: LoadedConfig, state: State, live: LiveInventory) -> None:
        self.loaded = loaded
        self.state = state
        self.live = live
        self.changes: list[Change] = []
        self.errors: list[Rejection] = []
        self.forget: list[Forget] = []
        self.moves: list[Move] = []
        self.impacts: list[Impact] = []
        self.notes: list[Impact] = []
        self.warnings: list[PlanWarning] = []

    def build(self, prior: PriorState) -> Plan:
        self._create_after_delete_of_same_access_path()
        self.notes += qa_cost_notes(self.changes)
        kinds = {kind: index for index, kind in enumerate(ResourceType)}
        order = {action: index for index, action in enumerate(Action)}
        changes = sorted(
            self.changes,
            key=lambda c: (c.instance, kinds[c.resource_type], str(c.address), order[c.action]),
        )
        errors = sorted(self.errors, key=lambda e: (str(e.address), e.field))
        forget = sorted(self.forget, key=lambda f: str(f.address))
        return Plan(
            changes=changes,
            errors=errors,
            forget=forget,
            moves=self.moves,
            impacts=self.impacts,
            notes=self.notes,
            warnings=self.warnings,
            prior_state=prior,
        )

    def _create_after_delete_of_same_access_path(self) -> None:
        """A key renamed with the same access path: the old instance must be gone first."""
        deleting = {
            c.remote_id: c.key
            for c in self.changes
            if c.action is Action.DELETE and c.address.is_instance
        }
        if not deleting:
            return
        for index, change in enumerate(self.changes):
            if change.action is Action.CREATE and change.address.is_instance:
                delete = deleting.get(change.remote_id)
                if delete is not None:
                    deps = [*change.depends_on, delete]
                    self.changes[index] = change.model_copy(update={"depends_on": deps})

    def check_bound_numbers(self) -> None:
        """Refuse creates whose numbers another instance holds; wait for one being deleted."""
        found = check_bound_numbers(self.loaded, self.state, self.live, self.changes)
        self.errors += found.errors
        for index, change in enumerate(self.changes):
            if change.key in found.waits:
                deps = [*change.depends_on, *found.waits[change.key]]
                self.changes[index] = change.model_copy(update={"depends_on": deps})

    # -- what lives inside declared instances ---------------------------------

    def plan_all_contents(self) -> None:
        managed = index_contents(self.state.resources)
        by_instance: dict[str, list[Change]] = {}
        for change in self.changes:
            by_instance.setdefault(change.instance, []).append(change)
        for key, instance in self.loaded.config.instances.items():
            self._plan_contents(key, instance, managed.get(key, {}), by_instance.get(key, []))

    def _plan_contents(
        self,
        key: str,
        instance: InstanceConfig,
        managed: dict[ResourceType, dict[str, ResourceState]],
        instance_changes: list[Change],
    ) -> None:
        create = next((c for c in instance_changes if c.action is Action.CREATE), None)
        current = _existing_instance(key, instance, self.state, self.live)
        adopting = any(c.action is Action.ADOPT for c in instance_changes)
        if adopting and current is not None and current.status == CREATING:
            return  # its contents are planned once it runs (see `_adopt`)
        if create is not None:
            instance_id = str(create.remote_id)
        elif current is not None:
            instance_id = current.instance_id
        else:
            return
        context = InstanceContext(
            key=key,
            instance=instance,
            instance_id=instance_id,
            live=None if create is not None else self.live.contents.get(instance_id),
            managed=managed,
            instance_create_key=create.key if create is not None else None,
        )
        planned = ContentsPlanner(self.loaded, context).plan()
        self.changes += planned.changes
        self.errors += planned.errors
        self.forget += planned.forget
        touched = instance_changes + planned.changes
        self.impacts += instance_impacts(key, context.live, touched)
        if create is not None and not create.resume:
            self.notes.append(
                Impact(
                    instance=key,
                    kind="platform_defaults",
                    subject=str(instance_address(key)),
                    message=messages.PLATFORM_DEFAULTS,
                )
            )

    # -- declared instances -------------------------------------------------

    def plan_declared(self, key: str, instance: InstanceConfig) -> None:
        address = instance_address(key)
        managed = self.state.resources.get(str(address))
        if managed is not None:
            current = self.live.get(managed.remote_id)
            if current is None:
                self._create(key, instance, drift=Drift.DELETED)
            else:
                self._existing(key, instance, current, managed)
            return
        pending = self.state.pending.get(str(address))
        if pending is None:
            current = self.live.get(instance.access_path)
            if current is None:
                self._create(key, instance)
            else:
                self._adopt(key, instance, current)
            return
        # only a sent intent for this very access path can be ours to finish, and only when
        # what is there is what it asked for
        ours = pending.sent and pending.access_path == instance.access_path
        current = self.live.get(instance.access_path) if ours else None
        if current is not None and pending.matches(current.name, current.phone_numbers):
            # An earlier apply called CreateInstance for this address and stopped before
            # recording the result: finish that creation instead of creating again.
            self._check_immutable(key, instance, current, None)
            self._create(key, instance, resume_id=current.instance_id, current=current)
        else:
            self._create(key, instance)

    def _create(
        self,
        key: str,
        instance: InstanceConfig,
        *,
        drift: Drift | None = None,
        resume_id: str | None = None,
        current: LiveInstance | None = None,
    ) -> None:
        address = instance_address(key)
        reason = None
        if drift is Drift.DELETED:
            reason = "deleted outside cccform; it will be created again"
        elif resume_id is not None:
            reason = "finishing a creation that an earlier apply started"
        create = Change(
            address=address,
            action=Action.CREATE,
            after=desired_attributes(instance),
            remote_id=resume_id or instance.access_path,
            drift=drift,
            reason=reason,
            resume=resume_id is not None,
            location=self._location(key),
        )
        self.changes.append(create)
        already_on = current is not None and current.conversation_analysis is True
        if instance.conversation_analysis and not already_on:
            self._enable_qa(address, create.remote_id, depends_on=[create.key])

    def _location(self, key: str, *field: str) -> Location | None:
        found = self.loaded.location("instances", key, *field)
        return Location(file=found.file, line=found.line, column=found.column) if found else None

    def _enable_qa(self, address: Address, remote_id: str | None, depends_on: list[str]) -> None:
        key = address.instance
        self.changes.append(
            Change(
                address=address,
                action=Action.ENABLE_QA,
                before={"conversation_analysis": False},
                after={"conversation_analysis": True},
                changed_fields=["conversation_analysis"],
                remote_id=remote_id,
                depends_on=depends_on,
                location=self._location(key, "conversation_analysis"),
            )
        )

    def _adopt(self, key: str, instance: InstanceConfig, current: LiveInstance) -> None:
        """An instance at the declared access path that this state does not manage: record it
        (no call), then change what the configuration says differently, as for any other."""
        address = instance_address(key)
        self._check_immutable(key, instance, current, None, adopting=True)
        qa_now = bool(current.conversation_analysis)
        self._check_qa(key, instance, qa_now)
        seen = {
            "name": current.name,
            "access_path": current.access_path,
            "description": current.description,
            "phone_numbers": list(current.phone_numbers),
            "admins": list(current.admins),
            "conversation_analysis": qa_now,
        }
        # admins are used at creation only: the state keeps what the configuration says
        recorded = {
            **seen,
            "admins": list(instance.admins),
            "deletion_protection": instance.deletion_protection,
        }
        adopt = Change(
            address=address,
            action=Action.ADOPT,
            before=seen,
            after=recorded,
            remote_id=current.instance_id,
            adopt=True,
            location=self._location(key),
        )
        self.changes.append(adopt)
        if current.status == CREATING:
            # Nothing can be changed in it yet (the control plane answers AbnormalService):
            # the adoption is recorded, and the next plan, once it runs, does the rest.
            self.notes.append(
                Impact(
                    instance=key,
                    kind="adopted_while_creating",
                    subject=str(address),
                    message=messages.adopted_while_creating(current.instance_id),
                )
            )
            return
        if current.description != instance.description:
            self.changes.append(
                Change(
                    address=address,
                    action=Action.UPDATE,
                    before={"description": current.description},
                    after={"description": instance.description},
                    changed_fields=["description"],
                    remote_id=current.instance_id,
                    reason=messages.AFTER_ADOPTION,
                    adopt=True,
                    depends_on=[adopt.key],
                    location=self._location(key),
                )
            )
        if instance.conversation_analysis and not qa_now:
            self._enable_qa(address, current.instance_id, depends_on=[adopt.key])

    def _check_qa(self, key: str, instance: InstanceConfig, qa_now: bool) -> None:
        """Conversation analysis that is on stays on: the configuration must not say off."""
        if qa_now and not instance.conversation_analysis:
            omitted = "conversation_analysis" not in instance.model_fields_set
            self._reject(
                key,
                "conversation_analysis",
                RejectionKind.ONE_WAY,
                True,
                False,
                *(messages.omitted_qa(key) if omitted else messages.one_way_qa()),
            )

    def _existing(
        self, key: str, instance: InstanceConfig, current: LiveInstance, managed: ResourceState
    ) -> None:
        address = instance_address(key)
        self._check_immutable(key, instance, current, managed)
        qa_now = current.conversation_analysis
        if qa_now is None:
            qa_now = bool(managed.attributes.get("conversation_analysis", False))
        self._check_qa(key, instance, qa_now)
        before = {
            "description": current.description,
            "deletion_protection": managed.deletion_protection,
        }
        after = {
            "description": instance.description,
            "deletion_protection": instance.deletion_protection,
        }
        fields = changed_fields(before, after)
        drift_fields = self._drift_fields(managed, current)
        if fields:
            self.changes.append(
                Change(
                    address=address,
                    action=Action.UPDATE,
                    before={f: before[f] for f in fields},
                    after={f: after[f] for f in fields},
                    changed_fields=fields,
                    remote_id=managed.remote_id,
                    drift=Drift.CHANGED if set(drift_fields) & set(fields) else None,
                    drift_fields=[f for f in drift_fields if f in fields],
                    location=self._location(key),
                )
            )
        if instance.conversation_analysis and not qa_now:
            self._enable_qa(address, managed.remote_id, depends_on=[])

    @staticmethod
    def _drift_fields(managed: ResourceState, current: LiveInstance) -> list[str]:
        recorded = {"description": managed.attributes.get("description")}
        return changed_fields(recorded, {"description": current.description})

    def _check_immutable(
        self,
        key: str,
        instance: InstanceConfig,
        current: LiveInstance,
        managed: ResourceState | None,
        *,
        adopting: bool = False,
    ) -> None:
        before = {
            "name": current.name,
            "access_path": current.access_path,
            "phone_numbers": list(current.phone_numbers),
        }
        after = {
            "name": instance.name,
            "access_path": instance.access_path,
            "phone_numbers": list(instance.phone_numbers),
        }
        for field in changed_fields(before, after):
            said = (
                messages.immutable_at_adoption(
                    "instance", current.access_path, field, before[field], after[field]
                )
                if adopting
                else messages.immutable(field, before[field], after[field])
            )
            self._reject(key, field, RejectionKind.IMMUTABLE, before[field], after[field], *said)
        if managed is not None and "admins" in managed.attributes:
            recorded = {"admins": managed.attributes["admins"]}
            wanted = {"admins": list(instance.admins)}
            if changed_fields(recorded, wanted):
                self._reject(
                    key,
                    "admins",
                    RejectionKind.IMMUTABLE,
                    recorded["admins"],
                    wanted["admins"],
                    *messages.admins_changed(recorded["admins"], wanted["admins"]),
                )

    def _reject(
        self,
        key: str,
        field: str,
        kind: RejectionKind,
        before: Any,
        after: Any,
        message: str,
        hint: str,
    ) -> None:
        location = self._location(key, field)
        self.errors.append(
            Rejection(
                address=instance_address(key),
                field=field,
                kind=kind,
                message=message,
                hint=hint,
                before=before,
                after=after,
                location=location,
            )
        )

    def check_all_gone(self) -> None:
        """Warn when every managed instance is missing: the wrong place, not mass deletion."""
        managed = {
            text: resource.remote_id
            for text, resource in self.state.resources.items()
            if (address := Address.try_parse(text)) is not None and address.is_instance
        }
        if not managed or any(self.live.get(remote_id) for remote_id in managed.values()):
            return
        binding = str(self.state.binding) if self.state.binding is not None else None
        self.warnings.append(
            PlanWarning(
                kind="all_instances_gone",
                subjects=sorted(managed),
                message=messages.all_instances_gone(len(managed), binding),
            )
        )

    # -- managed, no longer declared ----------------------------------------

    def plan_undeclared(self) -> None:
        declared = {str(instance_address(key)) for key in self.loaded.config.instances}
        for text, managed in self.state.resources.items():
            address = Address.try_parse(text)
            if text in declared or address is None or not address.is_instance:
                continue
            current = self.live.get(managed.remote_id)
            if current is None:
                self.forget.append(Forget(address=address, remote_id=managed.remote_id))
            elif managed.deletion_protection:
                message, hint = messages.protected()
                self.errors.append(
                    Rejection(
                        address=address,
                        field="deletion_protection",
                        kind=RejectionKind.PROTECTED,
                        message=message,
                        hint=hint,
                        before=True,
                        after=None,
                    )
                )
            else:
                self._delete(address, managed.remote_id, dict(managed.attributes), current)
        for text, pending in self.state.pending.items():
            if text in declared or text in self.state.resources:
                continue
            # An interrupted creation that is no longer declared: never deleted on the word
            # of an intent alone. cccform stops tracking it and says where it is.
            reason = "an interrupted creation, no longer declared"
            if not pending.sent:
                reason = "a creation that never started, no longer declared"
            elif (found := self.live.get(pending.access_path)) is not None and pending.matches(
                found.name, found.phone_numbers
            ):
                reason = messages.abandoned_creation(pending.access_path)
            self.forget.append(Forget(address=text, remote_id=pending.access_path, reason=reason))

    def _delete(
        self, address: Address, remote_id: str, before: dict[str, Any], current: LiveInstance
    ) -> None:
        before.setdefault("access_path", current.access_path)
        self.changes.append(
            Change(
                address=address,
                action=Action.DELETE,
                before=before,
                remote_id=remote_id,
                reason=f"because {address} is not in the configuration",
            )
        )
        contents = children_of(address, self.state.resources)
        numbers = [str(n) for n in before.get("phone_numbers", [])]
        self.impacts.append(
            Impact(
                instance=address.instance,
                kind="deleted_with_instance",
                subject=str(address),
                before={"contents": sorted(contents), "phone_numbers": numbers},
                after=None,
                message=messages.deleted_with_instance(sorted(contents), numbers),
            )
        )


__all__ = ["desired_attributes", "instance_address", "plan", "step_key"]
