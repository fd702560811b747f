"""Skill group operations: create, modify, delete (Force), get and the two lists."""

from __future__ import annotations

import pytest

from ccc_emulator import CccEmulation

from .helpers import INSTANCE, NUMBERS, add_group, add_user, call, fails, listed

SALES = f"sales@{INSTANCE}"


def test_create_returns_the_group(emu: CccEmulation, inst: str) -> None:
    data = call(
        emu,
        "CreateSkillGroup",
        Name="sales",
        DisplayName="Sales team",
        Description="Inbound sales",
        MediaType="CHAT",
    )
    assert data == {
        "SkillGroupId": SALES,
        "Name": "sales",
        "InstanceId": INSTANCE,
        "Description": "Inbound sales",
        "MediaType": "CHAT",
    }
    assert call(emu, "GetSkillGroup", SkillGroupId=SALES) == {
        "SkillGroupId": SALES,
        "Name": "sales",
        "DisplayName": "Sales team",
        "Description": "Inbound sales",
        "MediaType": "CHAT",
        "InstanceId": INSTANCE,
    }


def test_create_defaults(emu: CccEmulation, inst: str) -> None:
    data = call(emu, "CreateSkillGroup", Name="sales", DisplayName="Sales")
    assert (data["MediaType"], data["Description"]) == ("AUDIO", "")


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"DisplayName": "x"}, "Parameter.Null"),
        ({"Name": "", "DisplayName": "x"}, "Parameter.Blank"),
        ({"Name": "1sales", "DisplayName": "x"}, "Parameter.Format"),
        ({"Name": "_sales", "DisplayName": "x"}, "Parameter.Format"),
        ({"Name": "sales.team", "DisplayName": "x"}, "Parameter.Format"),
        ({"Name": "s" * 65, "DisplayName": "x"}, "Parameter.Maximum"),
        ({"Name": "sales"}, "Parameter.Null"),
        ({"Name": "sales", "DisplayName": " "}, "Parameter.Blank"),
        ({"Name": "sales", "DisplayName": "x" * 65}, "Parameter.Maximum"),
        ({"Name": "sales", "DisplayName": "x", "Description": "d" * 257}, "Parameter.Maximum"),
        ({"Name": "sales", "DisplayName": "x", "MediaType": "EMAIL"}, "Parameter.Enumeration"),
        ({"Name": "sales", "DisplayName": "x", "MediaType": "audio"}, "Parameter.Enumeration"),
    ],
)
def test_create_parameter_errors(
    emu: CccEmulation, inst: str, params: dict[str, str], code: str
) -> None:
    assert fails(emu, "CreateSkillGroup", **params) == (code, 400)


def test_create_accepts_the_limits(emu: CccEmulation, inst: str) -> None:
    name = "S" + "a_-9" * 15 + "xyz"
    assert len(name) == 64
    add_group(emu, name, DisplayName="技" * 64, Description="d" * 256)
    assert call(emu, "GetSkillGroup", SkillGroupId=f"{name}@{INSTANCE}")["Name"] == name


def test_duplicate_name(emu: CccEmulation, inst: str) -> None:
    add_group(emu, "sales")
    assert fails(emu, "CreateSkillGroup", Name="sales", DisplayName="Again") == (
        "AlreadyExists.SkillGroupId",
        409,
    )
    # Another name differing only in case is another group.
    add_group(emu, "Sales")


def test_modify_changes_display_name_and_description(emu: CccEmulation, inst: str) -> None:
    add_group(emu, "sales", Description="old")
    assert call(emu, "ModifySkillGroup", SkillGroupId=SALES, DisplayName="New") is None
    group = call(emu, "GetSkillGroup", SkillGroupId=SALES)
    assert (group["DisplayName"], group["Description"]) == ("New", "old")
    call(emu, "ModifySkillGroup", SkillGroupId=SALES, Description="")
    group = call(emu, "GetSkillGroup", SkillGroupId=SALES)
    assert (group["DisplayName"], group["Description"]) == ("New", "")


def test_modify_errors(emu: CccEmulation, inst: str) -> None:
    add_group(emu, "sales")
    assert fails(emu, "ModifySkillGroup", DisplayName="x") == ("Parameter.Null", 400)
    assert fails(emu, "ModifySkillGroup", SkillGroupId=SALES, DisplayName="") == (
        "Parameter.Blank",
        400,
    )
    assert fails(emu, "ModifySkillGroup", SkillGroupId=SALES, Description="d" * 257) == (
        "Parameter.Maximum",
        400,
    )
    assert fails(emu, "ModifySkillGroup", SkillGroupId=f"nope@{INSTANCE}", DisplayName="x") == (
        "NotExists.SkillGroupId",
        404,
    )


def test_get_unknown_and_foreign_groups(emu: CccEmulation, inst: str) -> None:
    assert fails(emu, "GetSkillGroup", SkillGroupId=f"nope@{INSTANCE}") == (
        "NotExists.SkillGroupId",
        404,
    )
    # The default group of this instance, asked for under another instance's id.
    assert fails(emu, "GetSkillGroup", SkillGroupId="default_skill_group@other") == (
        "NotExists.SkillGroupId",
        404,
    )
    assert fails(emu, "GetSkillGroup") == ("Parameter.Null", 400)


def test_delete_an_empty_group(emu: CccEmulation, inst: str) -> None:
    add_group(emu, "sales")
    assert call(emu, "DeleteSkillGroup", SkillGroupId=SALES) is None
    assert fails(emu, "GetSkillGroup", SkillGroupId=SALES)[0] == "NotExists.SkillGroupId"
    assert fails(emu, "DeleteSkillGroup", SkillGroupId=SALES) == ("NotExists.SkillGroupId", 404)
    add_group(emu, "sales")  # the name is free again


def test_delete_refuses_a_group_with_agents_without_force(emu: CccEmulation, inst: str) -> None:
    add_group(emu, "sales")
    add_user(emu, "alice", levels={"sales": 1})
    for force in (None, False, "false"):
        params = {} if force is None else {"Force": force}
        assert fails(emu, "DeleteSkillGroup", SkillGroupId=SALES, **params) == (
            "InUse.SkillGroup",
            400,
        )
    assert call(emu, "GetSkillGroup", SkillGroupId=SALES)["Name"] == "sales"


def test_delete_refuses_a_group_with_numbers_without_force(emu: CccEmulation, inst: str) -> None:
    add_group(emu, "sales")
    call(emu, "AddNumbersToSkillGroup", SkillGroupId=SALES, NumberList=NUMBERS[:1])
    assert fails(emu, "DeleteSkillGroup", SkillGroupId=SALES) == ("InUse.SkillGroup", 400)


def test_forced_delete_cascades(emu: CccEmulation, inst: str) -> None:
    add_group(emu, "sales")
    add_group(emu, "support")
    alice = add_user(emu, "alice", levels={"sales": 1, "support": 2})
    call(emu, "AddNumbersToSkillGroup", SkillGroupId=SALES, NumberList=NUMBERS)
    call(emu, "DeleteSkillGroup", SkillGroupId=SALES, Force=True)
    [user] = [u for u in listed(emu, "ListUsers") if u["UserId"] == alice]
    assert [level["SkillGroupId"] for level in user["SkillLevelList"]] == [f"support@{INSTANCE}"]
    assert all(number["SkillGroups"] == [] for number in listed(emu, "ListPhoneNumbers"))
    # Users and numbers themselves stay.
    assert {n["Number"] for n in listed(emu, "ListPhoneNumbers")} == set(NUMBERS)


def test_delete_force_must_be_a_boolean(emu: CccEmulation, inst: str) -> None:
    add_group(emu, "sales")
    assert fails(emu, "DeleteSkillGroup", SkillGroupId=SALES, Force="yes") == (
        "Parameter.Enumeration",
        400,
    )


def test_list_items_and_counts(emu: CccEmulation, inst: str) -> None:
    add_group(emu, "sales", Description="d", MediaType="VIDEO")
    add_user(emu, "alice", levels={"sales": 1})
    add_user(emu, "bobby", levels={"sales": 5})
    call(emu, "AddNumbersToSkillGroup", SkillGroupId=SALES, NumberList=NUMBERS[:1])
    default, sales = listed(emu, "ListSkillGroups")
    assert default["SkillGroupId"] == f"default_skill_group@{INSTANCE}"
    assert sales == {
        "SkillGroupId": SALES,
        "SkillGroupName": "sales",
        "DisplayName": "Sales",
        "Description": "d",
        "MediaType": "VIDEO",
        "UserCount": 2,
        "PhoneNumberCount": 1,
        "InstanceId": INSTANCE,
    }
    assert listed(emu, "ListBriefSkillGroups") == [default, sales]


def test_list_filters(emu: CccEmulation, inst: str) -> None:
    add_group(emu, "sales", DisplayName="Verkauf", MediaType="CHAT")
    add_group(emu, "support", DisplayName="Hilfe")

    def names(**params: str) -> list[str]:
        return [g["SkillGroupName"] for g in listed(emu, "ListSkillGroups", **params)]

    assert names(MediaType="CHAT") == ["sales"]
    assert names(MediaType="AUDIO") == ["default_skill_group", "support"]
    assert names(SearchPattern="SUP") == ["support"]
    assert names(SearchPattern="verk") == ["sales"]
    assert names(SearchPattern="") == ["default_skill_group", "sales", "support"]
    assert fails(emu, "ListSkillGroups", PageNumber=1, PageSize=10, MediaType="FAX") == (
        "Parameter.Enumeration",
        400,
    )


def test_list_pages(emu: CccEmulation, inst: str) -> None:
    for i in range(6):
        add_group(emu, f"g{i}")
    first = call(emu, "ListSkillGroups", PageNumber=1, PageSize=4)
    second = call(emu, "ListSkillGroups", PageNumber=2, PageSize=4)
    third = call(emu, "ListSkillGroups", PageNumber=3, PageSize=4)
    assert (first["TotalCount"], first["PageNumber"], first["PageSize"]) == (7, 1, 4)
    names = [g["SkillGroupName"] for g in first["List"] + second["List"]]
    assert names == ["default_skill_group"] + [f"g{i}" for i in range(6)]
    assert third == {"PageNumber": 3, "PageSize": 4, "TotalCount": 7, "List": []}
