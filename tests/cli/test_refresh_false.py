"""`--refresh=false`: plan from the state alone, and say what that cannot see."""

from __future__ import annotations

import json

from tests.cli.harness import Cli, calls, write
from tests.cli.test_refresh_only import CONFIG
from tests.jsonplan_schema import assert_valid_plan


def configure(cli: Cli, **changes: str) -> None:
    support = {**CONFIG["instances"]["support"], **changes}
    write(cli.directory, "cccform.yaml", json.dumps({"instances": {"support": support}}))


def test_plan_reads_nothing_and_says_what_it_cannot_see(cli: Cli) -> None:
    configure(cli)
    assert cli("apply", "--auto-approve").code == 0
    with cli.emulation() as emulation:  # a change outside cccform, which it will not see
        emulation.handle("ModifyInstance", {"InstanceId": "acme-cs", "Description": "console"})
    assert calls(cli, "plan", "--refresh=false") == {}
    run = cli("plan", "--refresh=false")
    assert run.code == 0, run.err
    assert run.out.startswith(
        "Warning: this plan was made from the state alone (--refresh=false): no object was read"
    )
    assert "No changes. Your call centers match the configuration." in run.out
    doc = cli("plan", "--refresh=false", "--json").json()
    assert_valid_plan(doc)
    assert [w["kind"] for w in doc["warnings"]] == ["refresh_skipped"]
    # a refresh sees what was changed outside cccform
    assert "(changed outside cccform: description)" in cli("plan").out


def test_apply_from_the_state_alone_makes_the_changes_the_configuration_asks_for(
    cli: Cli,
) -> None:
    configure(cli)
    assert cli("apply", "--auto-approve").code == 0
    configure(cli, description="Shanghai hotline")
    planned = cli("plan", "--refresh=false", "--json").json()
    assert [(c["address"], c["action"]) for c in planned["changes"]] == [
        ("instance.support", "update")
    ]
    counts = calls(cli, "apply", "--refresh=false", "--auto-approve")
    assert counts == {"ModifyInstance": 1}, counts
    assert "No changes." in cli("plan").out


def test_refresh_only_and_refresh_false_cannot_go_together(cli: Cli) -> None:
    configure(cli)
    run = cli("plan", "--refresh-only", "--refresh=false")
    assert run.code == 64
    assert run.err.startswith("error: --refresh-only shows what a refresh finds")
