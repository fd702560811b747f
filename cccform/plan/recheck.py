"""The planner's rules, checked again on a saved plan against the state apply holds locked.

A saved plan is data from a file: apply does not trust it. Every change must act on what the
state manages, by the same remote id (an adoption: on what it does not manage yet, and what
follows an adoption on what it adopts); an instance under deletion protection is not deleted;
immutable fields are not changed; conversation analysis is never turned off. Broken rules
become the planner's own rejections (`plan.messages`), so the plan is refused (exit 3); a
change on something the state does not manage means the plan was not made from this state
(`StalePlanError`, exit 7).
"""

from __future__ import annotations

from typing import Any

from cccform.addresses import Address
from cccform.errors import StalePlanError
from cccform.kinds import kind_of
from cccform.plan import messages
from cccform.plan.diff import changed_fields
from cccform.plan.models import Action, Change, Plan, Rejection, RejectionKind
from cccform.plan.moves import moved_state
from cccform.state.models import ResourceState, State

_ABSENT = object()
INSTANCE_MUTABLE = ("description", "deletion_protection")
"""What an update of an instance may change; everything else about an instance is immutable."""


def recheck(plan: Plan, state: State) -> Plan:
    """`plan` with a rejection for each rule a change breaks against `state`."""
    refusals: list[Rejection] = []
    _check_unique(plan)
    targets: set[str] = set()
    vacated = {str(move.from_address) for move in plan.moves}
    if len(vacated) != len(plan.moves):
        raise StalePlanError(
            "Saved plan does not match the state: it moves one instance to more than one key. "
            "Run cccform plan again."
        )
    for move in plan.moves:
        if not (move.address.is_instance and move.from_address.is_instance):
            raise StalePlanError(
                f"Saved plan does not match the state: it moves {move.from_address} to "
                f"{move.address}; only an instance moves. Run cccform plan again."
            )
        if str(move.address) in targets or str(move.address) in state.pending:
            raise StalePlanError(
                f"Saved plan does not match the state: it moves more than one thing onto "
                f"{move.address}, or onto a creation in progress. Run cccform plan again."
            )
        targets.add(str(move.address))
        managed = state.resources.get(str(move.from_address))
        if managed is None or managed.remote_id != move.remote_id:
            raise StalePlanError(
                f"Saved plan does not match the state: it moves {move.from_address} "
                f"({move.remote_id}), which the state does not manage by that id. "
                "Run cccform plan again."
            )
        if str(move.address) in state.resources and str(move.address) not in vacated:
            raise StalePlanError(
                f"Saved plan does not match the state: it moves {move.from_address} onto "
                f"{move.address}, which the state already manages. Run cccform plan again."
            )
    state = moved_state(state, plan.moves)
    managed_ids = {
        (Address.parse(address).kind.value, resource.remote_id): address
        for address, resource in state.resources.items()
    }
    for change in plan.changes:
        if change.action is Action.ADOPT:
            _check_adopt(change, state, managed_ids)
        if change.action is Action.CREATE and change.address.is_instance:
            wanted = (change.after or {}).get("access_path")
            if change.remote_id is not None and change.remote_id != wanted:
                _not_from_state(change, f"creates {wanted!r} under the id {change.remote_id!r}")
    state = _with_adopted(state, plan)
    created = {str(c.address): c.remote_id for c in plan.changes if c.action is Action.CREATE}
    for change in plan.changes:
        if not change.address.is_instance:
            _check_instance_id(change, state, created)
        if change.action is not Action.ADOPT:
            refusals += _check(change, state, created)
    if not refusals:
        return plan
    return plan.model_copy(update={"errors": [*plan.errors, *refusals]})


def _check_unique(plan: Plan) -> None:
    """One change per address and action, and dependencies on changes of the plan."""
    keys = [change.key for change in plan.changes]
    seen: set[str] = set()
    for key in keys:
        if key in seen:
            raise StalePlanError(
                f"Saved plan is not one cccform made: it holds the change {key} twice. "
                "Run cccform plan again."
            )
        seen.add(key)
    for change in plan.changes:
        unknown = [key for key in change.depends_on if key not in seen]
        if unknown:
            raise StalePlanError(
                f"Saved plan is not one cccform made: {change.key} depends on "
                f"{', '.join(unknown)}, which it does not hold. Run cccform plan again."
            )


def _check_adopt(change: Change, state: State, managed_ids: dict[tuple[str, str], str]) -> None:
    """An adoption takes over what no address of the state manages: never a managed object
    under a second address (whose record would then say what the plan file says). Content
    the state manages may be adopted again under its own address when it was made anew
    outside cccform, with a new id; an instance's id is its access path and never changes."""
    other = managed_ids.get((change.resource_type.value, str(change.remote_id)))
    if other is not None and other != str(change.address):
        _not_from_state(change, f"adopts {change.remote_id!r}, which the state manages as {other}")
    if other is not None or (change.address.is_instance and str(change.address) in state.resources):
        _not_from_state(change, "adopts what the state already manages")


def _check_instance_id(change: Change, state: State, created: dict[str, str | None]) -> None:
    """What lives in an instance is changed in that instance: the one the state holds at
    the change's instance address, or the one the plan creates there."""
    instance = str(change.address.instance_address)
    managed = state.resources.get(instance)
    own = managed.remote_id if managed is not None else created.get(instance)
    if own is not None and change.instance_id not in (None, own):
        _not_from_state(
            change, f"acts in instance {change.instance_id!r}, but {instance} is {own!r}"
        )
    if own is None and change.action is not Action.DELETE:
        _not_from_state(change, f"acts in {instance}, which the state does not manage")


def _with_adopted(state: State, plan: Plan) -> State:
    """`state` as it will be once the plan's adoptions are recorded: what follows an
    adoption (an update, QA) acts on what the state then manages."""
    adopted = {
        str(c.address): ResourceState(remote_id=str(c.remote_id), attributes=dict(c.after or {}))
        for c in plan.changes
        if c.action is Action.ADOPT
    }
    if not adopted:
        return state
    return state.model_copy(update={"resources": {**state.resources, **adopted}})


def _check(change: Change, state: State, created: dict[str, str | None]) -> list[Rejection]:
    managed = state.resources.get(str(change.address))
    if change.action is Action.CREATE:
        if managed is not None:
            _not_from_state(change, "creates what the state already manages")
        return []
    if change.action is Action.ENABLE_QA:
        # QA is one-way and a paid order: only on an instance this state holds or this plan
        # creates, by the same id.
        own = managed.remote_id if managed is not None else created.get(str(change.address))
        if own is None or own != change.remote_id:
            _not_from_state(change, "enables QA on an instance the state does not manage")
        if (change.after or {}).get("conversation_analysis") is not True:
            return [_one_way(change)]
        return []
    if managed is None:
        if change.action is Action.UPDATE and _starts_managing(change, state, created):
            return []  # nothing recorded to hold it to; the planner compared it with what is live
        _not_from_state(change, f"{change.action.value}s what the state does not manage")
    elif managed.remote_id != change.remote_id:
        _not_from_state(
            change,
            f"names remote id {change.remote_id!r}, the state {managed.remote_id!r}",
        )
    assert managed is not None
    if change.action is Action.DELETE:
        if change.address.is_instance and managed.deletion_protection:
            message, hint = messages.protected()
            return [_refusal(change, "deletion_protection", RejectionKind.PROTECTED, message, hint)]
        return []
    return _check_update(change, managed.attributes)


def _starts_managing(change: Change, state: State, created: dict[str, str | None]) -> bool:
    """An update may act on what the state does not manage yet only where the planner plans
    one: a number (it exists with its instance, and its management starts with an update)
    of an instance that the state holds or that the plan creates. Anything else that exists
    unmanaged is taken over by an `adopt` change first."""
    if change.address.is_instance or not kind_of(change.resource_type).bound:
        return False
    instance = str(change.address.instance_address)
    return instance in state.resources or instance in created


def _check_update(change: Change, recorded: dict[str, Any]) -> list[Rejection]:
    """The rules on what an update changes, measured against what the state recorded (the
    plan's own `before` is data from the file too)."""
    after: dict[str, Any] = change.after or {}
    known = {field: value for field, value in after.items() if field in recorded}
    fields = set(change.changed_fields) | set(changed_fields(recorded, known))
    if not change.address.is_instance:
        immutable = kind_of(change.resource_type).immutable
        # an immutable field the state has no record of, unless what was live is what is asked
        fields |= {field for field in immutable if field in after and field not in recorded}
        # A content update carries all its attributes. One that differs from an outdated
        # record, where the plan says it does not change and it is what was live (before),
        # is not changed by the plan: the update calls never send an immutable field.
        before: dict[str, Any] = change.before or {}
        fields -= {
            field
            for field in fields
            if field not in change.changed_fields and before.get(field, _ABSENT) == after.get(field)
        }
    refusals: list[Rejection] = []
    for field in sorted(fields):
        if change.address.is_instance:
            if field == "conversation_analysis":
                if after.get(field) is not True and recorded.get(field) is True:
                    refusals.append(_one_way(change))
            elif field not in INSTANCE_MUTABLE:
                message, hint = messages.immutable(field, recorded.get(field), after.get(field))
                refusals.append(_refusal(change, field, RejectionKind.IMMUTABLE, message, hint))
        elif field in kind_of(change.resource_type).immutable:
            message, hint = messages.content_immutable(
                change.resource_type.value,
                change.object_name,
                field,
                recorded.get(field),
                after.get(field),
            )
            refusals.append(_refusal(change, field, RejectionKind.IMMUTABLE, message, hint))
    return refusals


def _one_way(change: Change) -> Rejection:
    message, hint = messages.one_way_qa()
    return _refusal(change, "conversation_analysis", RejectionKind.ONE_WAY, message, hint)


def _refusal(change: Change, field: str, kind: RejectionKind, message: str, hint: str) -> Rejection:
    return Rejection(
        address=change.address,
        field=field,
        kind=kind,
        message=message,
        hint=hint,
        before=(change.before or {}).get(field),
        after=(change.after or {}).get(field),
    )


def _not_from_state(change: Change, what: str) -> None:
    raise StalePlanError(
        f"Saved plan does not match the state: its change to {change.address} {what}. "
        "Run cccform plan again."
    )
