"""The instance operations of the CCC emulation, through `handle` with wire parameters."""

from __future__ import annotations

import json
import re
import uuid
from pathlib import Path

import pytest

from ccc_emulator import CccEmulation
from ccc_emulator.errors import CccApiError

from .conftest import MakeEmulation
from .helpers import ADMIN, FakeClock, create_params, error_of, get, page, rows

# --- CreateInstance / GetInstance -------------------------------------------------------------


def test_create_returns_a_workflow_id(emu: CccEmulation) -> None:
    workflow_id = emu.handle("CreateInstance", create_params())
    assert isinstance(workflow_id, str)
    assert str(uuid.UUID(workflow_id)) == workflow_id


def test_get_instance_has_the_real_shape(emu: CccEmulation) -> None:
    emu.handle(
        "CreateInstance",
        create_params(
            "acme-support",
            name="Support Center",
            description="Hangzhou hotline",
            numbers=["057188880001"],
        ),
    )
    data = get(emu, "acme-support")
    assert set(data) == {
        "Id",
        "DomainName",
        "Name",
        "Description",
        "AliyunUid",
        "ConsoleUrl",
        "Status",
        "AdminList",
        "NumberList",
    }
    assert data["Id"] == data["DomainName"] == "acme-support"
    assert data["Name"] == "Support Center"
    assert data["Description"] == "Hangzhou hotline"
    assert re.fullmatch(r"[1-9][0-9]{15}", data["AliyunUid"])
    assert data["ConsoleUrl"] == "https://ccc-v2.aliyun.com/#/workbench/acme-support"
    assert data["Status"] == "CREATING"
    assert data["AdminList"] == [
        {
            "UserId": f"{ADMIN}@acme-support",
            "LoginName": ADMIN,
            "DisplayName": ADMIN,
            "Email": "",
            "Mobile": "",
            "Extension": "8001",
            "RoleId": "Admin@acme-support",
            "RoleName": "Admin",
            "WorkMode": "ON_SITE",
            "InstanceId": "acme-support",
        }
    ]
    [number] = data["NumberList"]
    assert number["Number"] == "057188880001"
    assert number["Active"] is True
    assert number["Usage"] == "Bidirection"
    assert number["InstanceId"] == "acme-support"
    assert number["SkillGroups"] == []
    assert number["ContactFlowId"]
    assert {"UserId", "Province", "City"} <= set(number)


def test_description_defaults_to_empty(emu: CccEmulation) -> None:
    emu.handle("CreateInstance", create_params())
    assert get(emu, "acme-support")["Description"] == ""


def test_creation_is_asynchronous(emu: CccEmulation, clock: FakeClock) -> None:
    emu.handle("CreateInstance", create_params())
    assert get(emu, "acme-support")["Status"] == "CREATING"
    assert page(emu)["List"][0]["Status"] == "CREATING"
    clock.advance(29.9)
    assert get(emu, "acme-support")["Status"] == "CREATING"
    clock.advance(0.1)
    assert get(emu, "acme-support")["Status"] == "RUNNING"
    assert page(emu)["List"][0]["Status"] == "RUNNING"


def test_create_seconds_zero_is_running_at_once(make_emulation: MakeEmulation) -> None:
    emu = make_emulation(create_seconds=0)
    emu.handle("CreateInstance", create_params())
    assert get(emu, "acme-support")["Status"] == "RUNNING"


def test_status_is_shared_through_the_database(
    make_emulation: MakeEmulation, clock: FakeClock
) -> None:
    # The creation time is stored with the instance, not taken from whoever reads it.
    slow = make_emulation(create_seconds=100)
    fast = make_emulation(create_seconds=0)
    slow.handle("CreateInstance", create_params())
    assert get(fast, "acme-support")["Status"] == "CREATING"
    clock.advance(100)
    assert get(fast, "acme-support")["Status"] == "RUNNING"


def test_get_unknown_instance(emu: CccEmulation) -> None:
    assert error_of(emu, "GetInstance", {"InstanceId": "nope-nope"}) == (
        "NotExists.InstanceId",
        404,
    )
    with pytest.raises(CccApiError, match="The specified instance nope-nope does not exist"):
        emu.handle("GetInstance", {"InstanceId": "nope-nope"})


def test_get_needs_an_instance_id(emu: CccEmulation) -> None:
    assert error_of(emu, "GetInstance", {}) == ("Parameter.Null", 400)
    assert error_of(emu, "GetInstance", {"InstanceId": ""}) == ("Parameter.Blank", 400)


# --- platform defaults ------------------------------------------------------------------------


def test_platform_defaults(emu: CccEmulation, data_dir: Path) -> None:
    emu.handle(
        "CreateInstance",
        create_params(
            "acme-support", admins=["111111", "222222", "111111"], numbers=["0571001", "0571002"]
        ),
    )
    admins = get(emu, "acme-support")["AdminList"]
    assert [a["UserId"] for a in admins] == ["111111@acme-support", "222222@acme-support"]
    assert [a["Extension"] for a in admins] == ["8001", "8002"]
    assert {a["RoleId"] for a in admins} == {"Admin@acme-support"}

    [group] = rows(data_dir, "SELECT * FROM skill_groups WHERE instance_id = 'acme-support'")
    assert group["skill_group_id"] == "default_skill_group@acme-support"
    assert group["name"] == "default_skill_group"
    assert group["media_type"] == "AUDIO"

    [flow] = rows(data_dir, "SELECT * FROM contact_flows WHERE instance_id = 'acme-support'")
    assert flow["type"] == "MAIN_FLOW"
    assert flow["published"] == 1
    definition = json.loads(flow["definition"])
    types = [activity["type"] for activity in definition["activities"]]
    assert types[0] == "INCOMING_CALL"
    assert types[-1] == "HANGUP"
    assert "default_skill_group@acme-support" in flow["definition"]

    numbers = get(emu, "acme-support")["NumberList"]
    assert [n["Number"] for n in numbers] == ["0571001", "0571002"]
    assert {n["ContactFlowId"] for n in numbers} == {flow["contact_flow_id"]}
    assert {n["Usage"] for n in numbers} == {"Bidirection"}


def test_without_numbers_the_instance_has_none(emu: CccEmulation) -> None:
    emu.handle("CreateInstance", create_params())
    assert get(emu, "acme-support")["NumberList"] == []


def test_duplicate_numbers_in_one_request_bind_once(emu: CccEmulation) -> None:
    emu.handle("CreateInstance", create_params(numbers=["0571001", "0571001"]))
    assert [n["Number"] for n in get(emu, "acme-support")["NumberList"]] == ["0571001"]


# --- CreateInstance errors --------------------------------------------------------------------

VALID = create_params("acme-support", numbers=["057188880001"], description="d")


def _with(**changes: str | None) -> dict[str, str]:
    params = dict(VALID)
    for key, value in changes.items():
        if value is None:
            params.pop(key, None)
        else:
            params[key] = value
    return params


@pytest.mark.parametrize(
    ("params", "code"),
    [
        (_with(Name=None), "Parameter.Null"),
        (_with(Name=""), "Parameter.Blank"),
        (_with(Name="    "), "Parameter.Blank"),
        (_with(Name="abc"), "Parameter.Minimum"),
        (_with(Name="x" * 33), "Parameter.Maximum"),
        (_with(DomainName=None), "Parameter.Null"),
        (_with(DomainName=""), "Parameter.Blank"),
        (_with(DomainName="abc"), "Parameter.Minimum"),
        (_with(DomainName="a" * 49), "Parameter.Maximum"),
        (_with(DomainName="acme.support"), "Parameter.Format"),
        (_with(DomainName="acme support"), "Parameter.Format"),
        (_with(DomainName="acmé-support"), "Parameter.Format"),
        (_with(Description="x" * 257), "Parameter.Maximum"),
        (_with(AdminRamIdList=None), "Parameter.Null"),
        (_with(AdminRamIdList=""), "Parameter.Blank"),
        (_with(AdminRamIdList="[]"), "Parameter.Empty"),
        (_with(AdminRamIdList="123"), "Parameter.Format"),
        (_with(AdminRamIdList="[123]"), "Parameter.Format"),
        (_with(AdminRamIdList='["12", '), "Parameter.Format"),
        (_with(AdminRamIdList='["alice"]'), "Parameter.Format"),
        (_with(NumberList='"057188880001"'), "Parameter.Format"),
        (_with(NumberList="[57188880001]"), "Parameter.Format"),
    ],
)
def test_create_parameter_errors(
    emu: CccEmulation, params: dict[str, str], code: str, data_dir: Path
) -> None:
    assert error_of(emu, "CreateInstance", params) == (code, 400)
    assert rows(data_dir, "SELECT COUNT(*) FROM instances")[0][0] == 0


@pytest.mark.parametrize(
    "params",
    [
        _with(Name="x" * 32, DomainName="a" * 48, Description="x" * 256),
        _with(Name="abcd", DomainName="A_b-"),
        _with(Description=None, NumberList=None),
        _with(NumberList="[]"),
        _with(Name="客服中心一号"),
    ],
)
def test_create_accepts_limits(emu: CccEmulation, params: dict[str, str]) -> None:
    emu.handle("CreateInstance", params)
    assert page(emu)["TotalCount"] == 1


def test_malformed_number_is_not_owned(emu: CccEmulation) -> None:
    assert error_of(emu, "CreateInstance", _with(NumberList='["not-a-number"]')) == (
        "NotExists.Number",
        404,
    )


def test_access_path_is_unique(emu: CccEmulation) -> None:
    emu.handle("CreateInstance", create_params("acme-support"))
    with pytest.raises(CccApiError) as exc:
        emu.handle("CreateInstance", create_params("acme-support", name="Other name"))
    assert (exc.value.code, exc.value.http_status) == ("AlreadyExists.DomainName", 409)
    assert exc.value.message == "Instance acme-support already exists."


def test_access_path_uniqueness_ignores_case(emu: CccEmulation) -> None:
    emu.handle("CreateInstance", create_params("acme-support"))
    assert error_of(emu, "CreateInstance", create_params("ACME-Support")) == (
        "AlreadyExists.DomainName",
        409,
    )


def test_number_bound_to_another_instance_is_rejected(emu: CccEmulation, data_dir: Path) -> None:
    emu.handle("CreateInstance", create_params("acme-support", numbers=["0571001"]))
    with pytest.raises(CccApiError) as exc:
        emu.handle("CreateInstance", create_params("acme-sales", numbers=["0571002", "0571001"]))
    assert (exc.value.code, exc.value.http_status) == ("AlreadyExists.PhoneNumber", 409)
    assert "0571001" in exc.value.message
    # Nothing of the failed request is left behind.
    assert error_of(emu, "GetInstance", {"InstanceId": "acme-sales"})[0] == "NotExists.InstanceId"
    assert rows(data_dir, "SELECT number FROM phone_numbers WHERE number = '0571002'") == []


def test_unknown_action(emu: CccEmulation) -> None:
    with pytest.raises(CccApiError) as exc:
        emu.handle("CreateInstances", {})
    assert (exc.value.code, exc.value.http_status) == ("InvalidApi.NotFound", 404)
    assert "CreateInstances" in exc.value.message


def test_actions_lists_the_operations(emu: CccEmulation) -> None:
    # The operations on an instance's contents are listed in test_contents.py.
    assert {
        "CreateInstance",
        "GetInstance",
        "ListInstances",
        "ModifyInstance",
        "DeleteInstance",
    } <= emu.actions
