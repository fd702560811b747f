"""What a plan means for calls, beyond the objects it touches. Pure."""

from __future__ import annotations

from cccform.addresses import Address, ResourceType
from cccform.config.models import InstanceConfig
from cccform.live import LiveContents
from cccform.plan.models import Change, Impact


def instance_impacts(
    key: str, instance: InstanceConfig, live: LiveContents | None, changes: list[Change]
) -> list[Impact]:
    """Impact lines for one instance that the plan changes (none for untouched instances)."""
    if not changes:
        return []
    live = live or LiveContents()
    impacts = _routing(key, changes, live)
    impacts += _empty_groups(key, instance, live)
    impacts += _unreached_flows(key, instance, live)
    impacts += [
        Impact(
            instance=key,
            kind="agent_without_skill_group",
            subject=str(Address.of_content(key, ResourceType.AGENT, login)),
            message=f"agent {login} will be in no skill group",
            after=[],
        )
        for login, agent in sorted(instance.agents.items())
        if not agent.skills
    ]
    return impacts


def _routing(key: str, changes: list[Change], live: LiveContents) -> list[Impact]:
    found = []
    for change in changes:
        if change.resource_type is not ResourceType.NUMBER or not change.after:
            continue
        number = change.object_name
        wanted = change.after.get("flow")
        if "flow" not in change.changed_fields:
            continue
        current = (live.numbers or {}).get(number)
        if current is None:  # the instance is new: the platform binds it to its default flow
            was = " (was the platform's default flow)"
        elif current.flow_name:
            was = f" (was {current.flow_name})"
        else:
            was = " (was no flow)"
        target = f"flow {wanted}" if wanted else "no flow"
        found.append(
            Impact(
                instance=key,
                kind="routing",
                subject=str(change.address),
                message=f"number {number} will route to {target}{was}",
                before=(current.flow_name or None) if current is not None else None,
                after=wanted,
            )
        )
    return found


def _empty_groups(key: str, instance: InstanceConfig, live: LiveContents) -> list[Impact]:
    members: dict[str, int] = {name: 0 for name in instance.skill_groups}
    for agent in instance.agents.values():
        for group in agent.skills:
            if group in members:
                members[group] += 1
    for login, current in (live.agents or {}).items():
        if login in instance.agents:
            continue  # declared: its skills are what the configuration says
        for group in current.skills:
            if group in members:
                members[group] += 1
    return [
        Impact(
            instance=key,
            kind="skill_group_without_agents",
            subject=str(Address.of_content(key, ResourceType.SKILL_GROUP, name)),
            message=f"skill group {name} will have no agents",
            after=[],
        )
        for name, count in sorted(members.items())
        if count == 0
    ]


def _unreached_flows(key: str, instance: InstanceConfig, live: LiveContents) -> list[Impact]:
    reached = {n.flow for n in instance.numbers.values() if n.flow}
    for number, current in (live.numbers or {}).items():
        if number not in instance.numbers and current.flow_name:
            reached.add(current.flow_name)
    return [
        Impact(
            instance=key,
            kind="unreached_flow",
            subject=str(Address.of_content(key, ResourceType.FLOW, name)),
            message=f"flow {name} is reached by no number",
            after=[],
        )
        for name, flow in sorted(instance.flows.items())
        if flow.type == "MAIN_FLOW" and name not in reached
    ]
