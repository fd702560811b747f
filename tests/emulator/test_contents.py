"""What all operations on an instance's contents share: the instance checks, the platform
defaults they show, the cascade when an instance goes, and response shapes the SDK reads."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from ccc_emulator import CccEmulation

from .helpers import (
    ADMIN,
    INSTANCE,
    NUMBERS,
    FakeClock,
    add_flow,
    add_group,
    add_user,
    call,
    create_params,
    fails,
    listed,
    rows,
    wire,
)

PAGE = {"PageNumber": 1, "PageSize": 10}
LEVELS = [{"userId": "a@x", "skillLevel": 1}]
GROUP_LEVELS = [{"skillGroupId": "g@x", "skillLevel": 1}]
DRAFT = {"ContactFlowId": "f", "DraftId": "d"}

# Each operation with parameters that pass its own checks (the ids need not exist).
VALID: dict[str, dict[str, Any]] = {
    "CreateSkillGroup": {"Name": "sales", "DisplayName": "Sales"},
    "ModifySkillGroup": {"SkillGroupId": "g@x", "DisplayName": "x"},
    "DeleteSkillGroup": {"SkillGroupId": "g@x"},
    "GetSkillGroup": {"SkillGroupId": "g@x"},
    "ListSkillGroups": PAGE,
    "ListBriefSkillGroups": PAGE,
    "CreateUser": {"LoginName": "alice", "DisplayName": "A", "Email": "a@b.cn", "RoleId": "r"},
    "ModifyUser": {"UserId": "a@x", "WorkMode": "ON_SITE"},
    "RemoveUsers": {"UserIdList": ["a@x"]},
    "GetUser": {"UserId": "a@x"},
    "ListUsers": PAGE,
    "ListRoles": {},
    "AddUsersToSkillGroup": {"SkillGroupId": "g@x", "UserSkillLevelList": LEVELS},
    "RemoveUsersFromSkillGroup": {"SkillGroupId": "g@x", "UserIdList": ["a@x"]},
    "ModifyUserLevelsOfSkillGroup": {"SkillGroupId": "g@x", "UserLevelList": LEVELS},
    "AddSkillGroupsToUser": {"UserId": "a@x", "SkillLevelList": GROUP_LEVELS},
    "RemoveSkillGroupsFromUser": {"UserId": "a@x", "SkillGroupIdList": ["g@x"]},
    "ModifySkillLevelsOfUser": {"UserId": "a@x", "SkillLevelList": GROUP_LEVELS},
    "ListUserLevelsOfSkillGroup": {"SkillGroupId": "g@x", "IsMember": True, **PAGE},
    "ListSkillLevelsOfUser": {"UserId": "a@x", **PAGE},
    "ListPhoneNumbers": PAGE,
    "AddPhoneNumbers": {"Usage": "Inbound", "NumberList": ["0571003"]},
    "ModifyPhoneNumber": {"Number": "0571003", "Usage": "Inbound"},
    "RemovePhoneNumbers": {"NumberList": ["0571003"]},
    "AddNumbersToSkillGroup": {"SkillGroupId": "g@x", "NumberList": ["0571003"]},
    "RemovePhoneNumbersFromSkillGroup": {"SkillGroupId": "g@x", "NumberList": ["0571003"]},
    "AddPhoneNumberToSkillGroups": {"Number": "0571003", "SkillGroupIdList": ["g@x"]},
    "RemovePhoneNumberFromSkillGroups": {"Number": "0571003", "SkillGroupIdList": ["g@x"]},
    "ListPhoneNumbersOfSkillGroup": {"SkillGroupId": "g@x", **PAGE},
    "ListContactFlows": PAGE,
    "CreateContactFlow": {"Name": "f", "Type": "MAIN_FLOW", "Definition": "{}", "Description": "d"},
    "GetContactFlow": DRAFT,
    "StartEditContactFlow": {"ContactFlowId": "f"},
    "CommitContactFlow": {**DRAFT, "Definition": "{}", "Description": "d"},
    "PublishContactFlow": DRAFT,
    "DiscardEditingContactFlow": DRAFT,
    "DeleteContactFlow": {"ContactFlowId": "f"},
}
INSTANCE_ACTIONS = {
    "CreateInstance",
    "GetInstance",
    "ListInstances",
    "ModifyInstance",
    "DeleteInstance",
}


def test_every_operation_is_wired(emu: CccEmulation) -> None:
    assert emu.actions == INSTANCE_ACTIONS | set(VALID)


@pytest.mark.parametrize("action", sorted(VALID))
def test_every_operation_checks_the_instance(
    emu: CccEmulation, clock: FakeClock, action: str
) -> None:
    params = VALID[action]
    assert fails(emu, action, InstanceId="nope-nope", **params) == ("NotExists.InstanceId", 404)
    emu.handle("CreateInstance", create_params("acme-new"))
    assert fails(emu, action, InstanceId="acme-new", **params) == (
        "AbnormalService.Creating",
        403,
    )
    with pytest.raises(Exception) as exc:
        emu.handle(action, wire(params))
    assert (getattr(exc.value, "code", None), getattr(exc.value, "http_status", None)) == (
        "Parameter.Null",
        400,
    )


def test_a_deleting_instance_can_still_be_changed(emu: CccEmulation, inst: str) -> None:
    emu.handle("DeleteInstance", {"InstanceId": INSTANCE})
    add_group(emu, "sales")
    assert [g["SkillGroupName"] for g in listed(emu, "ListSkillGroups")][-1] == "sales"


def test_platform_defaults_through_the_operations(emu: CccEmulation, inst: str) -> None:
    [group] = listed(emu, "ListSkillGroups")
    assert group["SkillGroupId"] == f"default_skill_group@{INSTANCE}"
    assert (group["UserCount"], group["PhoneNumberCount"], group["MediaType"]) == (0, 0, "AUDIO")
    [admin] = listed(emu, "ListUsers")
    assert (admin["UserId"], admin["RoleName"], admin["Extension"]) == (
        f"{ADMIN}@{INSTANCE}",
        "Admin",
        "8001",
    )
    assert admin["SkillLevelList"] == []
    [flow] = listed(emu, "ListContactFlows")
    assert (flow["Name"], flow["Type"], flow["Published"]) == (
        "default_main_flow",
        "MAIN_FLOW",
        True,
    )
    assert "DraftId" not in flow
    assert flow["NumberList"] == NUMBERS
    assert json.loads(flow["Definition"])["activities"][0]["type"] == "INCOMING_CALL"
    numbers = listed(emu, "ListPhoneNumbers")
    assert [(n["Number"], n["Usage"], n["ContactFlowId"]) for n in numbers] == [
        (number, "Bidirection", flow["ContactFlowId"]) for number in NUMBERS
    ]
    # The defaults are ordinary contents: they can be edited like any other.
    draft = call(emu, "StartEditContactFlow", ContactFlowId=flow["ContactFlowId"])
    call(emu, "PublishContactFlow", ContactFlowId=flow["ContactFlowId"], DraftId=draft)
    add_user(emu, "alice", levels={"default_skill_group": 1})


def test_instance_deletion_removes_everything_inside(
    emu: CccEmulation, inst: str, clock: FakeClock, data_dir: Path
) -> None:
    add_group(emu, "sales")
    add_user(emu, "alice", levels={"sales": 1})
    flow_id = add_flow(emu, "hotline")
    call(emu, "StartEditContactFlow", ContactFlowId=flow_id)
    call(emu, "AddNumbersToSkillGroup", SkillGroupId=f"sales@{INSTANCE}", NumberList=NUMBERS)
    emu.handle("DeleteInstance", {"InstanceId": INSTANCE})
    clock.advance(20)
    assert fails(emu, "ListUsers", **PAGE) == ("NotExists.InstanceId", 404)
    emu.handle("CreateInstance", create_params("acme-other"))  # a write purges what is gone
    for table in ("users", "skill_groups", "contact_flows"):
        assert rows(data_dir, f"SELECT * FROM {table} WHERE instance_id = ?", INSTANCE) == []
    assert rows(data_dir, "SELECT COUNT(*) FROM user_skill_levels")[0][0] == 0
    assert rows(data_dir, "SELECT COUNT(*) FROM contact_flow_drafts")[0][0] == 0
    assert rows(data_dir, "SELECT COUNT(*) FROM phone_number_skill_groups")[0][0] == 0
    owned = rows(data_dir, "SELECT * FROM phone_numbers ORDER BY number")
    assert [(r["number"], r["instance_id"], r["contact_flow_id"]) for r in owned] == [
        (n, None, None) for n in NUMBERS
    ]
    # A new instance with the same name starts from the platform defaults only.
    emu.handle("CreateInstance", create_params(INSTANCE))
    clock.advance(30)
    assert [g["SkillGroupName"] for g in listed(emu, "ListSkillGroups")] == ["default_skill_group"]
    assert [u["LoginName"] for u in listed(emu, "ListUsers")] == [ADMIN]


# --- the SDK reads what the emulation answers -------------------------------------------------


def _sdk_body(action: str, data: Any) -> Any:
    models = pytest.importorskip("alibabacloud_ccc20200701.models")
    body_class = getattr(models, f"{action}ResponseBody")
    body = {"RequestId": "r", "Code": "OK", "HttpStatusCode": 200, "Message": "", "Data": data}
    return body_class().from_map(body)


def test_the_sdk_models_read_the_answers(emu: CccEmulation, inst: str) -> None:
    add_group(emu, "sales")
    alice = add_user(emu, "alice", levels={"sales": 3})
    flow_id = add_flow(emu, "hotline")
    draft_id = call(emu, "StartEditContactFlow", ContactFlowId=flow_id)
    users = _sdk_body("ListUsers", call(emu, "ListUsers", **PAGE))
    assert users.data.list[1].skill_level_list[0].skill_level == 3
    assert users.data.list[1].ram_id > 0
    levels = _sdk_body(
        "ListSkillLevelsOfUser", call(emu, "ListSkillLevelsOfUser", UserId=alice, **PAGE)
    )
    assert levels.data.list[0].skill_level == "3"
    groups = _sdk_body("ListSkillGroups", call(emu, "ListSkillGroups", **PAGE))
    assert groups.data.list[1].skill_group_name == "sales"
    numbers = _sdk_body("ListPhoneNumbers", call(emu, "ListPhoneNumbers", **PAGE))
    assert numbers.data.list[0].contact_flow_name == "default_main_flow"
    flows = _sdk_body("ListContactFlows", call(emu, "ListContactFlows", **PAGE))
    assert flows.data.list[0].draft_id == draft_id
    assert flows.data.list[1].draft_id is None
    flow = _sdk_body(
        "GetContactFlow", call(emu, "GetContactFlow", ContactFlowId=flow_id, DraftId=draft_id)
    )
    assert flow.data.published is False
    added = _sdk_body(
        "AddPhoneNumbers", call(emu, "AddPhoneNumbers", Usage="Inbound", NumberList=["x"])
    )
    assert added.data == ["x"]
    roles = _sdk_body("ListRoles", call(emu, "ListRoles"))
    assert [r.role_id for r in roles.data] == [
        f"{r}@{INSTANCE}" for r in ("Admin", "Manager", "Agent")
    ]
    created = _sdk_body("CreateContactFlow", add_flow(emu, "other"))
    assert isinstance(created.data, str)
