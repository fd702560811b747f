"""Rows shaped into the API's response `Data` (PascalCase keys, the real field names)."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import Any

from cccform.emulation.lookups import status_of

CONSOLE_URL = "https://ccc-v2.aliyun.com/#/workbench/{instance_id}"


def console_url(instance_id: str) -> str:
    return CONSOLE_URL.format(instance_id=instance_id)


def admin_item(row: sqlite3.Row) -> dict[str, Any]:
    """An `AdminList[]` element of GetInstance / ListInstances."""
    return {
        "UserId": row["user_id"],
        "LoginName": row["login_name"],
        "DisplayName": row["display_name"],
        "Email": row["email"],
        "Mobile": row["mobile"],
        "Extension": row["extension"],
        "RoleId": f"{row['role_name']}@{row['instance_id']}",
        "RoleName": row["role_name"],
        "WorkMode": row["work_mode"],
        "InstanceId": row["instance_id"],
    }


def skill_group_of_number(row: sqlite3.Row) -> dict[str, Any]:
    """A `NumberList[].SkillGroups[]` element of GetInstance."""
    return {
        "SkillGroupId": row["skill_group_id"],
        "Name": row["name"],
        "DisplayName": row["display_name"],
        "Description": row["description"],
        "PhoneNumberCount": row["phone_number_count"],
        "UserCount": row["user_count"],
        "InstanceId": row["instance_id"],
    }


def number_item(row: sqlite3.Row, skill_groups: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """A `NumberList[]` element of GetInstance."""
    return {
        "Number": row["number"],
        "Active": bool(row["active"]),
        "Usage": row["usage"],
        "ContactFlowId": row["contact_flow_id"] or "",
        "UserId": "",
        "Province": row["province"],
        "City": row["city"],
        "InstanceId": row["instance_id"],
        "SkillGroups": list(skill_groups),
    }


def instance_summary(row: sqlite3.Row, now: float) -> dict[str, Any]:
    """The fields GetInstance and ListInstances share."""
    return {
        "Id": row["id"],
        "DomainName": row["id"],
        "Name": row["name"],
        "Description": row["description"],
        "AliyunUid": row["aliyun_uid"],
        "ConsoleUrl": console_url(row["id"]),
        "Status": status_of(row, now),
    }


def instance_detail(
    row: sqlite3.Row,
    now: float,
    admins: Sequence[dict[str, Any]],
    numbers: Sequence[dict[str, Any]],
) -> dict[str, Any]:
    """GetInstance `Data`."""
    return {**instance_summary(row, now), "AdminList": list(admins), "NumberList": list(numbers)}


def instance_list_item(
    row: sqlite3.Row, now: float, admins: Sequence[dict[str, Any]], numbers: Sequence[str]
) -> dict[str, Any]:
    """A ListInstances `Data.List[]` element: NumberList carries only `{Number}`."""
    return {
        **instance_summary(row, now),
        "CreateTime": row["created_ms"],
        "AdminList": list(admins),
        "NumberList": [{"Number": number} for number in numbers],
    }
