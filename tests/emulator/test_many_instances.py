"""Many instances created from many threads at once, then listed page by page.

How fast this goes is measured by `benchmarks/emulator.py`; here only what it does: every
creation lands, and pagination hands out each instance exactly once.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from ccc_emulator import CccEmulation

THREADS = 10
PER_THREAD = 105  # 1,050 instances: 10 full pages of 100 and a part page
PAGE_SIZE = 100


@pytest.fixture(scope="module")
def populated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CccEmulation]:
    emu = CccEmulation(Path(tmp_path_factory.mktemp("many")), create_seconds=0)

    def create(worker: int) -> None:
        for i in range(PER_THREAD):
            params = {
                "Name": "Scale test",
                "DomainName": f"w{worker}-{i:05d}",
                "AdminRamIdList": json.dumps(["248613806810701"]),
                "NumberList": json.dumps([f"0571{worker}{i:06d}"]),
            }
            emu.handle("CreateInstance", params)

    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        list(pool.map(create, range(THREADS)))
    yield emu
    emu.close()


@pytest.mark.slow
def test_every_creation_from_many_threads_lands(populated: CccEmulation) -> None:
    page = populated.handle("ListInstances", {"PageNumber": "1", "PageSize": "1"})
    assert page["TotalCount"] == THREADS * PER_THREAD


@pytest.mark.slow
def test_listing_page_by_page_hands_out_each_instance_once(populated: CccEmulation) -> None:
    ids: list[str] = []
    sizes: list[int] = []
    pages = -(-THREADS * PER_THREAD // PAGE_SIZE)
    for number in range(1, pages + 2):  # one page past the end, which is empty
        params = {"PageNumber": str(number), "PageSize": str(PAGE_SIZE)}
        page = populated.handle("ListInstances", params)
        ids += [item["Id"] for item in page["List"]]
        sizes.append(len(page["List"]))
        assert all(len(item["NumberList"]) == 1 for item in page["List"])
        assert all(len(item["AdminList"]) == 1 for item in page["List"])
    assert sizes == [PAGE_SIZE] * (pages - 1) + [THREADS * PER_THREAD % PAGE_SIZE, 0]
    assert len(ids) == len(set(ids)) == THREADS * PER_THREAD
