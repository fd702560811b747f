"""The local state store: serial and lineage, atomic writes, backups, modes, damage."""

from __future__ import annotations

import json
import os
import signal
import stat
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from cccform.errors import StateError, StateLockedError
from cccform.state import fileformat
from cccform.state.local import LocalStateStore
from cccform.state.lock import StateLock
from cccform.state.models import PendingCreate, ResourceState, State

from .helpers import Holder, run_python

CANARY = "s3cr3t-canary-value"


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "cccform.state.json"


@pytest.fixture
def store(path: Path) -> LocalStateStore:
    return LocalStateStore(path)


@pytest.fixture
def umask_022() -> Iterator[None]:
    previous = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(previous)


def resource(name: str, **attributes: object) -> ResourceState:
    return ResourceState(remote_id=f"id-{name}", attributes={"name": name, **attributes})


def on_disk(path: Path) -> State:
    return State.model_validate_json(path.read_bytes())


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def leftovers(path: Path) -> list[str]:
    return sorted(p.name for p in path.parent.iterdir() if p.name.endswith(".tmp"))


def test_read_of_a_missing_file_is_a_fresh_state(store: LocalStateStore, path: Path) -> None:
    state = store.read()
    assert state.serial == 0
    assert uuid.UUID(state.lineage)
    assert state.resources == {} and state.pending == {}
    assert not path.exists()


def test_fresh_states_get_new_lineages(tmp_path: Path) -> None:
    first = LocalStateStore(tmp_path / "a.json").read()
    second = LocalStateStore(tmp_path / "b.json").read()
    assert first.lineage != second.lineage


def test_each_changed_write_bumps_the_serial_by_one(store: LocalStateStore, path: Path) -> None:
    state = store.read()
    lineage = state.lineage
    for serial in range(1, 6):
        state.resources[f"ccc_user.u{serial}"] = resource(f"u{serial}")
        state = store.write(state)
        assert state.serial == serial
        assert on_disk(path).serial == serial
        assert on_disk(path).lineage == lineage
        assert on_disk(path).resources == state.resources


def test_an_unchanged_write_changes_nothing(store: LocalStateStore, path: Path) -> None:
    state = store.read()
    state.resources["ccc_user.a"] = resource("a")
    state = store.write(state)
    before = path.stat()
    again = store.write(state)
    assert again is state
    assert on_disk(path).serial == 1
    assert (path.stat().st_ino, path.stat().st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    copy = State.model_validate(state.model_dump())
    assert store.write(copy).serial == 1


def test_an_unchanged_fresh_state_is_not_written(store: LocalStateStore, path: Path) -> None:
    store.write(store.read())
    assert not path.exists()


def test_the_serial_of_the_argument_does_not_matter(store: LocalStateStore, path: Path) -> None:
    state = store.read()
    state.resources["ccc_user.a"] = resource("a")
    store.write(state)
    stale = state.model_copy(update={"serial": 99, "resources": {}})
    assert store.write(stale).serial == 2
    assert on_disk(path).serial == 2


def test_pending_intents_are_content(store: LocalStateStore, path: Path) -> None:
    state = store.read()
    state.pending["ccc_instance.main"] = PendingCreate(access_path="main-cc", name="main")
    state = store.write(state)
    assert state.serial == 1
    assert on_disk(path).pending == state.pending
    state.pending.clear()
    assert store.write(state).serial == 2


def test_write_returns_a_copy_and_leaves_the_argument_alone(store: LocalStateStore) -> None:
    state = store.read()
    state.resources["ccc_user.a"] = resource("a")
    written = store.write(state)
    assert written is not state
    assert state.serial == 0
    assert written.resources == state.resources


def test_in_place_changes_after_a_write_are_seen(store: LocalStateStore, path: Path) -> None:
    state = store.read()
    state.resources["ccc_user.a"] = resource("a", tags={"team": "x"})
    state = store.write(state)
    state.resources["ccc_user.a"].attributes["tags"]["team"] = "y"
    assert store.write(state).serial == 2
    assert on_disk(path).resources["ccc_user.a"].attributes["tags"] == {"team": "y"}


def test_in_place_changes_after_a_read_are_seen(path: Path) -> None:
    first = LocalStateStore(path)
    state = first.read()
    state.resources["ccc_user.a"] = resource("a", tags={"team": "x"})
    first.write(state)
    store = LocalStateStore(path)
    state = store.read()
    state.resources["ccc_user.a"].attributes["tags"]["team"] = "y"
    assert store.write(state).serial == 2


def test_write_without_read_continues_the_file(path: Path) -> None:
    first = LocalStateStore(path)
    state = first.read()
    state.resources["ccc_user.a"] = resource("a")
    state = first.write(state)
    state.resources["ccc_user.b"] = resource("b")
    assert LocalStateStore(path).write(state).serial == 2


def test_write_without_read_founds_a_new_file(path: Path) -> None:
    state = State(resources={"ccc_user.a": resource("a")})
    written = LocalStateStore(path).write(state)
    assert (written.serial, written.lineage) == (1, state.lineage)
    assert on_disk(path) == written


def test_another_lineage_is_refused(store: LocalStateStore, path: Path) -> None:
    state = store.read()
    state.resources["ccc_user.a"] = resource("a")
    state = store.write(state)
    before = path.read_bytes()
    foreign = State(resources={"ccc_user.b": resource("b")})
    with pytest.raises(StateError) as caught:
        store.write(foreign)
    assert "different states" in str(caught.value)
    assert state.lineage in str(caught.value) and foreign.lineage in str(caught.value)
    assert path.read_bytes() == before
    with pytest.raises(StateError, match="lineage"):
        store.write(State(lineage=str(uuid.uuid4())))


def test_another_lineage_is_refused_for_a_fresh_state(store: LocalStateStore) -> None:
    store.read()
    with pytest.raises(StateError, match="different states"):
        store.write(State(resources={"ccc_user.b": resource("b")}))


def test_a_file_changed_behind_our_back_is_not_overwritten(path: Path) -> None:
    ours, theirs = LocalStateStore(path), LocalStateStore(path)
    state = ours.read()
    state.resources["ccc_user.a"] = resource("a")
    state = ours.write(state)
    other = theirs.read()
    other.resources["ccc_user.b"] = resource("b")
    theirs.write(other)
    state.resources["ccc_user.c"] = resource("c")
    with pytest.raises(StateError, match=r"changed on disk since this run read it at serial 1"):
        ours.write(state)
    assert set(on_disk(path).resources) == {"ccc_user.a", "ccc_user.b"}


def test_a_file_created_behind_our_back_is_not_overwritten(path: Path) -> None:
    ours = LocalStateStore(path)
    state = ours.read()
    path.write_text(fileformat.serialise(State(lineage=state.lineage, serial=5)).decode())
    state.resources["ccc_user.a"] = resource("a")
    with pytest.raises(StateError, match="changed on disk"):
        ours.write(state)


def test_the_file_is_stable_sorted_json(store: LocalStateStore, path: Path) -> None:
    state = store.read()
    state.resources["ccc_user.z"] = resource("z", b=1, a={"y": 2, "x": 1})
    state.resources["ccc_user.a"] = resource("a", 名前="値")
    store.write(state)
    text = path.read_text(encoding="utf-8")
    expected = json.dumps(json.loads(text), sort_keys=True, indent=2, ensure_ascii=False) + "\n"
    assert text == expected
    assert '"名前": "値"' in text


def test_the_backup_holds_the_previous_version(store: LocalStateStore, path: Path) -> None:
    backup = path.with_name(path.name + ".backup")
    state = store.read()
    state.resources["ccc_user.a"] = resource("a")
    first = store.write(state)
    assert not backup.exists()
    first_bytes = path.read_bytes()
    state.resources["ccc_user.b"] = resource("b")
    second = store.write(state)
    assert backup.read_bytes() == first_bytes
    assert on_disk(backup) == first
    state.resources["ccc_user.c"] = resource("c")
    store.write(state)
    assert on_disk(backup) == second
    assert store.backup_path == backup
    assert leftovers(path) == []


def test_backup_copies_when_hard_links_are_unsupported(
    store: LocalStateStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    state = store.read()
    state.resources["ccc_user.a"] = resource("a")
    first = store.write(state)

    def no_links(_source: object, _target: object) -> None:
        raise OSError(1, "Operation not permitted")

    monkeypatch.setattr(os, "link", no_links)
    state.resources["ccc_user.b"] = resource("b")
    store.write(state)
    assert on_disk(store.backup_path) == first
    assert mode(store.backup_path) == 0o600


@pytest.mark.parametrize("umask", [0o022, 0o000, 0o077])
def test_files_are_private_whatever_the_umask(tmp_path: Path, umask: int) -> None:
    path = tmp_path / "state.json"
    previous = os.umask(umask)
    try:
        store = LocalStateStore(path)
        state = store.read()
        with store.lock("apply"):
            for name in "abc":
                state.resources[f"ccc_user.{name}"] = resource(name)
                state = store.write(state)
            assert mode(store.lock_path) == 0o600
    finally:
        os.umask(previous)
    assert mode(path) == 0o600
    assert mode(store.backup_path) == 0o600


@pytest.mark.usefixtures("umask_022")
def test_a_loose_existing_file_becomes_private(path: Path) -> None:
    state = State(resources={"ccc_user.a": resource("a")}, serial=3)
    path.write_bytes(fileformat.serialise(state))
    path.chmod(0o644)
    store = LocalStateStore(path)
    state = store.read()
    state.resources["ccc_user.b"] = resource("b")
    store.write(state)
    assert mode(path) == 0o600
    assert mode(store.backup_path) == 0o600
    assert on_disk(path).serial == 4


def test_a_failed_rename_leaves_the_state_intact(
    store: LocalStateStore, path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    state = store.read()
    state.resources["ccc_user.a"] = resource("a")
    state = store.write(state)
    before = path.read_bytes()
    real_replace = os.replace

    def crash_on_state(source: str | Path, target: str | Path) -> None:
        if Path(target) == path:
            raise OSError(5, "Input/output error")
        real_replace(source, target)

    monkeypatch.setattr(os, "replace", crash_on_state)
    state.resources["ccc_user.b"] = resource("b")
    with pytest.raises(StateError) as caught:
        store.write(state)
    assert str(path) in str(caught.value)
    assert "was not changed" in str(caught.value)
    assert path.read_bytes() == before
    assert on_disk(path).serial == 1
    assert leftovers(path) == []
    monkeypatch.undo()
    assert store.write(state).serial == 2


def test_a_failed_temp_write_leaves_no_debris(
    store: LocalStateStore, path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    state = store.read()
    state.resources["ccc_user.a"] = resource("a")
    store.write(state)

    def disk_full(_fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", disk_full)
    state.resources["ccc_user.b"] = resource("b")
    with pytest.raises(StateError, match="No space left on device"):
        store.write(state)
    assert on_disk(path).serial == 1
    assert leftovers(path) == []


CRASHING_WRITER = """
import os, signal, sys
from pathlib import Path
from cccform.state.local import LocalStateStore
from cccform.state.models import ResourceState

target, calls = sys.argv[2], {}
def die_at(name):
    real = getattr(os, name)
    def wrapper(*args, **kwargs):
        calls[name] = calls.get(name, 0) + 1
        if f"{name}:{calls[name]}" == target:
            os.kill(os.getpid(), signal.SIGKILL)
        return real(*args, **kwargs)
    setattr(os, name, wrapper)
for name in ("fsync", "link", "replace", "chmod"):
    die_at(name)
store = LocalStateStore(Path(sys.argv[1]))
state = store.read()
state.resources["ccc_user.new"] = ResourceState(remote_id="id-new", attributes={"name": "new"})
store.write(state)
"""


@pytest.mark.usefixtures("umask_022")
@pytest.mark.parametrize(
    ("kill_at", "outcome"),
    [
        ("fsync:1", "before"),  # temp file written, not yet synced
        ("chmod:1", "before"),  # temp synced, backup linked
        ("replace:1", "before"),  # backup link made, not yet in place
        ("replace:2", "before"),  # backup in place, state not yet renamed
        ("fsync:2", "after"),  # renamed, directory not yet synced
        ("never", "after"),
    ],
)
def test_sigkill_during_a_write_leaves_a_whole_state(
    path: Path, kill_at: str, outcome: str
) -> None:
    store = LocalStateStore(path)
    state = store.read()
    state.resources["ccc_user.old"] = resource("old")
    before = store.write(state)
    writer = run_python(CRASHING_WRITER, str(path), kill_at)
    _, stderr = writer.communicate(timeout=30)
    assert writer.returncode == (0 if kill_at == "never" else -signal.SIGKILL), stderr
    survivor = LocalStateStore(path).read()
    if outcome == "before":
        assert survivor == before
    else:
        assert survivor.serial == 2
        assert set(survivor.resources) == {"ccc_user.old", "ccc_user.new"}
        assert on_disk(LocalStateStore(path).backup_path) == before
    for name in [path.name, path.name + ".backup", *leftovers(path)]:
        if (path.parent / name).exists():
            assert mode(path.parent / name) == 0o600


def test_corrupt_json_is_a_state_error_naming_the_file(store: LocalStateStore, path: Path) -> None:
    path.write_text('{"format_version": 1, "lineage": "' + CANARY)
    with pytest.raises(StateError) as caught:
        store.read()
    message = str(caught.value)
    assert message.startswith(f"{path} is damaged: it is not valid JSON")
    assert "Restore it from your own copy" in message
    assert CANARY not in message


def test_corrupt_state_points_at_the_backup_when_there_is_one(
    store: LocalStateStore, path: Path
) -> None:
    state = store.read()
    for name in "ab":
        state.resources[f"ccc_user.{name}"] = resource(name)
        state = store.write(state)
    path.write_bytes(path.read_bytes()[:100])
    with pytest.raises(StateError) as caught:
        LocalStateStore(path).read()
    assert str(path) in str(caught.value)
    assert f"Restore the previous version from {path}.backup" in str(caught.value)


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"null",
        b'{"format_version": 1, "serial": 0}',
        b'{"format_version": 1, "lineage": "x", "serial": -1}',
    ],
)
def test_invalid_state_content_is_refused(
    store: LocalStateStore, path: Path, content: bytes
) -> None:
    path.write_bytes(content)
    with pytest.raises(StateError, match=str(path)):
        store.read()


def test_a_state_from_a_newer_cccform_is_refused(store: LocalStateStore, path: Path) -> None:
    document = json.loads(fileformat.serialise(State()))
    document["format_version"] = fileformat.CURRENT_FORMAT_VERSION + 1
    document["something_new"] = {"x": 1}
    path.write_text(json.dumps(document))
    with pytest.raises(StateError) as caught:
        store.read()
    assert str(caught.value).startswith(f"{path} was written by a newer cccform")
    assert "Upgrade cccform" in str(caught.value)


def test_a_failed_read_does_not_enable_writes_over_the_file(
    store: LocalStateStore, path: Path
) -> None:
    path.write_text("{")
    with pytest.raises(StateError):
        store.read()
    with pytest.raises(StateError):
        store.write(State(resources={"ccc_user.a": resource("a")}))
    assert path.read_text() == "{"


def test_an_unreadable_path_is_a_state_error(tmp_path: Path) -> None:
    with pytest.raises(StateError, match="could not read the state file"):
        LocalStateStore(tmp_path).read()


def test_the_parent_directory_is_created(tmp_path: Path) -> None:
    path = tmp_path / ".cccform" / "state.json"
    written = LocalStateStore(path).write(State(resources={"ccc_user.a": resource("a")}))
    assert on_disk(path) == written


def test_store_lock_names_the_holder_to_others(store: LocalStateStore, path: Path) -> None:
    assert store.lock_path == path.with_name(path.name + ".lock")
    with store.lock("apply") as info:
        assert info.operation == "apply"
        with pytest.raises(StateLockedError, match=r"running 'apply'"):
            StateLock(store.lock_path).acquire("plan")
    with store.lock("plan", timeout=0):
        pass


def test_store_lock_waits_for_a_holder_process(store: LocalStateStore) -> None:
    holder = Holder(store.lock_path, operation="apply", hold=0.5)
    with store.lock("apply", timeout=10) as info:
        assert info.pid == os.getpid()
    holder.wait_released()


def test_write_is_not_logged_with_content(
    store: LocalStateStore, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level("DEBUG")
    state = store.read()
    state.resources["ccc_user.a"] = resource("a", password=CANARY)
    store.write(state)
    assert CANARY not in caplog.text


def big_state(count: int, lineage: str) -> State:
    return State(
        lineage=lineage,
        resources={
            f"ccc_skill_group.group_{i:05d}": ResourceState(
                remote_id=f"skg-{i:08d}@ccc-prod-0001",
                attributes={
                    "instance_id": "ccc-prod-0001",
                    "name": f"group_{i}",
                    "description": "Inbound sales",
                    "media_type": "VOICE",
                    "priority": i % 10,
                },
            )
            for i in range(count)
        },
    )


def test_ten_thousand_resources_are_written_and_rewritten(
    store: LocalStateStore, path: Path
) -> None:
    state = store.write(big_state(10_000, store.read().lineage))
    state.resources["ccc_skill_group.group_00000"].attributes["priority"] = 100
    state = store.write(state)
    assert 2_500_000 < path.stat().st_size < 4_000_000
    assert state.serial == 2
    assert LocalStateStore(path).read() == state
    assert on_disk(store.backup_path).serial == 1
