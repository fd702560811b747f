"""User operations: CreateUser, ModifyUser, RemoveUsers, GetUser, ListUsers, ListRoles."""

from __future__ import annotations

import re
from typing import Any

import pytest

from ccc_emulator import CccEmulation

from .helpers import ADMIN, INSTANCE, add_group, add_user, call, fails, listed

ALICE = f"alice@{INSTANCE}"
VALID: dict[str, Any] = {
    "LoginName": "alice",
    "DisplayName": "Alice",
    "Email": "alice@example.com",
    "RoleId": f"Agent@{INSTANCE}",
}


def _with(**changes: Any) -> dict[str, Any]:
    params = dict(VALID)
    for key, value in changes.items():
        if value is None:
            params.pop(key, None)
        else:
            params[key] = value
    return params


def test_create_returns_the_user(emu: CccEmulation, inst: str) -> None:
    data = call(
        emu,
        "CreateUser",
        **_with(Mobile="13800000000", WorkMode="OFF_SITE", Nickname="Al", AvatarUrl="https://a/b"),
    )
    assert data == {
        "UserId": ALICE,
        "LoginName": "alice",
        "DisplayName": "Alice",
        "Email": "alice@example.com",
        "Mobile": "13800000000",
        "Extension": "8002",  # the administrator has 8001
        "WorkMode": "OFF_SITE",
        "Nickname": "Al",
        "AvatarUrl": "https://a/b",
    }


def test_get_user_by_id_and_by_extension(emu: CccEmulation, inst: str) -> None:
    call(emu, "CreateUser", **_with(DisplayId="007"))
    by_id = call(emu, "GetUser", UserId=ALICE)
    assert by_id == {
        "UserId": ALICE,
        "LoginName": "alice",
        "DisplayName": "Alice",
        "DisplayId": "007",
        "Email": "alice@example.com",
        "Mobile": "",
        "Extension": "8002",
        "RoleId": f"Agent@{INSTANCE}",
        "RoleName": "Agent",
        "WorkMode": "ON_SITE",
        "DeviceId": "",
        "DeviceExt": "",
        "DeviceState": "OFFLINE",
        "Nickname": "",
        "AvatarUrl": "",
        "InstanceId": INSTANCE,
    }
    assert call(emu, "GetUser", Extension="8002") == by_id
    assert fails(emu, "GetUser", Extension="9999") == ("NotExists.UserId", 404)
    assert fails(emu, "GetUser", UserId=f"bob@{INSTANCE}") == ("NotExists.UserId", 404)
    assert fails(emu, "GetUser") == ("Parameter.Null", 400)


def test_extensions_are_assigned_in_sequence(emu: CccEmulation, inst: str) -> None:
    ids = [add_user(emu, f"agent{i}") for i in range(3)]
    extensions = [call(emu, "GetUser", UserId=user)["Extension"] for user in ids]
    assert extensions == ["8002", "8003", "8004"]
    call(emu, "RemoveUsers", UserIdList=[ids[2]])
    assert call(emu, "GetUser", UserId=add_user(emu, "agent9"))["Extension"] == "8004"


def test_extensions_go_past_four_digits(emu: CccEmulation, inst: str, data_dir: Any) -> None:
    import sqlite3

    conn = sqlite3.connect(data_dir / "ccc.sqlite3")
    conn.execute("UPDATE users SET extension = '9999'")
    conn.commit()
    conn.close()
    assert call(emu, "GetUser", UserId=add_user(emu, "agent1"))["Extension"] == "10000"
    assert call(emu, "GetUser", UserId=add_user(emu, "agent2"))["Extension"] == "10001"


def test_create_with_skill_levels(emu: CccEmulation, inst: str) -> None:
    add_group(emu, "sales")
    add_group(emu, "support")
    add_user(emu, "alice", levels={"support": 10, "sales": 1})
    [_, alice] = listed(emu, "ListUsers")
    assert alice["SkillLevelList"] == [
        {"SkillGroupId": f"sales@{INSTANCE}", "SkillGroupName": "sales", "SkillLevel": 1},
        {"SkillGroupId": f"support@{INSTANCE}", "SkillGroupName": "support", "SkillLevel": 10},
    ]


@pytest.mark.parametrize(
    ("params", "code"),
    [
        (_with(LoginName=None), "Parameter.Null"),
        (_with(LoginName=""), "Parameter.Blank"),
        (_with(LoginName="abc"), "Parameter.Minimum"),
        (_with(LoginName="a" * 65), "Parameter.Maximum"),
        (_with(LoginName="alice smith"), "Parameter.Format"),
        (_with(LoginName="alice@corp"), "Parameter.Format"),
        (_with(DisplayName=None), "Parameter.Null"),
        (_with(DisplayName="x" * 129), "Parameter.Maximum"),
        (_with(Email=None), "Parameter.Null"),
        (_with(Email=""), "Parameter.Blank"),
        (_with(Email="alice"), "Parameter.Format"),
        (_with(Email="alice@example"), "Parameter.Format"),
        (_with(Email="a b@example.com"), "Parameter.Format"),
        (_with(RoleId=None), "Parameter.Null"),
        (_with(WorkMode="AWAY"), "Parameter.Enumeration"),
        (_with(Mobile="+86 138"), "Parameter.Format"),
        (_with(Mobile="1" * 33), "Parameter.Maximum"),
        (_with(SkillLevelList="not json"), "Parameter.Format"),
        (_with(SkillLevelList={"skillGroupId": "x"}), "Parameter.Format"),
        (_with(SkillLevelList=[{"skillGroupId": "x"}]), "Parameter.Format"),
        (_with(SkillLevelList=[{"skillGroupId": "x", "skillLevel": "1"}]), "Parameter.Format"),
        (_with(SkillLevelList=[{"skillGroupId": "x", "skillLevel": True}]), "Parameter.Format"),
        (_with(SkillLevelList=[{"skillGroupId": "x", "skillLevel": 0}]), "Parameter.Minimum"),
        (_with(SkillLevelList=[{"skillGroupId": "x", "skillLevel": 11}]), "Parameter.Maximum"),
        (
            _with(SkillLevelList=[{"skillGroupId": f"g{i}", "skillLevel": 1} for i in range(101)]),
            "Parameter.Maximum",
        ),
        (
            _with(SkillLevelList=[{"skillGroupId": "x", "skillLevel": 1}] * 2),
            "Parameter.Invalid",
        ),
        (_with(ResetPassword="maybe"), "Parameter.Enumeration"),
    ],
)
def test_create_parameter_errors(
    emu: CccEmulation, inst: str, params: dict[str, Any], code: str
) -> None:
    assert fails(emu, "CreateUser", **params) == (code, 400)
    assert fails(emu, "GetUser", UserId=ALICE)[0] == "NotExists.UserId"


def test_create_accepts_the_limits(emu: CccEmulation, inst: str) -> None:
    login = "a.b_c-" + "9" * 58
    call(emu, "CreateUser", **_with(LoginName=login, DisplayName="名" * 128, Mobile=""))
    assert call(emu, "GetUser", UserId=f"{login}@{INSTANCE}")["Mobile"] == ""


@pytest.mark.parametrize(
    "role", ["Supervisor@acme-support", "Agent@other", "Agent", "agent@acme-support"]
)
def test_unknown_role(emu: CccEmulation, inst: str, role: str) -> None:
    assert fails(emu, "CreateUser", **_with(RoleId=role)) == ("NotExists.RoleId", 404)


def test_every_role_can_be_given(emu: CccEmulation, inst: str) -> None:
    for role in ("Admin", "Manager", "Agent"):
        user = add_user(emu, f"user{role.lower()}", role=role)
        assert call(emu, "GetUser", UserId=user)["RoleName"] == role


def test_new_admins_are_instance_admins(emu: CccEmulation, inst: str) -> None:
    add_user(emu, "boss1", role="Admin")
    admins = emu.handle("GetInstance", {"InstanceId": INSTANCE})["AdminList"]
    assert [a["UserId"] for a in admins] == [f"{ADMIN}@{INSTANCE}", f"boss1@{INSTANCE}"]


def test_create_with_unknown_skill_group_creates_nothing(emu: CccEmulation, inst: str) -> None:
    add_group(emu, "sales")
    levels = [
        {"skillGroupId": f"sales@{INSTANCE}", "skillLevel": 1},
        {"skillGroupId": f"nope@{INSTANCE}", "skillLevel": 1},
    ]
    assert fails(emu, "CreateUser", **_with(SkillLevelList=levels)) == (
        "NotExists.SkillGroupId",
        404,
    )
    assert fails(emu, "GetUser", UserId=ALICE)[0] == "NotExists.UserId"
    assert call(emu, "ListSkillGroups", PageNumber=1, PageSize=10)["List"][1]["UserCount"] == 0


def test_duplicate_login_name(emu: CccEmulation, inst: str) -> None:
    call(emu, "CreateUser", **VALID)
    assert fails(emu, "CreateUser", **_with(DisplayName="Other", Email="o@example.com")) == (
        "AlreadyExists.User",
        409,
    )


def test_ram_ids(emu: CccEmulation, inst: str) -> None:
    add_user(emu, "alice")
    admin, alice = listed(emu, "ListUsers")
    assert admin["RamId"] == int(ADMIN)
    assert isinstance(alice["RamId"], int)
    assert re.fullmatch(r"[1-9][0-9]{15}", str(alice["RamId"]))


def test_modify_user(emu: CccEmulation, inst: str) -> None:
    call(emu, "CreateUser", **_with(Mobile="1380000", Nickname="Al"))
    assert (
        call(
            emu,
            "ModifyUser",
            UserId=ALICE,
            WorkMode="OFFICE_PHONE",
            DisplayName="Alice B.",
            RoleId=f"Manager@{INSTANCE}",
        )
        is None
    )
    user = call(emu, "GetUser", UserId=ALICE)
    assert user["WorkMode"] == "OFFICE_PHONE"
    assert user["DisplayName"] == "Alice B."
    assert (user["RoleId"], user["RoleName"]) == (f"Manager@{INSTANCE}", "Manager")
    # Not given: unchanged. Empty: cleared.
    assert (user["Mobile"], user["Nickname"], user["Email"]) == ("1380000", "Al", VALID["Email"])
    call(emu, "ModifyUser", UserId=ALICE, WorkMode="ON_SITE", Mobile="", Force=True)
    user = call(emu, "GetUser", UserId=ALICE)
    assert (user["WorkMode"], user["Mobile"], user["RoleName"]) == ("ON_SITE", "", "Manager")


def test_modify_user_ignores_login_name_and_email(emu: CccEmulation, inst: str) -> None:
    call(emu, "CreateUser", **VALID)
    call(emu, "ModifyUser", UserId=ALICE, WorkMode="ON_SITE", LoginName="x", Email="x@y.zz")
    user = call(emu, "GetUser", UserId=ALICE)
    assert (user["LoginName"], user["Email"]) == ("alice", VALID["Email"])


def test_modify_user_errors(emu: CccEmulation, inst: str) -> None:
    call(emu, "CreateUser", **VALID)
    assert fails(emu, "ModifyUser", UserId=ALICE) == ("Parameter.Null", 400)
    assert fails(emu, "ModifyUser", WorkMode="ON_SITE") == ("Parameter.Null", 400)
    assert fails(emu, "ModifyUser", UserId=ALICE, WorkMode="on_site") == (
        "Parameter.Enumeration",
        400,
    )
    assert fails(emu, "ModifyUser", UserId=ALICE, WorkMode="ON_SITE", DisplayName="") == (
        "Parameter.Blank",
        400,
    )
    assert fails(emu, "ModifyUser", UserId=ALICE, WorkMode="ON_SITE", Mobile="abc") == (
        "Parameter.Format",
        400,
    )
    assert fails(emu, "ModifyUser", UserId=ALICE, WorkMode="ON_SITE", RoleId="Boss@x") == (
        "NotExists.RoleId",
        404,
    )
    assert fails(emu, "ModifyUser", UserId=f"bob@{INSTANCE}", WorkMode="ON_SITE") == (
        "NotExists.UserId",
        404,
    )
    assert call(emu, "GetUser", UserId=ALICE)["RoleName"] == "Agent"


def test_remove_users_cascades_memberships(emu: CccEmulation, inst: str) -> None:
    add_group(emu, "sales")
    alice = add_user(emu, "alice", levels={"sales": 1})
    bob = add_user(emu, "bobby", levels={"sales": 2})
    carol = add_user(emu, "carol", levels={"sales": 3})
    assert call(emu, "RemoveUsers", UserIdList=[alice, bob, alice]) is None
    assert [u["UserId"] for u in listed(emu, "ListUsers")] == [f"{ADMIN}@{INSTANCE}", carol]
    members = listed(
        emu, "ListUserLevelsOfSkillGroup", SkillGroupId=f"sales@{INSTANCE}", IsMember=True
    )
    assert [m["UserId"] for m in members] == [carol]
    # The login name is free again.
    assert add_user(emu, "alice") == alice


def test_remove_users_is_all_or_nothing(emu: CccEmulation, inst: str) -> None:
    alice = add_user(emu, "alice")
    assert fails(emu, "RemoveUsers", UserIdList=[alice, f"ghost@{INSTANCE}"]) == (
        "NotExists.UserId",
        404,
    )
    assert call(emu, "GetUser", UserId=alice)["UserId"] == alice


def test_remove_users_parameter_errors(emu: CccEmulation, inst: str) -> None:
    assert fails(emu, "RemoveUsers") == ("Parameter.Null", 400)
    assert fails(emu, "RemoveUsers", UserIdList=[]) == ("Parameter.Empty", 400)
    assert fails(emu, "RemoveUsers", UserIdList="alice") == ("Parameter.Format", 400)
    assert fails(emu, "RemoveUsers", UserIdList=[1]) == ("Parameter.Format", 400)
    assert fails(emu, "RemoveUsers", UserIdList=["a"], Force="sure") == (
        "Parameter.Enumeration",
        400,
    )


def test_list_users_item_shape(emu: CccEmulation, inst: str) -> None:
    add_user(emu, "alice")
    _, alice = listed(emu, "ListUsers")
    assert set(alice) == {
        "UserId",
        "LoginName",
        "DisplayName",
        "DisplayId",
        "Email",
        "Mobile",
        "Extension",
        "RoleId",
        "RoleName",
        "WorkMode",
        "RamId",
        "Primary",
        "PrimaryAccount",
        "DeviceId",
        "DeviceExt",
        "DeviceState",
        "SkillLevelList",
        "PersonalOutboundNumberList",
    }
    assert alice["SkillLevelList"] == []
    assert alice["PersonalOutboundNumberList"] == []


def test_list_users_filters_and_pages(emu: CccEmulation, inst: str) -> None:
    add_group(emu, "sales")
    users = [
        add_user(emu, f"agent{i:02d}", levels={"sales": 1} if i % 2 else None) for i in range(7)
    ]
    data = call(emu, "ListUsers", PageNumber=2, PageSize=3)
    assert (data["TotalCount"], len(data["List"])) == (8, 3)
    assert [u["UserId"] for u in data["List"]] == users[2:5]
    in_sales = call(emu, "ListUsers", PageNumber=1, PageSize=2, SkillGroupId=f"sales@{INSTANCE}")
    assert in_sales["TotalCount"] == 3
    assert [u["UserId"] for u in in_sales["List"]] == [users[1], users[3]]
    found = listed(emu, "ListUsers", SearchPattern="AGENT03")
    assert [u["UserId"] for u in found] == [users[3]]
    assert [u["UserId"] for u in listed(emu, "ListUsers", SearchPattern="8005")] == [users[3]]
    assert fails(emu, "ListUsers", PageNumber=1, PageSize=10, SkillGroupId="x@y") == (
        "NotExists.SkillGroupId",
        404,
    )


def test_list_roles(emu: CccEmulation, inst: str) -> None:
    assert call(emu, "ListRoles") == [
        {"RoleId": f"Admin@{INSTANCE}", "Name": "Admin"},
        {"RoleId": f"Manager@{INSTANCE}", "Name": "Manager"},
        {"RoleId": f"Agent@{INSTANCE}", "Name": "Agent"},
    ]
