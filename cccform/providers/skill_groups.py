"""Skill groups: CCC's ListSkillGroups, Create/Modify/DeleteSkillGroup."""

from __future__ import annotations

from typing import Any

from cccform.providers.base import Caller, LiveSkillGroup


def skill_group_id(name: str, instance_id: str) -> str:
    return f"{name}@{instance_id}"


def list_skill_groups(caller: Caller, instance_id: str) -> dict[str, LiveSkillGroup]:
    found: dict[str, LiveSkillGroup] = {}
    for item in caller.pages("ListSkillGroups", {"InstanceId": instance_id}):
        group = _live(item)
        found[group.name] = group
    return found


def _live(item: dict[str, Any]) -> LiveSkillGroup:
    return LiveSkillGroup(
        skill_group_id=str(item["SkillGroupId"]),
        name=str(item.get("SkillGroupName") or item.get("Name")),
        display_name=str(item.get("DisplayName") or ""),
        description=str(item.get("Description") or ""),
        media_type=str(item.get("MediaType") or "AUDIO"),
    )


def create_skill_group(caller: Caller, instance_id: str, name: str, attrs: dict[str, Any]) -> str:
    data = caller.call(
        "CreateSkillGroup",
        {
            "InstanceId": instance_id,
            "Name": name,
            "DisplayName": str(attrs["display_name"]),
            "Description": str(attrs["description"]),
            "MediaType": str(attrs["media_type"]),
        },
    )
    if isinstance(data, dict) and data.get("SkillGroupId"):
        return str(data["SkillGroupId"])
    return skill_group_id(name, instance_id)


def modify_skill_group(
    caller: Caller, instance_id: str, group_id: str, attrs: dict[str, Any]
) -> None:
    caller.call(
        "ModifySkillGroup",
        {
            "InstanceId": instance_id,
            "SkillGroupId": group_id,
            "DisplayName": str(attrs["display_name"]),
            "Description": str(attrs["description"]),
        },
    )


def delete_skill_group(caller: Caller, instance_id: str, group_id: str) -> None:
    # The plan has checked that nothing it keeps uses the group; members it removes go too.
    caller.call(
        "DeleteSkillGroup", {"InstanceId": instance_id, "SkillGroupId": group_id, "Force": "true"}
    )
