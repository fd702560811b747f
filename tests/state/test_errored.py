"""The errored-state file: written beside the state, or wherever it can be."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

from cccform import files
from cccform.state.errored import write_errored_state
from cccform.state.fileformat import parse
from cccform.state.models import ResourceState, State


def state() -> State:
    return State(resources={"instance.a": ResourceState(remote_id="acme-a", attributes={})})


def test_written_beside_the_state_file_with_mode_0600(tmp_path: Path) -> None:
    target = write_errored_state(state(), tmp_path / "cccform.state.json")
    assert target == tmp_path / "cccform.state.json.errored"
    assert target.stat().st_mode & 0o777 == 0o600
    assert parse(target.read_bytes(), str(target)).resources == state().resources


def test_falls_back_to_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    rescued = state()
    target = write_errored_state(rescued, tmp_path / "gone" / "cccform.state.json")
    assert target == tmp_path / f"cccform.state.json.{rescued.lineage}.errored"


def test_two_projects_falling_back_do_not_share_a_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    first, second = state(), state()
    one = write_errored_state(first, tmp_path / "gone" / "cccform.state.json")
    two = write_errored_state(second, tmp_path / "away" / "cccform.state.json")
    assert one is not None and two is not None and one != two
    assert parse(one.read_bytes(), str(one)).lineage == first.lineage
    assert parse(two.read_bytes(), str(two)).lineage == second.lineage


def test_a_file_that_does_not_read_back_whole_is_never_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    real = files.create_private_file

    def short_write(path: Path, data: bytes) -> None:  # as on a nearly full disk
        real(path, data[: len(data) // 2])

    monkeypatch.setattr(files, "create_private_file", short_write)
    monkeypatch.setattr(tempfile, "gettempdir", lambda: str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    assert write_errored_state(state(), tmp_path / "cccform.state.json") is None
    assert not list(tmp_path.rglob("*.errored"))
