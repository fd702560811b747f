"""Properties of plan + apply on contents, end to end against the emulation."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from cccform.apply.applier import ApplyOptions, apply_plan
from cccform.apply.observer import SilentObserver
from cccform.config.models import Config, InstanceConfig, LoadedConfig, LocalProviderConfig
from cccform.kinds.agent import AgentKind
from cccform.kinds.skill_group import SkillGroupKind
from cccform.plan.models import Plan
from cccform.plan.planner import contents_to_read, plan
from cccform.providers.ccc import CccProvider
from cccform.providers.local import make_local_provider
from cccform.refresh import refresh, refresh_contents
from cccform.state.local import LocalStateStore

GROUPS = ["billing", "tech", "sales", "vip"]
LOGINS = ["alice", "bobby", "carol", "dave.x", "erin_y"]
FAST = ApplyOptions(first_poll=0.02, max_poll_interval=0.1)
skills = st.dictionaries(st.sampled_from(GROUPS), st.integers(1, 10), max_size=4)
memberships = st.dictionaries(st.sampled_from(LOGINS), skills, max_size=5)


class World:
    """One instance in a fresh emulation, and the state that manages it."""

    def __init__(self) -> None:
        self.directory = Path(tempfile.mkdtemp(prefix="cccform-prop-"))
        self.provider: CccProvider = make_local_provider(
            LocalProviderConfig(create_seconds=0), self.directory
        )
        self.store = LocalStateStore(self.directory / "state.json")

    def loaded(self, contents: dict[str, Any]) -> LoadedConfig:
        instance = InstanceConfig(
            name="Prop Center",
            access_path="acme-prop",
            admins=("248613806810701",),
            deletion_protection=False,
            **contents,
        )
        return LoadedConfig(Config(instances={"p": instance}), self.directory, [], {})

    def plan(self, contents: dict[str, Any]) -> tuple[Plan, Any]:
        loaded = self.loaded(contents)
        state = self.store.read()
        live = refresh(self.provider)
        live = refresh_contents(self.provider, live, contents_to_read(loaded, state, live))
        return plan(loaded, state, live, state_exists=self.store.path.exists()), state

    def apply(self, contents: dict[str, Any]) -> None:
        planned, state = self.plan(contents)
        assert planned.errors == [], planned.errors
        result = apply_plan(
            planned, self.store, state, self.provider, SilentObserver(), options=FAST
        )
        assert result.complete, [(o.change.address, o.message) for o in result.outcomes]

    def live_skills(self) -> dict[str, dict[str, int]]:
        users = AgentKind().read(self.provider, "acme-prop")
        return {login: u.skills for login, u in users.items() if login in LOGINS}

    def close(self) -> None:
        self.provider.close()


def contents_for(
    members: dict[str, dict[str, int]], groups: dict[str, str] | None = None
) -> dict[str, Any]:
    names = dict.fromkeys(GROUPS, "") if groups is None else groups
    return {
        "skill_groups": {g: {"display_name": names[g] or g.title()} for g in names},
        "agents": {
            login: {"display_name": login, "email": f"{login}@example.com", "skills": levels}
            for login, levels in members.items()
        },
    }


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(memberships, memberships)
def test_applying_reaches_exactly_the_wanted_memberships(
    before: dict[str, dict[str, int]], after: dict[str, dict[str, int]]
) -> None:
    world = World()
    try:
        world.apply(contents_for(before))
        assert world.live_skills() == before
        world.apply(contents_for(after))
        assert world.live_skills() == after
        again, _ = world.plan(contents_for(after))
        assert again.changes == [] and again.errors == []
    finally:
        world.close()


class ContentsMachine(RuleBasedStateMachine):
    """Edits, applies and changes made outside cccform, in any order."""

    def __init__(self) -> None:
        super().__init__()
        self.world = World()
        self.members: dict[str, dict[str, int]] = {}
        self.titles: dict[str, str] = dict.fromkeys(GROUPS, "")
        self.world.apply(contents_for(self.members, self.titles))
        self.applied = True

    def contents(self) -> dict[str, Any]:
        return contents_for(self.members, self.titles)

    @rule(login=st.sampled_from(LOGINS), levels=skills)
    def set_agent(self, login: str, levels: dict[str, int]) -> None:
        self.members[login] = levels
        self.applied = False

    @rule(login=st.sampled_from(LOGINS))
    def remove_agent(self, login: str) -> None:
        self.members.pop(login, None)
        self.applied = False

    @rule(group=st.sampled_from(GROUPS), title=st.sampled_from(["A", "B", ""]))
    def rename_group(self, group: str, title: str) -> None:
        self.titles[group] = title
        self.applied = False

    @precondition(lambda self: self.applied and bool(self.members))
    @rule(data=st.data())
    def change_outside(self, data: st.DataObject) -> None:
        login = data.draw(st.sampled_from(sorted(self.members)))
        provider = self.world.provider
        if data.draw(st.booleans()):
            provider.call(
                "RemoveUsers", {"InstanceId": "acme-prop", "UserIdList": f'["{login}@acme-prop"]'}
            )
        else:
            group = data.draw(st.sampled_from(GROUPS))
            provider.call(
                "ModifySkillGroup",
                {
                    "InstanceId": "acme-prop",
                    "SkillGroupId": f"{group}@acme-prop",
                    "DisplayName": "Edited outside",
                },
            )
        self.applied = False

    @rule()
    def apply(self) -> None:
        self.world.apply(self.contents())
        self.applied = True

    @invariant()
    def converged_after_apply(self) -> None:
        if not self.applied:
            return
        again, state = self.world.plan(self.contents())
        assert again.changes == [] and again.errors == [], [str(c.address) for c in again.changes]
        live = self.world.live_skills()
        assert live == self.members
        for login, levels in live.items():
            assert state.resources[f"instance.p.agent.{login}"].attributes["skills"] == levels
        groups = SkillGroupKind().read(self.world.provider, "acme-prop")
        for group in GROUPS:
            recorded = state.resources[f"instance.p.skill_group.{group}"].attributes
            assert recorded["display_name"] == groups[group].display_name

    def teardown(self) -> None:
        self.world.close()


ContentsMachine.TestCase.settings = settings(
    max_examples=15,
    stateful_step_count=12,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
test_contents_machine = ContentsMachine.TestCase
