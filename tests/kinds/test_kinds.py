"""The kinds behind one protocol: what each owns, and the calls each makes."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from cccform.addresses import Address, ResourceType
from cccform.config.models import AgentConfig, InstanceConfig, NumberConfig
from cccform.errors import ApiError, ProviderError
from cccform.kinds import KINDS, kind_of
from cccform.kinds.agent import AGENT_REMOVAL, MEMBERSHIPS, PROFILE, SKILLS, AgentKind
from cccform.kinds.base import CHANGE_STEP, WHOLE, StepShare
from cccform.kinds.flow import FlowKind
from cccform.kinds.number import NumberKind
from cccform.kinds.skill_group import SkillGroupAttributes, SkillGroupKind
from cccform.live import LiveAgent, LiveNumber
from cccform.plan.models import Action, Change


class RecordingCaller:
    """Records calls; answers pages from `listed` and raises `fail` for the named action."""

    def __init__(self, listed: dict[str, list[dict[str, Any]]] | None = None) -> None:
        self.calls: list[tuple[str, dict[str, str]]] = []
        self.listed = listed or {}
        self.fail: dict[str, ApiError] = {}

    def call(self, action: str, params: dict[str, str]) -> Any:
        self.calls.append((action, params))
        if action in self.fail:
            raise self.fail[action]
        return {}

    def pages(self, action: str, params: dict[str, str]) -> Iterator[dict[str, Any]]:
        self.calls.append((action, params))
        yield from self.listed.get(action, [])


def test_the_registry_holds_every_content_kind_once_in_plan_order() -> None:
    assert [k.resource_type for k in KINDS] == [
        ResourceType.SKILL_GROUP,
        ResourceType.FLOW,
        ResourceType.AGENT,
        ResourceType.NUMBER,
    ]
    for kind in KINDS:
        assert kind_of(kind.resource_type) is kind
        assert kind.config_field in InstanceConfig.model_fields
        assert set(kind.immutable) <= set(kind.model.model_fields)


def test_an_omitted_optional_field_is_not_recorded_but_a_live_none_is() -> None:
    agents = AgentKind()
    config = AgentConfig(display_name="A", email="a@example.com")
    assert "mobile" not in agents.desired("a", config).recorded()
    live = LiveAgent("a@x", "a", "A", "a@example.com", None, "Agent", "ON_SITE", {})
    assert agents.observed(live).recorded()["mobile"] is None
    numbers = NumberKind()
    assert "flow" not in numbers.desired("1", NumberConfig()).recorded()
    assert numbers.desired("1", NumberConfig(flow="main")).recorded()["flow"] == "main"
    routed = numbers.observed(LiveNumber("1", "Inbound", None, None, ()))
    assert routed.recorded() == {"usage": "Inbound", "flow": None, "skill_groups": []}


def test_ids_scoped_to_the_instance_are_known_before_creation_but_a_flows_is_not() -> None:
    assert SkillGroupKind().predicted_id("billing", "acme") == "billing@acme"
    assert AgentKind().predicted_id("alice", "acme") == "alice@acme"
    assert NumberKind().predicted_id("0571", "acme") == "0571"
    assert FlowKind().predicted_id("main", "acme") is None


def test_a_create_that_meets_already_exists_adopts_the_object() -> None:
    caller = RecordingCaller()
    caller.fail["CreateSkillGroup"] = ApiError("AlreadyExists.SkillGroup", "exists", 409)
    attrs = SkillGroupAttributes(display_name="B", description="", media_type="AUDIO")
    assert SkillGroupKind().create_or_adopt(caller, "acme", "billing", attrs) == "billing@acme"
    assert [a for a, _ in caller.calls] == [
        "CreateSkillGroup",
        "ListSkillGroups",
        "ModifySkillGroup",
    ]


def test_a_create_that_meets_an_object_differing_in_what_cannot_change_fails_untouched() -> None:
    listed = {"SkillGroupId": "billing@acme", "SkillGroupName": "billing", "MediaType": "CHAT"}
    caller = RecordingCaller({"ListSkillGroups": [listed]})
    caller.fail["CreateSkillGroup"] = ApiError("AlreadyExists.SkillGroup", "exists", 409)
    attrs = SkillGroupAttributes(display_name="B", description="", media_type="AUDIO")
    with pytest.raises(ProviderError, match="exists already in acme with media_type 'CHAT'"):
        SkillGroupKind().create_or_adopt(caller, "acme", "billing", attrs)
    assert [a for a, _ in caller.calls] == ["CreateSkillGroup", "ListSkillGroups"]


def test_a_delete_of_what_is_gone_already_succeeds_and_other_errors_pass() -> None:
    caller = RecordingCaller()
    caller.fail["DeleteContactFlow"] = ApiError("NotExists.ContactFlowId", "gone", 404)
    FlowKind().delete_tolerant(caller, "acme", "flow-1")
    caller.fail["DeleteContactFlow"] = ApiError("Forbidden.NoPermission", "no", 403)
    with pytest.raises(ApiError):
        FlowKind().delete_tolerant(caller, "acme", "flow-1")


def agent_change(action: Action, fields: list[str], **extra: Any) -> Change:
    return Change(
        address=Address.of_content("s", ResourceType.AGENT, "alice"),
        action=action,
        instance_id="acme",
        remote_id="alice@acme",
        changed_fields=fields,
        **extra,
    )


@pytest.mark.parametrize(
    ("change", "shares"),
    [
        (
            agent_change(Action.UPDATE, ["display_name", "skills"]),
            [
                StepShare("instance.s.agent.alice:update", CHANGE_STEP, PROFILE),
                StepShare("instance.s:memberships", MEMBERSHIPS, SKILLS),
            ],
        ),
        (
            agent_change(Action.UPDATE, ["skills"]),
            [StepShare("instance.s:memberships", MEMBERSHIPS, SKILLS)],
        ),
        (
            agent_change(Action.DELETE, []),
            [StepShare("instance.s:remove_agents", AGENT_REMOVAL)],
        ),
        (  # the adoption recorded the profile: the update after it is only the skills
            agent_change(Action.UPDATE, ["skills"], adopt=True),
            [StepShare("instance.s:memberships", MEMBERSHIPS, SKILLS)],
        ),
    ],
)
def test_an_agents_change_takes_part_in_the_batched_steps(
    change: Change, shares: list[StepShare]
) -> None:
    assert AgentKind().steps(change) == shares


def test_removed_agents_go_in_batches_of_one_hundred() -> None:
    caller = RecordingCaller()
    AgentKind().remove(caller, "acme", [f"u{n}@acme" for n in range(250)])
    assert [a for a, _ in caller.calls] == ["RemoveUsers"] * 3


def test_a_number_routed_to_a_new_flow_needs_that_flows_id() -> None:
    change = Change(
        address=Address.of_content("s", ResourceType.NUMBER, "0571"),
        action=Action.UPDATE,
        instance_id="acme",
        remote_id="0571",
        before=None,
        after={"usage": "Inbound", "flow": "main", "skill_groups": []},
        changed_fields=["flow", "skill_groups", "usage"],
    )
    numbers = NumberKind()
    (needed,) = numbers.ids_needed(change)
    assert str(needed) == "instance.s.flow.main"
    caller = RecordingCaller()
    numbers.run(CHANGE_STEP, [(change, WHOLE)], caller, {str(needed): "flow-9"})
    assert caller.calls == [
        (
            "ModifyPhoneNumber",
            {"InstanceId": "acme", "Number": "0571", "Usage": "Inbound", "ContactFlowId": "flow-9"},
        )
    ]
    with pytest.raises(Exception, match="has no known id"):
        numbers.run(CHANGE_STEP, [(change, WHOLE)], RecordingCaller(), {})


def test_readers_key_objects_by_name_and_read_ids_back_to_names() -> None:
    caller = RecordingCaller(
        {
            "ListUsers": [
                {
                    "UserId": "alice@acme",
                    "LoginName": "alice",
                    "RoleId": "Manager@acme",
                    "SkillLevelList": [{"SkillGroupId": "billing@acme", "SkillLevel": 3}],
                }
            ],
            "ListPhoneNumbers": [{"Number": "0571", "SkillGroups": [{"SkillGroupId": "b@acme"}]}],
        }
    )
    alice = AgentKind().read(caller, "acme")["alice"]
    assert (alice.role, alice.skills, alice.work_mode) == ("Manager", {"billing": 3}, "ON_SITE")
    number = NumberKind().read(caller, "acme")["0571"]
    assert (number.skill_groups, number.usage, number.flow_id) == (("b",), "Bidirection", None)
