"""Hostile or broken saved plans, even with a checksum that matches: exit 7 naming the file and
what is wrong, never a traceback or a hang."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from cccform.plan import planfile
from tests.cli.harness import Cli, config, instance_yaml
from tests.cli.test_planfiles_paths import resign
from tests.test_examples import EXAMPLES, copy_configuration

Edit = Callable[[dict[str, Any]], None]


def _planned(cli: Cli) -> Path:
    config(cli.directory, instance_yaml("a", 1))
    assert cli("plan", "--out", "saved.plan").code == 0
    return cli.directory / "saved.plan"


def _refused(cli: Cli, plan: str = "saved.plan") -> str:
    """`show` and `apply` both refuse `plan` with exit 7 and the same message; returns it."""
    shown = cli("show", plan)
    applied = cli("apply", plan)
    for run in (shown, applied):
        assert run.code == 7, run.err
        assert "Traceback" not in run.err
        assert f"{plan} is not a usable saved plan:" in run.err
    assert shown.err == applied.err
    return shown.err


def _first_change(edit: Edit) -> Callable[[dict[str, Any]], None]:
    def apply_to(plan: dict[str, Any]) -> None:
        edit(plan["changes"][0])

    return apply_to


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (lambda c: c.update(after=None), "instance.a (create): after is missing"),
        (lambda c: c.update(after={}), "instance.a (create): after.name: Field required"),
        (
            lambda c: c["after"].update(phone_numbers="057100000001"),
            "after.phone_numbers: Input should be a valid list",
        ),
        (
            lambda c: c.update(address="bogus.thing"),
            "plan.changes[0].address: Value error, 'bogus.thing' is not an address",
        ),
        (
            lambda c: c.update(address="instance.a.skill_group.sales"),
            "instance.a.skill_group.sales (create): instance_id is missing",
        ),
        (
            lambda c: c.update(action="delete", remote_id=None),
            "instance.a (delete): remote_id is missing",
        ),
        (
            lambda c: c.update(action="update", after={"description": 1}),
            "instance.a (update): after.description: Input should be a valid string",
        ),
    ],
    ids=[
        "after-null",
        "after-empty",
        "after-wrong-type",
        "bogus-address",
        "content-no-instance",
        "delete-no-remote-id",
        "update-wrong-type",
    ],
)
def test_a_resigned_plan_with_a_change_apply_cannot_carry_out_is_refused(
    cli: Cli, edit: Edit, expected: str
) -> None:
    saved = _planned(cli)
    resign(saved, {"plan": _edited(saved, _first_change(edit))})
    assert expected in _refused(cli)
    assert not (cli.directory / "cccform.state.json").exists()


def _edited(saved: Path, edit: Edit) -> dict[str, Any]:
    plan: dict[str, Any] = json.loads(saved.read_text())["plan"]
    edit(plan)
    return plan


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[" * 100_000 + "]" * 100_000, "it is nested too deeply to read"),
        ('{"kind": "cccform-plan", "version": ' + "7" * 5000 + "}", "too many digits"),
    ],
    ids=["nested-100000-deep", "5000-digit-number"],
)
def test_pathological_json_in_a_saved_plan_is_refused(cli: Cli, text: str, expected: str) -> None:
    config(cli.directory, instance_yaml("a", 1))
    (cli.directory / "saved.plan").write_text(text)
    assert expected in _refused(cli)


def test_an_oversized_saved_plan_is_refused(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    size = _planned(cli).stat().st_size
    monkeypatch.setattr(planfile, "MAX_PLAN_BYTES", size - 1)
    assert f"it is larger than {size - 1} bytes ({size} bytes)" in _refused(cli)


def test_saved_plans_of_every_kind_still_show(cli: Cli) -> None:
    copy_configuration(EXAMPLES / "contact-center", cli.directory)
    assert cli("plan", "--out", "created.plan").code == 0
    assert cli("show", "created.plan").code == 0  # a create of every kind
    assert cli("apply", "--auto-approve").code == 0
    support = cli.directory / "support.yaml"
    text = support.read_text()
    for old, new in (("Billing", "Invoices"), ("Alice Wang", "Alice W."), ("24/7", "daily")):
        text = text.replace(old, new)
    support.write_text(text)
    assert cli("plan", "--out", "updated.plan").code == 0
    run = cli("show", "updated.plan")  # an update of an instance, a skill group, an agent
    assert run.code == 0, run.err
    assert "Plan: 0 to create, 3 to update, 0 to delete" in run.out


def test_a_fifo_or_a_device_given_as_a_plan_is_refused_as_a_plan(cli: Cli) -> None:
    import os

    os.mkfifo(cli.directory / "fifo.plan")
    for target in ("fifo.plan", "/dev/zero"):
        for command in (["apply", "--auto-approve", target], ["show", target]):
            run = cli(*command)
            assert run.code == 7, run.err
            assert "not a regular file" in run.err and "not a usable saved plan" in run.err
