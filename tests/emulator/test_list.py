"""ListInstances: paging, order, counts and the item shape."""

from __future__ import annotations

import pytest

from ccc_emulator import CccEmulation

from .helpers import FakeClock, create_params, error_of, page


def _create(emu: CccEmulation, clock: FakeClock, count: int) -> list[str]:
    domains = []
    for i in range(count):
        domain = f"inst-{i:03d}"
        emu.handle("CreateInstance", create_params(domain, numbers=[f"0571{i:04d}"]))
        clock.advance(1)
        domains.append(domain)
    return domains


def test_pages_in_creation_order(emu: CccEmulation, clock: FakeClock) -> None:
    # Names sort differently from creation order, so the order cannot be by name or id.
    domains = [f"z-{n}" for n in ("cccc", "aaaa", "bbbb")] + ["a-last"]
    for domain in domains:
        emu.handle("CreateInstance", create_params(domain))
        clock.advance(1)
    data = page(emu, 1, 3)
    assert data["PageNumber"] == 1
    assert data["PageSize"] == 3
    assert data["TotalCount"] == 4
    assert [item["Id"] for item in data["List"]] == domains[:3]
    last = page(emu, 2, 3)
    assert last["TotalCount"] == 4
    assert [item["Id"] for item in last["List"]] == domains[3:]


def test_walking_all_pages_sees_each_instance_once(emu: CccEmulation, clock: FakeClock) -> None:
    domains = _create(emu, clock, 23)
    seen = []
    for number in range(1, 4):
        data = page(emu, number, 10)
        assert data["TotalCount"] == 23
        seen += [item["Id"] for item in data["List"]]
    assert seen == domains
    assert len(page(emu, 3, 10)["List"]) == 3


def test_page_beyond_the_end_is_empty(emu: CccEmulation, clock: FakeClock) -> None:
    _create(emu, clock, 2)
    data = page(emu, 5, 100)
    assert data == {"PageNumber": 5, "PageSize": 100, "TotalCount": 2, "List": []}


def test_empty_account(emu: CccEmulation) -> None:
    assert page(emu) == {"PageNumber": 1, "PageSize": 100, "TotalCount": 0, "List": []}


def test_item_shape(emu: CccEmulation, clock: FakeClock) -> None:
    created_at = clock.now
    emu.handle(
        "CreateInstance",
        create_params("acme-support", numbers=["0571001", "0571002"], description="hotline"),
    )
    [item] = page(emu)["List"]
    assert set(item) == {
        "Id",
        "DomainName",
        "Name",
        "Description",
        "AliyunUid",
        "ConsoleUrl",
        "CreateTime",
        "Status",
        "AdminList",
        "NumberList",
    }
    assert item["CreateTime"] == int(created_at * 1000)
    assert isinstance(item["CreateTime"], int)
    assert item["Description"] == "hotline"
    assert item["NumberList"] == [{"Number": "0571001"}, {"Number": "0571002"}]
    assert [admin["RoleName"] for admin in item["AdminList"]] == ["Admin"]
    assert item["AdminList"][0]["UserId"] == "248613806810701@acme-support"


def test_list_and_get_agree(emu: CccEmulation, clock: FakeClock) -> None:
    _create(emu, clock, 3)
    for item in page(emu)["List"]:
        full = emu.handle("GetInstance", {"InstanceId": item["Id"]})
        assert full["AdminList"] == item["AdminList"]
        assert [n["Number"] for n in full["NumberList"]] == [
            n["Number"] for n in item["NumberList"]
        ]
        assert {k: full[k] for k in ("Name", "Status", "ConsoleUrl")} == {
            k: item[k] for k in ("Name", "Status", "ConsoleUrl")
        }


def test_page_size_100_is_the_maximum(emu: CccEmulation) -> None:
    assert page(emu, 1, 100)["PageSize"] == 100
    params = {"PageNumber": "1", "PageSize": "101"}
    assert error_of(emu, "ListInstances", params) == ("Parameter.Maximum", 400)


def test_page_numbers_beyond_100_are_allowed(emu: CccEmulation) -> None:
    # The documented "1-100" for PageNumber is boilerplate; capping it would hide instances.
    assert page(emu, 101, 100)["List"] == []


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"PageSize": "10"}, "Parameter.Null"),
        ({"PageNumber": "1"}, "Parameter.Null"),
        ({"PageNumber": "", "PageSize": "10"}, "Parameter.Blank"),
        ({"PageNumber": "0", "PageSize": "10"}, "Parameter.Minimum"),
        ({"PageNumber": "1", "PageSize": "0"}, "Parameter.Minimum"),
        ({"PageNumber": "one", "PageSize": "10"}, "Parameter.Format"),
        ({"PageNumber": "1", "PageSize": "1.5"}, "Parameter.Format"),
    ],
)
def test_paging_parameter_errors(emu: CccEmulation, params: dict[str, str], code: str) -> None:
    assert error_of(emu, "ListInstances", params) == (code, 400)
