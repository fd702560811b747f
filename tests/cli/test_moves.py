"""A renamed instance key with the same access path is a move: no API write, state only."""

from __future__ import annotations

import json
from typing import Any

from tests.cli.harness import Cli, calls, write
from tests.cli.test_contents import BASE

READS = ("List", "Get")  # what a refresh calls; every other action writes


def configure(cli: Cli, key: str, **extra: Any) -> None:
    body: dict[str, Any] = {
        "name": "Support Center",
        "access_path": "acme-cs",
        "phone_numbers": ["057188880001", "0571002"],
        "admins": ["248613806810701"],
        "deletion_protection": False,
        **BASE,
        **extra,
    }
    write(cli.directory, "cccform.yaml", json.dumps({"instances": {key: body}}, indent=1))


def state(cli: Cli) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((cli.directory / "cccform.state.json").read_text())
    return data


def test_renamed_key_is_a_move_with_no_write_call(cli: Cli) -> None:
    configure(cli, "support")
    assert cli("apply", "--auto-approve").code == 0
    before = state(cli)["resources"]
    configure(cli, "helpdesk")

    planned = cli("plan", "--detailed-exitcode")
    assert planned.code == 2, planned.err
    assert "# instance.support has moved to instance.helpdesk" in planned.out
    assert "will be deleted" not in planned.out and "will be created" not in planned.out
    assert "Plan: 0 to create, 0 to update, 0 to delete, 0 to enable QA, 1 to move." in planned.out
    doc = cli("plan", "--json").json()
    assert doc["changes"] == []
    assert doc["moves"] == [
        {
            "action": "move",
            "address": "instance.helpdesk",
            "from": "instance.support",
            "remote_id": before["instance.support"]["remote_id"],
        }
    ]
    assert doc["summary"]["move"] == 1

    made = calls(cli, "apply", "--auto-approve")
    assert made and all(action.startswith(READS) for action in made), made  # no write call
    after = state(cli)["resources"]
    renamed = {k.replace("instance.support", "instance.helpdesk", 1): v for k, v in before.items()}
    assert after == renamed  # same ids, same contents, under the new address
    assert cli("plan", "--detailed-exitcode").code == 0


def test_the_apply_summary_counts_moves(cli: Cli) -> None:
    configure(cli, "support")
    assert cli("apply", "--auto-approve").code == 0
    configure(cli, "helpdesk")
    run = cli("apply", "--auto-approve")
    assert "Apply complete! Resources: 0 created, 0 updated, 0 deleted, 0 QA enabled, 1 moved." in (
        run.out
    )
    configure(cli, "desk")
    doc = cli("apply", "--auto-approve", "--json").json()
    assert doc["apply"]["summary"]["done"]["move"] == 1


def test_a_move_with_an_edit_updates_after_moving(cli: Cli) -> None:
    configure(cli, "support")
    assert cli("apply", "--auto-approve").code == 0
    configure(cli, "helpdesk", description="renamed and described")
    planned = cli("plan")
    assert "# instance.support has moved to instance.helpdesk" in planned.out
    assert "# instance.helpdesk will be updated in-place" in planned.out
    assert "1 to update" in planned.out and "1 to move" in planned.out
    assert cli("apply", "--auto-approve").code == 0
    assert state(cli)["resources"]["instance.helpdesk"]["attributes"]["description"] == (
        "renamed and described"
    )


def test_a_saved_plan_with_a_move_applies_and_goes_stale_once_moved(cli: Cli) -> None:
    configure(cli, "support")
    assert cli("apply", "--auto-approve").code == 0
    configure(cli, "helpdesk")
    assert cli("plan", "--out", "move.plan").code == 0
    assert cli("show", "move.plan").out.count("has moved to instance.helpdesk") == 1
    applied = cli("apply", "move.plan")
    assert applied.code == 0, applied.err
    assert "instance.helpdesk" in state(cli)["resources"]
    assert cli("apply", "move.plan").code == 7  # the state moved on


def test_a_new_key_with_another_access_path_is_not_a_move(cli: Cli) -> None:
    configure(cli, "support")
    assert cli("apply", "--auto-approve").code == 0
    configure(cli, "helpdesk", access_path="acme-help")
    planned = cli("plan")
    assert "has moved" not in planned.out
    assert "# instance.support will be deleted" in planned.out
    assert "# instance.helpdesk will be created" in planned.out


def configure_two(cli: Cli, cs_key: str, sales_key: str) -> None:
    cs: dict[str, Any] = {
        "name": "Support Center",
        "access_path": "acme-cs",
        "phone_numbers": ["057188880001", "0571002"],
        "admins": ["248613806810701"],
        "deletion_protection": False,
        **BASE,
    }
    sales = {
        "name": "Sales Center",
        "access_path": "acme-sales",
        "admins": ["248613806810701"],
        "deletion_protection": False,
        "skill_groups": {"outbound": {"display_name": "Outbound"}},
    }
    body = {"instances": {cs_key: cs, sales_key: sales}}
    write(cli.directory, "cccform.yaml", json.dumps(body, indent=1))


def swapped(resources: dict[str, Any]) -> dict[str, Any]:
    def other(address: str) -> str:
        key, dot, rest = address.removeprefix("instance.").partition(".")
        return f"instance.{ {'a': 'b', 'b': 'a'}[key] }{dot}{rest}"

    return {other(address): entry for address, entry in resources.items()}


def test_swapped_keys_are_two_moves_and_no_write_call(cli: Cli) -> None:
    configure_two(cli, "a", "b")
    assert cli("apply", "--auto-approve").code == 0
    before = state(cli)["resources"]
    configure_two(cli, "b", "a")  # acme-cs now under b, acme-sales under a

    planned = cli("plan", "--detailed-exitcode")
    assert planned.code == 2, planned.out + planned.err
    assert "# instance.a has moved to instance.b" in planned.out
    assert "# instance.b has moved to instance.a" in planned.out
    assert "Plan: 0 to create, 0 to update, 0 to delete, 0 to enable QA, 2 to move." in planned.out
    assert cli("plan", "--json").json()["changes"] == []

    assert cli("plan", "--out", "swap.plan").code == 0
    made = calls(cli, "apply", "swap.plan")
    assert all(action.startswith(READS) for action in made), made  # no write call
    assert state(cli)["resources"] == swapped(before)
    assert cli("plan", "--detailed-exitcode").code == 0


def test_a_partial_plan_must_take_both_sides_of_every_move(cli: Cli) -> None:
    configure_two(cli, "a", "b")
    assert cli("apply", "--auto-approve").code == 0
    before = state(cli)["resources"]
    configure_two(cli, "b", "a")
    for args in (("--target", "instance.a"), ("--target", "instance.b.agent.alice")):
        for command in ("plan", "apply"):
            run = cli(command, *args, *(("--auto-approve",) if command == "apply" else ()))
            assert run.code == 64, run.out + run.err
            assert run.err.startswith(
                "error: this plan moves instance.a to instance.b, instance.b to instance.a "
                "(renamed instance keys), and a partial plan must take both sides of every move"
            ), run.err
            assert run.err.rstrip().endswith(
                "Plan without --target and --exclude, or add --target instance.a --target "
                "instance.b"
                if args[1] != "instance.a"
                else "Plan without --target and --exclude, or add --target instance.b"
            ), run.err
    excluded = cli("plan", "--exclude", "instance.b")
    assert excluded.code == 64
    assert excluded.err.rstrip().endswith("or do not exclude instance.b"), excluded.err
    assert state(cli)["resources"] == before

    both = cli("apply", "--auto-approve", "--target", "instance.a", "--target", "instance.b")
    assert both.code == 0, both.out + both.err
    assert state(cli)["resources"] == swapped(before)


def test_a_target_may_name_the_old_key_of_a_renamed_instance(cli: Cli) -> None:
    configure(cli, "support")
    assert cli("apply", "--auto-approve").code == 0
    configure(cli, "helpdesk")
    refused = cli("plan", "--target", "instance.helpdesk")
    assert refused.code == 64
    assert refused.err.rstrip().endswith("or add --target instance.support"), refused.err
    inside = cli("plan", "--target", "instance.support.agent.alice")  # known before the move
    assert inside.code == 64
    assert inside.err.rstrip().endswith(
        "or add --target instance.helpdesk --target instance.support"
    ), inside.err
    run = cli(
        "apply", "--auto-approve", "--target", "instance.helpdesk", "--target", "instance.support"
    )
    assert run.code == 0, run.out + run.err
    assert "instance.helpdesk" in state(cli)["resources"]
    assert cli("plan", "--detailed-exitcode").code == 0


def test_a_target_on_a_key_an_instance_moved_out_of_needs_the_move(cli: Cli) -> None:
    """a's instance is now declared under b, and a declares a new one: a create at a, planned
    as after the move, must not run without the move (it would land on a's old records)."""
    configure_two(cli, "a", "other")
    assert cli("apply", "--auto-approve").code == 0
    before = state(cli)["resources"]
    body = json.loads((cli.directory / "cccform.yaml").read_text())["instances"]
    fresh = {**body["other"], "name": "New Center", "access_path": "acme-new"}
    moved = {"a": fresh, "b": body["a"], "other": body["other"]}
    write(cli.directory, "cccform.yaml", json.dumps({"instances": moved}, indent=1))
    planned = cli("plan")
    assert "# instance.a has moved to instance.b" in planned.out
    assert "# instance.a will be created" in planned.out
    run = cli("apply", "--auto-approve", "--target", "instance.a")
    assert run.code == 64, run.out + run.err
    assert "add --target instance.b" in run.err
    assert state(cli)["resources"] == before


def test_a_key_that_now_declares_another_instance_is_not_moved_over(cli: Cli) -> None:
    configure_two(cli, "a", "b")
    assert cli("apply", "--auto-approve").code == 0
    before = state(cli)["resources"]
    cs = json.loads((cli.directory / "cccform.yaml").read_text())["instances"]["a"]
    cs["access_path"] = "acme-sales"  # a declares what b managed; acme-cs is declared by none
    write(cli.directory, "cccform.yaml", json.dumps({"instances": {"a": cs}}, indent=1))
    planned = cli("plan")
    assert planned.code == 3, planned.out + planned.err
    assert "has moved" not in planned.out
    assert "access_path cannot change" in planned.out + planned.err
    assert state(cli)["resources"] == before
