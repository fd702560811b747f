"""`cccform import`: a configuration written from what exists live, which plan then adopts
with no change."""

from __future__ import annotations

import json
import os
import signal
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from ccc_emulator.engine import CccEmulation
from cccform.providers.local import LocalTransport
from tests.cli.harness import Cli, InFlight, calls, instance_yaml, write
from tests.test_examples import EXAMPLES, NAMES, copy_configuration

EXAMPLE = EXAMPLES / "contact-center"
EXAMPLE_FILES = [
    "cccform.schema.json",
    "provider.settings.yaml",
    "acme-cs.yaml",
    "flows/acme-cs/after-hours.json",
    "flows/acme-cs/cs-main.json",
    "acme-sales.yaml",
    "flows/acme-sales/sales-main.json",
]


@pytest.fixture
def example() -> Path:
    return EXAMPLE


@pytest.fixture
def cli(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    example: Path,
) -> Cli:
    """In `tmp_path`: `src/` holds the example, applied; imports go to `out/`."""
    copy_configuration(example, tmp_path / "src")
    runner = Cli(tmp_path / "src", capsys, monkeypatch)
    run = runner("apply", "--auto-approve")
    assert run.code == 0, run.out + run.err
    monkeypatch.chdir(tmp_path)
    runner.directory = tmp_path
    return runner


def imported(cli: Cli, *args: str) -> Path:
    run = cli("import", "--from", "src", "--out", "out", *args)
    assert run.code == 0, run.out + run.err
    return cli.directory / "out"


def writes(counts: dict[str, int]) -> dict[str, int]:
    return {a: n for a, n in counts.items() if not a.startswith("List")}


def in_dir(cli: Cli, directory: Path) -> Cli:
    cli.monkeypatch.chdir(directory)
    cli.directory = directory
    return cli


def tree(directory: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(directory)): p.read_bytes()
        for p in sorted(directory.rglob("*"))
        if p.is_file() and ".cccform" not in p.parts and not p.name.startswith("cccform.state")
    }


def test_an_imported_example_is_adopted_whole_with_no_write_call(cli: Cli) -> None:
    out = imported(cli)
    assert set(tree(out)) == set(EXAMPLE_FILES)
    cli = in_dir(cli, out)
    plan = cli("plan", "--json")
    assert plan.code == 0, plan.err
    actions = {c["address"]: c["action"] for c in plan.json()["changes"]}
    assert set(actions.values()) == {"adopt"}
    assert len(actions) == 19
    applied = calls(cli, "apply", "--auto-approve")
    assert writes(applied) == {}, applied
    assert cli("plan", "--detailed-exitcode").code == 0


@pytest.mark.parametrize("example", [EXAMPLES / name for name in NAMES], ids=NAMES)
def test_every_imported_example_is_adopted_with_no_change(cli: Cli, example: Path) -> None:
    del example  # the parametrisation gives it to the cli fixture, which applies it
    cli = in_dir(cli, imported(cli))
    plan = cli("plan", "--json")
    assert plan.code == 0, plan.err
    summary = plan.json()["summary"]
    assert summary.pop("adopt") > 0
    assert summary == dict.fromkeys(summary, 0)
    applied = calls(cli, "apply", "--auto-approve")
    assert writes(applied) == {}, applied
    assert cli("plan", "--detailed-exitcode").code == 0
    formatted = cli("fmt", "--check")  # what import writes is what fmt would write
    assert formatted.code == 0, formatted.out + formatted.err


def test_the_files_quote_numbers_and_ids_and_reference_flows_as_json(cli: Cli) -> None:
    out = imported(cli)
    text = (out / "acme-sales.yaml").read_text()
    assert text.startswith("# yaml-language-server: $schema=cccform.schema.json\n")
    assert '    phone_numbers: ["057188880010"]\n' in text
    assert '    admins: ["248613806810701"]\n' in text
    assert '      "057188880010":\n' in text
    assert "        definition_file: flows/acme-sales/sales-main.json\n" in text
    flow = json.loads((out / "flows/acme-sales/sales-main.json").read_text())
    assert flow == json.loads((EXAMPLE / "flows/sales-main.json").read_text())
    assert (
        (out / "provider.settings.yaml")
        .read_text()
        .endswith("provider:\n  type: local\n  path: ../src/.cccform\n")
    )


def test_platform_defaults_are_left_out_and_said_so(cli: Cli) -> None:
    text = (imported(cli) / "acme-cs.yaml").read_text()
    assert "default_skill_group:" not in text
    assert "default_main_flow:" not in text
    assert (
        "    # Left out, made by the platform (see docs/import.md, Platform defaults):\n"
        "    #   administrator 248613806810701 (a RAM user given at creation: see admins)\n"
        "    #   skill group default_skill_group ('Default skill group')\n"
        "    #   flow default_main_flow (MAIN_FLOW), the default IVR flow\n"
    ) in text


def test_an_instance_as_the_platform_made_it_is_only_an_instance(cli: Cli) -> None:
    write(cli.directory / "src", "fresh.yaml", "instances:\n" + instance_yaml("fresh", 7))
    assert in_dir(cli, cli.directory / "src")("apply", "--auto-approve").code == 0
    cli = in_dir(cli, cli.directory.parent)
    text = (imported(cli, "--instance", "acme-0007") / "acme-0007.yaml").read_text()
    assert "    numbers:" not in text
    assert "    #   number 057100000007: routed as the platform made it\n" in text
    cli = in_dir(cli, cli.directory / "out")
    plan = cli("plan", "--json").json()
    assert [c["address"] for c in plan["changes"]] == ["instance.acme-0007"]


def test_a_number_on_the_default_flow_keeps_that_routing(cli: Cli) -> None:
    routed = '    numbers: {"057100000007": {usage: Inbound}}\n'
    write(cli.directory / "src", "fresh.yaml", "instances:\n" + instance_yaml("fresh", 7) + routed)
    assert in_dir(cli, cli.directory / "src")("apply", "--auto-approve").code == 0
    cli = in_dir(cli, cli.directory.parent)
    out = imported(cli, "--instance", "acme-0007")
    assert (
        (out / "acme-0007.yaml")
        .read_text()
        .endswith(
            "    numbers:\n"
            '      "057100000007":\n'
            "        # flow: default_main_flow (left out, as that flow is: its routing is left "
            "as it is)\n"
            "        usage: Inbound\n"
        )
    )
    cli = in_dir(cli, out)
    plan = cli("plan", "--json").json()
    assert [(c["address"], c["action"]) for c in plan["changes"]] == [
        ("instance.acme-0007", "adopt"),
        ("instance.acme-0007.number.057100000007", "adopt"),
    ]
    assert cli("apply", "--auto-approve").code == 0
    assert cli("plan", "--detailed-exitcode").code == 0


def test_the_default_skill_group_is_declared_when_an_agent_uses_it(cli: Cli) -> None:
    source = (cli.directory / "src" / "sales.yaml").read_text()
    write(
        cli.directory / "src",
        "sales.yaml",
        source.replace(
            "skills: {outbound: 1}", "skills: {outbound: 1, default_skill_group: 3}"
        ).replace(
            "    skill_groups:\n",
            "    skill_groups:\n      default_skill_group:\n"
            "        display_name: Default skill group\n",
            1,
        ),
    )
    assert in_dir(cli, cli.directory / "src")("apply", "--auto-approve").code == 0
    cli = in_dir(cli, cli.directory.parent)
    text = (imported(cli) / "acme-sales.yaml").read_text()
    assert (
        "      # Made by the platform with the instance; declared because agents or numbers "
        "written here use it.\n"
        "      default_skill_group:\n"
        "        display_name: Default skill group\n"
    ) in text
    cli = in_dir(cli, cli.directory / "out")
    assert cli("apply", "--auto-approve").code == 0
    assert cli("plan", "--detailed-exitcode").code == 0


def test_two_imports_write_the_same_bytes(cli: Cli) -> None:
    first = tree(imported(cli))
    assert tree(imported(cli, "--force")) == first


def test_existing_files_are_never_overwritten_without_force(cli: Cli) -> None:
    out = imported(cli)
    (out / "acme-cs.yaml").write_text("# mine\n")
    (out / "flows/acme-sales/sales-main.json").unlink()
    run = cli("import", "--from", "src", "--out", "out")
    assert run.code == 1
    assert run.out == ""
    assert run.err.endswith(
        "error: out already holds 6 files that import would write: cccform.schema.json, "
        "provider.settings.yaml, acme-cs.yaml, flows/acme-cs/after-hours.json, "
        "flows/acme-cs/cs-main.json, acme-sales.yaml. Nothing was written. Pass --force to "
        "overwrite them, or import into an empty directory with --out DIR\n"
    )
    assert (out / "acme-cs.yaml").read_text() == "# mine\n"
    assert not (out / "flows/acme-sales/sales-main.json").exists()


def test_instance_and_exclude_patterns_choose_what_is_imported(cli: Cli) -> None:
    run = cli("import", "--from", "src", "--out", "one", "--instance", "acme-s*")
    assert run.code == 0, run.err
    assert sorted(p.name for p in (cli.directory / "one").glob("*.yaml")) == [
        "acme-sales.yaml",
        "provider.settings.yaml",
    ]
    run = cli("import", "--from", "src", "--out", "two", "--exclude", "acme-sales")
    assert run.code == 0, run.err
    assert sorted(p.name for p in (cli.directory / "two").glob("*.yaml")) == [
        "acme-cs.yaml",
        "provider.settings.yaml",
    ]


def test_an_instance_pattern_that_matches_nothing_is_an_error(cli: Cli) -> None:
    run = cli("import", "--from", "src", "--out", "out", "--instance", "acme-support")
    assert run.code == 64
    assert run.err.endswith(
        "error: --instance 'acme-support' matches no instance of the account; nothing was "
        "written. Give an access path, or a pattern such as 'acme-*' (quoted for the shell)\n"
    )
    assert not (cli.directory / "out").exists()


def test_redact_writes_placeholders_that_validate_and_plan_refuse(cli: Cli) -> None:
    run = cli("import", "--from", "src", "--out", "out", "--redact")
    assert run.code == 0, run.err
    assert (
        "REDACTED: agents' emails and mobiles are placeholders. This configuration is for "
        "reading only: it cannot be applied, and validate and plan refuse it.\n"
    ) in run.out
    out = cli.directory / "out"
    text = "".join(p.read_text() for p in out.glob("*.yaml"))
    assert "@example.com" not in text and "13800000001" not in text
    assert "        email: alice.wang@redacted.invalid\n" in text
    assert '        mobile: "00000000000"\n' in text
    for command in ("validate", "plan"):
        refused = cli(command, "out")
        assert refused.code == 4, refused.out + refused.err
        assert refused.err == (
            "out/acme-cs.yaml:29:16: error: instances.acme-cs.agents.alice.wang.email: this "
            "agent's email (and those of 3 other agents of this instance) is a placeholder "
            "written by `cccform import --redact`: a redacted configuration cannot be "
            "validated, planned or applied\n"
            "  hint: import again without --redact to get the real emails (a redacted copy is "
            "for reading only), or write the agent's real email here\n"
            "out/acme-sales.yaml:25:16: error: instances.acme-sales.agents.erin.sun.email: "
            "this agent's email (and those of 1 other agent of this instance) is a placeholder "
            "written by `cccform import --redact`: a redacted configuration cannot be "
            "validated, planned or applied\n"
            "  hint: import again without --redact to get the real emails (a redacted copy is "
            "for reading only), or write the agent's real email here\n"
            "2 configuration errors; nothing was contacted or written.\n"
        ), refused.err


def test_progress_goes_to_stderr_and_a_summary_to_stdout(cli: Cli) -> None:
    run = cli("import", "--from", "src", "--out", "out")
    assert run.code == 0
    assert run.out == (
        "Imported 2 instances (5 skill groups, 6 agents, 3 flows, 3 numbers) into out: 7 files "
        "written.\n"
        "Left out 6 platform defaults (each instance's file says which, in a comment).\n"
        "Next: cccform plan out shows what will be adopted; review it (docs/import.md), then "
        "cccform apply.\n"
    )
    first, *read = run.err.splitlines()
    assert first == "Reading 2 instances of 2..."
    # instances are told in the order their reads finish
    assert [line.split("] ")[0] for line in read] == ["  [1/2", "  [2/2"]
    assert sorted(line.split("] ")[1] for line in read) == [
        "acme-cs: 4 skill groups, 5 agents, 3 flows, 2 numbers",
        "acme-sales: 3 skill groups, 3 agents, 2 flows, 1 number",
    ]


def test_json_lists_the_files_and_the_counts(cli: Cli) -> None:
    run = cli("import", "--from", "src", "--out", "out", "--json")
    assert run.code == 0, run.err
    assert run.json() == {
        "format_version": "1",
        "out": "out",
        "files": EXAMPLE_FILES,
        "counts": {
            "instances": 2,
            "skill_groups": 5,
            "agents": 6,
            "flows": 3,
            "numbers": 3,
            "left_out": 6,
        },
        "redacted": False,
        "other_files": [],
        "gone_instances": [],
        "unreadable_flows": [],
        "api_calls": 9,
    }


def test_import_reads_with_one_list_per_kind_and_instance(cli: Cli) -> None:
    counts = calls(cli, "import", "--from", "src", "--out", "out")
    assert counts == {
        "ListInstances": 1,
        "ListSkillGroups": 2,
        "ListUsers": 2,
        "ListContactFlows": 2,
        "ListPhoneNumbers": 2,
    }
    assert calls(cli, "import", "--from", "src", "--out", "bare", "--no-contents") == {
        "ListInstances": 1
    }


def test_without_contents_only_the_instances_are_written_and_adopted(cli: Cli) -> None:
    out = imported(cli, "--no-contents")
    assert "skill_groups" not in (out / "acme-cs.yaml").read_text()
    cli = in_dir(cli, out)
    plan = cli("plan", "--json").json()
    assert [c["address"] for c in plan["changes"]] == [
        "instance.acme-cs",
        "instance.acme-sales",
    ]


def test_provider_options_go_with_provider(cli: Cli) -> None:
    run = cli("import", "--out", "out", "--region", "cn-hangzhou")
    assert run.code == 64
    assert run.err.endswith("error: --region goes with --provider local or --provider aliyun\n")
    run = cli("import", "--out", "out", "--provider", "local", "--local-path", "src/.cccform")
    assert run.code == 0, run.err
    assert "Imported 2 instances" in run.out


def test_an_instance_still_being_created_is_skipped_and_named(cli: Cli) -> None:
    slow = CccEmulation(cli.directory / "src" / ".cccform", create_seconds=3600)
    try:
        slow.handle(
            "CreateInstance",
            {
                "Name": "Slow Center",
                "DomainName": "acme-slow",
                "AdminRamIdList": '["248613806810701"]',
            },
        )
    finally:
        slow.close()
    run = cli("import", "--from", "src", "--out", "out")
    assert run.code == 0, run.err
    assert "  acme-slow: skipped, it is CREATING (import it once it is RUNNING)\n" in run.err
    assert not (cli.directory / "out" / "acme-slow.yaml").exists()
    assert "Imported 2 instances" in run.out


def test_a_bad_provider_setting_is_a_usage_error(cli: Cli) -> None:
    run = cli("import", "--out", "out", "--provider", "aliyun", "--region", "Shanghai")
    assert run.code == 64
    assert run.err.startswith("error: --region: String should match pattern")
    assert run.err.endswith("(with --provider aliyun)\n")


def test_a_long_list_is_written_an_item_per_line(cli: Cli) -> None:
    numbers = [f"0572{n:08d}" for n in range(9)]
    body = instance_yaml("many", 8, phone_numbers=numbers)
    write(cli.directory / "src", "many.yaml", "instances:\n" + body)
    assert in_dir(cli, cli.directory / "src")("apply", "--auto-approve").code == 0
    cli = in_dir(cli, cli.directory.parent)
    text = (imported(cli, "--instance", "acme-0008") / "acme-0008.yaml").read_text()
    assert "    phone_numbers:\n" + "".join(f'    - "{n}"\n' for n in numbers) in text
    assert cli("plan", "out", "--detailed-exitcode").code == 2  # adoptions only
    assert {c["action"] for c in cli("plan", "out", "--json").json()["changes"]} == {"adopt"}


def test_the_summary_names_configuration_files_it_did_not_write(cli: Cli) -> None:
    write(cli.directory / "out", "mine.yaml", "instances: {}\n")
    run = cli("import", "--from", "src", "--out", "out")
    assert run.code == 0, run.err
    assert (
        "Note: mine.yaml was there already and is not from this import; plan reads it too.\n"
        in run.out
    )


def test_a_re_import_warns_of_the_files_of_instances_the_account_no_longer_has(
    cli: Cli,
) -> None:
    out = imported(cli)
    sales = (out / "acme-sales.yaml").read_text()
    header = sales[: sales.index("    name: ")]  # as if imported when it existed
    gone = header.replace("acme-sales", "acme-gone") + (
        '    name: Gone Center\n    access_path: acme-gone\n    admins: ["248613806810701"]\n'
    )
    assert "# Written by cccform import from instance acme-gone (" in gone
    (out / "acme-gone.yaml").write_text(gone)
    assert cli("validate", "out").code == 0
    run = cli("import", "--from", "src", "--out", "out", "--force")
    assert run.code == 0, run.err
    assert (
        "Warning: acme-gone.yaml declares instance.acme-gone (access path acme-gone), which an "
        "earlier import read and the account no longer has. plan would create it again: "
        "remove it from the file if it is gone for good.\n"
    ) in run.out
    assert "Note: acme-gone.yaml" not in run.out
    document = cli("import", "--from", "src", "--out", "out", "--force", "--json").json()
    assert document["gone_instances"] == [
        {"file": "acme-gone.yaml", "address": "instance.acme-gone", "access_path": "acme-gone"}
    ]
    assert document["other_files"] == ["acme-gone.yaml"]
    # Left out by the selection, it is only another file: the account may still have it.
    run = cli("import", "--from", "src", "--out", "out", "--force", "--instance", "acme-cs")
    assert "Warning:" not in run.out
    assert "Note: acme-gone.yaml was there already" in run.out
    assert "Note: acme-sales.yaml was there already" in run.out


def test_an_account_with_nothing_to_import_writes_nothing(cli: Cli) -> None:
    run = cli("import", "--from", "src", "--out", "out", "--exclude", "acme-*")
    assert run.code == 1
    assert run.err.endswith(
        "error: there is no running instance to import through the local emulation in "
        "src/.cccform; nothing was written. Check the provider settings (--provider, --from), "
        "and what --instance and --exclude leave\n"
    )
    assert not (cli.directory / "out").exists()


def test_a_flow_name_from_the_cloud_never_writes_outside_out(cli: Cli) -> None:
    with CccEmulation(cli.directory / "src" / ".cccform", create_seconds=0) as emulation:
        emulation.handle(
            "CreateContactFlow",
            {
                "InstanceId": "acme-cs",
                "Name": "../../../escaped",
                "Type": "MAIN_FLOW",
                "Description": "made in the console",
                "Definition": json.dumps({"activities": []}),
            },
        )
    out = imported(cli)
    assert not (cli.directory / "escaped.json").exists()
    assert not list(cli.directory.parent.glob("escaped*"))
    written = [p for p in (out / "flows" / "acme-cs").iterdir() if p.name.startswith("unnamed-")]
    assert len(written) == 1 and written[0].suffix == ".json"


def test_an_import_into_the_configuration_it_reads_is_refused_before_writing(cli: Cli) -> None:
    source = in_dir(cli, cli.directory / "src")
    before = tree(source.directory)
    run = source("import")  # --out defaults to here, where support.yaml declares acme-cs
    assert run.code == 1, run.out + run.err
    assert "importing there would declare them twice. Nothing was written." in run.err
    assert "acme-cs (" in run.err
    assert tree(source.directory) == before


@pytest.mark.parametrize(
    ("given", "most"), [((), 1), (("--parallelism", "3"), 3), (("--parallelism", "50"), 50)]
)
def test_lists_are_read_at_once_within_the_parallelism(
    cli: Cli, given: tuple[str, ...], most: int
) -> None:
    """On the local emulation, which answers in process, 2 Lists in flight unless told
    (through the CCC API 100: test_aliyun_e2e)."""
    with CccEmulation(cli.directory / "src" / ".cccform", create_seconds=0) as emulation:
        for n in range(30):  # with the example's two, 128 Lists of contents
            emulation.handle(
                "CreateInstance",
                {"Name": f"Other {n}", "DomainName": f"other-{n:02d}", "AdminRamIdList": '["1"]'},
            )
    counted = InFlight(most)
    call = LocalTransport.call

    def held_lists(self: LocalTransport, action: str, params: dict[str, str]) -> Any:
        if action == "ListInstances":
            return call(self, action, params)
        return counted.hold(lambda: call(self, action, params))

    cli.monkeypatch.setattr(LocalTransport, "call", held_lists)
    run = cli("import", "--from", "src", "--out", "out", *given)
    assert run.code == 0, run.err
    assert "Imported 32 instances" in run.out
    assert counted.most == most


@pytest.mark.parametrize("value", ["0", "257", "many"])
def test_a_parallelism_out_of_range_is_a_usage_error(cli: Cli, value: str) -> None:
    run = cli("import", "--from", "src", "--out", "out", "--parallelism", value)
    assert run.code == 64
    assert run.err.startswith("error: Invalid value for '--parallelism': ")
    assert not (cli.directory / "out").exists()


def test_ctrl_c_stops_the_reading_and_writes_nothing(cli: Cli) -> None:
    with CccEmulation(cli.directory / "src" / ".cccform", create_seconds=0) as emulation:
        for n in range(20):
            emulation.handle(
                "CreateInstance",
                {"Name": f"Other {n}", "DomainName": f"other-{n:02d}", "AdminRamIdList": '["1"]'},
            )
    call = LocalTransport.call

    def slow_lists(self: LocalTransport, action: str, params: dict[str, str]) -> Any:
        if action != "ListInstances":
            time.sleep(0.2)
        return call(self, action, params)

    cli.monkeypatch.setattr(LocalTransport, "call", slow_lists)
    sent: list[float] = []

    def interrupt() -> None:
        sent.append(time.monotonic())
        os.kill(os.getpid(), signal.SIGINT)

    threading.Timer(0.3, interrupt).start()
    run = cli("import", "--from", "src", "--out", "out")  # 88 Lists, 1 at a time: 18 s
    stopped = time.monotonic() - sent[0]
    assert run.code == 130, run.err
    assert stopped < 1.0
    assert run.err.endswith(
        "\nInterrupt received. No new reads will start; waiting for the calls in flight, then "
        "stopping before anything is written, or once every file is written if the writing has "
        "begun. Press Ctrl-C again to exit at once.\n"
        "Interrupted. Nothing was written.\n"
    )
    assert run.out == ""
    assert not (cli.directory / "out").exists()


@pytest.mark.parametrize("contents", ["--contents", "--no-contents"])
def test_a_signal_after_the_last_read_still_writes_nothing(cli: Cli, contents: str) -> None:
    from cccform.importer import account
    from cccform.importer import compose as composing

    compose = composing.compose

    def interrupted_compose(*args: Any, **kwargs: Any) -> Any:
        os.kill(os.getpid(), signal.SIGTERM)  # every List has been read by now
        return compose(*args, **kwargs)

    cli.monkeypatch.setattr(account, "compose", interrupted_compose)
    run = cli("import", "--from", "src", "--out", "out", contents)
    assert run.code == 143, run.err
    assert run.err.endswith(
        "\nSIGTERM received. No new reads will start; waiting for the calls in flight, then "
        "stopping before anything is written, or once every file is written if the writing has "
        "begun. Signal again to exit at once.\n"
        "Interrupted. Nothing was written.\n"
    )
    assert run.out == ""
    assert not (cli.directory / "out").exists()


def test_a_signal_while_writing_lets_every_file_be_written(cli: Cli) -> None:
    from cccform.importer import account, output

    write_files = output.write_files

    def interrupted_write(out_dir: Path, files: dict[str, str]) -> None:
        os.kill(os.getpid(), signal.SIGINT)
        write_files(out_dir, files)

    cli.monkeypatch.setattr(account, "write_files", interrupted_write)
    run = cli("import", "--from", "src", "--out", "out")
    assert run.code == 130, run.err
    assert run.err.endswith(
        "Interrupted. The files were being written; all of them were written.\n"
    )
    assert "Imported 2 instances" in run.out, run.out
    out = cli.directory / "out"
    assert sorted(tree(out)) == sorted(EXAMPLE_FILES)
    assert not list(out.rglob("*.tmp"))
    # The files are whole: plan adopts them with no other change.
    plan = in_dir(cli, out)("plan", "--json")
    assert plan.code == 0, plan.err
    summary = plan.json()["summary"]
    assert summary.pop("adopt") == 19
    assert summary == dict.fromkeys(summary, 0)


def test_a_flow_whose_definition_cannot_be_read_is_left_out_and_left_alone(cli: Cli) -> None:
    call = LocalTransport.call

    def blank_after_hours(self: LocalTransport, action: str, params: dict[str, str]) -> Any:
        answer = call(self, action, params)
        if action == "ListContactFlows":
            for item in answer["List"]:
                if item["Name"] == "after-hours":
                    item["Definition"] = ""
        return answer

    cli.monkeypatch.setattr(LocalTransport, "call", blank_after_hours)
    run = cli("import", "--from", "src", "--out", "out")
    assert run.code == 0, run.err
    assert (
        "Warning: instance.acme-cs.flow.after-hours (SUB_FLOW) was left out: its definition "
        "is empty or not a JSON object. If this directory's state manages it (a re-import "
        "over applied files), the next plan would delete it, or be rejected while a number "
        "answers with it: declare it again by hand, with its definition.\n"
    ) in run.out
    document = cli("import", "--from", "src", "--out", "again", "--json").json()
    assert document["unreadable_flows"] == [
        {
            "address": "instance.acme-cs.flow.after-hours",
            "access_path": "acme-cs",
            "name": "after-hours",
            "type": "SUB_FLOW",
        }
    ]
    out = cli.directory / "out"
    assert not (out / "flows/acme-cs/after-hours.json").exists()
    text = (out / "acme-cs.yaml").read_text()
    assert "    #   flow after-hours (SUB_FLOW)\n" in text
    plan = in_dir(cli, out)("plan", "--json")
    assert plan.code == 0, plan.err
    actions = {c["address"]: c["action"] for c in plan.json()["changes"]}
    assert set(actions.values()) == {"adopt"}
    assert not any("after-hours" in address for address in actions)
