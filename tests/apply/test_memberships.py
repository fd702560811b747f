"""Membership batching: the calls reach exactly the wanted levels, with few calls."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from cccform.kinds.memberships import MembershipCall, SkillChange, plan_calls

GROUPS = ["billing", "tech", "sales", "vip", "night"]
skills = st.dictionaries(st.sampled_from(GROUPS), st.integers(1, 10), max_size=5)
agents = st.dictionaries(
    st.sampled_from([f"agent{i}" for i in range(8)]),
    st.tuples(skills, skills),
    min_size=1,
    max_size=8,
)


def simulate(
    start: dict[str, dict[str, int]], calls: list[MembershipCall]
) -> dict[str, dict[str, int]]:
    """A strict model of CCC: add needs a non-member, remove and modify need a member."""
    state = {login: dict(levels) for login, levels in start.items()}
    order = {"remove": 0, "add": 1, "modify": 2}
    for call in sorted(calls, key=lambda c: (order[c.kind], c.by, c.target)):
        pairs: list[tuple[str, str, int | None]]
        if call.by == "group":
            pairs = (
                [(login, call.target, None) for login in call.members]
                if call.kind == "remove"
                else [(login, call.target, lvl) for login, lvl in call.levels.items()]
            )
        else:
            pairs = (
                [(call.target, group, None) for group in call.members]
                if call.kind == "remove"
                else [(call.target, group, lvl) for group, lvl in call.levels.items()]
            )
        for login, group, level in pairs:
            member = group in state[login]
            if call.kind == "add":
                assert not member, (login, group)
                state[login][group] = level  # type: ignore[assignment]
            elif call.kind == "remove":
                assert member, (login, group)
                del state[login][group]
            else:
                assert member, (login, group)
                state[login][group] = level  # type: ignore[assignment]
    return state


@settings(max_examples=300, deadline=None)
@given(agents)
def test_calls_reach_exactly_the_wanted_levels(
    changes: dict[str, tuple[dict[str, int], dict[str, int]]],
) -> None:
    items = [SkillChange(login, before, after) for login, (before, after) in changes.items()]
    calls = plan_calls(items)
    result = simulate({c.login: c.before for c in items}, calls)
    assert result == {c.login: c.after for c in items}


@settings(max_examples=300, deadline=None)
@given(skills, skills)
def test_one_agent_costs_at_most_two_calls(before: dict[str, int], after: dict[str, int]) -> None:
    assert len(plan_calls([SkillChange("alice", before, after)])) <= 2


def test_many_agents_in_one_group_is_one_call_per_kind() -> None:
    changes = [SkillChange(f"a{i}", {"billing": 1}, {"billing": 2}) for i in range(50)]
    (call,) = plan_calls(changes)
    assert (call.kind, call.by, call.target, len(call.levels)) == ("modify", "group", "billing", 50)


def test_no_change_no_call() -> None:
    assert plan_calls([SkillChange("a", {"x": 1}, {"x": 1})]) == []
