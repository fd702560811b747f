"""A database file cut short, garbage or not the emulation's: `DamagedStoreError` when it opens."""

from __future__ import annotations

import random
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from ccc_emulator import CccEmulation, DamagedStoreError
from ccc_emulator.store import DB_FILE_NAME

from .helpers import create_params


def _real_database(data_dir: Path) -> Path:
    with CccEmulation(data_dir, create_seconds=0) as emulation:
        emulation.handle("CreateInstance", create_params())
    return data_dir / DB_FILE_NAME


def _truncate(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def _garbage(path: Path) -> None:
    path.write_bytes(random.Random(7).randbytes(16384))


def _sql(*statements: str) -> Callable[[Path], None]:
    def damage(path: Path) -> None:
        conn = sqlite3.connect(path)
        for statement in statements:
            conn.execute(statement)
        conn.commit()
        conn.close()

    return damage


def _foreign(path: Path) -> None:
    path.unlink()
    _sql("CREATE TABLE notes (body TEXT)")(path)


DAMAGE = {
    "truncated": (_truncate, "database disk image is malformed"),
    "garbage": (_garbage, "file is not a database"),
    "foreign-tables": (_foreign, "it holds tables that are not the emulation's (notes)"),
    "missing-table": (
        _sql("DROP TABLE contact_flow_drafts"),
        "table contact_flow_drafts is missing",
    ),
    "extra-table": (
        _sql("CREATE TABLE notes (body TEXT)"),
        "table notes is not one of the emulation's",
    ),
    "missing-column": (
        _sql("ALTER TABLE instances DROP COLUMN description"),
        "the columns of table instances are not the emulation's",
    ),
    "text-for-real": (
        _sql("UPDATE instances SET ready_at = 'soon'"),
        "column instances.ready_at holds 'soon' (text) where REAL belongs",
    ),
    "blob-for-text": (
        _sql("UPDATE instances SET name = x'00ff'"),
        "column instances.name holds b'\\x00\\xff' (blob) where TEXT belongs",
    ),
    "check-constraint": (
        _sql("PRAGMA ignore_check_constraints = 1", "UPDATE users SET role_name = 'Boss'"),
        "CHECK constraint failed in users",
    ),
    "no-account": (
        _sql("DELETE FROM meta WHERE key = 'caller_ram_id'"),
        "table meta has no caller_ram_id",
    ),
}


@pytest.mark.parametrize(("damage", "reason"), DAMAGE.values(), ids=DAMAGE.keys())
def test_a_damaged_database_is_refused_when_it_opens(
    data_dir: Path, damage: Callable[[Path], None], reason: str
) -> None:
    path = _real_database(data_dir)
    damage(path)
    with pytest.raises(DamagedStoreError) as exc:
        CccEmulation(data_dir)
    assert (exc.value.path, exc.value.reason) == (path, reason)
    assert str(exc.value) == f"{path} is not a usable emulation database: {reason}"


def test_an_empty_file_is_an_empty_emulation(data_dir: Path) -> None:
    data_dir.mkdir()
    (data_dir / DB_FILE_NAME).write_bytes(b"")
    with CccEmulation(data_dir) as emulation:
        listed = emulation.handle("ListInstances", {"PageNumber": "1", "PageSize": "10"})
    assert listed["TotalCount"] == 0


def test_a_database_damaged_after_it_opened_is_a_damaged_store_error(data_dir: Path) -> None:
    with CccEmulation(data_dir, create_seconds=0) as emulation:
        emulation.handle("CreateInstance", create_params())
        for name in (DB_FILE_NAME, f"{DB_FILE_NAME}-wal", f"{DB_FILE_NAME}-shm"):
            path = data_dir / name
            path.write_bytes(random.Random(name).randbytes(path.stat().st_size))
        with pytest.raises(DamagedStoreError) as exc:
            emulation.handle("ListInstances", {"PageNumber": "1", "PageSize": "10"})
    assert (exc.value.path, exc.value.reason) == (data_dir / DB_FILE_NAME, "file is not a database")
