"""What a plan changes for callers, computed on the routing graph before and after it. Pure.

The graph of one instance: numbers that answer calls (any usage but `Outbound`) route to a
flow; a number and the flows it reaches send calls to skill groups; agents answer the
groups they are in. It is built twice: from what is live (before), and from what is live
with the plan's changes applied (after). An impact is a difference between the two that a
caller notices: a number that stops answering or routes elsewhere, a group that callers
reach and nobody answers any more, an agent who no longer answers any number, a main flow
that no number reaches any more, a flow whose new version callers will hear. A condition
that is the same before and after is not the plan's doing and is not listed.

The deletion of a whole instance is said by the planner (`deleted_with_instance`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from cccform.addresses import Address, ResourceType
from cccform.live import LiveContents
from cccform.plan.models import Action, Change, Impact

OUTBOUND = "Outbound"
# A key of a flow activity that names the skill group it sends the call to.
_GROUP_KEY = re.compile(r"skill_?group(s|_?ids?|_?names?)?$", re.IGNORECASE)


@dataclass
class Routing:
    """The routing graph of one instance, by object name."""

    numbers: dict[str, dict[str, Any]] = field(default_factory=dict)  # usage, flow, groups
    flows: dict[str, dict[str, Any]] = field(default_factory=dict)  # type, definition
    groups: set[str] = field(default_factory=set)
    agents: dict[str, set[str]] = field(default_factory=dict)  # login -> its groups
    deleted_flows: set[str] = field(default_factory=set)  # by the plan

    def answering(self) -> dict[str, str | None]:
        """Numbers that answer calls, and the flow each routes to (None: no flow set)."""
        return {
            number: attrs.get("flow")
            for number, attrs in self.numbers.items()
            if attrs.get("usage") != OUTBOUND and attrs.get("flow") not in self.deleted_flows
        }

    def reached_flows(self) -> dict[str, list[str]]:
        """Flow -> the answering numbers that route to it."""
        found: dict[str, list[str]] = {}
        for number, flow in sorted(self.answering().items()):
            if flow is not None:
                found.setdefault(flow, []).append(number)
        return found

    def reached_groups(self) -> dict[str, list[str]]:
        """Skill group -> what sends calls to it ("number 0571...", "flow main")."""
        found: dict[str, list[str]] = {}
        for number, flow in sorted(self.answering().items()):
            for group in self.numbers[number].get("skill_groups") or ():
                found.setdefault(group, []).append(f"number {number}")
            if flow is not None:
                for group in _groups_in(self.flows.get(flow, {}).get("definition")):
                    found.setdefault(group, []).append(f"flow {flow}")
        return {
            group: sorted(set(senders)) for group, senders in found.items() if group in self.groups
        }

    def members(self, group: str) -> list[str]:
        return sorted(login for login, groups in self.agents.items() if group in groups)


def instance_impacts(key: str, live: LiveContents | None, changes: list[Change]) -> list[Impact]:
    """Impact lines for one instance that the plan changes (none for untouched instances)."""
    if not changes:
        return []
    before = routing_of(live or LiveContents())
    after = planned_routing(before, changes)
    impacts = _numbers(key, before, after)
    impacts += _published(key, after, changes)
    # Which groups callers reach depends on what the flows say: when the flows of an
    # existing instance were not read (none is declared or managed), it is not known.
    if live is None or live.read(ResourceType.FLOW) is not None:
        impacts += _groups(key, before, after)
        impacts += _agents(key, before, after)
    impacts += _flows(key, before, after)
    return impacts


# -- the graphs ------------------------------------------------------------------


def routing_of(live: LiveContents) -> Routing:
    """What is live, as a routing graph."""
    routing = Routing()
    for number, current in live.numbers.items():
        routing.numbers[number] = {
            "usage": current.usage,
            "flow": current.flow_name,
            "skill_groups": list(current.skill_groups),
        }
    for name, flow in (live.read(ResourceType.FLOW) or {}).items():
        routing.flows[name] = {"type": flow.type, "definition": flow.definition}
    routing.groups = set(live.read(ResourceType.SKILL_GROUP) or {})
    routing.agents = {login: set(agent.skills) for login, agent in live.agents.items()}
    return routing


def planned_routing(before: Routing, changes: Iterable[Change]) -> Routing:
    """`before` with the plan's changes of contents applied."""
    after = Routing(
        numbers={number: dict(attrs) for number, attrs in before.numbers.items()},
        flows={name: dict(attrs) for name, attrs in before.flows.items()},
        groups=set(before.groups),
        agents={login: set(groups) for login, groups in before.agents.items()},
    )
    for change in changes:
        if change.address.is_instance or change.action is Action.ENABLE_QA:
            continue
        name = change.object_name
        deleted = change.action is Action.DELETE
        wanted: Mapping[str, Any] = change.after or {}
        kind = change.resource_type
        if kind is ResourceType.NUMBER:
            if not deleted:
                after.numbers.setdefault(name, {}).update(
                    {k: wanted[k] for k in ("usage", "flow", "skill_groups") if k in wanted}
                )
        elif kind is ResourceType.FLOW:
            if deleted:
                after.flows.pop(name, None)
                after.deleted_flows.add(name)
            else:
                after.flows.setdefault(name, {}).update(wanted)
        elif kind is ResourceType.SKILL_GROUP:
            if deleted:
                after.groups.discard(name)
            else:
                after.groups.add(name)
        elif kind is ResourceType.AGENT:
            if deleted:
                after.agents.pop(name, None)
            elif "skills" in wanted:
                after.agents[name] = set(wanted["skills"])
    for groups in after.agents.values():
        groups &= after.groups  # a deleted group takes its memberships with it
    return after


# -- the differences -------------------------------------------------------------


def _numbers(key: str, before: Routing, after: Routing) -> list[Impact]:
    found = []
    was, will = before.answering(), after.answering()
    for number in sorted(set(was) | set(after.numbers)):
        subject = str(Address.of_content(key, ResourceType.NUMBER, number))
        if number in was and number not in will:
            found.append(
                Impact(
                    instance=key,
                    kind="number_stops_answering",
                    subject=subject,
                    message=f"number {number} stops answering calls: {_why_silent(number, after)}",
                    before=was[number],
                    after=None,
                )
            )
        elif number in will and will[number] != was.get(number, will[number]):
            target = f"flow {will[number]}" if will[number] else "no flow"
            previous = f"was {was[number]}" if was.get(number) else "was no flow"
            found.append(
                Impact(
                    instance=key,
                    kind="routing",
                    subject=subject,
                    message=f"number {number} will route to {target} ({previous})",
                    before=was.get(number),
                    after=will[number],
                )
            )
        elif number in will and number in before.numbers and number not in was:
            target = f"flow {will[number]}" if will[number] else "no flow"
            found.append(
                Impact(
                    instance=key,
                    kind="routing",
                    subject=subject,
                    message=f"number {number} will answer calls, routed to {target} (was Outbound)",
                    before=None,
                    after=will[number],
                )
            )
        elif number in will and number not in before.numbers and will[number]:
            # in an instance being created, the platform binds a number to its default flow
            found.append(
                Impact(
                    instance=key,
                    kind="routing",
                    subject=subject,
                    message=(
                        f"number {number} will route to flow {will[number]} "
                        "(was the platform's default flow)"
                    ),
                    before=None,
                    after=will[number],
                )
            )
    return found


def _why_silent(number: str, after: Routing) -> str:
    attrs = after.numbers[number]
    if attrs.get("usage") == OUTBOUND:
        return "its usage becomes Outbound"
    return f"its flow {attrs.get('flow')} is deleted"


def _published(key: str, after: Routing, changes: list[Change]) -> list[Impact]:
    reached = after.reached_flows()
    found = []
    for change in changes:
        is_flow = change.resource_type is ResourceType.FLOW
        if not is_flow or change.action is not Action.UPDATE:
            continue
        if "definition" not in change.changed_fields or change.before is None:
            continue
        name, numbers = change.object_name, reached.get(change.object_name, [])
        message = (
            f"flow {name} is published to numbers {', '.join(numbers)}; callers hear the new "
            "version as soon as apply finishes"
            if numbers
            else f"flow {name} is published; no number routes to it, so no caller hears it yet"
        )
        found.append(
            Impact(
                instance=key,
                kind="flow_published",
                subject=str(change.address),
                message=message,
                before=None,
                after=numbers,
            )
        )
    return found


def _groups(key: str, before: Routing, after: Routing) -> list[Impact]:
    found = []
    reached_before, reached_after = before.reached_groups(), after.reached_groups()
    for group, senders in sorted(reached_after.items()):
        if after.members(group):
            continue
        if group in reached_before and not before.members(group):
            continue  # nobody answered it before either: not this plan's doing
        found.append(
            Impact(
                instance=key,
                kind="skill_group_without_agents",
                subject=str(Address.of_content(key, ResourceType.SKILL_GROUP, group)),
                message=(
                    f"skill group {group} will have no agents, and callers reach it "
                    f"({', '.join(senders)})"
                ),
                before=before.members(group),
                after=[],
            )
        )
    return found


def _agents(key: str, before: Routing, after: Routing) -> list[Impact]:
    found = []
    reached_before, reached_after = set(before.reached_groups()), set(after.reached_groups())
    for login, groups in sorted(after.agents.items()):
        was = before.agents.get(login)
        if was is None:
            continue  # a new agent: it takes no calls away from anyone
        answered = sorted(was & reached_before)
        if answered and not groups & reached_after:
            found.append(
                Impact(
                    instance=key,
                    kind="agent_stops_answering",
                    subject=str(Address.of_content(key, ResourceType.AGENT, login)),
                    message=(
                        f"agent {login} will answer no number any more (was in "
                        f"{', '.join(answered)})"
                    ),
                    before=answered,
                    after=sorted(groups & reached_after),
                )
            )
    return found


def _flows(key: str, before: Routing, after: Routing) -> list[Impact]:
    found = []
    reached_before, reached_after = before.reached_flows(), after.reached_flows()
    for name, attrs in sorted(after.flows.items()):
        if attrs.get("type") != "MAIN_FLOW":
            continue
        if name in reached_before and name not in reached_after:
            found.append(
                Impact(
                    instance=key,
                    kind="unreached_flow",
                    subject=str(Address.of_content(key, ResourceType.FLOW, name)),
                    message=f"flow {name} will be reached by no number any more",
                    before=reached_before[name],
                    after=[],
                )
            )
    return found


def _groups_in(definition: Any) -> set[str]:
    """The skill groups a flow definition sends calls to (keys like `skillGroup`)."""
    found: set[str] = set()
    if isinstance(definition, dict):
        for name, value in definition.items():
            if _GROUP_KEY.search(str(name)):
                values = value if isinstance(value, list) else [value]
                found |= {str(item) for item in values if isinstance(item, str | int)}
            else:
                found |= _groups_in(value)
    elif isinstance(definition, list):
        for item in definition:
            found |= _groups_in(item)
    return found
