"""Agents (CCC users) and their skill levels: ListUsers, Create/ModifyUser, RemoveUsers, and
the batch membership operations."""

from __future__ import annotations

import json
from typing import Any

from cccform.providers.base import Caller, LiveAgent
from cccform.providers.ccc import json_list


def user_id(login: str, instance_id: str) -> str:
    return f"{login}@{instance_id}"


def role_id(role: str, instance_id: str) -> str:
    return f"{role}@{instance_id}"


def list_agents(caller: Caller, instance_id: str) -> dict[str, LiveAgent]:
    """Every user with its skill levels: ListUsers carries them, so no call per agent."""
    found: dict[str, LiveAgent] = {}
    for item in caller.pages("ListUsers", {"InstanceId": instance_id}):
        agent = _live(item)
        found[agent.login_name] = agent
    return found


def skill_levels_of(caller: Caller, instance_id: str, login: str) -> dict[str, int]:
    """One agent's skill levels (ListSkillLevelsOfUser gives them as strings)."""
    params = {"InstanceId": instance_id, "UserId": user_id(login, instance_id), "IsMember": "true"}
    return {
        str(item.get("SkillGroupName") or str(item["SkillGroupId"]).split("@")[0]): int(
            item["SkillLevel"]
        )
        for item in caller.pages("ListSkillLevelsOfUser", params)
    }


def _live(item: dict[str, Any]) -> LiveAgent:
    skills = {
        str(level.get("SkillGroupName") or str(level["SkillGroupId"]).split("@")[0]): int(
            level["SkillLevel"]
        )
        for level in item.get("SkillLevelList") or []
    }
    return LiveAgent(
        user_id=str(item["UserId"]),
        login_name=str(item["LoginName"]),
        display_name=str(item.get("DisplayName") or ""),
        email=str(item.get("Email") or ""),
        mobile=str(item["Mobile"]) if item.get("Mobile") else None,
        role=str(item.get("RoleName") or str(item.get("RoleId", "")).split("@")[0]),
        work_mode=str(item.get("WorkMode") or "ON_SITE"),
        skills=skills,
    )


def _levels(instance_id: str, skills: dict[str, int], key: str) -> str:
    items = [
        {key: (f"{name}@{instance_id}" if key == "skillGroupId" else name), "skillLevel": level}
        for name, level in sorted(skills.items())
    ]
    return json.dumps(items, separators=(",", ":"))


def create_agent(caller: Caller, instance_id: str, login: str, attrs: dict[str, Any]) -> str:
    params = {
        "InstanceId": instance_id,
        "LoginName": login,
        "DisplayName": str(attrs["display_name"]),
        "Email": str(attrs["email"]),
        "RoleId": role_id(str(attrs["role"]), instance_id),
        "WorkMode": str(attrs["work_mode"]),
    }
    if attrs.get("mobile"):
        params["Mobile"] = str(attrs["mobile"])
    if attrs.get("skills"):
        params["SkillLevelList"] = _levels(instance_id, dict(attrs["skills"]), "skillGroupId")
    data = caller.call("CreateUser", params)
    if isinstance(data, dict) and data.get("UserId"):
        return str(data["UserId"])
    return user_id(login, instance_id)


def modify_agent(caller: Caller, instance_id: str, agent_id: str, attrs: dict[str, Any]) -> None:
    params = {
        "InstanceId": instance_id,
        "UserId": agent_id,
        "WorkMode": str(attrs["work_mode"]),
        "DisplayName": str(attrs["display_name"]),
        "RoleId": role_id(str(attrs["role"]), instance_id),
    }
    if attrs.get("mobile"):
        params["Mobile"] = str(attrs["mobile"])
    caller.call("ModifyUser", params)


def remove_agents(caller: Caller, instance_id: str, agent_ids: list[str]) -> None:
    caller.call("RemoveUsers", {"InstanceId": instance_id, "UserIdList": json_list(agent_ids)})


# -- memberships, per skill group ------------------------------------------------


def add_users_to_group(
    caller: Caller, instance_id: str, group: str, levels: dict[str, int]
) -> None:
    caller.call(
        "AddUsersToSkillGroup",
        {
            "InstanceId": instance_id,
            "SkillGroupId": f"{group}@{instance_id}",
            "UserSkillLevelList": _user_levels(instance_id, levels),
        },
    )


def remove_users_from_group(
    caller: Caller, instance_id: str, group: str, logins: list[str]
) -> None:
    caller.call(
        "RemoveUsersFromSkillGroup",
        {
            "InstanceId": instance_id,
            "SkillGroupId": f"{group}@{instance_id}",
            "UserIdList": json_list([user_id(login, instance_id) for login in sorted(logins)]),
        },
    )


def modify_levels_in_group(
    caller: Caller, instance_id: str, group: str, levels: dict[str, int]
) -> None:
    caller.call(
        "ModifyUserLevelsOfSkillGroup",
        {
            "InstanceId": instance_id,
            "SkillGroupId": f"{group}@{instance_id}",
            "UserLevelList": _user_levels(instance_id, levels),
        },
    )


def _user_levels(instance_id: str, levels: dict[str, int]) -> str:
    items = [
        {"userId": user_id(login, instance_id), "skillLevel": level}
        for login, level in sorted(levels.items())
    ]
    return json.dumps(items, separators=(",", ":"))


# -- memberships, per agent -------------------------------------------------------


def add_groups_to_user(
    caller: Caller, instance_id: str, login: str, skills: dict[str, int]
) -> None:
    caller.call(
        "AddSkillGroupsToUser",
        {
            "InstanceId": instance_id,
            "UserId": user_id(login, instance_id),
            "SkillLevelList": _levels(instance_id, skills, "skillGroupId"),
        },
    )


def remove_groups_from_user(
    caller: Caller, instance_id: str, login: str, groups: list[str]
) -> None:
    caller.call(
        "RemoveSkillGroupsFromUser",
        {
            "InstanceId": instance_id,
            "UserId": user_id(login, instance_id),
            "SkillGroupIdList": json_list([f"{g}@{instance_id}" for g in sorted(groups)]),
        },
    )


def modify_levels_of_user(
    caller: Caller, instance_id: str, login: str, skills: dict[str, int]
) -> None:
    caller.call(
        "ModifySkillLevelsOfUser",
        {
            "InstanceId": instance_id,
            "UserId": user_id(login, instance_id),
            "SkillLevelList": _levels(instance_id, skills, "skillGroupId"),
        },
    )
