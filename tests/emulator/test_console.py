"""Console-only actions (QA enablement), account facts, files and the object's lifecycle."""

from __future__ import annotations

import re
import sqlite3
import stat
from pathlib import Path

import pytest

from ccc_emulator import CccEmulation
from ccc_emulator.errors import CccApiError, StoreError

from .conftest import MakeEmulation
from .helpers import FakeClock, create_params, created


def test_enable_conversation_analysis(emu: CccEmulation, clock: FakeClock) -> None:
    created(emu, clock, "acme-support")
    created(emu, clock, "acme-sales")
    assert emu.conversation_analysis_status() == {"acme-support": False, "acme-sales": False}
    emu.enable_conversation_analysis("acme-support")
    assert emu.conversation_analysis_status() == {"acme-support": True, "acme-sales": False}
    emu.enable_conversation_analysis("acme-support")  # idempotent
    assert emu.conversation_analysis_status() == {"acme-support": True, "acme-sales": False}


def test_enable_errors(emu: CccEmulation) -> None:
    with pytest.raises(CccApiError) as exc:
        emu.enable_conversation_analysis("acme-support")
    assert (exc.value.code, exc.value.http_status) == ("NotExists.InstanceId", 404)
    emu.handle("CreateInstance", create_params("acme-support"))
    with pytest.raises(CccApiError) as exc:
        emu.enable_conversation_analysis("acme-support")
    assert (exc.value.code, exc.value.http_status) == ("AbnormalService.Creating", 403)
    assert emu.conversation_analysis_status() == {"acme-support": False}


def test_status_follows_deletion(emu: CccEmulation, clock: FakeClock) -> None:
    created(emu, clock, "acme-support")
    emu.enable_conversation_analysis("acme-support")
    emu.handle("DeleteInstance", {"InstanceId": "acme-support"})
    assert emu.conversation_analysis_status() == {"acme-support": True}
    clock.advance(20)
    assert emu.conversation_analysis_status() == {}
    with pytest.raises(CccApiError):
        emu.enable_conversation_analysis("acme-support")
    # A new instance on the same access path starts without QA.
    created(emu, clock, "acme-support")
    assert emu.conversation_analysis_status() == {"acme-support": False}


def test_caller_identity_is_fixed_per_data_dir(
    make_emulation: MakeEmulation, tmp_path: Path
) -> None:
    first = make_emulation().caller_identity()
    assert re.fullmatch(r"[1-9][0-9]{15}", first)
    assert make_emulation().caller_identity() == first
    other = CccEmulation(tmp_path / "elsewhere")
    try:
        assert re.fullmatch(r"[0-9]{16}", other.caller_identity())
    finally:
        other.close()


def test_caller_identity_works_as_admin(emu: CccEmulation) -> None:
    me = emu.caller_identity()
    emu.handle("CreateInstance", create_params("acme-support", admins=[me]))
    admins = emu.handle("GetInstance", {"InstanceId": "acme-support"})["AdminList"]
    assert [a["LoginName"] for a in admins] == [me]


def test_files_are_private(data_dir: Path) -> None:
    CccEmulation(data_dir / "nested").close()
    assert stat.S_IMODE((data_dir / "nested").stat().st_mode) == 0o700
    db = data_dir / "nested" / "ccc.sqlite3"
    assert stat.S_IMODE(db.stat().st_mode) == 0o600


def test_closed_emulation_refuses_calls(data_dir: Path) -> None:
    with CccEmulation(data_dir) as emu:
        emu.handle("ListInstances", {"PageNumber": "1", "PageSize": "10"})
    with pytest.raises(StoreError, match="closed"):
        emu.handle("ListInstances", {"PageNumber": "1", "PageSize": "10"})


def test_negative_durations_are_refused(data_dir: Path) -> None:
    with pytest.raises(ValueError):
        CccEmulation(data_dir, create_seconds=-1)
    with pytest.raises(ValueError):
        CccEmulation(data_dir, create_seconds=1, delete_seconds=-1)


def test_data_survives_reopening(data_dir: Path, clock: FakeClock) -> None:
    with CccEmulation(data_dir, create_seconds=0, clock=clock) as emu:
        emu.handle("CreateInstance", create_params("acme-support"))
        emu.enable_conversation_analysis("acme-support")
    with CccEmulation(data_dir, clock=clock) as emu:
        assert emu.handle("GetInstance", {"InstanceId": "acme-support"})["Status"] == "RUNNING"
        assert emu.conversation_analysis_status() == {"acme-support": True}


def test_newer_schema_is_refused(data_dir: Path) -> None:
    CccEmulation(data_dir).close()
    conn = sqlite3.connect(data_dir / "ccc.sqlite3")
    conn.execute("PRAGMA user_version = 99")
    conn.commit()
    conn.close()
    with pytest.raises(StoreError, match="newer cccform"):
        CccEmulation(data_dir)
