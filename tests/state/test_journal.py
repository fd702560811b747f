"""The journal of a local state: saves under the lock, replay, a torn last line, compaction,
and the lines that do not continue the file."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from cccform.errors import StateError
from cccform.state import local
from cccform.state.local import LocalStateStore
from cccform.state.models import PendingCreate, ResourceState, State


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "cccform.state.json"


def journal_of(path: Path) -> Path:
    return path.with_name(path.name + ".journal")


def on_disk(path: Path) -> State:
    return State.model_validate_json(path.read_bytes())


def resource(name: str) -> ResourceState:
    return ResourceState(remote_id=f"id-{name}", attributes={"name": name})


def started(path: Path, *names: str) -> State:
    """A state file holding `names`, written whole (outside a lock)."""
    store = LocalStateStore(path)
    state = store.read()
    state.resources.update({f"ccc_user.{name}": resource(name) for name in names})
    return store.write(state)


@contextlib.contextmanager
def one_save_in_the_journal(path: Path) -> Iterator[tuple[LocalStateStore, State]]:
    """Under the lock, over a file holding ccc_user.a: the save that adds ccc_user.b."""
    started(path, "a")
    store = LocalStateStore(path)
    with store.lock("apply"):
        state = store.read()
        state.resources["ccc_user.b"] = resource("b")
        saved = store.write(state)
        assert journal_of(path).exists()
        yield store, saved


def test_saves_under_the_lock_go_to_the_journal_and_are_replayed(path: Path) -> None:
    started(path, "a", "b")
    store = LocalStateStore(path)
    with store.lock("apply"):
        state = store.read()
        state.resources["ccc_user.c"] = resource("c")
        del state.resources["ccc_user.a"]
        state.pending["instance.x"] = PendingCreate(access_path="x", name="x")
        state = store.write(state)
        assert state.serial == 2
        assert on_disk(path).serial == 1  # the file is not rewritten
        assert stat.S_IMODE(journal_of(path).stat().st_mode) == 0o600
        line = json.loads(journal_of(path).read_bytes())
        assert (line["serial"], line["dropped"], sorted(line["resources"])) == (
            2,
            ["ccc_user.a"],
            ["ccc_user.c"],
        )
        seen = LocalStateStore(path).read()
        assert seen == state
        assert [entry.serial for entry in LocalStateStore(path).history()] == [2]


def test_releasing_the_lock_folds_the_journal_into_the_file(path: Path) -> None:
    first = started(path, "a")
    store = LocalStateStore(path)
    with store.lock("apply"):
        state = store.read()
        for name in ("b", "c"):
            state.resources[f"ccc_user.{name}"] = resource(name)
            state = store.write(state)
    assert not journal_of(path).exists()
    assert on_disk(path) == state and state.serial == 3
    assert on_disk(store.backup_path) == first  # the file as the run found it


def test_a_torn_last_line_is_ignored(path: Path) -> None:
    with one_save_in_the_journal(path) as (_, saved):
        with journal_of(path).open("ab") as stream:
            stream.write(b'{"dropped": [], "lineage": "' + saved.lineage.encode())
        assert LocalStateStore(path).read() == saved


def test_the_first_save_after_a_crash_writes_the_file_whole(path: Path, tmp_path: Path) -> None:
    crashed = tmp_path / "crashed" / path.name
    crashed.parent.mkdir()
    with one_save_in_the_journal(path):
        with journal_of(path).open("ab") as stream:
            stream.write(b'{"dropped": [')  # cut short by the crash
        # What a kill leaves: the file and its journal, never folded at release.
        shutil.copy(path, crashed)
        shutil.copy(journal_of(path), journal_of(crashed))
    again = LocalStateStore(crashed)
    with again.lock("apply"):
        state = again.read()
        assert (state.serial, set(state.resources)) == (2, {"ccc_user.a", "ccc_user.b"})
        state.resources["ccc_user.c"] = resource("c")
        state = again.write(state)
        assert not journal_of(crashed).exists()
        assert on_disk(crashed) == state and state.serial == 3


def test_a_run_that_only_reads_folds_a_journal_left_by_a_crash(path: Path, tmp_path: Path) -> None:
    crashed = tmp_path / "crashed" / path.name
    crashed.parent.mkdir()
    with one_save_in_the_journal(path) as (_, saved):
        shutil.copy(path, crashed)
        shutil.copy(journal_of(path), journal_of(crashed))
    store = LocalStateStore(crashed)
    with store.lock("plan"):
        assert store.read() == saved
    assert not journal_of(crashed).exists()
    assert on_disk(crashed) == saved


def test_the_journal_is_folded_once_larger_than_the_file(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(local, "COMPACT_MIN_BYTES", 0)
    started(path, "a")
    size = path.stat().st_size
    store = LocalStateStore(path)
    with store.lock("apply"):
        state = store.read()
        serial = 1
        while not journal_of(path).exists() or journal_of(path).stat().st_size <= size:
            serial += 1
            state.resources[f"ccc_user.n{serial}"] = resource(f"n{serial}")
            state = store.write(state)
            if on_disk(path).serial == serial:
                break
        assert on_disk(path) == state
        assert not journal_of(path).exists()


def test_lines_of_another_lineage_or_already_in_the_file_are_ignored(path: Path) -> None:
    state = started(path, "a")
    added = {"ccc_user.b": resource("b").model_dump()}
    other = {"dropped": ["ccc_user.a"], "pending": {}, "pending_dropped": [], "resources": {}}
    lines = [
        {**other, "lineage": "another", "serial": 2},
        {**other, "lineage": state.lineage, "serial": 1},
        {**other, "dropped": [], "lineage": state.lineage, "serial": 2, "resources": added},
    ]
    journal_of(path).write_text("".join(json.dumps(line) + "\n" for line in lines))
    read = LocalStateStore(path).read()
    assert (read.serial, sorted(read.resources)) == (2, ["ccc_user.a", "ccc_user.b"])


def test_a_journal_that_skips_a_serial_is_refused(path: Path) -> None:
    state = started(path, "a")
    line = {
        "dropped": [],
        "lineage": state.lineage,
        "pending": {},
        "pending_dropped": [],
        "resources": {},
        "serial": 3,
    }
    journal_of(path).write_text(json.dumps(line) + "\n")
    with pytest.raises(StateError) as caught:
        LocalStateStore(path).read()
    assert str(caught.value).startswith(
        f"{journal_of(path)} does not continue the state file: its next save is serial 3, "
        "but the state is at serial 1"
    )
    assert "Repair it by hand, or move it away to use" in str(caught.value)


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ("not json", "line 1 is damaged: it is not a JSON object."),
        ('{"lineage": "l", "serial": 2}', "line 1 is not a cccform journal entry: resources"),
        (
            '{"dropped": [], "lineage": "l", "pending": {}, "pending_dropped": [], '
            '"resources": {"ccc_user.a": {"attributes": {}}}, "serial": 2}',
            "line 1 is not a valid journal entry: resources.ccc_user.a: remote_id: Field required.",
        ),
    ],
)
def test_a_damaged_whole_line_is_refused_naming_it(path: Path, line: str, problem: str) -> None:
    started(path, "a")
    journal_of(path).write_text(line + "\n")
    with pytest.raises(StateError) as caught:
        LocalStateStore(path).read()
    assert str(caught.value).startswith(f"{journal_of(path)} {problem}")


def test_a_journal_changed_behind_our_back_is_not_written_over(path: Path) -> None:
    with one_save_in_the_journal(path) as (ours, state):
        with journal_of(path).open("ab") as stream:
            stream.write(b"\n")
        state.resources["ccc_user.c"] = resource("c")
        with pytest.raises(StateError, match="changed on disk since this run read it"):
            ours.write(state)


def test_after_a_failed_journal_save_the_next_save_writes_the_file_whole(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with one_save_in_the_journal(path) as (store, state):
        real_write = os.write

        def half_then_disk_full(fd: int, data: bytes) -> int:
            monkeypatch.setattr(os, "write", real_write)
            real_write(fd, data[: len(data) // 2])
            raise OSError(28, "No space left on device")

        monkeypatch.setattr(os, "write", half_then_disk_full)
        state.resources["ccc_user.c"] = resource("c")
        with pytest.raises(StateError) as caught:
            store.write(state)
        assert str(caught.value) == (
            f"could not save the state to {journal_of(path)}: No space left on device. "
            f"{path} and the saves before this one are unchanged."
        )
        assert LocalStateStore(path).read().serial == 2  # the half line is no save
        written = store.write(state)
        assert written.serial == 3 and not journal_of(path).exists()
        assert on_disk(path) == written
