"""Several emulation objects, threads and processes on one data directory at once."""

from __future__ import annotations

import multiprocessing
import sqlite3
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from ccc_emulator import CccEmulation, store
from ccc_emulator.errors import CccApiError

from .conftest import MakeEmulation
from .helpers import FakeClock, create_many, create_params, get, page


def test_two_objects_see_each_others_writes(
    make_emulation: MakeEmulation, clock: FakeClock
) -> None:
    one = make_emulation(create_seconds=0)
    two = make_emulation(create_seconds=0)
    one.handle("CreateInstance", create_params("acme-support"))
    assert get(two, "acme-support")["Status"] == "RUNNING"
    two.handle("ModifyInstance", {"InstanceId": "acme-support", "Description": "by two"})
    assert get(one, "acme-support")["Description"] == "by two"
    two.enable_conversation_analysis("acme-support")
    assert one.conversation_analysis_status() == {"acme-support": True}
    with pytest.raises(CccApiError) as exc:
        two.handle("CreateInstance", create_params("acme-support"))
    assert exc.value.code == "AlreadyExists.DomainName"
    one.handle("DeleteInstance", {"InstanceId": "acme-support"})
    assert page(two)["TotalCount"] == 0


def test_threads_create_and_read_without_errors(data_dir: Path) -> None:
    emu = CccEmulation(data_dir, create_seconds=0)
    stop = threading.Event()
    read_errors: list[BaseException] = []

    def create(worker: int) -> None:
        for i in range(50):
            params = create_params(f"t{worker}-{i:03d}", numbers=[f"05710{worker}{i:03d}"])
            emu.handle("CreateInstance", params)

    def read() -> None:
        try:
            while not stop.is_set():
                data = page(emu, 1, 100)
                assert data["TotalCount"] >= len(data["List"])
        except BaseException as exc:  # reported below
            read_errors.append(exc)

    readers = [threading.Thread(target=read) for _ in range(2)]
    for reader in readers:
        reader.start()
    try:
        with ThreadPoolExecutor(max_workers=10) as pool:
            list(pool.map(create, range(10)))
    finally:
        stop.set()
        for reader in readers:
            reader.join()
    assert read_errors == []
    assert page(emu)["TotalCount"] == 500
    emu.close()


def test_threads_racing_for_one_access_path_and_number(data_dir: Path) -> None:
    emu = CccEmulation(data_dir, create_seconds=0)

    def attempt(params: dict[str, str]) -> str:
        try:
            emu.handle("CreateInstance", params)
        except CccApiError as exc:
            return exc.code
        return "OK"

    same_domain = [create_params("contested") for _ in range(20)]
    same_number = [create_params(f"inst-{i:02d}", numbers=["0571999"]) for i in range(20)]
    with ThreadPoolExecutor(max_workers=10) as pool:
        domain_results = Counter(pool.map(attempt, same_domain))
        number_results = Counter(pool.map(attempt, same_number))
    assert domain_results == {"OK": 1, "AlreadyExists.DomainName": 19}
    assert number_results == {"OK": 1, "AlreadyExists.PhoneNumber": 19}
    emu.close()


@pytest.mark.slow
def test_processes_create_without_errors(tmp_path: Path) -> None:
    data_dir = tmp_path / "fresh"  # created concurrently by the workers themselves
    context = multiprocessing.get_context("spawn")
    jobs = [(str(data_dir), f"p{n:02d}", 50) for n in range(4)]
    with context.Pool(4) as pool:
        errors = pool.starmap(create_many, jobs)
    assert errors == [[], [], [], []]
    with CccEmulation(data_dir) as emu:
        ids = []
        for number in (1, 2, 3):
            ids += [item["Id"] for item in page(emu, number, 100)["List"]]
        assert page(emu)["TotalCount"] == 200
    assert len(ids) == len(set(ids)) == 200


@pytest.mark.slow
def test_processes_racing_for_the_same_access_paths(tmp_path: Path) -> None:
    data_dir = tmp_path / "race"
    CccEmulation(data_dir).close()
    context = multiprocessing.get_context("spawn")
    # Every worker tries the same 50 access paths (and numbers): each must exist exactly once.
    jobs = [(str(data_dir), "same00", 50) for _ in range(4)]
    with context.Pool(4) as pool:
        errors = pool.starmap(create_many, jobs)
    codes = Counter(code for worker in errors for code in worker)
    assert codes == {"AlreadyExists.DomainName": 150}
    with CccEmulation(data_dir) as emu:
        assert page(emu)["TotalCount"] == 50


def test_a_database_locked_too_long_is_an_internal_error(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(store, "BUSY_TIMEOUT_MS", 50)
    emu = CccEmulation(data_dir, create_seconds=0)
    other_process = sqlite3.connect(data_dir / "ccc.sqlite3", isolation_level=None)
    other_process.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(CccApiError) as exc:
            emu.handle("CreateInstance", create_params("acme-support"))
        assert (exc.value.code, exc.value.http_status) == ("InternalService.Common", 500)
        with pytest.raises(CccApiError):
            emu.enable_conversation_analysis("acme-support")
        # Readers are not blocked by a writer.
        assert page(emu)["TotalCount"] == 0
    finally:
        other_process.execute("ROLLBACK")
        other_process.close()
    emu.handle("CreateInstance", create_params("acme-support"))
    emu.close()
