"""Agents (CCC users) and their skill levels: ListUsers, Create/ModifyUser, RemoveUsers. An
agent's CCC id is `<login>@<instance id>`, its role's `<role>@<instance id>`.

Two kinds of step are batched per instance: the skill-level changes of all its agents make one
membership step (a few batch calls instead of one call per agent), and the agents it loses go
in one RemoveUsers step. An agent whose profile and skills both change takes part in two steps.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from cccform.addresses import ResourceType
from cccform.config.models import AgentConfig
from cccform.errors import ApiError
from cccform.kinds.base import (
    CHANGE_STEP,
    Attributes,
    ContentKind,
    Part,
    PlannedChanges,
    StepKind,
    StepShare,
)
from cccform.kinds.memberships import SkillChange, plan_calls, run_memberships, skill_levels
from cccform.live import LiveAgent
from cccform.plan.models import Action, Change
from cccform.wire import Caller, json_list, scoped_id, unscoped_name

PROFILE_FIELDS = ("display_name", "mobile", "role", "work_mode")
REMOVE_BATCH = 100

# An update is split in two shares: the profile (ModifyUser) and the skills (the batch).
PROFILE = Part("profile")
SKILLS = Part("skills")
# The two batch steps of an instance's agents.
MEMBERSHIPS = StepKind("memberships")
AGENT_REMOVAL = StepKind("agent_removal")


class AgentAttributes(Attributes):
    display_name: str
    email: str
    mobile: str | None = None  # unset: the agent's mobile is left as it is
    role: str
    work_mode: str
    skills: dict[str, int]


class AgentKind(ContentKind[AgentConfig, LiveAgent, AgentAttributes]):
    resource_type: ClassVar[ResourceType] = ResourceType.AGENT
    model: ClassVar[type[Attributes]] = AgentAttributes
    config_field: ClassVar[str] = "agents"
    immutable: ClassVar[tuple[str, ...]] = ("email",)

    def desired(self, name: str, value: AgentConfig) -> AgentAttributes:
        del name
        fields: dict[str, Any] = {
            "display_name": value.display_name,
            "email": value.email,
            "role": value.role,
            "work_mode": value.work_mode,
            "skills": dict(sorted(value.skills.items())),
        }
        if value.mobile is not None:
            fields["mobile"] = value.mobile
        return AgentAttributes(**fields)

    def observed(self, live: LiveAgent) -> AgentAttributes:
        return AgentAttributes(
            display_name=live.display_name,
            email=live.email,
            mobile=live.mobile,
            role=live.role,
            work_mode=live.work_mode,
            skills=dict(sorted(live.skills.items())),
        )

    def live_id(self, live: LiveAgent) -> str:
        return live.user_id

    def recalled(self, name: str, remote_id: str, recorded: AgentAttributes) -> LiveAgent:
        return LiveAgent(
            user_id=remote_id,
            login_name=name,
            display_name=recorded.display_name,
            email=recorded.email,
            mobile=recorded.mobile,
            role=recorded.role,
            work_mode=recorded.work_mode,
            skills=dict(recorded.skills),
        )

    def predicted_id(self, name: str, instance_id: str) -> str | None:
        return scoped_id(name, instance_id)

    def read(self, caller: Caller, instance_id: str) -> dict[str, LiveAgent]:
        """Every user with its skill levels: ListUsers carries them, so no call per agent."""
        found: dict[str, LiveAgent] = {}
        for item in caller.pages("ListUsers", {"InstanceId": instance_id}):
            agent = _live(item)
            found[agent.login_name] = agent
        return found

    def dependencies(self, change: Change, planned: PlannedChanges) -> list[str]:
        if change.action is Action.DELETE:
            return []
        created_groups = planned.created(ResourceType.SKILL_GROUP)
        skills = (change.after or {}).get("skills", {})
        return [created_groups[g] for g in skills if g in created_groups]

    # -- steps --------------------------------------------------------------------

    def steps(self, change: Change) -> list[StepShare]:
        batch = f"{change.address.instance_address}"
        if change.action is Action.DELETE:
            return [StepShare(f"{batch}:remove_agents", AGENT_REMOVAL)]
        if change.action is Action.CREATE:
            return [StepShare(change.key, CHANGE_STEP)]
        shares = []
        if any(f in change.changed_fields for f in PROFILE_FIELDS):
            shares.append(StepShare(change.key, CHANGE_STEP, PROFILE))
        if "skills" in change.changed_fields:
            shares.append(StepShare(f"{batch}:memberships", MEMBERSHIPS, SKILLS))
        return shares

    def recorded_fields(self, part: Part, after: Mapping[str, Any]) -> list[str]:
        if part == SKILLS:
            return ["skills"]
        if part == PROFILE:
            return [name for name in after if name != "skills"]
        return list(after)

    def run(
        self,
        kind: StepKind,
        parts: list[tuple[Change, Part]],
        caller: Caller,
        ids: Mapping[str, str],
    ) -> dict[str, str]:
        instance_id = parts[0][0].required_instance_id()
        if kind == MEMBERSHIPS:
            changes = [
                SkillChange(
                    change.object_name,
                    dict((change.before or {}).get("skills") or {}),
                    dict(change.required_after()["skills"]),
                )
                for change, _ in parts
            ]
            run_memberships(caller, instance_id, plan_calls(changes))
            return {}
        if kind == AGENT_REMOVAL:
            self.remove(caller, instance_id, sorted(c.required_remote_id() for c, _ in parts))
            return {}
        return super().run(kind, parts, caller, ids)

    # -- calls --------------------------------------------------------------------

    def create(self, caller: Caller, instance_id: str, name: str, after: AgentAttributes) -> str:
        params = {
            "InstanceId": instance_id,
            "LoginName": name,
            "DisplayName": after.display_name,
            "Email": after.email,
            "RoleId": scoped_id(after.role, instance_id),
            "WorkMode": after.work_mode,
        }
        if after.mobile:
            params["Mobile"] = after.mobile
        if after.skills:
            params["SkillLevelList"] = skill_levels(instance_id, after.skills, by_group=False)
        data = caller.call("CreateUser", params)
        if isinstance(data, dict) and data.get("UserId"):
            return str(data["UserId"])
        return scoped_id(name, instance_id)

    def adopt(self, caller: Caller, instance_id: str, name: str, after: AgentAttributes) -> str:
        agent_id = scoped_id(name, instance_id)
        self.modify(caller, instance_id, agent_id, after)
        current = skill_levels_of(caller, instance_id, name)
        change = SkillChange(name, current, dict(after.skills))
        run_memberships(caller, instance_id, plan_calls([change]))
        return agent_id

    def update(self, caller: Caller, instance_id: str, change: Change, part: Part) -> None:
        if part != SKILLS and set(change.changed_fields) & set(PROFILE_FIELDS):
            after = self.parse(change.required_after())
            self.modify(caller, instance_id, change.required_remote_id(), after)

    @staticmethod
    def modify(caller: Caller, instance_id: str, agent_id: str, after: AgentAttributes) -> None:
        params = {
            "InstanceId": instance_id,
            "UserId": agent_id,
            "WorkMode": after.work_mode,
            "DisplayName": after.display_name,
            "RoleId": scoped_id(after.role, instance_id),
        }
        if after.mobile:
            params["Mobile"] = after.mobile
        caller.call("ModifyUser", params)

    def remove(self, caller: Caller, instance_id: str, agent_ids: list[str]) -> None:
        for start in range(0, len(agent_ids), REMOVE_BATCH):
            batch = agent_ids[start : start + REMOVE_BATCH]
            try:
                caller.call(
                    "RemoveUsers", {"InstanceId": instance_id, "UserIdList": json_list(batch)}
                )
            except ApiError as error:
                if not self.gone(error):
                    raise


def skill_levels_of(caller: Caller, instance_id: str, login: str) -> dict[str, int]:
    """One agent's skill levels (ListSkillLevelsOfUser gives them as strings)."""
    params = {
        "InstanceId": instance_id,
        "UserId": scoped_id(login, instance_id),
        "IsMember": "true",
    }
    return {
        _group_name(item): int(item["SkillLevel"])
        for item in caller.pages("ListSkillLevelsOfUser", params)
    }


def _group_name(level: dict[str, Any]) -> str:
    return str(level.get("SkillGroupName") or unscoped_name(str(level["SkillGroupId"])))


def _live(item: dict[str, Any]) -> LiveAgent:
    return LiveAgent(
        user_id=str(item["UserId"]),
        login_name=str(item["LoginName"]),
        display_name=str(item.get("DisplayName") or ""),
        email=str(item.get("Email") or ""),
        mobile=str(item["Mobile"]) if item.get("Mobile") else None,
        role=str(item.get("RoleName") or unscoped_name(str(item.get("RoleId", "")))),
        work_mode=str(item.get("WorkMode") or "ON_SITE"),
        skills={
            _group_name(level): int(level["SkillLevel"])
            for level in item.get("SkillLevelList") or []
        },
    )
