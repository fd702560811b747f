"""Scale: 10,000 instances created from 10 threads, then listed page by page.

Targets: the creations well within 20 s; listing all 100 pages of 100 well under 1 s.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from ccc_emulator import CccEmulation

THREADS = 10
PER_THREAD = 1_000


@pytest.fixture(scope="module")
def populated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[CccEmulation, float]]:
    emu = CccEmulation(Path(tmp_path_factory.mktemp("perf")), create_seconds=0)

    def create(worker: int) -> None:
        for i in range(PER_THREAD):
            params = {
                "Name": "Scale test",
                "DomainName": f"w{worker}-{i:05d}",
                "AdminRamIdList": json.dumps(["248613806810701"]),
                "NumberList": json.dumps([f"0571{worker}{i:06d}"]),
            }
            emu.handle("CreateInstance", params)

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        list(pool.map(create, range(THREADS)))
    yield emu, time.perf_counter() - started
    emu.close()


@pytest.mark.slow
def test_ten_thousand_creations_from_ten_threads(populated: tuple[CccEmulation, float]) -> None:
    emu, elapsed = populated
    print(f"\n10,000 CreateInstance from {THREADS} threads: {elapsed:.2f} s")
    page = emu.handle("ListInstances", {"PageNumber": "1", "PageSize": "1"})
    assert page["TotalCount"] == THREADS * PER_THREAD
    assert elapsed < 20


@pytest.mark.slow
def test_listing_ten_thousand_instances(populated: tuple[CccEmulation, float]) -> None:
    emu, _ = populated
    started = time.perf_counter()
    ids: list[str] = []
    for number in range(1, 101):
        page = emu.handle("ListInstances", {"PageNumber": str(number), "PageSize": "100"})
        ids += [item["Id"] for item in page["List"]]
        assert all(len(item["NumberList"]) == 1 for item in page["List"])
        assert all(len(item["AdminList"]) == 1 for item in page["List"])
    elapsed = time.perf_counter() - started
    print(f"\nListInstances, 100 pages of 100 over 10,000 instances: {elapsed:.3f} s")
    assert len(ids) == len(set(ids)) == THREADS * PER_THREAD
    assert elapsed < 1.0
