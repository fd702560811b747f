"""cccform.importer.existing_config: what is declared already in --out, refused twice or
warned of when the account no longer has it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from cccform.config.models import LoadedConfig
from cccform.errors import CccformError
from cccform.importer.existing_config import (
    GoneInstance,
    gone_instances,
    load_existing,
    refuse_declared_twice,
)
from cccform.importer.read import Selection


def declared(key: str, access_path: str, *, imported_as: str | None = None) -> str:
    comment = (
        f"    # Written by cccform import from instance {imported_as} (i-1).\n"
        if imported_as
        else ""
    )
    return f"  {key}:\n{comment}    name: Center {key}\n    access_path: {access_path}\n"


def configuration(directory: Path, **files: str) -> LoadedConfig:
    for name, body in files.items():
        (directory / name).parent.mkdir(parents=True, exist_ok=True)
        (directory / name).write_text(body)
    loaded = load_existing(directory)
    assert loaded is not None
    return loaded


def gone(directory: Path, loaded: LoadedConfig, *live: str) -> list[GoneInstance]:
    names = sorted(str(p.relative_to(directory)) for p in directory.rglob("*.yaml"))
    return gone_instances(loaded, directory, names, Selection(), set(live))


def test_an_instance_an_import_wrote_and_the_account_lost_is_gone(tmp_path: Path) -> None:
    loaded = configuration(
        tmp_path,
        **{"old.yaml": "instances:\n" + declared("old", "acme-old", imported_as="acme-old")},
    )
    assert gone(tmp_path, loaded) == [GoneInstance("old.yaml", "old", "acme-old")]
    assert gone(tmp_path, loaded, "acme-old") == []  # still there
    only_others = gone_instances(loaded, tmp_path, ["old.yaml"], Selection(("acme-x*",)), set())
    assert only_others == []  # not asked for: the account may have it


def test_an_edited_declaration_or_one_by_hand_is_not_gone(tmp_path: Path) -> None:
    loaded = configuration(
        tmp_path,
        **{
            "template.yaml": "instances:\n"
            + declared("new", "acme-new", imported_as="acme-old"),  # access path edited
            "mine.yaml": "instances:\n" + declared("mine", "acme-mine"),
        },
    )
    assert gone(tmp_path, loaded) == []


def test_in_a_file_of_several_only_the_instance_gone_is_named(tmp_path: Path) -> None:
    body = (
        "# " + "a long comment line, pushing the import comments far down\n# " * 60 + "\n"
        "instances:\n"
        + declared("old", "acme-old", imported_as="acme-old")
        + declared("keep", "acme-keep", imported_as="acme-keep")
    )
    loaded = configuration(tmp_path, **{"both.yaml": body})
    assert len(body.encode()) > 2048
    assert gone(tmp_path, loaded, "acme-keep") == [GoneInstance("both.yaml", "old", "acme-old")]


def test_a_configuration_that_does_not_load_is_none_and_a_fifo_is_never_opened(
    tmp_path: Path,
) -> None:
    (tmp_path / "a.yaml").write_text("instances:\n" + declared("a", "acme-aaa"))
    os.mkfifo(tmp_path / "p.yaml")  # the loader refuses what is not a regular file
    assert load_existing(tmp_path) is None


def test_an_instance_declared_in_a_file_not_written_is_refused(tmp_path: Path) -> None:
    loaded = configuration(tmp_path, **{"mine.yaml": "instances:\n" + declared("cs", "acme-cs")})
    refuse_declared_twice(loaded, tmp_path, {"mine.yaml": ""}, ["acme-cs"])  # overwritten
    refuse_declared_twice(loaded, tmp_path, {"acme-cs.yaml": ""}, ["acme-sales"])  # other one
    with pytest.raises(CccformError, match=r"declares already acme-cs \(.*mine\.yaml\)"):
        refuse_declared_twice(loaded, tmp_path, {"acme-cs.yaml": ""}, ["acme-cs"])


def test_a_loop_of_links_among_the_names_is_no_error(tmp_path: Path) -> None:
    loaded = configuration(
        tmp_path,
        **{"old.yaml": "instances:\n" + declared("old", "acme-old", imported_as="acme-old")},
    )
    (tmp_path / "schema.json").symlink_to(tmp_path / "schema.json")
    refuse_declared_twice(loaded, tmp_path, {"schema.json": ""}, ["acme-cs"])
    assert gone_instances(loaded, tmp_path, ["old.yaml", "schema.json"], Selection(), set()) == [
        GoneInstance("old.yaml", "old", "acme-old")
    ]
