"""The planner's rules, checked again on a saved plan against the locked state."""

from __future__ import annotations

from typing import Any

import pytest

from cccform.addresses import Address
from cccform.errors import StalePlanError
from cccform.plan.models import Action, Change, Move, Plan, PriorState
from cccform.plan.recheck import recheck
from cccform.state.models import ResourceState, State


def state(protected: bool = False) -> State:
    recorded = {"name": "A", "description": "x", "conversation_analysis": True}
    resource = ResourceState(remote_id="acme", attributes=recorded, deletion_protection=protected)
    return State(lineage="L", serial=1, resources={"instance.a": resource})


def plan(action: Action, **fields: Any) -> Plan:
    change = Change(address="instance.a", action=action, remote_id="acme", **fields)
    return Plan(changes=[change], prior_state=PriorState(lineage="L", serial=1, existed=True))


def kinds(checked: Plan) -> list[str]:
    return [e.kind.value for e in checked.errors]


def test_a_plan_that_keeps_the_rules_is_unchanged() -> None:
    made = plan(Action.UPDATE, after={"description": "y"}, changed_fields=["description"])
    assert recheck(made, state()) is made


def test_protected_instance_is_not_deleted() -> None:
    assert kinds(recheck(plan(Action.DELETE), state(protected=True))) == ["protected"]
    assert kinds(recheck(plan(Action.DELETE), state(protected=False))) == []


def test_immutable_fields_and_qa_off_are_refused() -> None:
    made = plan(Action.UPDATE, after={"name": "B", "conversation_analysis": False})
    assert kinds(recheck(made, state())) == ["one_way", "immutable"]
    assert kinds(recheck(plan(Action.ENABLE_QA, after={"conversation_analysis": False}), state()))


def test_fields_are_held_to_what_the_state_recorded_not_to_the_plans_before() -> None:
    forged = plan(Action.UPDATE, before={"name": "B"}, after={"name": "B"}, changed_fields=[])
    assert kinds(recheck(forged, state())) == ["immutable"]
    same = plan(
        Action.UPDATE, after={"name": "A", "description": "y"}, changed_fields=["description"]
    )
    assert kinds(recheck(same, state())) == []


def test_only_a_number_of_a_managed_or_created_instance_starts_being_managed_by_an_update() -> None:
    number = Change(address="instance.a.number.0571", action=Action.UPDATE, after={"usage": "x"})
    made = Plan(changes=[number], prior_state=PriorState(lineage="L", serial=1, existed=True))
    assert recheck(made, state()) is made
    empty = State(lineage="L", serial=1)
    with pytest.raises(StalePlanError, match="does not manage"):
        recheck(made, empty)  # its instance is neither managed nor created by the plan
    create = Change(
        address="instance.a", action=Action.CREATE, remote_id="acme", after={"access_path": "acme"}
    )
    with_create = made.model_copy(update={"changes": [create, number]})
    assert recheck(with_create, empty) is with_create
    # anything else unmanaged is adopted first: an update saying "adopt" is not enough
    forged = Change(address="instance.a.skill_group.g", action=Action.UPDATE, adopt=True, after={})
    with pytest.raises(StalePlanError, match="does not manage"):
        recheck(made.model_copy(update={"changes": [forged]}), state())


def test_qa_is_enabled_only_on_an_instance_managed_or_created_by_the_same_id() -> None:
    qa = Change(
        address="instance.b",
        action=Action.ENABLE_QA,
        remote_id="acme-b",
        after={"conversation_analysis": True},
    )
    made = Plan(changes=[qa], prior_state=PriorState(lineage="L", serial=1, existed=True))
    with pytest.raises(StalePlanError, match="enables QA on an instance the state does not"):
        recheck(made, state())
    create = Change(
        address="instance.b",
        action=Action.CREATE,
        remote_id="acme-b",
        after={"access_path": "acme-b"},
    )
    both = made.model_copy(update={"changes": [create, qa]})
    assert recheck(both, state()) is both
    other_id = Change(
        address="instance.a",
        action=Action.ENABLE_QA,
        remote_id="not-acme",
        after={"conversation_analysis": True},
    )
    with pytest.raises(StalePlanError):
        recheck(made.model_copy(update={"changes": [other_id]}), state())


@pytest.mark.parametrize("action", [Action.UPDATE, Action.DELETE])
def test_changes_to_what_the_state_does_not_manage_are_stale(action: Action) -> None:
    with pytest.raises(StalePlanError, match="does not manage"):
        recheck(plan(action, after={}), State(lineage="L", serial=1))
    other = state().model_copy(
        update={"resources": {"instance.a": ResourceState(remote_id="other", attributes={})}}
    )
    with pytest.raises(StalePlanError, match="names remote id 'acme'"):
        recheck(plan(action, after={}), other)


GROUP = {"display_name": "Billing", "description": "", "media_type": "AUDIO"}


def group_update(**after: str) -> Plan:
    change = Change(
        address="instance.a.skill_group.billing",
        action=Action.UPDATE,
        instance_id="acme",
        remote_id="billing@acme",
        before=GROUP,
        after={**GROUP, **after},
        changed_fields=sorted(after),
    )
    return Plan(changes=[change], prior_state=PriorState(lineage="L", serial=1, existed=True))


def with_group(attributes: dict[str, Any]) -> State:
    group = ResourceState(remote_id="billing@acme", attributes=attributes)
    return state().model_copy(
        update={"resources": {**state().resources, "instance.a.skill_group.billing": group}}
    )


def test_a_content_update_is_refused_only_for_an_immutable_field_it_changes() -> None:
    made = group_update(display_name="Billing desk")  # carries media_type, unchanged
    assert recheck(made, with_group(GROUP)) is made
    assert kinds(recheck(group_update(media_type="CHAT"), with_group(GROUP))) == ["immutable"]
    unrecorded = {k: v for k, v in GROUP.items() if k != "media_type"}
    # not recorded, but what was live (before) is what is asked: the plan does not change it
    assert recheck(group_update(display_name="B"), with_group(unrecorded)).errors == []
    stale = {**GROUP, "media_type": "VIDEO"}  # an outdated record, the same
    assert recheck(group_update(display_name="B"), with_group(stale)).errors == []
    forged = group_update(display_name="B").changes[0]
    forged = forged.model_copy(update={"before": {**GROUP, "media_type": "VIDEO"}})
    made = Plan(changes=[forged], prior_state=PriorState(lineage="L", serial=1, existed=True))
    assert kinds(recheck(made, with_group(unrecorded))) == ["immutable"]


def test_an_adoption_acts_on_what_the_state_does_not_manage_and_what_follows_on_it() -> None:
    adopt = Change(address="instance.b", action=Action.ADOPT, remote_id="acme-b", after={})
    update = Change(
        address="instance.b",
        action=Action.UPDATE,
        remote_id="acme-b",
        after={"description": "y"},
        changed_fields=["description"],
    )
    made = Plan(
        changes=[adopt, update], prior_state=PriorState(lineage="L", serial=1, existed=True)
    )
    assert recheck(made, state()) is made
    with pytest.raises(StalePlanError, match="adopts what the state already manages"):
        recheck(plan(Action.ADOPT, after={}), state())
    alone = made.model_copy(update={"changes": [update]})
    with pytest.raises(StalePlanError, match="updates what the state does not manage"):
        recheck(alone, state())


def prior() -> PriorState:
    return PriorState(lineage="L", serial=1, existed=True)


def test_an_adoption_never_takes_what_the_state_manages_under_another_address() -> None:
    twin = Change(address="instance.evil", action=Action.ADOPT, remote_id="acme", after={})
    with pytest.raises(StalePlanError, match=r"which the state manages as instance\.a"):
        recheck(Plan(changes=[twin], prior_state=prior()), state())


def test_an_instance_create_is_under_its_own_access_path() -> None:
    create = Change(
        address="instance.n", action=Action.CREATE, remote_id="acme", after={"access_path": "new"}
    )
    with pytest.raises(StalePlanError, match="creates 'new' under the id 'acme'"):
        recheck(Plan(changes=[create], prior_state=prior()), state())


def test_contents_act_in_their_own_instance() -> None:
    agent = Change(
        address="instance.a.agent.mallory",
        action=Action.CREATE,
        instance_id="foreign",
        after={"email": "m@evil.example"},
    )
    with pytest.raises(StalePlanError, match=r"acts in instance 'foreign', but instance\.a"):
        recheck(Plan(changes=[agent], prior_state=prior()), state())


def test_a_change_twice_or_a_dependency_on_nothing_is_not_a_plan_cccform_made() -> None:
    update = Change(address="instance.a", action=Action.UPDATE, remote_id="acme", after={})
    with pytest.raises(StalePlanError, match="twice"):
        recheck(Plan(changes=[update, update], prior_state=prior()), state())
    lonely = update.model_copy(update={"depends_on": ["instance.zz:create"]})
    with pytest.raises(StalePlanError, match="which it does not hold"):
        recheck(Plan(changes=[lonely], prior_state=prior()), state())


def swap_state() -> State:
    return State(
        lineage="L",
        serial=1,
        resources={
            "instance.a": ResourceState(remote_id="acme-x", attributes={"access_path": "acme-x"}),
            "instance.b": ResourceState(remote_id="acme-y", attributes={"access_path": "acme-y"}),
        },
    )


def moving(*pairs: tuple[str, str, str]) -> Plan:
    moves = [
        Move(address=Address.of_instance(t), from_address=Address.of_instance(f), remote_id=r)
        for f, t, r in pairs
    ]
    return Plan(moves=moves, prior_state=PriorState(lineage="L", serial=1, existed=True))


def test_a_swap_is_a_plan_cccform_made_and_half_of_one_is_not() -> None:
    swap = moving(("a", "b", "acme-x"), ("b", "a", "acme-y"))
    assert recheck(swap, swap_state()) is swap
    with pytest.raises(StalePlanError, match="which the state already manages"):
        recheck(moving(("a", "b", "acme-x")), swap_state())
    with pytest.raises(StalePlanError, match="moves one instance to more than one key"):
        recheck(
            moving(("a", "b", "acme-x"), ("b", "a", "acme-y"), ("b", "c", "acme-y")), swap_state()
        )
