"""The errored-state file: written beside the state, or wherever it can be."""

from __future__ import annotations

from pathlib import Path

import pytest

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
    target = write_errored_state(state(), tmp_path / "gone" / "cccform.state.json")
    assert target == tmp_path / "cccform.state.json.errored"
