"""Phone numbers: list, add (partial failures), modify, remove (Force), and skill group links."""

from __future__ import annotations

from typing import Any

import pytest

from ccc_emulator import CccEmulation

from .helpers import (
    INSTANCE,
    NUMBERS,
    FakeClock,
    add_flow,
    add_group,
    call,
    create_params,
    fails,
    listed,
)

FIRST, SECOND = NUMBERS
SALES = f"sales@{INSTANCE}"
SUPPORT = f"support@{INSTANCE}"


def default_flow(emu: CccEmulation) -> str:
    [flow] = listed(emu, "ListContactFlows")
    return str(flow["ContactFlowId"])


def numbers(emu: CccEmulation, **filters: object) -> dict[str, dict[str, Any]]:
    return {n["Number"]: n for n in listed(emu, "ListPhoneNumbers", **filters)}


# --- ListPhoneNumbers -------------------------------------------------------------------------


def test_list_item_shape(emu: CccEmulation, inst: str) -> None:
    add_group(emu, "sales", DisplayName="Sales")
    call(emu, "AddNumbersToSkillGroup", SkillGroupId=SALES, NumberList=[FIRST])
    item = numbers(emu)[FIRST]
    created = item.pop("CreateTime")
    assert isinstance(created, str) and created.isdigit()
    assert item == {
        "Number": FIRST,
        "Usage": "Bidirection",
        "Active": True,
        "ContactFlowId": default_flow(emu),
        "ContactFlowName": "default_main_flow",
        "SkillGroups": [
            {"SkillGroupId": SALES, "Name": "sales", "DisplayName": "Sales", "InstanceId": INSTANCE}
        ],
        "UserId": "",
        "Provider": "",
        "Province": "",
        "City": "",
        "Tags": "",
        "InstanceId": INSTANCE,
    }


def test_list_filters_and_pages(emu: CccEmulation, inst: str) -> None:
    call(emu, "AddPhoneNumbers", Usage="Outbound", NumberList=["0571003", "0571004"])
    assert list(numbers(emu, Usage="Outbound")) == ["0571003", "0571004"]
    assert list(numbers(emu, Usage="Bidirection")) == NUMBERS
    assert list(numbers(emu, SearchPattern="0001")) == [FIRST]
    assert list(numbers(emu, Active=True)) == [*NUMBERS, "0571003", "0571004"]
    assert list(numbers(emu, Active=False)) == []
    page = call(emu, "ListPhoneNumbers", PageNumber=2, PageSize=3)
    assert (page["TotalCount"], [n["Number"] for n in page["List"]]) == (4, ["0571004"])
    assert fails(emu, "ListPhoneNumbers", PageNumber=1, PageSize=1, Usage="Both") == (
        "Parameter.Enumeration",
        400,
    )
    assert fails(emu, "ListPhoneNumbers", PageNumber=1, PageSize=101) == ("Parameter.Maximum", 400)
    assert fails(emu, "ListPhoneNumbers", PageNumber=0, PageSize=1) == ("Parameter.Minimum", 400)
    assert fails(emu, "ListPhoneNumbers", PageSize=1) == ("Parameter.Null", 400)


# --- AddPhoneNumbers --------------------------------------------------------------------------


def test_add_reports_the_numbers_that_failed(
    emu: CccEmulation, inst: str, clock: FakeClock
) -> None:
    emu.handle("CreateInstance", create_params("acme-sales", numbers=["0571999"]))
    clock.advance(30)
    failed = call(
        emu,
        "AddPhoneNumbers",
        Usage="Inbound",
        NumberList=["0571003", FIRST, "0571999", "not-a-number", "4001234567", "0571003"],
    )
    # Already here, in another instance, malformed; the rest (and the repeat) added once.
    assert failed == [FIRST, "0571999", "not-a-number"]
    listed_numbers = numbers(emu)
    assert list(listed_numbers) == [*NUMBERS, "0571003", "4001234567"]
    assert listed_numbers["0571003"]["Usage"] == "Inbound"
    assert listed_numbers["0571003"]["ContactFlowId"] == ""
    assert listed_numbers[FIRST]["Usage"] == "Bidirection"  # left as it was


def test_a_400_number_must_be_inbound(emu: CccEmulation, inst: str) -> None:
    assert call(emu, "AddPhoneNumbers", Usage="Bidirection", NumberList=["4001234567"]) == [
        "4001234567"
    ]
    assert call(emu, "AddPhoneNumbers", Usage="Inbound", NumberList=["4001234567"]) == []
    assert fails(emu, "ModifyPhoneNumber", Number="4001234567", Usage="Outbound") == (
        "Parameter.Invalid",
        400,
    )


def test_add_with_a_contact_flow(emu: CccEmulation, inst: str) -> None:
    flow = add_flow(emu, "hotline")
    assert (
        call(
            emu, "AddPhoneNumbers", Usage="Bidirection", NumberList=["0571003"], ContactFlowId=flow
        )
        == []
    )
    assert (
        call(emu, "AddPhoneNumbers", Usage="Outbound", NumberList=["0571004"], ContactFlowId=flow)
        == []
    )
    listed_numbers = numbers(emu)
    assert listed_numbers["0571003"]["ContactFlowName"] == "hotline"
    assert listed_numbers["0571004"]["ContactFlowId"] == ""  # ignored for Outbound


def test_add_request_errors(emu: CccEmulation, inst: str) -> None:
    assert fails(emu, "AddPhoneNumbers", NumberList=["0571003"]) == ("Parameter.Null", 400)
    assert fails(emu, "AddPhoneNumbers", Usage="inbound", NumberList=["0571003"]) == (
        "Parameter.Enumeration",
        400,
    )
    assert fails(emu, "AddPhoneNumbers", Usage="Inbound") == ("Parameter.Null", 400)
    assert fails(emu, "AddPhoneNumbers", Usage="Inbound", NumberList=[]) == ("Parameter.Empty", 400)
    assert fails(
        emu, "AddPhoneNumbers", Usage="Inbound", NumberList=["0571003"], ContactFlowId="nope"
    ) == ("NotExists.ContactFlowId", 404)
    sub = add_flow(emu, "menu", "SUB_FLOW")
    assert fails(
        emu, "AddPhoneNumbers", Usage="Inbound", NumberList=["0571003"], ContactFlowId=sub
    ) == ("Parameter.Invalid", 400)
    assert "0571003" not in numbers(emu)


def test_numbers_of_a_deleted_instance_can_be_added(
    emu: CccEmulation, inst: str, clock: FakeClock
) -> None:
    emu.handle("CreateInstance", create_params("acme-sales", numbers=["0571999"]))
    clock.advance(30)
    emu.handle("DeleteInstance", {"InstanceId": "acme-sales"})
    assert call(emu, "AddPhoneNumbers", Usage="Inbound", NumberList=["0571999"]) == ["0571999"]
    clock.advance(20)
    assert call(emu, "AddPhoneNumbers", Usage="Inbound", NumberList=["0571999"]) == []


# --- ModifyPhoneNumber ------------------------------------------------------------------------


def test_modify_usage_and_flow(emu: CccEmulation, inst: str) -> None:
    flow = add_flow(emu, "hotline")
    assert call(emu, "ModifyPhoneNumber", Number=FIRST, Usage="Inbound", ContactFlowId=flow) is None
    assert (numbers(emu)[FIRST]["Usage"], numbers(emu)[FIRST]["ContactFlowId"]) == ("Inbound", flow)
    call(emu, "ModifyPhoneNumber", Number=FIRST, Usage="Bidirection")  # flow kept
    assert numbers(emu)[FIRST]["ContactFlowId"] == flow
    call(emu, "ModifyPhoneNumber", Number=FIRST, Usage="Bidirection", ContactFlowId="")
    assert numbers(emu)[FIRST]["ContactFlowId"] == ""
    call(emu, "ModifyPhoneNumber", Number=SECOND, Usage="Outbound", ContactFlowId=flow)
    assert (numbers(emu)[SECOND]["Usage"], numbers(emu)[SECOND]["ContactFlowId"]) == (
        "Outbound",
        "",
    )


def test_modify_errors(emu: CccEmulation, inst: str) -> None:
    assert fails(emu, "ModifyPhoneNumber", Number=FIRST, Usage="Both") == (
        "Parameter.Enumeration",
        400,
    )
    assert fails(emu, "ModifyPhoneNumber", Number=FIRST) == ("Parameter.Null", 400)
    assert fails(emu, "ModifyPhoneNumber", Usage="Inbound") == ("Parameter.Null", 400)
    assert fails(emu, "ModifyPhoneNumber", Number="0571777", Usage="Inbound") == (
        "NotExists.Number",
        404,
    )
    assert fails(emu, "ModifyPhoneNumber", Number=FIRST, Usage="Inbound", ContactFlowId="nope") == (
        "NotExists.ContactFlowId",
        404,
    )
    assert numbers(emu)[FIRST]["Usage"] == "Bidirection"


# --- RemovePhoneNumbers -----------------------------------------------------------------------


def test_remove_without_force_keeps_bound_numbers(emu: CccEmulation, inst: str) -> None:
    call(emu, "AddPhoneNumbers", Usage="Outbound", NumberList=["0571003", "0571004"])
    add_group(emu, "sales")
    call(emu, "AddNumbersToSkillGroup", SkillGroupId=SALES, NumberList=["0571004"])
    failed = call(emu, "RemovePhoneNumbers", NumberList=[FIRST, "0571003", "0571004", "0571777"])
    # FIRST answers with the default flow, 0571004 is in a skill group, 0571777 is not here.
    assert failed == [FIRST, "0571004", "0571777"]
    assert list(numbers(emu)) == [FIRST, SECOND, "0571004"]


def test_remove_with_force_releases_everything(emu: CccEmulation, inst: str) -> None:
    add_group(emu, "sales")
    call(emu, "AddNumbersToSkillGroup", SkillGroupId=SALES, NumberList=NUMBERS)
    assert call(emu, "RemovePhoneNumbers", NumberList=NUMBERS, Force=True) == []
    assert numbers(emu) == {}
    assert listed(emu, "ListContactFlows")[0]["NumberList"] == []
    assert listed(emu, "ListSkillGroups")[1]["PhoneNumberCount"] == 0
    # Free for any instance again, without a flow or groups.
    assert call(emu, "AddPhoneNumbers", Usage="Outbound", NumberList=[FIRST]) == []
    again = numbers(emu)[FIRST]
    assert (again["ContactFlowId"], again["SkillGroups"]) == ("", [])


def test_remove_errors(emu: CccEmulation, inst: str) -> None:
    assert fails(emu, "RemovePhoneNumbers") == ("Parameter.Null", 400)
    assert fails(emu, "RemovePhoneNumbers", NumberList=[]) == ("Parameter.Empty", 400)
    assert fails(emu, "RemovePhoneNumbers", NumberList=[FIRST], Force="y") == (
        "Parameter.Enumeration",
        400,
    )


# --- numbers <-> skill groups -----------------------------------------------------------------


def test_links_from_both_sides(emu: CccEmulation, inst: str) -> None:
    add_group(emu, "sales")
    add_group(emu, "support")
    assert call(emu, "AddNumbersToSkillGroup", SkillGroupId=SALES, NumberList=NUMBERS) is None
    assert (
        call(emu, "AddPhoneNumberToSkillGroups", Number=FIRST, SkillGroupIdList=[SUPPORT]) is None
    )
    groups = {
        n: [g["SkillGroupId"] for g in item["SkillGroups"]] for n, item in numbers(emu).items()
    }
    assert groups == {FIRST: [SALES, SUPPORT], SECOND: [SALES]}
    of_sales = listed(emu, "ListPhoneNumbersOfSkillGroup", SkillGroupId=SALES)
    assert [n["Number"] for n in of_sales] == NUMBERS
    assert set(of_sales[0]) == {
        "Number",
        "Active",
        "Usage",
        "ContactFlowId",
        "Province",
        "City",
        "InstanceId",
    }
    call(emu, "RemovePhoneNumbersFromSkillGroup", SkillGroupId=SALES, NumberList=[FIRST])
    call(emu, "RemovePhoneNumberFromSkillGroups", Number=FIRST, SkillGroupIdList=[SUPPORT])
    assert [
        n["Number"] for n in listed(emu, "ListPhoneNumbersOfSkillGroup", SkillGroupId=SALES)
    ] == [SECOND]
    assert numbers(emu)[FIRST]["SkillGroups"] == []


def test_list_numbers_of_skill_group_filters(emu: CccEmulation, inst: str) -> None:
    add_group(emu, "sales")
    call(emu, "AddNumbersToSkillGroup", SkillGroupId=SALES, NumberList=[SECOND])

    def listed_numbers(**params: object) -> list[str]:
        items = listed(emu, "ListPhoneNumbersOfSkillGroup", SkillGroupId=SALES, **params)
        return [n["Number"] for n in items]

    assert listed_numbers(IsMember=True) == [SECOND]
    assert listed_numbers(IsMember=False) == [FIRST]
    assert listed_numbers(IsMember=False, SearchPattern="0002") == []
    assert listed_numbers(Active=False) == []
    assert fails(
        emu, "ListPhoneNumbersOfSkillGroup", SkillGroupId="x@y", PageNumber=1, PageSize=1
    ) == ("NotExists.SkillGroupId", 404)


def test_links_are_strict_and_atomic(emu: CccEmulation, inst: str) -> None:
    add_group(emu, "sales")
    add_group(emu, "support")
    call(emu, "AddNumbersToSkillGroup", SkillGroupId=SALES, NumberList=[SECOND])
    assert fails(emu, "AddNumbersToSkillGroup", SkillGroupId=SALES, NumberList=[FIRST, SECOND]) == (
        "AlreadyExists.SkillGroupPhoneNumber",
        409,
    )
    assert fails(
        emu, "AddNumbersToSkillGroup", SkillGroupId=SALES, NumberList=[FIRST, "0571777"]
    ) == (
        "NotExists.Number",
        404,
    )
    assert fails(
        emu, "RemovePhoneNumbersFromSkillGroup", SkillGroupId=SALES, NumberList=[SECOND, FIRST]
    ) == ("NotExists.SkillGroupPhoneNumber", 404)
    assert fails(
        emu, "AddPhoneNumberToSkillGroups", Number=SECOND, SkillGroupIdList=[SUPPORT, SALES]
    ) == ("AlreadyExists.SkillGroupPhoneNumber", 409)
    assert fails(
        emu, "AddPhoneNumberToSkillGroups", Number=SECOND, SkillGroupIdList=[SUPPORT, "x@y"]
    ) == ("NotExists.SkillGroupId", 404)
    assert fails(
        emu, "RemovePhoneNumberFromSkillGroups", Number=SECOND, SkillGroupIdList=[SALES, SUPPORT]
    ) == ("NotExists.SkillGroupPhoneNumber", 404)
    groups = {
        n: [g["SkillGroupId"] for g in item["SkillGroups"]] for n, item in numbers(emu).items()
    }
    assert groups == {FIRST: [], SECOND: [SALES]}


@pytest.mark.parametrize(
    ("action", "params"),
    [
        ("AddNumbersToSkillGroup", {"NumberList": [FIRST]}),
        ("RemovePhoneNumbersFromSkillGroup", {"NumberList": [FIRST]}),
        ("AddPhoneNumberToSkillGroups", {"Number": FIRST}),
        ("RemovePhoneNumberFromSkillGroups", {"Number": FIRST}),
    ],
)
def test_link_parameter_errors(
    emu: CccEmulation, inst: str, action: str, params: dict[str, object]
) -> None:
    assert fails(emu, action, **params) == ("Parameter.Null", 400)


def test_link_unknown_group_or_number(emu: CccEmulation, inst: str) -> None:
    add_group(emu, "sales")
    assert fails(emu, "AddNumbersToSkillGroup", SkillGroupId="x@y", NumberList=[FIRST]) == (
        "NotExists.SkillGroupId",
        404,
    )
    assert fails(
        emu, "AddPhoneNumberToSkillGroups", Number="0571777", SkillGroupIdList=[SALES]
    ) == (
        "NotExists.Number",
        404,
    )
    assert fails(
        emu, "RemovePhoneNumberFromSkillGroups", Number="0571777", SkillGroupIdList=[SALES]
    ) == ("NotExists.Number", 404)
