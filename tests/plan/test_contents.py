"""The contents planner: each kind's create, update, delete, rejections, in-use, impacts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from cccform.addresses import ResourceType
from cccform.config.models import Config, InstanceConfig, LoadedConfig
from cccform.live import (
    LiveAgent,
    LiveContents,
    LiveFlow,
    LiveInstance,
    LiveInventory,
    LiveNumber,
    LiveSkillGroup,
)
from cccform.plan.models import Action, Drift, RejectionKind
from cccform.plan.planner import plan
from cccform.state.models import ResourceState, State
from tests.live_contents import live_contents

NUMBER = "057188880001"
INSTANCE: dict[str, Any] = {
    "name": "Support Center",
    "access_path": "acme",
    "phone_numbers": (NUMBER,),
    "admins": ("1",),
    "deletion_protection": False,
}
DEFINITION = {"activities": [{"type": "INCOMING_CALL"}, {"type": "HANGUP"}]}


def config(**contents: Any) -> LoadedConfig:
    instance = InstanceConfig(**INSTANCE, **contents)
    return LoadedConfig(Config(instances={"s": instance}), Path("."), [], {})


def group(name: str = "billing", **over: Any) -> LiveSkillGroup:
    values = {"display_name": "Billing", "description": "", "media_type": "AUDIO", **over}
    return LiveSkillGroup(f"{name}@acme", name, **values)


def agent(login: str = "alice", skills: dict[str, int] | None = None, **over: Any) -> LiveAgent:
    values = {
        "display_name": "Alice",
        "email": "alice@example.com",
        "mobile": None,
        "role": "Agent",
        "work_mode": "ON_SITE",
        **over,
    }
    return LiveAgent(f"{login}@acme", login, skills=skills or {}, **values)


def flow(name: str = "main", definition: Any = None, **over: Any) -> LiveFlow:
    values = {"type": "MAIN_FLOW", "description": "", **over}
    return LiveFlow(f"id-{name}", name, definition=definition or DEFINITION, numbers=(), **values)


def number(flow_name: str | None = "main", groups: tuple[str, ...] = ()) -> LiveNumber:
    return LiveNumber(
        NUMBER, "Bidirection", f"id-{flow_name}" if flow_name else None, flow_name, groups
    )


def world(
    contents: LiveContents, managed: dict[str, ResourceState] | None = None
) -> tuple[State, LiveInventory]:
    instance = ResourceState(
        remote_id="acme",
        attributes={
            "name": "Support Center",
            "access_path": "acme",
            "description": "",
            "phone_numbers": [NUMBER],
            "admins": ["1"],
            "conversation_analysis": False,
        },
        deletion_protection=False,
    )
    state = State(resources={"instance.s": instance, **(managed or {})})
    live = LiveInstance(
        "acme", "Support Center", "acme", "", (NUMBER,), ("1@acme",), "RUNNING", False
    )
    return state, LiveInventory({"acme": live}, {"acme": contents})


def managed(kind: str, name: str, remote_id: str, **attributes: Any) -> dict[str, ResourceState]:
    return {
        f"instance.s.{kind}.{name}": ResourceState(
            remote_id=remote_id, attributes=attributes, deletion_protection=False
        )
    }


GROUP_CFG = {"billing": {"display_name": "Billing"}}
AGENT_CFG = {
    "alice": {"display_name": "Alice", "email": "alice@example.com", "skills": {"billing": 1}}
}


def test_new_objects_are_created_in_dependency_order() -> None:
    state, live = world(live_contents(skill_groups={}, agents={}, flows={}, numbers={}))
    result = plan(
        config(
            skill_groups=GROUP_CFG,
            agents=AGENT_CFG,
            flows={"main": {"definition": DEFINITION}},
            numbers={NUMBER: {"flow": "main", "skill_groups": ("billing",)}},
        ),
        state,
        live,
        state_exists=True,
    )
    by_address = {str(c.address): c for c in result.changes}
    assert [str(c.address) for c in result.changes] == [
        "instance.s.skill_group.billing",
        "instance.s.flow.main",
        "instance.s.agent.alice",
        f"instance.s.number.{NUMBER}",
    ]
    assert by_address["instance.s.agent.alice"].depends_on == [
        "instance.s.skill_group.billing:create"
    ]
    assert set(by_address[f"instance.s.number.{NUMBER}"].depends_on) == {
        "instance.s.skill_group.billing:create",
        "instance.s.flow.main:create",
    }
    assert by_address["instance.s.skill_group.billing"].remote_id == "billing@acme"


def test_matching_managed_objects_have_no_changes() -> None:
    contents = live_contents(
        skill_groups={"billing": group()}, agents={"alice": agent(skills={"billing": 1})}
    )
    state, live = world(
        contents,
        {
            **managed(
                "skill_group",
                "billing",
                "billing@acme",
                display_name="Billing",
                description="",
                media_type="AUDIO",
            ),
            **managed(
                "agent",
                "alice",
                "alice@acme",
                display_name="Alice",
                email="alice@example.com",
                mobile=None,
                role="Agent",
                work_mode="ON_SITE",
                skills={"billing": 1},
            ),
        },
    )
    result = plan(config(skill_groups=GROUP_CFG, agents=AGENT_CFG), state, live, state_exists=True)
    assert result.changes == [] and result.errors == []


def test_existing_undeclared_object_is_adopted_then_updated_when_declared() -> None:
    state, live = world(live_contents(skill_groups={"billing": group(display_name="Old")}))
    adopt, update = plan(config(skill_groups=GROUP_CFG), state, live, state_exists=True).changes
    assert (adopt.action, adopt.remote_id, adopt.changed_fields) == (
        Action.ADOPT,
        "billing@acme",
        [],
    )
    assert adopt.after == adopt.before and adopt.required_after()["display_name"] == "Old"
    assert update.action is Action.UPDATE and update.adopt
    assert update.changed_fields == ["display_name"] and update.depends_on == [adopt.key]
    assert update.reason == (
        "it exists already: adopted first, then changed to what the configuration says"
    )


def test_an_existing_object_that_matches_is_only_adopted() -> None:
    state, live = world(live_contents(skill_groups={"billing": group()}))
    (adopt,) = plan(config(skill_groups=GROUP_CFG), state, live, state_exists=True).changes
    assert adopt.action is Action.ADOPT and adopt.depends_on == []


def test_an_immutable_difference_of_an_object_to_adopt_is_rejected() -> None:
    state, live = world(live_contents(flows={"main": flow(type="SUB_FLOW")}))
    flows = {"main": {"description": "", "definition": DEFINITION}}
    (error,) = plan(config(flows=flows), state, live, state_exists=True).errors
    assert (error.kind, error.field, error.before, error.after) == (
        RejectionKind.IMMUTABLE,
        "type",
        "SUB_FLOW",
        "MAIN_FLOW",
    )
    assert error.message == (
        "flow 'main' exists already, with type \"SUB_FLOW\"; the configuration says "
        '"MAIN_FLOW", and type cannot change once it is created, so it cannot be adopted'
    )


def test_skill_change_is_an_agent_update() -> None:
    state, live = world(
        live_contents(
            skill_groups={"billing": group(), "tech": group("tech")},
            agents={"alice": agent(skills={"tech": 3})},
        )
    )
    cfg = config(skill_groups={**GROUP_CFG, "tech": {"display_name": "Tech"}}, agents=AGENT_CFG)
    changes = [
        c
        for c in plan(cfg, state, live, state_exists=True).changes
        if c.resource_type is ResourceType.AGENT and c.action is Action.UPDATE
    ]
    (change,) = changes
    assert change.changed_fields == ["skills"]
    assert change.before["skills"] == {"tech": 3} and change.after["skills"] == {"billing": 1}  # type: ignore[index]


def test_immutable_content_fields_are_rejected() -> None:
    state, live = world(
        live_contents(
            skill_groups={"billing": group(media_type="CHAT")},
            agents={"alice": agent(email="old@example.com", skills={"billing": 1})},
            flows={"main": flow(type="SUB_FLOW")},
        )
    )
    result = plan(
        config(
            skill_groups=GROUP_CFG, agents=AGENT_CFG, flows={"main": {"definition": DEFINITION}}
        ),
        state,
        live,
        state_exists=True,
    )
    found = {(str(e.address), e.field, e.kind) for e in result.errors}
    assert found == {
        ("instance.s.skill_group.billing", "media_type", RejectionKind.IMMUTABLE),
        ("instance.s.agent.alice", "email", RejectionKind.IMMUTABLE),
        ("instance.s.flow.main", "type", RejectionKind.IMMUTABLE),
    }


def test_flow_definition_is_compared_parsed_and_shown_by_path() -> None:
    reordered = {"activities": [{"type": "INCOMING_CALL"}, {"type": "HANGUP"}]}
    state, live = world(
        live_contents(flows={"main": flow(definition=reordered, description="main")}),
        managed(
            "flow", "main", "id-main", type="MAIN_FLOW", description="main", definition=reordered
        ),
    )
    same = plan(config(flows={"main": {"definition": DEFINITION}}), state, live, state_exists=True)
    assert same.changes == []
    changed = {"activities": [{"type": "INCOMING_CALL"}, {"type": "PLAY_SAY"}]}
    (change,) = plan(
        config(flows={"main": {"definition": changed}}), state, live, state_exists=True
    ).changes
    assert change.details == {"definition": ["activities[1].type"]}


def test_removed_objects_are_deleted_and_numbers_only_forgotten() -> None:
    state, live = world(
        live_contents(skill_groups={"billing": group()}, numbers={NUMBER: number(None)}),
        {
            **managed(
                "skill_group",
                "billing",
                "billing@acme",
                display_name="Billing",
                description="",
                media_type="AUDIO",
            ),
            **managed("number", NUMBER, NUMBER, usage="Bidirection", flow=None, skill_groups=[]),
        },
    )
    result = plan(config(), state, live, state_exists=True)
    assert [(str(c.address), c.action) for c in result.changes] == [
        ("instance.s.skill_group.billing", Action.DELETE)
    ]
    assert [str(f.address) for f in result.forget] == [f"instance.s.number.{NUMBER}"]


def test_deleting_a_group_still_used_by_an_undeclared_agent_is_rejected() -> None:
    state, live = world(
        live_contents(
            skill_groups={"billing": group()}, agents={"bob": agent("bob", skills={"billing": 2})}
        ),
        managed(
            "skill_group",
            "billing",
            "billing@acme",
            display_name="Billing",
            description="",
            media_type="AUDIO",
        ),
    )
    (error,) = plan(config(), state, live, state_exists=True).errors
    assert error.kind is RejectionKind.IN_USE and "agent bob" in error.message


def test_deleting_a_flow_an_undeclared_number_routes_to_is_rejected() -> None:
    state, live = world(
        live_contents(flows={"main": flow()}, numbers={NUMBER: number("main")}),
        managed("flow", "main", "id-main", type="MAIN_FLOW", description="", definition=DEFINITION),
    )
    (error,) = plan(config(), state, live, state_exists=True).errors
    assert error.kind is RejectionKind.IN_USE and f"number {NUMBER}" in error.message


def test_object_deleted_outside_is_created_again() -> None:
    state, live = world(
        live_contents(skill_groups={}),
        managed(
            "skill_group",
            "billing",
            "billing@acme",
            display_name="Billing",
            description="",
            media_type="AUDIO",
        ),
    )
    (change,) = plan(config(skill_groups=GROUP_CFG), state, live, state_exists=True).changes
    assert change.action is Action.CREATE and change.drift is Drift.DELETED


def test_impacts() -> None:
    state, live = world(
        live_contents(skill_groups={}, agents={}, flows={}, numbers={NUMBER: number("default-ivr")})
    )
    cfg = config(
        skill_groups={**GROUP_CFG, "tech": {"display_name": "Tech"}},
        agents={
            "alice": {**AGENT_CFG["alice"]},
            "bobby": {"display_name": "Bob", "email": "b@example.com"},
        },
        flows={"main": {"definition": DEFINITION}, "spare": {"definition": DEFINITION}},
        numbers={NUMBER: {"flow": "main"}},
    )
    messages = {i.message for i in plan(cfg, state, live, state_exists=True).impacts}
    # Groups nobody answers, an agent in no group, a flow no number reaches: none of them
    # reachable or answering before either, so they are not this plan's doing.
    assert messages == {f"number {NUMBER} will route to flow main (was default-ivr)"}


def test_new_instance_notes_platform_defaults_and_plans_contents_as_creates() -> None:
    result = plan(config(skill_groups=GROUP_CFG), State(), LiveInventory(), state_exists=False)
    assert [c.action for c in result.changes] == [Action.CREATE, Action.CREATE]
    assert result.changes[1].depends_on == ["instance.s:create"]
    assert [n.kind for n in result.notes] == ["platform_defaults"]


def test_contents_are_read_only_where_declared_or_managed() -> None:
    from cccform.plan.planner import contents_to_read

    state, live = world(live_contents())
    assert contents_to_read(config(), state, live) == {}
    wanted = contents_to_read(config(skill_groups=GROUP_CFG), state, live)
    # who uses a skill group decides whether it may be deleted: agents and numbers are read too
    assert wanted == {
        "acme": frozenset({ResourceType.SKILL_GROUP, ResourceType.AGENT, ResourceType.NUMBER})
    }
