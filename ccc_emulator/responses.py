"""Rows shaped into the API's response `Data`: the SDK models' PascalCase keys and field names.

Instances first (GetInstance, ListInstances), then what an instance contains. Types follow the
SDK 2.35.0 models where they differ between operations: `RamId` is an integer in ListUsers but a
string in ListUserLevelsOfSkillGroup; `SkillLevel` is an integer except in ListSkillLevelsOfUser
(a string); a number's `CreateTime` is milliseconds as a string; a flow's
`CreatedTime`/`UpdatedTime` are `YYYY-MM-DD HH:MM:SS.f` strings (China Standard Time, UTC+8, the
form of the documented example `2021-07-14 10:48:43.0`).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from ccc_emulator.instance_rows import status_of

# The emulation has no agent sessions: no agent ever has a registered device.
DEVICE_STATE = "OFFLINE"
# The non-member rows of ListUserLevelsOfSkillGroup / ListSkillLevelsOfUser have no level.
NO_LEVEL = 0
_CHINA = timezone(timedelta(hours=8))
CONSOLE_URL = "https://ccc-v2.aliyun.com/#/workbench/{instance_id}"


def console_url(instance_id: str) -> str:
    return CONSOLE_URL.format(instance_id=instance_id)


def instance_admin(row: sqlite3.Row) -> dict[str, Any]:
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


def instance_number_skill_group(row: sqlite3.Row) -> dict[str, Any]:
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


def instance_number(row: sqlite3.Row, skill_groups: Sequence[dict[str, Any]]) -> dict[str, Any]:
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


# -- what an instance contains ---------------------------------------------------------------------


def skill_group(row: sqlite3.Row) -> dict[str, Any]:
    """GetSkillGroup `Data`."""
    return {
        "SkillGroupId": row["skill_group_id"],
        "Name": row["name"],
        "DisplayName": row["display_name"],
        "Description": row["description"],
        "MediaType": row["media_type"],
        "InstanceId": row["instance_id"],
    }


def skill_group_list_item(row: sqlite3.Row) -> dict[str, Any]:
    """A ListSkillGroups / ListBriefSkillGroups item: the name is `SkillGroupName` here."""
    return {
        "SkillGroupId": row["skill_group_id"],
        "SkillGroupName": row["name"],
        "DisplayName": row["display_name"],
        "Description": row["description"],
        "MediaType": row["media_type"],
        "UserCount": row["user_count"],
        "PhoneNumberCount": row["phone_number_count"],
        "InstanceId": row["instance_id"],
    }


def role_id(row: sqlite3.Row) -> str:
    return f"{row['role_name']}@{row['instance_id']}"


def created_user(row: sqlite3.Row) -> dict[str, Any]:
    """CreateUser `Data`."""
    return {
        "UserId": row["user_id"],
        "LoginName": row["login_name"],
        "DisplayName": row["display_name"],
        "Email": row["email"],
        "Mobile": row["mobile"],
        "Extension": row["extension"],
        "WorkMode": row["work_mode"],
        "Nickname": row["nickname"],
        "AvatarUrl": row["avatar_url"],
    }


def _user_common(row: sqlite3.Row) -> dict[str, Any]:
    return {
        "UserId": row["user_id"],
        "LoginName": row["login_name"],
        "DisplayName": row["display_name"],
        "DisplayId": row["display_id"],
        "Email": row["email"],
        "Mobile": row["mobile"],
        "Extension": row["extension"],
        "RoleId": role_id(row),
        "RoleName": row["role_name"],
        "WorkMode": row["work_mode"],
        "DeviceId": "",
        "DeviceExt": "",
        "DeviceState": DEVICE_STATE,
    }


def user_detail(row: sqlite3.Row) -> dict[str, Any]:
    """GetUser `Data`."""
    return {
        **_user_common(row),
        "Nickname": row["nickname"],
        "AvatarUrl": row["avatar_url"],
        "InstanceId": row["instance_id"],
    }


def user_list_item(row: sqlite3.Row, levels: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """A ListUsers item with the user's `SkillLevelList`."""
    return {
        **_user_common(row),
        "RamId": int(row["ram_id"] or 0),
        "Primary": False,
        "PrimaryAccount": False,
        "SkillLevelList": list(levels),
        "PersonalOutboundNumberList": [],
    }


def level_of_user(row: sqlite3.Row) -> dict[str, Any]:
    """A ListUsers `SkillLevelList[]` element (level as an integer)."""
    return {
        "SkillGroupId": row["skill_group_id"],
        "SkillGroupName": row["name"],
        "SkillLevel": row["skill_level"],
    }


def user_level_item(row: sqlite3.Row, group: sqlite3.Row) -> dict[str, Any]:
    """A ListUserLevelsOfSkillGroup item (`RamId` a string, `SkillLevel` an integer)."""
    level = row["skill_level"]
    return {
        "UserId": row["user_id"],
        "LoginName": row["login_name"],
        "DisplayName": row["display_name"],
        "RamId": str(row["ram_id"] or ""),
        "RoleId": role_id(row),
        "RoleName": row["role_name"],
        "SkillGroupId": group["skill_group_id"],
        "SkillGroupName": group["name"],
        "SkillLevel": NO_LEVEL if level is None else level,
    }


def group_level_item(row: sqlite3.Row) -> dict[str, Any]:
    """A ListSkillLevelsOfUser item: `SkillLevel` is a string in this operation."""
    level = row["skill_level"]
    return {
        "SkillGroupId": row["skill_group_id"],
        "SkillGroupName": row["name"],
        "SkillLevel": str(NO_LEVEL if level is None else level),
        "MediaType": row["media_type"],
    }


def number_skill_group(row: sqlite3.Row) -> dict[str, Any]:
    """A ListPhoneNumbers `SkillGroups[]` element."""
    return {
        "SkillGroupId": row["skill_group_id"],
        "Name": row["name"],
        "DisplayName": row["display_name"],
        "InstanceId": row["instance_id"],
    }


def number_list_item(row: sqlite3.Row, groups: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """A ListPhoneNumbers item."""
    return {
        "Number": row["number"],
        "Usage": row["usage"],
        "Active": bool(row["active"]),
        "ContactFlowId": row["contact_flow_id"] or "",
        "ContactFlowName": row["contact_flow_name"] or "",
        "SkillGroups": list(groups),
        "UserId": "",
        "Provider": row["provider"],
        "Province": row["province"],
        "City": row["city"],
        "Tags": row["tags"],
        "CreateTime": str(row["created_ms"]),
        "InstanceId": row["instance_id"],
    }


def number_of_skill_group_item(row: sqlite3.Row) -> dict[str, Any]:
    """A ListPhoneNumbersOfSkillGroup item."""
    return {
        "Number": row["number"],
        "Active": bool(row["active"]),
        "Usage": row["usage"],
        "ContactFlowId": row["contact_flow_id"] or "",
        "Province": row["province"],
        "City": row["city"],
        "InstanceId": row["instance_id"],
    }


def flow_time(ms: int) -> str:
    """Milliseconds since the epoch in the flow operations' `YYYY-MM-DD HH:MM:SS.f` form."""
    moment = datetime.fromtimestamp(ms / 1000, UTC).astimezone(_CHINA)
    fraction = f"{ms % 1000:03d}".rstrip("0") or "0"
    return f"{moment:%Y-%m-%d %H:%M:%S}.{fraction}"


def flow_list_item(
    row: sqlite3.Row, draft_id: str | None, numbers: Sequence[str]
) -> dict[str, Any]:
    """A ListContactFlows item: the published version; `DraftId` only while a draft is open."""
    item: dict[str, Any] = {
        "ContactFlowId": row["contact_flow_id"],
        "Name": row["name"],
        "Type": row["type"],
        "Description": row["description"],
        "Definition": row["definition"],
        "Editor": row["editor"],
        "Published": bool(row["published"]),
        "NumberList": list(numbers),
        "CreatedTime": flow_time(row["created_ms"]),
        "UpdatedTime": flow_time(row["updated_ms"]),
        "InstanceId": row["instance_id"],
    }
    if draft_id is not None:
        item["DraftId"] = draft_id
    return item


def flow_draft(flow: sqlite3.Row, draft: sqlite3.Row) -> dict[str, Any]:
    """GetContactFlow `Data`: the open draft of the flow (not published, by definition)."""
    return {
        "ContactFlowId": flow["contact_flow_id"],
        "DraftId": draft["draft_id"],
        "Name": flow["name"],
        "Type": flow["type"],
        "Definition": draft["definition"],
        "Description": draft["description"],
        "Editor": draft["editor"],
        "Published": False,
        "CreatedTime": flow_time(flow["created_ms"]),
        "UpdatedTime": flow_time(draft["updated_ms"]),
        "InstanceId": flow["instance_id"],
    }
