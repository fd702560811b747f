"""The calls of the steps that change what lives inside an instance. Run in worker threads."""

from __future__ import annotations

from typing import Any

from cccform.apply.memberships import SkillChange, plan_calls, run_memberships
from cccform.apply.schedule import PROFILE_FIELDS, Part, Step
from cccform.errors import ApiError, ProviderError
from cccform.plan.models import Action, Change, ResourceType
from cccform.providers import agents, flows, numbers, skill_groups
from cccform.providers.base import Caller

REMOVE_BATCH = 100


def addresses_needed(step: Step) -> list[str]:
    """The objects made by earlier steps whose remote ids `step` needs: the flows that
    numbers route to."""
    flows = [
        (change.instance, (change.after or {}).get("flow"))
        for change in step.changes
        if change.resource_type is ResourceType.NUMBER
    ]
    return [f"instance.{instance}.flow.{flow}" for instance, flow in flows if flow]


def run_content_step(step: Step, caller: Caller, ids: dict[str, str]) -> dict[str, str]:
    """Make the calls of `step`. Returns the remote ids of objects it created, by address.

    `ids` holds the remote ids the step needs that earlier steps made (e.g. a new flow's id
    for the numbers that route to it).
    """
    if step.kind == "memberships":
        _memberships(step, caller)
        return {}
    if step.kind == "agent_removal":
        _remove_agents(step, caller)
        return {}
    ((change, part),) = step.parts
    instance_id = change.required_instance_id()
    name = change.object_name
    kind = change.resource_type
    if kind is ResourceType.NUMBER:
        _route_number(change, caller, instance_id, name, ids)
        return {}
    if change.action is Action.DELETE:
        _delete(kind, caller, instance_id, str(change.remote_id))
        return {}
    if change.action is Action.CREATE:
        return {change.address: _create(kind, caller, instance_id, name, change.required_after())}
    _update(change, caller, instance_id, part)
    return {}


def _create(
    kind: ResourceType, caller: Caller, instance_id: str, name: str, after: dict[str, Any]
) -> str:
    try:
        if kind is ResourceType.SKILL_GROUP:
            return skill_groups.create_skill_group(caller, instance_id, name, after)
        if kind is ResourceType.FLOW:
            return flows.create_flow(caller, instance_id, name, after)
        return agents.create_agent(caller, instance_id, name, after)
    except ApiError as error:
        if not error.code.startswith("AlreadyExists"):
            raise
    # It exists already (the platform makes some objects with an instance, or someone made
    # it since the plan): manage it, and bring it to what the configuration says.
    return _adopt(kind, caller, instance_id, name, after)


def _adopt(
    kind: ResourceType, caller: Caller, instance_id: str, name: str, after: dict[str, Any]
) -> str:
    if kind is ResourceType.SKILL_GROUP:
        group_id = skill_groups.skill_group_id(name, instance_id)
        skill_groups.modify_skill_group(caller, instance_id, group_id, after)
        return group_id
    if kind is ResourceType.FLOW:
        flow_id = flows.list_flows(caller, instance_id)[name].flow_id
        flows.publish_flow(caller, instance_id, flow_id, after)
        return flow_id
    agent_id = agents.user_id(name, instance_id)
    agents.modify_agent(caller, instance_id, agent_id, after)
    current = agents.skill_levels_of(caller, instance_id, name)
    wanted = dict(after.get("skills") or {})
    run_memberships(caller, instance_id, plan_calls([SkillChange(name, current, wanted)]))
    return agent_id


def _update(change: Change, caller: Caller, instance_id: str, part: Part) -> None:
    """Only what changed is called: adopting an object that already matches costs nothing."""
    kind, remote_id, after = change.resource_type, str(change.remote_id), change.required_after()
    changed = set(change.changed_fields)
    if kind is ResourceType.SKILL_GROUP:
        if changed & {"display_name", "description"}:
            skill_groups.modify_skill_group(caller, instance_id, remote_id, after)
    elif kind is ResourceType.FLOW:
        if changed & {"definition", "description"}:
            flows.publish_flow(caller, instance_id, remote_id, after)
    elif part is not Part.SKILLS and changed & set(PROFILE_FIELDS):
        agents.modify_agent(caller, instance_id, remote_id, after)


def _delete(kind: ResourceType, caller: Caller, instance_id: str, remote_id: str) -> None:
    try:
        if kind is ResourceType.SKILL_GROUP:
            skill_groups.delete_skill_group(caller, instance_id, remote_id)
        elif kind is ResourceType.FLOW:
            flows.delete_flow(caller, instance_id, remote_id)
    except ApiError as error:
        if not error.code.startswith("NotExists"):
            raise


def _route_number(
    change: Change, caller: Caller, instance_id: str, number: str, ids: dict[str, str]
) -> None:
    after = change.required_after()
    before = change.before or {}
    fields = set(change.changed_fields)
    if {"usage", "flow"} & fields:
        flow_name = after.get("flow")
        flow_id = ids.get(f"instance.{change.instance}.flow.{flow_name}") if flow_name else None
        if flow_name and flow_id is None:
            raise ProviderError(f"{change.address}: flow {flow_name!r} has no known id")
        numbers.route_number(caller, instance_id, number, str(after["usage"]), flow_id)
    if "skill_groups" in fields:
        wanted, current = set(after["skill_groups"]), set(before.get("skill_groups") or [])
        if current - wanted:
            numbers.remove_number_from_groups(caller, instance_id, number, sorted(current - wanted))
        if wanted - current:
            numbers.add_number_to_groups(caller, instance_id, number, sorted(wanted - current))


def _memberships(step: Step, caller: Caller) -> None:
    changes = [
        SkillChange(
            change.object_name,
            dict((change.before or {}).get("skills") or {}),
            dict(change.required_after()["skills"]),
        )
        for change, _ in step.parts
    ]
    run_memberships(caller, step.parts[0][0].required_instance_id(), plan_calls(changes))


def _remove_agents(step: Step, caller: Caller) -> None:
    instance_id = step.parts[0][0].required_instance_id()
    ids = sorted(str(change.remote_id) for change, _ in step.parts)
    for start in range(0, len(ids), REMOVE_BATCH):
        try:
            agents.remove_agents(caller, instance_id, ids[start : start + REMOVE_BATCH])
        except ApiError as error:
            if not error.code.startswith("NotExists"):
                raise
