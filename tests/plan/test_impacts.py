"""Impacts are what the plan changes for callers: differences of the routing graph."""

from __future__ import annotations

from typing import Any

from cccform.addresses import ResourceType
from cccform.live import LiveAgent, LiveContents, LiveFlow, LiveNumber, LiveSkillGroup
from cccform.plan.impacts import instance_impacts
from cccform.plan.models import Action, Change

FLOW = {"activities": [{"type": "TRANSFER_TO_SKILL_GROUP", "skillGroup": "billing"}]}


def live(
    numbers: dict[str, tuple[str, str | None]] | None = None,
    agents: dict[str, list[str]] | None = None,
    flows: dict[str, dict[str, Any]] | None = None,
    groups: tuple[str, ...] = ("billing", "tech"),
) -> LiveContents:
    return LiveContents(
        by_kind={
            ResourceType.NUMBER: {
                number: LiveNumber(number, usage, f"id-{flow}", flow, ())
                for number, (usage, flow) in (numbers or {"0571": ("Inbound", "main")}).items()
            },
            ResourceType.AGENT: {
                login: LiveAgent(
                    login,
                    login,
                    login,
                    f"{login}@x.com",
                    None,
                    "Agent",
                    "ON_SITE",
                    dict.fromkeys(skills, 1),
                )
                for login, skills in (agents or {"alice": ["billing"]}).items()
            },
            ResourceType.FLOW: {
                name: LiveFlow(f"id-{name}", name, "MAIN_FLOW", "", definition, ())
                for name, definition in (flows or {"main": FLOW}).items()
            },
            ResourceType.SKILL_GROUP: {
                name: LiveSkillGroup(f"{name}@i", name, name, "", "AUDIO") for name in groups
            },
        }
    )


def change(kind: str, name: str, action: Action = Action.UPDATE, **fields: Any) -> Change:
    return Change(
        address=f"instance.s.{kind}.{name}",
        action=action,
        remote_id=name,
        instance_id="i",
        **fields,
    )


def said(impacts_of: LiveContents, *changes: Change) -> list[tuple[str, str]]:
    return [(i.kind, i.message) for i in instance_impacts("s", impacts_of, list(changes))]


def test_a_number_made_outbound_stops_answering() -> None:
    outbound = change("number", "0571", after={"usage": "Outbound"}, changed_fields=["usage"])
    assert said(live(), outbound) == [
        ("number_stops_answering", "number 0571 stops answering calls: its usage becomes Outbound"),
        ("agent_stops_answering", "agent alice will answer no number any more (was in billing)"),
        ("unreached_flow", "flow main will be reached by no number any more"),
    ]


def test_a_number_whose_flow_is_deleted_stops_answering() -> None:
    gone = change("flow", "main", Action.DELETE, before={"type": "MAIN_FLOW"})
    assert said(live(), gone)[0] == (
        "number_stops_answering",
        "number 0571 stops answering calls: its flow main is deleted",
    )


def test_a_number_routed_to_another_flow() -> None:
    moved = change("number", "0571", after={"flow": "other"}, changed_fields=["flow"])
    world = live(flows={"main": FLOW, "other": FLOW})
    assert said(world, moved) == [
        ("routing", "number 0571 will route to flow other (was main)"),
        ("unreached_flow", "flow main will be reached by no number any more"),
    ]


def test_a_reached_group_left_without_agents_says_who_sends_calls() -> None:
    leaves = change("agent", "alice", after={"skills": {"tech": 1}}, changed_fields=["skills"])
    assert said(live(), leaves) == [
        (
            "skill_group_without_agents",
            "skill group billing will have no agents, and callers reach it (flow main)",
        ),
        ("agent_stops_answering", "agent alice will answer no number any more (was in billing)"),
    ]


def test_what_was_already_true_is_not_the_plans_doing() -> None:
    nobody = live(agents={"alice": ["tech"]})  # billing is reached and already unanswered
    renamed = change("agent", "alice", after={"display_name": "A"}, changed_fields=["display_name"])
    assert said(nobody, renamed) == []


def test_a_flow_change_says_which_numbers_hear_it() -> None:
    edited = change(
        "flow",
        "main",
        before={"definition": FLOW},
        after={"definition": {"activities": []}},
        changed_fields=["definition"],
    )
    (published, *_) = said(live(), edited)
    assert published == (
        "flow_published",
        "flow main is published to numbers 0571; callers hear the new version as soon as "
        "apply finishes",
    )
    unrouted = live(numbers={"0571": ("Outbound", "main")})
    assert said(unrouted, edited)[0][1] == (
        "flow main is published; no number routes to it, so no caller hears it yet"
    )


def test_an_untouched_instance_has_no_impacts() -> None:
    assert instance_impacts("s", live(), []) == []


def test_a_number_that_starts_answering_says_where_it_routes() -> None:
    inbound = change("number", "0571", after={"usage": "Inbound"}, changed_fields=["usage"])
    world = live(numbers={"0571": ("Outbound", "main")}, agents={"alice": ["tech"]})
    assert said(world, inbound) == [
        ("routing", "number 0571 will answer calls, routed to flow main (was Outbound)"),
        (
            "skill_group_without_agents",
            "skill group billing will have no agents, and callers reach it (flow main)",
        ),
    ]


def test_without_the_flows_read_no_group_or_agent_impact_is_guessed() -> None:
    contents = live()
    unread = LiveContents(
        by_kind={k: v for k, v in contents.by_kind.items() if k is not ResourceType.FLOW}
    )
    leaves = change("agent", "alice", after={"skills": {"tech": 1}}, changed_fields=["skills"])
    assert said(contents, leaves) != []
    assert said(unread, leaves) == []
