"""Contact flows: create, list, the draft lifecycle, delete (Force)."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest

from ccc_emulator import CccEmulation

from .helpers import DEFINITION, INSTANCE, NUMBERS, FakeClock, add_flow, call, fails, listed

NEW_DEFINITION = {
    "activities": [{"id": "start", "type": "INCOMING_CALL"}, {"id": "bye", "type": "HANGUP"}]
}


def flows(emu: CccEmulation, **params: Any) -> dict[str, dict[str, Any]]:
    return {f["Name"]: f for f in listed(emu, "ListContactFlows", **params)}


def caller(emu: CccEmulation) -> str:
    return emu.caller_identity()


def test_create_makes_a_published_flow(emu: CccEmulation, inst: str, clock: FakeClock) -> None:
    clock.now = 1_700_000_100.5  # 2023-11-14 22:15:00.5 UTC
    flow_id = add_flow(emu, "hotline")
    assert str(uuid.UUID(flow_id)) == flow_id
    item = flows(emu)["hotline"]
    assert item == {
        "ContactFlowId": flow_id,
        "Name": "hotline",
        "Type": "MAIN_FLOW",
        "Description": "hotline v1",
        "Definition": json.dumps(DEFINITION),
        "Editor": caller(emu),
        "Published": True,
        "NumberList": [],
        "CreatedTime": "2023-11-15 06:15:00.5",
        "UpdatedTime": "2023-11-15 06:15:00.5",
        "InstanceId": INSTANCE,
    }


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"Type": "MAIN_FLOW", "Definition": "{}", "Description": "d"}, "Parameter.Null"),
        (
            {"Name": "x" * 65, "Type": "MAIN_FLOW", "Definition": "{}", "Description": "d"},
            "Parameter.Maximum",
        ),
        ({"Name": "f", "Definition": "{}", "Description": "d"}, "Parameter.Null"),
        (
            {"Name": "f", "Type": "IVR", "Definition": "{}", "Description": "d"},
            "Parameter.Enumeration",
        ),
        ({"Name": "f", "Type": "MAIN_FLOW", "Description": "d"}, "Parameter.Null"),
        (
            {"Name": "f", "Type": "MAIN_FLOW", "Definition": "[]", "Description": "d"},
            "Parameter.Format",
        ),
        (
            {"Name": "f", "Type": "MAIN_FLOW", "Definition": "{oops", "Description": "d"},
            "Parameter.Format",
        ),
        pytest.param(
            {
                "Name": "f",
                "Type": "MAIN_FLOW",
                "Definition": '{"a":' * 100_000 + "1" + "}" * 100_000,
                "Description": "d",
            },
            "Parameter.Format",
            id="definition-nested-too-deeply",
        ),
        ({"Name": "f", "Type": "MAIN_FLOW", "Definition": "{}"}, "Parameter.Null"),
        (
            {"Name": "f", "Type": "MAIN_FLOW", "Definition": "{}", "Description": ""},
            "Parameter.Blank",
        ),
        (
            {"Name": "f", "Type": "MAIN_FLOW", "Definition": "{}", "Description": "d" * 257},
            "Parameter.Maximum",
        ),
    ],
)
def test_create_parameter_errors(
    emu: CccEmulation, inst: str, params: dict[str, str], code: str
) -> None:
    assert fails(emu, "CreateContactFlow", **params) == (code, 400)
    assert len(flows(emu)) == 1


def test_duplicate_name(emu: CccEmulation, inst: str) -> None:
    add_flow(emu, "hotline")
    assert fails(
        emu, "CreateContactFlow", Name="hotline", Type="SUB_FLOW", Definition="{}", Description="d"
    ) == ("AlreadyExists.ContactFlowName", 409)
    assert fails(
        emu,
        "CreateContactFlow",
        Name="default_main_flow",
        Type="MAIN_FLOW",
        Definition="{}",
        Description="d",
    ) == ("AlreadyExists.ContactFlowName", 409)


def test_draft_lifecycle(emu: CccEmulation, inst: str, clock: FakeClock) -> None:
    flow_id = add_flow(emu, "hotline")
    published = flows(emu)["hotline"]
    clock.advance(60)
    draft_id = call(emu, "StartEditContactFlow", ContactFlowId=flow_id)
    assert str(uuid.UUID(draft_id)) == draft_id
    assert flows(emu)["hotline"] == {**published, "DraftId": draft_id}
    draft = call(emu, "GetContactFlow", ContactFlowId=flow_id, DraftId=draft_id)
    assert draft == {
        "ContactFlowId": flow_id,
        "DraftId": draft_id,
        "Name": "hotline",
        "Type": "MAIN_FLOW",
        "Definition": json.dumps(DEFINITION),  # a copy of the published version
        "Description": "hotline v1",
        "Editor": caller(emu),
        "Published": False,
        "CreatedTime": published["CreatedTime"],
        "UpdatedTime": draft["UpdatedTime"],
        "InstanceId": INSTANCE,
    }
    assert draft["UpdatedTime"] != published["UpdatedTime"]

    assert (
        call(
            emu,
            "CommitContactFlow",
            ContactFlowId=flow_id,
            DraftId=draft_id,
            Definition=NEW_DEFINITION,
            Description="v2",
        )
        is None
    )
    saved = call(emu, "GetContactFlow", ContactFlowId=flow_id, DraftId=draft_id)
    assert (json.loads(saved["Definition"]), saved["Description"]) == (NEW_DEFINITION, "v2")
    assert flows(emu)["hotline"]["Definition"] == json.dumps(DEFINITION)  # not yet published

    clock.advance(60)
    assert call(emu, "PublishContactFlow", ContactFlowId=flow_id, DraftId=draft_id) is None
    item = flows(emu)["hotline"]
    assert "DraftId" not in item
    assert (json.loads(item["Definition"]), item["Description"]) == (NEW_DEFINITION, "v2")
    assert item["UpdatedTime"] > published["UpdatedTime"]
    assert item["CreatedTime"] == published["CreatedTime"]
    assert item["Published"] is True
    # The draft is closed.
    assert fails(emu, "GetContactFlow", ContactFlowId=flow_id, DraftId=draft_id) == (
        "NotExists.DraftId",
        404,
    )


def test_a_second_start_edit_returns_the_open_draft(emu: CccEmulation, inst: str) -> None:
    flow_id = add_flow(emu, "hotline")
    draft_id = call(emu, "StartEditContactFlow", ContactFlowId=flow_id)
    call(
        emu,
        "CommitContactFlow",
        ContactFlowId=flow_id,
        DraftId=draft_id,
        Definition=NEW_DEFINITION,
        Description="v2",
    )
    assert call(emu, "StartEditContactFlow", ContactFlowId=flow_id) == draft_id
    # ... unchanged: the committed edit is still there.
    saved = call(emu, "GetContactFlow", ContactFlowId=flow_id, DraftId=draft_id)
    assert saved["Description"] == "v2"


def test_discard_keeps_the_published_version(emu: CccEmulation, inst: str) -> None:
    flow_id = add_flow(emu, "hotline")
    published = flows(emu)["hotline"]
    draft_id = call(emu, "StartEditContactFlow", ContactFlowId=flow_id)
    call(
        emu,
        "CommitContactFlow",
        ContactFlowId=flow_id,
        DraftId=draft_id,
        Definition=NEW_DEFINITION,
        Description="v2",
    )
    assert call(emu, "DiscardEditingContactFlow", ContactFlowId=flow_id, DraftId=draft_id) is None
    assert flows(emu)["hotline"] == published
    assert fails(emu, "PublishContactFlow", ContactFlowId=flow_id, DraftId=draft_id) == (
        "NotExists.DraftId",
        404,
    )
    # A new edit starts from the published version with a new draft.
    again = call(emu, "StartEditContactFlow", ContactFlowId=flow_id)
    assert again != draft_id
    assert call(emu, "GetContactFlow", ContactFlowId=flow_id, DraftId=again)["Description"] == (
        "hotline v1"
    )


@pytest.mark.parametrize(
    "action",
    ["GetContactFlow", "CommitContactFlow", "PublishContactFlow", "DiscardEditingContactFlow"],
)
def test_draft_operations_need_the_open_draft(emu: CccEmulation, inst: str, action: str) -> None:
    flow_id = add_flow(emu, "hotline")
    other_id = add_flow(emu, "other")
    other_draft = call(emu, "StartEditContactFlow", ContactFlowId=other_id)
    extra: dict[str, Any] = {}
    if action == "CommitContactFlow":
        extra = {"Definition": NEW_DEFINITION, "Description": "v2"}
    # No draft open at all, then another flow's draft.
    assert fails(emu, action, ContactFlowId=flow_id, DraftId=str(uuid.uuid4()), **extra) == (
        "NotExists.DraftId",
        404,
    )
    call(emu, "StartEditContactFlow", ContactFlowId=flow_id)
    assert fails(emu, action, ContactFlowId=flow_id, DraftId=other_draft, **extra) == (
        "NotExists.DraftId",
        404,
    )
    assert fails(emu, action, ContactFlowId="nope", DraftId=other_draft, **extra) == (
        "NotExists.ContactFlowId",
        404,
    )
    assert fails(emu, action, ContactFlowId=flow_id, **extra) == ("Parameter.Null", 400)
    assert fails(emu, action, DraftId=other_draft, **extra) == ("Parameter.Null", 400)


def test_commit_parameter_errors(emu: CccEmulation, inst: str) -> None:
    flow_id = add_flow(emu, "hotline")
    draft_id = call(emu, "StartEditContactFlow", ContactFlowId=flow_id)
    ids = {"ContactFlowId": flow_id, "DraftId": draft_id}
    assert fails(emu, "CommitContactFlow", **ids, Description="v2") == ("Parameter.Null", 400)
    assert fails(emu, "CommitContactFlow", **ids, Definition="[1]", Description="v2") == (
        "Parameter.Format",
        400,
    )
    assert fails(emu, "CommitContactFlow", **ids, Definition="{}") == ("Parameter.Null", 400)


def test_start_edit_unknown_flow(emu: CccEmulation, inst: str) -> None:
    assert fails(emu, "StartEditContactFlow", ContactFlowId="nope") == (
        "NotExists.ContactFlowId",
        404,
    )
    assert fails(emu, "StartEditContactFlow") == ("Parameter.Null", 400)


def test_number_list_shows_bound_numbers(emu: CccEmulation, inst: str) -> None:
    flow_id = add_flow(emu, "hotline")
    call(emu, "ModifyPhoneNumber", Number=NUMBERS[1], Usage="Inbound", ContactFlowId=flow_id)
    listed_flows = flows(emu)
    assert listed_flows["hotline"]["NumberList"] == [NUMBERS[1]]
    assert listed_flows["default_main_flow"]["NumberList"] == [NUMBERS[0]]


def test_delete_refuses_a_flow_numbers_answer_with(emu: CccEmulation, inst: str) -> None:
    default_id = flows(emu)["default_main_flow"]["ContactFlowId"]
    assert fails(emu, "DeleteContactFlow", ContactFlowId=default_id) == ("InUse.ContactFlow", 400)
    assert fails(emu, "DeleteContactFlow", ContactFlowId=default_id, Force=False) == (
        "InUse.ContactFlow",
        400,
    )
    call(emu, "StartEditContactFlow", ContactFlowId=default_id)
    assert call(emu, "DeleteContactFlow", ContactFlowId=default_id, Force=True) is None
    assert flows(emu) == {}
    numbers = listed(emu, "ListPhoneNumbers")
    assert [(n["Number"], n["ContactFlowId"]) for n in numbers] == [(n, "") for n in NUMBERS]


def test_delete_an_unused_flow(emu: CccEmulation, inst: str) -> None:
    flow_id = add_flow(emu, "hotline")
    call(emu, "StartEditContactFlow", ContactFlowId=flow_id)
    assert call(emu, "DeleteContactFlow", ContactFlowId=flow_id) is None
    assert "hotline" not in flows(emu)
    assert fails(emu, "DeleteContactFlow", ContactFlowId=flow_id) == (
        "NotExists.ContactFlowId",
        404,
    )
    add_flow(emu, "hotline")  # the name is free again


def test_list_filters_order_and_pages(emu: CccEmulation, inst: str, clock: FakeClock) -> None:
    for name, flow_type in (
        ("b-sub", "SUB_FLOW"),
        ("a-survey", "SURVEY_FLOW"),
        ("c-main", "MAIN_FLOW"),
    ):
        clock.advance(1)
        add_flow(emu, name, flow_type)
    newest_first = ["c-main", "a-survey", "b-sub", "default_main_flow"]
    assert list(flows(emu)) == newest_first
    assert list(flows(emu, SortOrder="ASC")) == newest_first[::-1]
    assert list(flows(emu, OrderByField="name", SortOrder="ASC")) == sorted(newest_first)
    assert list(flows(emu, OrderByField="createdTime")) == newest_first
    assert list(flows(emu, Type="MAIN_FLOW")) == ["c-main", "default_main_flow"]
    assert list(flows(emu, SearchPattern="SUR")) == ["a-survey"]
    page = call(emu, "ListContactFlows", PageNumber=2, PageSize=3)
    assert (page["TotalCount"], [f["Name"] for f in page["List"]]) == (4, ["default_main_flow"])
    for bad in ({"Type": "FLOW"}, {"OrderByField": "size"}, {"SortOrder": "desc"}):
        assert fails(emu, "ListContactFlows", PageNumber=1, PageSize=1, **bad) == (
            "Parameter.Enumeration",
            400,
        )
