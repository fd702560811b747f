"""Agent <-> skill group membership: the six writes (atomic, strict) and the two lists."""

from __future__ import annotations

from typing import Any

import pytest

from ccc_emulator import CccEmulation

from .helpers import ADMIN, INSTANCE, add_group, add_user, call, fails, listed

SALES = f"sales@{INSTANCE}"
SUPPORT = f"support@{INSTANCE}"
GHOST_USER = f"ghost@{INSTANCE}"
GHOST_GROUP = f"ghost@{INSTANCE}"


@pytest.fixture
def people(emu: CccEmulation, inst: str) -> tuple[str, str, str]:
    add_group(emu, "sales")
    add_group(emu, "support")
    return add_user(emu, "alice"), add_user(emu, "bobby"), add_user(emu, "carol")


def levels_of(emu: CccEmulation) -> dict[str, dict[str, int]]:
    """User id -> {skill group id: level}, from ListUsers."""
    return {
        user["UserId"]: {lv["SkillGroupId"]: lv["SkillLevel"] for lv in user["SkillLevelList"]}
        for user in listed(emu, "ListUsers")
    }


def users_at(user_ids: list[str], level: int) -> list[dict[str, Any]]:
    return [{"userId": user, "skillLevel": level} for user in user_ids]


def groups_at(group_ids: list[str], level: int) -> list[dict[str, Any]]:
    return [{"skillGroupId": group, "skillLevel": level} for group in group_ids]


# --- writes from the skill group's side -------------------------------------------------------


def test_add_modify_remove_users_of_a_group(emu: CccEmulation, people: tuple[str, ...]) -> None:
    alice, bob, carol = people
    levels = [{"userId": alice, "skillLevel": 1}, {"userId": bob, "skillLevel": 10}]
    assert call(emu, "AddUsersToSkillGroup", SkillGroupId=SALES, UserSkillLevelList=levels) is None
    assert levels_of(emu)[alice] == {SALES: 1}
    assert levels_of(emu)[bob] == {SALES: 10}
    call(emu, "ModifyUserLevelsOfSkillGroup", SkillGroupId=SALES, UserLevelList=users_at([bob], 3))
    assert levels_of(emu)[bob] == {SALES: 3}
    assert call(emu, "RemoveUsersFromSkillGroup", SkillGroupId=SALES, UserIdList=[alice]) is None
    assert levels_of(emu) == {f"{ADMIN}@{INSTANCE}": {}, alice: {}, bob: {SALES: 3}, carol: {}}


def test_add_users_is_all_or_nothing(emu: CccEmulation, people: tuple[str, ...]) -> None:
    alice, bob, _ = people
    call(emu, "AddUsersToSkillGroup", SkillGroupId=SALES, UserSkillLevelList=users_at([bob], 5))
    before = levels_of(emu)
    # An unknown user last, then an existing membership last: nothing of either request stays.
    assert fails(
        emu,
        "AddUsersToSkillGroup",
        SkillGroupId=SALES,
        UserSkillLevelList=users_at([alice, GHOST_USER], 1),
    ) == ("NotExists.UserId", 404)
    assert fails(
        emu,
        "AddUsersToSkillGroup",
        SkillGroupId=SALES,
        UserSkillLevelList=users_at([alice, bob], 1),
    ) == ("AlreadyExists.SkillLevel", 409)
    assert levels_of(emu) == before


def test_modify_and_remove_need_existing_memberships(
    emu: CccEmulation, people: tuple[str, ...]
) -> None:
    alice, bob, _ = people
    call(emu, "AddUsersToSkillGroup", SkillGroupId=SALES, UserSkillLevelList=users_at([alice], 5))
    before = levels_of(emu)
    assert fails(
        emu,
        "ModifyUserLevelsOfSkillGroup",
        SkillGroupId=SALES,
        UserLevelList=users_at([alice, bob], 1),
    ) == ("NotExists.SkillLevel", 404)
    assert fails(emu, "RemoveUsersFromSkillGroup", SkillGroupId=SALES, UserIdList=[alice, bob]) == (
        "NotExists.SkillLevel",
        404,
    )
    assert fails(emu, "RemoveUsersFromSkillGroup", SkillGroupId=SALES, UserIdList=[GHOST_USER]) == (
        "NotExists.UserId",
        404,
    )
    assert levels_of(emu) == before


@pytest.mark.parametrize(
    ("action", "list_name"),
    [
        ("AddUsersToSkillGroup", "UserSkillLevelList"),
        ("ModifyUserLevelsOfSkillGroup", "UserLevelList"),
        ("RemoveUsersFromSkillGroup", "UserIdList"),
    ],
)
def test_group_side_errors(
    emu: CccEmulation, people: tuple[str, ...], action: str, list_name: str
) -> None:
    alice = people[0]
    value: list[Any] = [alice] if list_name == "UserIdList" else users_at([alice], 1)
    assert fails(emu, action, SkillGroupId=GHOST_GROUP, **{list_name: value}) == (
        "NotExists.SkillGroupId",
        404,
    )
    assert fails(emu, action, **{list_name: value}) == ("Parameter.Null", 400)
    assert fails(emu, action, SkillGroupId=SALES) == ("Parameter.Null", 400)
    assert fails(emu, action, SkillGroupId=SALES, **{list_name: []}) == ("Parameter.Empty", 400)
    assert fails(emu, action, SkillGroupId=SALES, **{list_name: "{"}) == ("Parameter.Format", 400)


@pytest.mark.parametrize(
    ("entry", "code"),
    [
        ({"userId": "a", "skillLevel": 0}, "Parameter.Minimum"),
        ({"userId": "a", "skillLevel": 11}, "Parameter.Maximum"),
        ({"userId": "a", "skillLevel": 1.5}, "Parameter.Format"),
        ({"userId": "a"}, "Parameter.Format"),
        ({"skillGroupId": "a", "skillLevel": 1}, "Parameter.Format"),
        ({"userId": "", "skillLevel": 1}, "Parameter.Format"),
        ("a", "Parameter.Format"),
    ],
)
def test_level_list_elements(
    emu: CccEmulation, people: tuple[str, ...], entry: Any, code: str
) -> None:
    assert fails(emu, "AddUsersToSkillGroup", SkillGroupId=SALES, UserSkillLevelList=[entry]) == (
        code,
        400,
    )


def test_a_user_twice_in_one_level_list(emu: CccEmulation, people: tuple[str, ...]) -> None:
    alice = people[0]
    levels = [{"userId": alice, "skillLevel": 1}, {"userId": alice, "skillLevel": 2}]
    assert fails(emu, "AddUsersToSkillGroup", SkillGroupId=SALES, UserSkillLevelList=levels) == (
        "Parameter.Invalid",
        400,
    )


def test_an_id_twice_in_an_id_list_counts_once(emu: CccEmulation, people: tuple[str, ...]) -> None:
    alice = people[0]
    call(emu, "AddUsersToSkillGroup", SkillGroupId=SALES, UserSkillLevelList=users_at([alice], 1))
    call(emu, "RemoveUsersFromSkillGroup", SkillGroupId=SALES, UserIdList=[alice, alice])
    assert levels_of(emu)[alice] == {}


# --- writes from the user's side --------------------------------------------------------------


def test_add_modify_remove_groups_of_a_user(emu: CccEmulation, people: tuple[str, ...]) -> None:
    alice = people[0]
    call(emu, "AddSkillGroupsToUser", UserId=alice, SkillLevelList=groups_at([SALES, SUPPORT], 4))
    assert levels_of(emu)[alice] == {SALES: 4, SUPPORT: 4}
    call(emu, "ModifySkillLevelsOfUser", UserId=alice, SkillLevelList=groups_at([SUPPORT], 9))
    assert levels_of(emu)[alice] == {SALES: 4, SUPPORT: 9}
    call(emu, "RemoveSkillGroupsFromUser", UserId=alice, SkillGroupIdList=[SALES])
    assert levels_of(emu)[alice] == {SUPPORT: 9}


def test_user_side_is_all_or_nothing(emu: CccEmulation, people: tuple[str, ...]) -> None:
    alice = people[0]
    call(emu, "AddSkillGroupsToUser", UserId=alice, SkillLevelList=groups_at([SALES], 4))
    before = levels_of(emu)
    assert fails(
        emu,
        "AddSkillGroupsToUser",
        UserId=alice,
        SkillLevelList=groups_at([SUPPORT, GHOST_GROUP], 1),
    ) == ("NotExists.SkillGroupId", 404)
    assert fails(
        emu, "AddSkillGroupsToUser", UserId=alice, SkillLevelList=groups_at([SUPPORT, SALES], 1)
    ) == ("AlreadyExists.SkillLevel", 409)
    # ModifySkillLevelsOfUser changes existing memberships only: a group the user is not in fails.
    assert fails(
        emu, "ModifySkillLevelsOfUser", UserId=alice, SkillLevelList=groups_at([SALES, SUPPORT], 1)
    ) == ("NotExists.SkillLevel", 404)
    assert fails(
        emu, "RemoveSkillGroupsFromUser", UserId=alice, SkillGroupIdList=[SALES, SUPPORT]
    ) == ("NotExists.SkillLevel", 404)
    assert levels_of(emu) == before


@pytest.mark.parametrize(
    ("action", "list_name"),
    [
        ("AddSkillGroupsToUser", "SkillLevelList"),
        ("ModifySkillLevelsOfUser", "SkillLevelList"),
        ("RemoveSkillGroupsFromUser", "SkillGroupIdList"),
    ],
)
def test_user_side_errors(
    emu: CccEmulation, people: tuple[str, ...], action: str, list_name: str
) -> None:
    value: list[Any] = [SALES] if list_name == "SkillGroupIdList" else groups_at([SALES], 1)
    assert fails(emu, action, UserId=GHOST_USER, **{list_name: value}) == ("NotExists.UserId", 404)
    assert fails(emu, action, **{list_name: value}) == ("Parameter.Null", 400)
    assert fails(emu, action, UserId=people[0]) == ("Parameter.Null", 400)
    assert fails(emu, action, UserId=people[0], **{list_name: []}) == ("Parameter.Empty", 400)
    if list_name == "SkillLevelList":
        bad = [{"userId": SALES, "skillLevel": 1}]
        assert fails(emu, action, UserId=people[0], **{list_name: bad}) == (
            "Parameter.Format",
            400,
        )


def test_memberships_are_per_instance(emu: CccEmulation, people: tuple[str, ...]) -> None:
    alice = people[0]
    foreign = [{"skillGroupId": "sales@other-instance", "skillLevel": 1}]
    assert fails(emu, "AddSkillGroupsToUser", UserId=alice, SkillLevelList=foreign) == (
        "NotExists.SkillGroupId",
        404,
    )


# --- lists ------------------------------------------------------------------------------------


def test_list_user_levels_of_skill_group(emu: CccEmulation, people: tuple[str, ...]) -> None:
    alice, bob, carol = people
    call(emu, "AddUsersToSkillGroup", SkillGroupId=SALES, UserSkillLevelList=users_at([bob], 7))
    call(emu, "AddUsersToSkillGroup", SkillGroupId=SALES, UserSkillLevelList=users_at([alice], 2))
    members = listed(emu, "ListUserLevelsOfSkillGroup", SkillGroupId=SALES, IsMember=True)
    assert [m["UserId"] for m in members] == [alice, bob]  # users in creation order
    assert members[0] == {
        "UserId": alice,
        "LoginName": "alice",
        "DisplayName": "Alice",
        "RamId": members[0]["RamId"],
        "RoleId": f"Agent@{INSTANCE}",
        "RoleName": "Agent",
        "SkillGroupId": SALES,
        "SkillGroupName": "sales",
        "SkillLevel": 2,
    }
    assert isinstance(members[0]["RamId"], str)
    others = listed(emu, "ListUserLevelsOfSkillGroup", SkillGroupId=SALES, IsMember="false")
    assert [o["UserId"] for o in others] == [f"{ADMIN}@{INSTANCE}", carol]
    assert {o["SkillLevel"] for o in others} == {0}
    found = listed(
        emu, "ListUserLevelsOfSkillGroup", SkillGroupId=SALES, IsMember=True, SearchPattern="BOB"
    )
    assert [m["UserId"] for m in found] == [bob]
    page = call(
        emu,
        "ListUserLevelsOfSkillGroup",
        SkillGroupId=SALES,
        IsMember=True,
        PageNumber=2,
        PageSize=1,
    )
    assert (page["TotalCount"], [m["UserId"] for m in page["List"]]) == (2, [bob])


def test_list_user_levels_errors(emu: CccEmulation, people: tuple[str, ...]) -> None:
    page = {"PageNumber": 1, "PageSize": 10}
    assert fails(emu, "ListUserLevelsOfSkillGroup", SkillGroupId=SALES, **page) == (
        "Parameter.Null",
        400,
    )
    assert fails(
        emu, "ListUserLevelsOfSkillGroup", SkillGroupId=GHOST_GROUP, IsMember=True, **page
    ) == ("NotExists.SkillGroupId", 404)
    assert fails(emu, "ListUserLevelsOfSkillGroup", SkillGroupId=SALES, IsMember=True) == (
        "Parameter.Null",
        400,
    )


def test_list_skill_levels_of_user(emu: CccEmulation, people: tuple[str, ...]) -> None:
    alice = people[0]
    add_group(emu, "billing", MediaType="CHAT")
    billing = f"billing@{INSTANCE}"
    call(emu, "AddSkillGroupsToUser", UserId=alice, SkillLevelList=groups_at([billing], 3))
    call(emu, "AddSkillGroupsToUser", UserId=alice, SkillLevelList=groups_at([SALES], 10))
    mine = listed(emu, "ListSkillLevelsOfUser", UserId=alice)  # IsMember defaults to true
    assert mine == [
        {
            "SkillGroupId": SALES,
            "SkillGroupName": "sales",
            "SkillLevel": "10",
            "MediaType": "AUDIO",
        },
        {
            "SkillGroupId": billing,
            "SkillGroupName": "billing",
            "SkillLevel": "3",
            "MediaType": "CHAT",
        },
    ]
    others = listed(emu, "ListSkillLevelsOfUser", UserId=alice, IsMember=False)
    assert [o["SkillGroupId"] for o in others] == [f"default_skill_group@{INSTANCE}", SUPPORT]
    assert {o["SkillLevel"] for o in others} == {"0"}
    found = listed(emu, "ListSkillLevelsOfUser", UserId=alice, SearchPattern="bill")
    assert [f["SkillGroupId"] for f in found] == [billing]
    assert fails(emu, "ListSkillLevelsOfUser", UserId=GHOST_USER, PageNumber=1, PageSize=1) == (
        "NotExists.UserId",
        404,
    )
