"""Many contents in one instance: agents created from many threads at once, then listed.

50 skill groups, 20 flows, 100 numbers, and 500 agents in 3 skill groups each. How fast this goes
is measured by `benchmarks/emulator.py`; here only what it does.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from ccc_emulator import CccEmulation

INSTANCE = "perf-center"
THREADS = 10
PER_THREAD = 50
GROUPS = 50
FLOWS = 20
NUMBERS = 100


def _handle(emu: CccEmulation, action: str, **params: object) -> object:
    wire = {k: v if isinstance(v, str) else json.dumps(v) for k, v in params.items()}
    return emu.handle(action, {"InstanceId": INSTANCE, **wire})


def _furnish(emu: CccEmulation) -> None:
    numbers = [f"0571{n:07d}" for n in range(NUMBERS)]
    emu.handle(
        "CreateInstance",
        {
            "Name": "Perf center",
            "DomainName": INSTANCE,
            "AdminRamIdList": json.dumps(["248613806810701"]),
            "NumberList": json.dumps(numbers),
        },
    )
    for g in range(GROUPS):
        _handle(emu, "CreateSkillGroup", Name=f"group{g:02d}", DisplayName=f"Group {g}")
    for f in range(FLOWS):
        _handle(
            emu,
            "CreateContactFlow",
            Name=f"flow{f:02d}",
            Type="MAIN_FLOW",
            Definition='{"activities":[]}',
            Description="v1",
        )
    for g in range(GROUPS):
        group_numbers = numbers[2 * g : 2 * g + 2]
        _handle(
            emu,
            "AddNumbersToSkillGroup",
            SkillGroupId=f"group{g:02d}@{INSTANCE}",
            NumberList=group_numbers,
        )


@pytest.fixture(scope="module")
def populated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CccEmulation]:
    emu = CccEmulation(Path(tmp_path_factory.mktemp("perf-contents")), create_seconds=0)
    _furnish(emu)

    def create(worker: int) -> None:
        for i in range(PER_THREAD):
            n = worker * PER_THREAD + i
            levels = [
                {
                    "skillGroupId": f"group{(n + k * 17) % GROUPS:02d}@{INSTANCE}",
                    "skillLevel": k + 1,
                }
                for k in range(3)
            ]
            _handle(
                emu,
                "CreateUser",
                LoginName=f"agent{n:05d}",
                DisplayName=f"Agent {n}",
                Email=f"agent{n}@example.com",
                RoleId=f"Agent@{INSTANCE}",
                SkillLevelList=levels,
            )

    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        list(pool.map(create, range(THREADS)))
    yield emu
    emu.close()


@pytest.mark.slow
def test_every_user_created_from_many_threads_lands(populated: CccEmulation) -> None:
    emu = populated
    data = _handle(emu, "ListUsers", PageNumber="1", PageSize="1")
    assert isinstance(data, dict)
    assert data["TotalCount"] == THREADS * PER_THREAD + 1  # and the administrator


@pytest.mark.slow
def test_listing_users_page_by_page(populated: CccEmulation) -> None:
    emu = populated
    users: list[dict[str, object]] = []
    for number in range(1, 7):  # 5 full pages, the administrator alone on the 6th
        data = _handle(emu, "ListUsers", PageNumber=str(number), PageSize="100")
        assert isinstance(data, dict)
        users += data["List"]
    assert len({u["UserId"] for u in users}) == THREADS * PER_THREAD + 1
    extensions = {u["Extension"] for u in users}
    assert len(extensions) == len(users)
    agents = [u for u in users if u["RoleName"] == "Agent"]
    assert all(len(u["SkillLevelList"]) == 3 for u in agents)  # type: ignore[arg-type]


@pytest.mark.slow
def test_listing_the_other_contents(populated: CccEmulation) -> None:
    emu = populated
    groups = _handle(emu, "ListSkillGroups", PageNumber="1", PageSize="100")
    flows = _handle(emu, "ListContactFlows", PageNumber="1", PageSize="100")
    numbers = _handle(emu, "ListPhoneNumbers", PageNumber="1", PageSize="100")
    members = _handle(
        emu,
        "ListUserLevelsOfSkillGroup",
        SkillGroupId=f"group00@{INSTANCE}",
        IsMember="true",
        PageNumber="1",
        PageSize="100",
    )
    assert isinstance(groups, dict) and isinstance(flows, dict) and isinstance(numbers, dict)
    assert isinstance(members, dict)
    assert sum(g["UserCount"] for g in groups["List"]) == 3 * THREADS * PER_THREAD
    assert flows["TotalCount"] == FLOWS + 1
    assert numbers["TotalCount"] == NUMBERS
    assert members["TotalCount"] == 3 * THREADS * PER_THREAD // GROUPS
