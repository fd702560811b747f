"""cccform.importer.output: the files an import writes, whole and only inside --out."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from cccform.errors import CccformError
from cccform.importer import output


def test_writes_every_file_making_its_directories(tmp_path: Path) -> None:
    output.write_files(tmp_path / "out", {"a.yaml": "a: 1\n", "flows/a/main.json": "{}\n"})
    assert (tmp_path / "out" / "a.yaml").read_text() == "a: 1\n"
    assert (tmp_path / "out" / "flows" / "a" / "main.json").read_text() == "{}\n"
    assert sorted(p.name for p in (tmp_path / "out").rglob("*")) == [
        "a",
        "a.yaml",
        "flows",
        "main.json",
    ]


def test_replaces_a_link_never_what_it_points_to(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "kept.yaml").write_text("kept\n")
    (out / "a.yaml").symlink_to(out / "kept.yaml")
    output.write_files(out, {"a.yaml": "a: 1\n"})
    assert not (out / "a.yaml").is_symlink()
    assert (out / "a.yaml").read_text() == "a: 1\n"
    assert (out / "kept.yaml").read_text() == "kept\n"


def test_a_link_leading_outside_is_replaced_never_followed(tmp_path: Path) -> None:
    (tmp_path / "out").mkdir()
    (tmp_path / "elsewhere.yaml").write_text("kept\n")
    (tmp_path / "out" / "a.yaml").symlink_to(tmp_path / "elsewhere.yaml")
    output.write_files(tmp_path / "out", {"a.yaml": "a: 1\n"})
    assert not (tmp_path / "out" / "a.yaml").is_symlink()
    assert (tmp_path / "out" / "a.yaml").read_text() == "a: 1\n"
    assert (tmp_path / "elsewhere.yaml").read_text() == "kept\n"


def test_refuses_a_linked_directory_leading_outside(tmp_path: Path) -> None:
    (tmp_path / "out").mkdir()
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "out" / "flows").symlink_to(tmp_path / "elsewhere")
    with pytest.raises(
        CccformError, match=r"refusing to write into .*: it is not inside .*Nothing was written"
    ):
        output.write_files(tmp_path / "out", {"a.yaml": "a: 1\n", "flows/x.json": "{}\n"})
    assert list((tmp_path / "elsewhere").iterdir()) == []
    assert not (tmp_path / "out" / "a.yaml").exists()


@pytest.mark.parametrize(
    ("make", "error"),
    [
        ("dir", r"out/b\.yaml: it is a directory\. Nothing was written\."),
        ("file", r"out/flows is not a directory\. Nothing was written\."),
        ("broken link", r"out/flows is not a directory\. Nothing was written\."),
        ("loop", r"out/flows is not a directory\. Nothing was written\."),
    ],
)
def test_refuses_what_cannot_be_written_before_writing_any(
    tmp_path: Path, make: str, error: str
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    if make == "dir":
        (out / "b.yaml").mkdir()
    elif make == "file":
        (out / "flows").write_text("a file\n")
    elif make == "broken link":
        (out / "flows").symlink_to(out / "missing")
    else:
        (out / "flows").symlink_to(out / "flows")
    files = {"a.yaml": "a: 1\n", "b.yaml": "b: 1\n", "flows/cs/main.json": "{}\n"}
    with pytest.raises(CccformError, match=error):
        output.write_files(out, files)
    assert not (out / "a.yaml").exists()


def test_a_failed_write_leaves_the_old_file_whole_and_no_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "a.yaml").write_text("old\n")

    def full_disk(*_: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", full_disk)
    with pytest.raises(CccformError, match=r"cannot write .*a\.yaml: No space left on device"):
        output.write_files(out, {"a.yaml": "new\n"})
    assert (out / "a.yaml").read_text() == "old\n"
    assert sorted(p.name for p in out.iterdir()) == ["a.yaml"]


def test_refuses_a_name_that_leads_outside_out_before_writing_any(tmp_path: Path) -> None:
    with pytest.raises(
        CccformError, match=r"refusing to write into .*: it is not inside .*Nothing was written"
    ):
        output.write_files(tmp_path / "out", {"a.yaml": "a: 1\n", "../escaped.yaml": "x: 1\n"})
    assert not (tmp_path / "escaped.yaml").exists()
    assert not (tmp_path / "out").exists()


def test_a_replaced_file_keeps_its_mode_and_a_new_one_follows_the_umask(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "private.yaml").write_text("old\n")
    (out / "private.yaml").chmod(0o600)
    previous = os.umask(0o022)
    try:
        output.write_files(out, {"private.yaml": "new\n", "new.yaml": "n: 1\n"})
    finally:
        os.umask(previous)
    assert (out / "private.yaml").read_text() == "new\n"
    assert stat.S_IMODE((out / "private.yaml").stat().st_mode) == 0o600
    assert stat.S_IMODE((out / "new.yaml").stat().st_mode) == 0o644


def test_the_temporary_file_has_the_kept_mode_before_its_first_byte(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "private.yaml").write_text("old\n")
    (tmp_path / "private.yaml").chmod(0o600)
    seen: list[int] = []
    real_open = os.open

    def watching_open(path: str | os.PathLike[str], flags: int, mode: int = 0o777) -> int:
        descriptor = real_open(path, flags, mode)
        seen.append(stat.S_IMODE(os.fstat(descriptor).st_mode))
        return descriptor

    monkeypatch.setattr(os, "open", watching_open)
    output.write_files(tmp_path, {"private.yaml": "contacts\n"})
    assert seen == [0o600]


def test_existing_and_others(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text("")
    (tmp_path / "mine.yml").write_text("")
    (tmp_path / "notes.txt").write_text("")
    (tmp_path / "gone.yaml").symlink_to(tmp_path / "nowhere")
    files = {"a.yaml": "", "b.yaml": "", "gone.yaml": ""}
    assert output.existing(tmp_path, files) == ["a.yaml", "gone.yaml"]
    assert output.others(tmp_path, files) == ["mine.yml"]
    assert output.others(tmp_path / "missing", files) == []


def test_others_are_every_file_plan_reads_with_them(tmp_path: Path) -> None:
    for name in ("z.yaml", "instances/eu/b.yaml", "instances/a.yml", ".hidden.yaml"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "x.yaml").write_text("")
    files = {"z.yaml": "", "flows/a/main.json": ""}
    assert output.others(tmp_path, files) == ["instances/a.yml", "instances/eu/b.yaml"]


def test_refuse_overwrite_names_at_most_ten(tmp_path: Path) -> None:
    error = output.refuse_overwrite(tmp_path, [f"f{n}.yaml" for n in range(12)])
    assert "holds 12 files that import would write: f0.yaml, " in str(error)
    assert "f9.yaml and 2 more. Nothing was written. Pass --force" in str(error)
    one = output.refuse_overwrite(tmp_path, ["a.yaml"])
    assert "holds 1 file that import would write: a.yaml." in str(one)


def test_a_link_to_itself_named_like_a_file_is_replaced(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").symlink_to(tmp_path / "a.yaml")
    output.write_files(tmp_path, {"a.yaml": "a: 1\n"})
    assert (tmp_path / "a.yaml").read_text() == "a: 1\n"
