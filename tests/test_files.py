"""cccform.files (private atomic writes) and cccform.timestamps."""

from __future__ import annotations

import errno
import os
import re
import stat
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from cccform import files
from cccform.timestamps import utc_now


@pytest.fixture(autouse=True)
def umask_022() -> Iterator[None]:
    previous = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(previous)


@pytest.fixture
def target(tmp_path: Path) -> Path:
    path = tmp_path / "plan.out"
    path.write_bytes(b"old")
    path.chmod(0o644)
    return path


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def temp_files(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir() if p.name.endswith(".tmp"))


def test_a_new_file_is_written_private(tmp_path: Path) -> None:
    path = tmp_path / "new.json"
    files.write_private_file(path, b"{}")
    assert path.read_bytes() == b"{}"
    assert mode(path) == 0o600
    assert temp_files(tmp_path) == []


def test_an_existing_file_is_replaced_and_becomes_private(target: Path) -> None:
    inode = target.stat().st_ino
    files.write_private_file(target, b"new")
    assert target.read_bytes() == b"new"
    assert mode(target) == 0o600
    assert target.stat().st_ino != inode  # renamed over, not rewritten in place
    assert temp_files(target.parent) == []


def test_before_replace_sees_the_complete_temp_file_and_the_old_target(target: Path) -> None:
    seen: list[tuple[bytes, list[bytes], list[int]]] = []

    def check() -> None:
        temps = [target.parent / name for name in temp_files(target.parent)]
        seen.append(
            (target.read_bytes(), [t.read_bytes() for t in temps], [mode(t) for t in temps])
        )

    files.write_private_file(target, b"new", before_replace=check)
    assert seen == [(b"old", [b"new"], [0o600])]
    assert target.read_bytes() == b"new"


@pytest.mark.parametrize("failing", ["fsync", "replace"])
def test_a_failure_before_the_rename_leaves_the_target_and_no_debris(
    target: Path, monkeypatch: pytest.MonkeyPatch, failing: str
) -> None:
    def fail(*_args: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, failing, fail)
    with pytest.raises(OSError, match="No space left on device") as raised:
        files.write_private_file(target, b"new")
    assert not isinstance(raised.value, files.DirectoryNotSyncedError)
    monkeypatch.undo()
    assert target.read_bytes() == b"old"
    assert temp_files(target.parent) == []


def test_a_failing_before_replace_leaves_the_target_and_no_debris(target: Path) -> None:
    def refuse() -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        files.write_private_file(target, b"new", before_replace=refuse)
    assert target.read_bytes() == b"old"
    assert temp_files(target.parent) == []


def test_an_unsynced_directory_is_reported_after_the_replace(
    target: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fail_on_directories(fd: int) -> None:
        if stat.S_ISDIR(os.fstat(fd).st_mode):
            raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(os, "fsync", fail_on_directories)
    with pytest.raises(files.DirectoryNotSyncedError) as raised:
        files.write_private_file(target, b"new")
    assert raised.value.strerror == "Input/output error"
    assert raised.value.filename == str(target.parent)
    assert target.read_bytes() == b"new"


def test_a_directory_that_cannot_be_synced_at_all_is_not_an_error(
    target: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def unsupported_on_directories(fd: int) -> None:
        if stat.S_ISDIR(os.fstat(fd).st_mode):
            raise OSError(errno.EINVAL, "Invalid argument")

    monkeypatch.setattr(os, "fsync", unsupported_on_directories)
    files.write_private_file(target, b"new")
    assert target.read_bytes() == b"new"


def test_create_private_file_never_overwrites(target: Path) -> None:
    with pytest.raises(FileExistsError):
        files.create_private_file(target, b"new")
    assert target.read_bytes() == b"old"


def test_temp_names_are_hidden_fresh_and_beside_the_target(tmp_path: Path) -> None:
    path = tmp_path / "cccform.state.json"
    first, second = files.temp_path_beside(path, ".backup"), files.temp_path_beside(path)
    assert first.parent == tmp_path
    assert re.fullmatch(r"\.cccform\.state\.json\.backup\.[0-9a-f]{12}\.tmp", first.name)
    assert re.fullmatch(r"\.cccform\.state\.json\.[0-9a-f]{12}\.tmp", second.name)


def test_utc_now_is_iso_8601_in_utc_to_the_second() -> None:
    text = utc_now()
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", text)
    parsed = datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    assert abs(datetime.now(UTC) - parsed) < timedelta(hours=1)  # and not local time


def test_remove_stray_temps_removes_only_its_own_regular_files(tmp_path: Path) -> None:
    target = tmp_path / "state.json"
    ours = tmp_path / ".state.json.0123456789ab.tmp"
    tagged = tmp_path / ".state.json.backup.0123456789ab.tmp"
    ours.write_text("x")
    tagged.write_text("x")
    link = tmp_path / ".state.json.aaaaaaaaaaaa.tmp"
    link.symlink_to(tmp_path / "elsewhere")
    other = tmp_path / ".state.json.backup.0123456789ab.tmp.keep"
    other.write_text("x")
    assert files.remove_stray_temps(target) == [ours]
    assert tagged.exists()  # ".backup" not asked for
    assert files.remove_stray_temps(target, ("", ".backup")) == [tagged]
    assert link.is_symlink() and other.exists()


# --- bounded reads ---------------------------------------------------------------------


def test_read_regular_file_reads_up_to_its_limit(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    path.write_bytes(b"x" * 10)
    data, status = files.read_regular_file(path, 10)
    assert data == b"x" * 10 and status.st_size == 10
    with pytest.raises(files.FileTooLargeError) as caught:
        files.read_regular_file(path, 9)
    assert (caught.value.size, caught.value.limit) == (10, 9)
    assert caught.value.strerror == "it is larger than 9 bytes"


@pytest.mark.parametrize("kind", ["fifo", "directory", "symlink"])
def test_read_regular_file_refuses_what_is_not_one(tmp_path: Path, kind: str) -> None:
    path = tmp_path / "state.json"
    if kind == "fifo":
        os.mkfifo(path)  # would block an ordinary open until a writer came
    elif kind == "directory":
        path.mkdir()
    else:
        (tmp_path / "real.json").write_text("{}")
        path.symlink_to("real.json")
    with pytest.raises(files.NotRegularFileError) as caught:
        files.read_regular_file(path, 1024, follow_symlinks=False)
    expected = {
        "fifo": "a named pipe (FIFO)",
        "directory": "a directory",
        "symlink": "a symbolic link",
    }
    assert caught.value.kind == expected[kind]


def test_read_regular_file_follows_a_symlink_when_asked(tmp_path: Path) -> None:
    (tmp_path / "real.json").write_text("{}")
    (tmp_path / "link.json").symlink_to("real.json")
    assert files.read_regular_file(tmp_path / "link.json", 1024)[0] == b"{}"


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("[" * 100_000 + "]" * 100_000, files.JsonTooDeepError),
        ("9" * 5000, files.JsonNumberTooLongError),
    ],
)
def test_load_json_names_what_python_cannot_read(
    text: str, error: type[files.PathologicalJsonError]
) -> None:
    with pytest.raises(error):
        files.load_json(text)


def test_replace_file_keeps_the_mode_of_a_regular_file_from_the_first_byte(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "conf.yaml"
    target.write_text("old\n")
    target.chmod(0o640)
    seen: list[int] = []
    real_open = os.open

    def watching(path: str | os.PathLike[str], flags: int, mode: int = 0o777) -> int:
        fd = real_open(path, flags, mode)
        seen.append(stat.S_IMODE(os.fstat(fd).st_mode))
        return fd

    monkeypatch.setattr(os, "open", watching)
    files.replace_file(target, b"new\n")
    assert target.read_bytes() == b"new\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert seen and seen[0] & 0o077 == 0  # no one else could read it while it was written


def test_replace_file_makes_a_new_file_by_the_umask_and_replaces_a_link(tmp_path: Path) -> None:
    files.replace_file(tmp_path / "new.yaml", b"n: 1\n")
    assert stat.S_IMODE((tmp_path / "new.yaml").stat().st_mode) == 0o644
    (tmp_path / "kept.yaml").write_text("kept\n")
    (tmp_path / "link.yaml").symlink_to(tmp_path / "kept.yaml")
    files.replace_file(tmp_path / "link.yaml", b"l: 1\n")
    assert not (tmp_path / "link.yaml").is_symlink()
    assert (tmp_path / "kept.yaml").read_text() == "kept\n"


def test_replace_file_that_fails_leaves_the_file_and_no_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "conf.yaml"
    target.write_text("old\n")

    def full_disk(*_: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "replace", full_disk)
    with pytest.raises(OSError, match="No space left"):
        files.replace_file(target, b"new\n")
    assert target.read_text() == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["conf.yaml"]
