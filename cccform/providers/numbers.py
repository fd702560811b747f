"""The routing of an instance's numbers: ListPhoneNumbers, ModifyPhoneNumber, and the
number <-> skill group operations."""

from __future__ import annotations

from typing import Any

from cccform.providers.base import Caller, LiveNumber
from cccform.providers.ccc import json_list


def list_numbers(caller: Caller, instance_id: str) -> dict[str, LiveNumber]:
    found: dict[str, LiveNumber] = {}
    for item in caller.pages("ListPhoneNumbers", {"InstanceId": instance_id}):
        number = _live(item)
        found[number.number] = number
    return found


def _live(item: dict[str, Any]) -> LiveNumber:
    groups = tuple(
        sorted(
            str(g.get("Name") or g.get("SkillGroupName") or str(g["SkillGroupId"]).split("@")[0])
            for g in item.get("SkillGroups") or []
        )
    )
    return LiveNumber(
        number=str(item["Number"]),
        usage=str(item.get("Usage") or "Bidirection"),
        flow_id=str(item["ContactFlowId"]) if item.get("ContactFlowId") else None,
        flow_name=str(item["ContactFlowName"]) if item.get("ContactFlowName") else None,
        skill_groups=groups,
    )


def route_number(
    caller: Caller, instance_id: str, number: str, usage: str, flow_id: str | None
) -> None:
    params = {"InstanceId": instance_id, "Number": number, "Usage": usage}
    if flow_id:
        params["ContactFlowId"] = flow_id
    caller.call("ModifyPhoneNumber", params)


def add_number_to_groups(caller: Caller, instance_id: str, number: str, groups: list[str]) -> None:
    caller.call(
        "AddPhoneNumberToSkillGroups",
        {
            "InstanceId": instance_id,
            "Number": number,
            "SkillGroupIdList": json_list([f"{g}@{instance_id}" for g in sorted(groups)]),
        },
    )


def remove_number_from_groups(
    caller: Caller, instance_id: str, number: str, groups: list[str]
) -> None:
    caller.call(
        "RemovePhoneNumberFromSkillGroups",
        {
            "InstanceId": instance_id,
            "Number": number,
            "SkillGroupIdList": json_list([f"{g}@{instance_id}" for g in sorted(groups)]),
        },
    )
