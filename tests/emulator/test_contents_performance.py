"""Scale inside one instance: 2,000 agents in 50 skill groups (3 each), 20 flows, 100 numbers.

Targets: the 2,000 CreateUser calls from 10 threads well within 10 s; ListUsers over all 20
pages of 100 (with every agent's skill levels) well under 0.3 s.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from ccc_emulator import CccEmulation

INSTANCE = "perf-center"
THREADS = 10
PER_THREAD = 200
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
def populated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[CccEmulation, float]]:
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

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        list(pool.map(create, range(THREADS)))
    yield emu, time.perf_counter() - started
    emu.close()


@pytest.mark.slow
def test_two_thousand_users_from_ten_threads(populated: tuple[CccEmulation, float]) -> None:
    emu, elapsed = populated
    print(f"\n2,000 CreateUser (3 skill levels each) from {THREADS} threads: {elapsed:.2f} s")
    data = _handle(emu, "ListUsers", PageNumber="1", PageSize="1")
    assert isinstance(data, dict)
    assert data["TotalCount"] == THREADS * PER_THREAD + 1  # and the administrator
    assert elapsed < 10


@pytest.mark.slow
def test_listing_two_thousand_users(populated: tuple[CccEmulation, float]) -> None:
    emu, _ = populated
    started = time.perf_counter()
    users: list[dict[str, object]] = []
    for number in range(1, 22):
        data = _handle(emu, "ListUsers", PageNumber=str(number), PageSize="100")
        assert isinstance(data, dict)
        users += data["List"]
    elapsed = time.perf_counter() - started
    print(f"\nListUsers, 21 pages of 100 over 2,001 users: {elapsed:.3f} s")
    assert len({u["UserId"] for u in users}) == THREADS * PER_THREAD + 1
    extensions = {u["Extension"] for u in users}
    assert len(extensions) == len(users)
    agents = [u for u in users if u["RoleName"] == "Agent"]
    assert all(len(u["SkillLevelList"]) == 3 for u in agents)  # type: ignore[arg-type]
    assert elapsed < 0.3


@pytest.mark.slow
def test_listing_the_other_contents(populated: tuple[CccEmulation, float]) -> None:
    emu, _ = populated
    started = time.perf_counter()
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
    elapsed = time.perf_counter() - started
    print(f"\nListSkillGroups + ListContactFlows + ListPhoneNumbers + members: {elapsed:.3f} s")
    assert isinstance(groups, dict) and isinstance(flows, dict) and isinstance(numbers, dict)
    assert isinstance(members, dict)
    assert sum(g["UserCount"] for g in groups["List"]) == 3 * THREADS * PER_THREAD
    assert flows["TotalCount"] == FLOWS + 1
    assert numbers["TotalCount"] == NUMBERS
    assert members["TotalCount"] == 3 * THREADS * PER_THREAD // GROUPS
    assert elapsed < 0.1
