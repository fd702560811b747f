"""`cccform fmt [PATH] [--check] [--diff]`: exact lines, exit codes and the files left."""

from __future__ import annotations

import os
import shutil
import stat
from pathlib import Path

import pytest

from tests.cli.harness import Cli, instance_yaml, write

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"

MESSY = """\
# yaml-language-server: $schema=../schemas/cccform.schema.json
# Our call centers.
state:
    path: cccform.state.json
instances:


    support:   # the hotline
        phone_numbers: [057188880001, '+8657188880002']
        access_path: acme-support
        name: Support Center
        admins:
        - 248613806810701
        agents:
            alice.wang:
                mobile: 13800000001
                email: alice@example.com
                display_name: Alice Wang
    sales:
        name: Sales Desk
        access_path: acme-sales
        numbers:
            057188880003: {usage: Inbound}
        phone_numbers: ["057188880003"]
version: 1
"""

FORMATTED = """\
# yaml-language-server: $schema=../schemas/cccform.schema.json
# Our call centers.
version: 1
state:
  path: cccform.state.json
instances:
  support:     # the hotline
    name: Support Center
    access_path: acme-support
    phone_numbers: ["057188880001", "+8657188880002"]
    admins:
      - "248613806810701"
    agents:
      alice.wang:
        display_name: Alice Wang
        email: alice@example.com
        mobile: "13800000001"

  sales:
    name: Sales Desk
    access_path: acme-sales
    phone_numbers: ["057188880003"]
    numbers:
      "057188880003": {usage: Inbound}
"""


def test_fmt_rewrites_a_file_in_the_canonical_layout_keeping_comments(cli: Cli) -> None:
    path = write(cli.directory, "cccform.yaml", MESSY)
    assert cli("validate").code == 4  # the plain phone numbers
    run = cli("fmt")
    assert (run.code, run.out, run.err) == (0, "cccform.yaml\n", "")
    assert path.read_text() == FORMATTED
    assert cli("validate").code == 0
    assert cli("fmt") == cli("fmt", "--check")
    assert (cli("fmt").code, cli("fmt").out) == (0, "")


def test_fmt_check_lists_what_would_change_exits_8_and_writes_nothing(cli: Cli) -> None:
    write(cli.directory, "conf/a.yaml", MESSY)
    write(cli.directory, "conf/instances/b.yaml", "instances: {}\n")
    write(cli.directory, "conf/instances/c.yaml", "instances:\n    c:  {name: Cccc}\n")
    run = cli("fmt", "--check", "conf")
    assert run.code == 8
    assert run.out == "conf/a.yaml\nconf/instances/c.yaml\n"
    assert run.err == "2 files are not formatted: run cccform fmt conf to format them.\n"
    assert (cli.directory / "conf/a.yaml").read_text() == MESSY
    assert cli("fmt", "conf").out == run.out
    assert cli("fmt", "--check", "conf").code == 0
    assert (
        cli.directory / "conf/instances/c.yaml"
    ).read_text() == "instances:\n  c: {name: Cccc}\n"


def test_fmt_check_of_one_file(cli: Cli) -> None:
    write(cli.directory, "a.yaml", "version: 1\ninstances: {}\n")
    path = write(cli.directory, "b.yaml", "instances: {}\nversion: 1\n")
    run = cli("fmt", "--check", "b.yaml")
    assert (run.code, run.out) == (8, "b.yaml\n")
    assert run.err == "1 file is not formatted: run cccform fmt b.yaml to format it.\n"
    assert cli("fmt", "b.yaml").code == 0
    assert path.read_text() == "version: 1\ninstances: {}\n"


def test_fmt_diff_prints_a_unified_diff(cli: Cli) -> None:
    path = write(
        cli.directory, "a.yaml", "instances:\n  a:\n    access_path: acme-a\n    name: Aaaa\n"
    )
    run = cli("fmt", "--check", "--diff")
    assert run.code == 8
    assert run.out == (
        "a.yaml\n"
        "--- old/a.yaml\n"
        "+++ new/a.yaml\n"
        "@@ -1,4 +1,4 @@\n"
        " instances:\n"
        "   a:\n"
        "+    name: Aaaa\n"
        "     access_path: acme-a\n"
        "-    name: Aaaa\n"
    )
    assert path.read_text().endswith("name: Aaaa\n")
    assert cli("fmt", "--diff").out == run.out
    assert path.read_text().endswith("access_path: acme-a\n")


def test_fmt_keeps_the_file_mode(cli: Cli) -> None:
    path = write(cli.directory, "a.yaml", "instances: {}\nversion: 1\n")
    path.chmod(0o640)
    assert cli("fmt").code == 0
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert [p.name for p in cli.directory.iterdir()] == ["a.yaml"]


def test_a_file_that_cannot_be_read_stops_fmt_before_anything_is_written(cli: Cli) -> None:
    write(cli.directory, "a.yaml", "instances: {}\nversion: 1\n")
    write(cli.directory, "b.yaml", "instances:\n  a: [\n")
    run = cli("fmt")
    assert run.code == 4
    assert run.err.startswith("b.yaml:3:1: error: YAML syntax error:")
    assert run.out == ""
    assert (cli.directory / "a.yaml").read_text() == "instances: {}\nversion: 1\n"


def test_a_duplicate_key_is_named_where_it_is(cli: Cli) -> None:
    write(cli.directory, "a.yaml", "instances: {}\ninstances: {}\n")
    run = cli("fmt", "--check")
    assert run.code == 4
    assert run.err.startswith(
        'a.yaml:2:1: error: cannot format this file: found duplicate key "instances"'
    )
    assert "hint: run cccform validate on it" in run.err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["fmt", "nowhere"], "'nowhere' does not exist: pass a configuration directory"),
        (["fmt", "empty"], "no *.yaml or *.yml files in directory 'empty' to format"),
        (["fmt", "plan.out"], "'plan.out' is not named *.yaml or *.yml: fmt rewrites"),
    ],
)
def test_nothing_to_format_is_a_usage_error(cli: Cli, args: list[str], message: str) -> None:
    (cli.directory / "empty").mkdir()
    (cli.directory / "plan.out").write_text('{"kind": "cccform-plan"}')
    run = cli(*args)
    assert run.code == 64
    assert message in run.err
    assert (cli.directory / "plan.out").read_text() == '{"kind": "cccform-plan"}'


def test_the_examples_are_formatted(cli: Cli) -> None:
    shutil.copytree(EXAMPLES, cli.directory / "examples")
    run = cli("fmt", "--check", "examples")
    assert (run.code, run.out, run.err) == (0, "", "")


def test_fmt_writes_nothing_that_would_be_read_otherwise(cli: Cli) -> None:
    # The round trip merges `<<: *base` into the mapping; the reader keeps a key '<<'.
    text = "base: &b {name: Aaaa}\ninstances:\n  a:\n    <<: *b\n    access_path: acme-a\n"
    path = write(cli.directory, "a.yaml", text)
    run = cli("fmt")
    assert run.code == 4
    assert run.err.startswith(
        "a.yaml:1:1: error: cannot format this file without changing what it says\n"
    )
    assert path.read_text() == text


def test_a_file_that_cannot_be_written_is_named_without_a_traceback(
    cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(cli.directory, "a.yaml", "instances: {}\nversion: 1\n")

    def full_disk(*_args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", full_disk)
    run = cli("fmt")
    assert run.code == 1
    assert run.err == (
        "error: cannot write a.yaml: No space left on device; it is unchanged. Check the "
        "permissions of the file and of its directory, and the free space\n"
    )
    assert path.read_text() == "instances: {}\nversion: 1\n"
    assert [p.name for p in cli.directory.iterdir()] == ["a.yaml"]


def test_two_number_keys_that_quoting_would_merge_are_refused_and_nothing_written(
    cli: Cli,
) -> None:
    text = (
        "instances:\n" + instance_yaml("a", 1) + "    numbers:\n"
        "      057100000001: {usage: Inbound}\n"
        '      "057100000001": {usage: Outbound}\n'
    )
    path = write(cli.directory, "cccform.yaml", text)
    run = cli("fmt")
    assert run.code == 4, run.out + run.err
    assert "would be written twice in one mapping" in run.err
    assert path.read_text() == text


def test_a_symlinked_file_is_formatted_where_it_points_and_stays_a_link(cli: Cli) -> None:
    shared = write(
        cli.directory / "shared",
        "s.yaml",
        "instances:\n  a:\n    access_path: acme-a\n    name: Center A\n",
    )
    (cli.directory / "cfg").mkdir()
    link = cli.directory / "cfg" / "s.yaml"
    link.symlink_to(shared)
    run = cli("fmt", "cfg")
    assert run.code == 0, run.err
    assert link.is_symlink()
    assert shared.read_text().index("name:") < shared.read_text().index("access_path:")
