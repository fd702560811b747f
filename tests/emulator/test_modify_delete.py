"""ModifyInstance and DeleteInstance, including asynchronous deletion and reuse afterwards."""

from __future__ import annotations

import uuid
from pathlib import Path

from ccc_emulator import CccEmulation

from .conftest import MakeEmulation
from .helpers import FakeClock, create_params, created, error_of, get, page, rows

# The `emu` fixture creates in 30 s and deletes in 20 s.


def delete(emu: CccEmulation, instance_id: str) -> str:
    task_id: str = emu.handle("DeleteInstance", {"InstanceId": instance_id})
    return task_id


# --- ModifyInstance ---------------------------------------------------------------------------


def test_modify_changes_the_description(emu: CccEmulation, clock: FakeClock) -> None:
    created(emu, clock, "acme-support", description="old")
    data = emu.handle("ModifyInstance", {"InstanceId": "acme-support", "Description": "new"})
    assert data is None
    assert get(emu, "acme-support")["Description"] == "new"
    assert page(emu)["List"][0]["Description"] == "new"


def test_modify_to_empty_and_without_description(emu: CccEmulation, clock: FakeClock) -> None:
    created(emu, clock, "acme-support", description="old")
    emu.handle("ModifyInstance", {"InstanceId": "acme-support"})
    assert get(emu, "acme-support")["Description"] == "old"
    emu.handle("ModifyInstance", {"InstanceId": "acme-support", "Description": ""})
    assert get(emu, "acme-support")["Description"] == ""


def test_modify_leaves_everything_else(emu: CccEmulation, clock: FakeClock) -> None:
    created(emu, clock, "acme-support", numbers=["0571001"])
    before = get(emu, "acme-support")
    emu.handle("ModifyInstance", {"InstanceId": "acme-support", "Description": "x" * 256})
    after = get(emu, "acme-support")
    assert {**before, "Description": "x" * 256} == after


def test_modify_errors(emu: CccEmulation, clock: FakeClock) -> None:
    emu.handle("CreateInstance", create_params("acme-support"))
    params = {"InstanceId": "acme-support", "Description": "new"}
    assert error_of(emu, "ModifyInstance", params) == ("AbnormalService.Creating", 403)
    clock.advance(30)
    too_long = {"InstanceId": "acme-support", "Description": "x" * 257}
    assert error_of(emu, "ModifyInstance", too_long) == ("Parameter.Maximum", 400)
    missing = {"InstanceId": "acme-other", "Description": "new"}
    assert error_of(emu, "ModifyInstance", missing) == ("NotExists.InstanceId", 404)
    assert error_of(emu, "ModifyInstance", {"Description": "new"}) == ("Parameter.Null", 400)
    assert get(emu, "acme-support")["Description"] == ""


def test_creating_message_names_the_instance(emu: CccEmulation) -> None:
    emu.handle("CreateInstance", create_params("acme-support"))
    try:
        emu.handle("ModifyInstance", {"InstanceId": "acme-support", "Description": "d"})
    except Exception as exc:
        assert "The instance acme-support is being created" in str(exc)
    else:
        raise AssertionError("ModifyInstance succeeded while creating")


# --- DeleteInstance ---------------------------------------------------------------------------


def test_delete_is_asynchronous(emu: CccEmulation, clock: FakeClock) -> None:
    created(emu, clock, "acme-support")
    task_id = delete(emu, "acme-support")
    assert str(uuid.UUID(task_id)) == task_id
    # Still there, status unchanged, until the deletion has finished.
    assert get(emu, "acme-support")["Status"] == "RUNNING"
    assert page(emu)["TotalCount"] == 1
    clock.advance(19.9)
    assert get(emu, "acme-support")["Status"] == "RUNNING"
    clock.advance(0.1)
    assert error_of(emu, "GetInstance", {"InstanceId": "acme-support"}) == (
        "NotExists.InstanceId",
        404,
    )
    assert page(emu) == {"PageNumber": 1, "PageSize": 100, "TotalCount": 0, "List": []}


def test_repeated_delete_returns_the_same_task(emu: CccEmulation, clock: FakeClock) -> None:
    created(emu, clock, "acme-support")
    first = delete(emu, "acme-support")
    clock.advance(10)
    assert delete(emu, "acme-support") == first
    clock.advance(10)
    assert error_of(emu, "DeleteInstance", {"InstanceId": "acme-support"}) == (
        "NotExists.InstanceId",
        404,
    )


def test_delete_errors(emu: CccEmulation, clock: FakeClock) -> None:
    emu.handle("CreateInstance", create_params("acme-support"))
    assert error_of(emu, "DeleteInstance", {"InstanceId": "acme-support"}) == (
        "AbnormalService.Creating",
        403,
    )
    assert error_of(emu, "DeleteInstance", {"InstanceId": "acme-other"}) == (
        "NotExists.InstanceId",
        404,
    )
    assert error_of(emu, "DeleteInstance", {}) == ("Parameter.Null", 400)
    clock.advance(30)
    delete(emu, "acme-support")


def test_access_path_and_numbers_are_reusable_after_deletion(
    emu: CccEmulation, clock: FakeClock
) -> None:
    created(emu, clock, "acme-support", numbers=["0571001"])
    delete(emu, "acme-support")
    # While the deletion runs, the access path and the number are still taken.
    assert error_of(emu, "CreateInstance", create_params("acme-support")) == (
        "AlreadyExists.DomainName",
        409,
    )
    assert error_of(emu, "CreateInstance", create_params("acme-other", numbers=["0571001"])) == (
        "AlreadyExists.PhoneNumber",
        409,
    )
    clock.advance(20)
    emu.handle("CreateInstance", create_params("acme-support", name="Second life"))
    emu.handle("CreateInstance", create_params("acme-other", numbers=["0571001"]))
    clock.advance(30)
    assert get(emu, "acme-support")["Name"] == "Second life"
    assert get(emu, "acme-support")["NumberList"] == []
    [number] = get(emu, "acme-other")["NumberList"]
    assert number["Number"] == "0571001"
    assert number["InstanceId"] == "acme-other"


def test_purge_removes_contents_but_keeps_owned_numbers(
    emu: CccEmulation, clock: FakeClock, data_dir: Path
) -> None:
    created(emu, clock, "acme-support", numbers=["0571001"])
    delete(emu, "acme-support")
    clock.advance(20)
    created(emu, clock, "acme-other")  # a write purges what is gone
    for table in ("users", "skill_groups", "contact_flows"):
        found = rows(data_dir, f"SELECT * FROM {table} WHERE instance_id = 'acme-support'")
        assert found == [], table
    [number] = rows(data_dir, "SELECT * FROM phone_numbers WHERE number = '0571001'")
    assert number["instance_id"] is None
    assert number["contact_flow_id"] is None
    ids = [r["id"] for r in rows(data_dir, "SELECT id FROM instances")]
    assert ids == ["acme-other"]


def test_others_are_untouched_by_a_deletion(emu: CccEmulation, clock: FakeClock) -> None:
    created(emu, clock, "acme-support", numbers=["0571001"])
    created(emu, clock, "acme-sales", numbers=["0571002"])
    before = get(emu, "acme-sales")
    delete(emu, "acme-support")
    clock.advance(20)
    created(emu, clock, "acme-third")
    assert get(emu, "acme-sales") == before
    assert [i["Id"] for i in page(emu)["List"]] == ["acme-sales", "acme-third"]


def test_modify_while_deleting_is_accepted(emu: CccEmulation, clock: FakeClock) -> None:
    created(emu, clock, "acme-support")
    delete(emu, "acme-support")
    emu.handle("ModifyInstance", {"InstanceId": "acme-support", "Description": "bye"})
    assert get(emu, "acme-support")["Description"] == "bye"


def test_delete_seconds_default_to_create_seconds(
    make_emulation: MakeEmulation, clock: FakeClock
) -> None:
    emu = make_emulation(create_seconds=5)
    created(emu, clock, "acme-support")
    delete(emu, "acme-support")
    clock.advance(4.9)
    assert get(emu, "acme-support")["Status"] == "RUNNING"
    clock.advance(0.1)
    assert error_of(emu, "GetInstance", {"InstanceId": "acme-support"})[1] == 404


def test_delete_seconds_zero_is_immediate(make_emulation: MakeEmulation) -> None:
    emu = make_emulation(create_seconds=0, delete_seconds=0)
    emu.handle("CreateInstance", create_params("acme-support", numbers=["0571001"]))
    delete(emu, "acme-support")
    assert page(emu)["TotalCount"] == 0
    emu.handle("CreateInstance", create_params("acme-support", numbers=["0571001"]))
    assert get(emu, "acme-support")["Status"] == "RUNNING"
