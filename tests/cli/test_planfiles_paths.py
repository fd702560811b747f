"""What a PATH is, and saved plans that move with the checkout and are checked again."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest

from ccc_emulator.engine import CccEmulation
from tests.cli.harness import Cli, config, instance_yaml, write


def resign(path: Path, edit: dict[str, object]) -> None:
    """Edit a saved plan and give it a matching checksum (a forger who read the docs)."""
    doc = json.loads(path.read_text())
    doc.pop("checksum")
    doc.update(edit)
    canonical = json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    doc["checksum"] = "sha256:" + hashlib.sha256(canonical.encode()).hexdigest()
    path.write_text(json.dumps(doc))


def test_one_file_of_a_directory_is_refused(cli: Cli) -> None:
    write(cli.directory, "settings.yaml", "state:\n  path: shared.state.json\n")
    config(cli.directory, instance_yaml("a", 1), name="main.yaml")
    config(cli.directory, instance_yaml("b", 2), name="support.yaml")
    assert cli("apply", "--auto-approve", ".").code == 0
    for command in (["apply", "--auto-approve"], ["plan"], ["validate"]):
        run = cli(*command, "support.yaml")
        assert run.code == 64, run.err
        assert "one file of the configuration in directory '.'" in run.err
        assert "main.yaml, settings.yaml" in run.err and "pass the directory '.'" in run.err
    assert cli("state", "list", ".").out == "instance.a\ninstance.b\n"
    assert not (cli.directory / "cccform.state.json").exists()


def test_a_single_file_alone_in_its_directory_is_a_configuration(cli: Cli) -> None:
    config(cli.directory / "one", instance_yaml("a", 1))
    assert cli("apply", "--auto-approve", "one/cccform.yaml").code == 0
    assert cli("state", "list", "one").out == "instance.a\n"


@pytest.mark.parametrize("content", ["", "{}", "\n", "[]"])
def test_an_empty_plan_file_is_not_an_empty_configuration(cli: Cli, content: str) -> None:
    config(cli.directory, instance_yaml("a", 1))
    assert cli("apply", "--auto-approve").code == 0
    (cli.directory / "plan.json").write_text(content)
    run = cli("apply", "--auto-approve", "--allow-delete", "plan.json")
    assert run.code == 7, run.err
    assert "plan.json is not a usable saved plan" in run.err and ".yaml/.yml" in run.err
    assert cli("state", "list").out == "instance.a\n"
    assert cli("show", "plan.json").code == 7


def test_a_plan_of_a_deep_directory_is_recognised(cli: Cli) -> None:
    deep = cli.directory.joinpath(*["d" * 40] * 6)
    config(deep, instance_yaml("a", 1))
    assert cli("plan", "--out", "tfplan", str(deep)).code == 0
    run = cli("apply", "tfplan")
    assert run.code == 0, run.err
    assert cli("state", "list", str(deep)).out == "instance.a\n"


def test_saved_plan_applies_in_another_checkout(cli: Cli) -> None:
    first = cli.directory / "runner1" / "repo"
    config(first / "infra", instance_yaml("a", 1))
    cli.monkeypatch.chdir(first)
    assert cli("apply", "--auto-approve", "infra").code == 0
    config(first / "infra", instance_yaml("a", 1, description="moved"))
    assert cli("plan", "--out", "tfplan", "infra").code == 0
    second = cli.directory / "runner2" / "repo"
    shutil.copytree(first, second)
    shutil.rmtree(first)
    cli.monkeypatch.chdir(second)
    run = cli("apply", "tfplan")
    assert run.code == 0, run.err
    assert not first.exists()
    with CccEmulation(second / "infra" / ".cccform", create_seconds=0) as emulation:
        described = emulation.handle("GetInstance", {"InstanceId": "acme-0001"})
    assert described["Description"] == "moved"


def test_saved_plan_never_creates_files_where_its_configuration_is_not(cli: Cli) -> None:
    config(cli.directory / "infra", instance_yaml("a", 1))
    assert cli("plan", "--out", "tfplan", "infra").code == 0
    shutil.move(str(cli.directory / "tfplan"), str(cli.directory / "elsewhere.plan"))
    (cli.directory / "sub").mkdir()
    cli.monkeypatch.chdir(cli.directory / "sub")
    run = cli("apply", "../elsewhere.plan")
    assert run.code == 7, run.err
    assert "was made for the configuration in 'infra'" in run.err
    assert sorted(p.name for p in (cli.directory / "sub").iterdir()) == []


def test_an_edited_plan_fails_its_checksum(cli: Cli) -> None:
    config(cli.directory, instance_yaml("a", 1))
    assert cli("apply", "--auto-approve").code == 0
    config(cli.directory, instance_yaml("a", 1, description="two"))
    assert cli("plan", "--out", "tfplan").code == 0
    path = cli.directory / "tfplan"
    path.write_text(path.read_text().replace('"update"', '"delete"'))
    run = cli("apply", "--allow-delete", "tfplan")
    assert run.code == 7, run.err
    assert "checksum does not match" in run.err
    assert cli("state", "list").out == "instance.a\n"


def test_a_forged_delete_of_a_protected_instance_is_refused(cli: Cli) -> None:
    config(cli.directory, instance_yaml("a", 1, deletion_protection=True))
    assert cli("apply", "--auto-approve").code == 0
    config(cli.directory, instance_yaml("a", 1, deletion_protection=True, description="two"))
    assert cli("plan", "--out", "tfplan").code == 0
    path = cli.directory / "tfplan"
    doc = json.loads(path.read_text())
    plan = doc["plan"]
    plan["changes"][0].update(action="delete", after=None, changed_fields=[])
    resign(path, {"plan": plan})
    run = cli("apply", "--allow-delete", "tfplan")
    assert run.code == 3, run.err
    assert "deletion_protection" in run.out + run.err
    assert cli("state", "list").out == "instance.a\n"


def test_a_forged_immutable_change_and_qa_off_are_refused(cli: Cli) -> None:
    config(cli.directory, instance_yaml("a", 1, conversation_analysis=True))
    assert cli("apply", "--auto-approve").code == 0
    config(cli.directory, instance_yaml("a", 1, description="two", conversation_analysis=True))
    assert cli("plan", "--out", "tfplan").code == 0
    path = cli.directory / "tfplan"
    plan = json.loads(path.read_text())["plan"]
    change = plan["changes"][0]
    change["after"].update(name="Renamed", conversation_analysis=False)
    change["changed_fields"] += ["name", "conversation_analysis"]
    resign(path, {"plan": plan})
    run = cli("apply", "--json", "tfplan")
    assert run.code == 3, run.err
    kinds = sorted(e["kind"] for e in run.json()["plan"]["errors"])
    assert kinds == ["immutable", "one_way"]


def test_saved_plans_of_creates_numbers_and_content_updates_apply(cli: Cli) -> None:
    # A number is managed from its first update, in an instance the same plan creates; a
    # content update's `after` holds every attribute, not only the changed ones.
    config(
        cli.directory,
        instance_yaml("a", 1)
        + "    skill_groups:\n      billing: {display_name: Billing}\n"
        + '    numbers:\n      "057100000001": {usage: Inbound, skill_groups: [billing]}\n',
    )
    assert cli("plan", "--out", "first").code == 0
    applied = cli("apply", "first")
    assert applied.code == 0, applied.err
    text = (
        (cli.directory / "cccform.yaml")
        .read_text()
        .replace("{display_name: Billing}", "{display_name: Bills}")
    )
    (cli.directory / "cccform.yaml").write_text(text)
    assert cli("plan", "--out", "second").code == 0
    applied = cli("apply", "second")
    assert applied.code == 0, applied.err
    assert cli("plan", "--detailed-exitcode").code == 0


def test_a_forged_remote_id_is_not_from_this_state(cli: Cli) -> None:
    config(cli.directory, instance_yaml("a", 1), instance_yaml("b", 2))
    assert cli("apply", "--auto-approve").code == 0
    config(cli.directory, instance_yaml("a", 1, description="two"), instance_yaml("b", 2))
    assert cli("plan", "--out", "tfplan").code == 0
    path = cli.directory / "tfplan"
    plan = json.loads(path.read_text())["plan"]
    plan["changes"][0]["remote_id"] = "acme-0002"
    resign(path, {"plan": plan})
    run = cli("apply", "tfplan")
    assert run.code == 7, run.err
    assert "names remote id 'acme-0002'" in run.err


def test_a_forged_enable_qa_on_an_unmanaged_instance_is_refused(cli: Cli) -> None:
    config(cli.directory, instance_yaml("a", 1), instance_yaml("b", 2))
    assert cli("apply", "--auto-approve").code == 0
    assert cli("state", "rm", "instance.b").code == 0
    config(cli.directory, instance_yaml("a", 1, description="two"))
    assert cli("plan", "--out", "tfplan").code == 0
    path = cli.directory / "tfplan"
    plan = json.loads(path.read_text())["plan"]
    qa = {**plan["changes"][0], "address": "instance.b", "action": "enable_qa"}
    qa.update(remote_id="acme-0002", after={"conversation_analysis": True}, changed_fields=[])
    plan["changes"].append(qa)
    resign(path, {"plan": plan})
    run = cli("apply", "tfplan")
    assert run.code == 7, run.out + run.err
    assert "enables QA on an instance the state does not manage" in run.err
    assert cli.emulation().conversation_analysis_status().get("acme-0002") is not True


def test_apply_of_a_path_that_does_not_exist_says_so_first(cli: Cli) -> None:
    run = cli("apply", "missing.out")
    assert run.code == 64
    assert run.err.startswith("error: missing.out does not exist: pass a configuration")


def test_a_forged_immutable_value_never_reaches_the_state(cli: Cli) -> None:
    agent = (
        "    agents:\n      alice:\n        display_name: {name}\n"
        "        email: alice@example.com\n"
    )
    config(cli.directory, instance_yaml("a", 1) + agent.format(name="Alice"))
    assert cli("apply", "--auto-approve").code == 0
    config(cli.directory, instance_yaml("a", 1) + agent.format(name="Alice Wang"))
    assert cli("plan", "--out", "tfplan").code == 0
    path = cli.directory / "tfplan"
    plan = json.loads(path.read_text())["plan"]
    (change,) = [c for c in plan["changes"] if c["address"].endswith("agent.alice")]
    change["before"]["email"] = change["after"]["email"] = "evil@example.com"
    resign(path, {"plan": plan})
    assert cli("apply", "tfplan").code == 0
    recorded = json.loads((cli.directory / "cccform.state.json").read_text())["resources"]
    attributes = recorded["instance.a.agent.alice"]["attributes"]
    assert attributes["email"] == "alice@example.com"
    assert attributes["display_name"] == "Alice Wang"
