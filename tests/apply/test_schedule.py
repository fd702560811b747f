"""Changes become steps: batches and dependencies."""

from __future__ import annotations

from cccform.apply.schedule import build_steps
from cccform.kinds.agent import PROFILE, SKILLS
from cccform.plan.models import Action, Change


def agent(name: str, action: Action, fields: list[str], deps: list[str] | None = None) -> Change:
    return Change(
        address=f"instance.s.agent.{name}",
        action=action,
        instance_id="acme",
        changed_fields=fields,
        remote_id=f"{name}@acme",
        depends_on=deps or [],
        before={"skills": {}},
        after={"skills": {}},
    )


def test_skill_changes_of_an_instance_are_one_step_and_profiles_their_own() -> None:
    group = Change(
        address="instance.s.skill_group.g",
        action=Action.CREATE,
    )
    steps = {
        s.key: s
        for s in build_steps(
            [
                group,
                agent("a", Action.UPDATE, ["skills"], deps=[group.key]),
                agent("b", Action.UPDATE, ["display_name", "skills"]),
                agent("c", Action.DELETE, []),
                agent("d", Action.DELETE, []),
            ]
        )
    }
    memberships = steps["instance.s:memberships"]
    assert [(str(c.address), p) for c, p in memberships.parts] == [
        ("instance.s.agent.a", SKILLS),
        ("instance.s.agent.b", SKILLS),
    ]
    assert memberships.depends_on == {group.key}
    assert [p for _, p in steps["instance.s.agent.b:update"].parts] == [PROFILE]
    assert "instance.s.agent.a:update" not in steps  # skills only: no ModifyUser
    assert len(steps["instance.s:remove_agents"].parts) == 2
