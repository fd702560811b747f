"""`state history`, `state pull` and `state push`, on the local file and on PostgreSQL, and
the migration between them (pull from one, push to the other, lineage kept)."""

from __future__ import annotations

import json
import re
from typing import Any

from cccform.state import changes, journal
from cccform.state.local import LocalStateStore
from cccform.state.models import ResourceState, State
from tests.cli.harness import Cli, config, instance_yaml
from tests.cli.test_pg_state import pg_config
from tests.pg import PgSchema

HEADER = "  SERIAL  WRITTEN               BY"


def pulled(cli: Cli, *args: str) -> dict[str, Any]:
    run = cli("state", "pull", *args)
    assert run.code == 0, run.err
    document: dict[str, Any] = json.loads(run.out)
    return document


def apply_twice(cli: Cli, write_config: Any) -> None:
    write_config(instance_yaml("a", 1))
    assert cli("apply", "--auto-approve").code == 0
    write_config(instance_yaml("a", 1, description="second"), instance_yaml("b", 2))
    assert cli("apply", "--auto-approve").code == 0


def test_postgres_history_lists_every_serial(cli: Cli, pg_schema: PgSchema) -> None:
    apply_twice(cli, lambda *i: pg_config(cli, pg_schema, *i))
    run = cli("state", "history")
    assert run.code == 0, run.err
    lines = run.out.splitlines()
    assert lines[0].startswith("History of the PostgreSQL workspace 'team' (schema ")
    assert lines[1].startswith(HEADER) and lines[1].endswith("OPERATION  RESOURCES  PENDING")
    serials = [int(line.split()[0]) for line in lines[2:]]
    assert serials == sorted(serials, reverse=True) and serials[-1] == 1
    newest = lines[2].split()
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", newest[1])
    assert newest[3:] == ["apply", "2", "0"]
    document = cli("state", "history", "--json").out
    assert json.loads(document)["history"][0]["resources"] == 2


def test_pull_of_a_kept_serial_is_the_state_as_it_was(cli: Cli, pg_schema: PgSchema) -> None:
    pg_config(cli, pg_schema, instance_yaml("a", 1))
    assert cli("apply", "--auto-approve").code == 0
    first = pulled(cli)
    pg_config(cli, pg_schema, instance_yaml("a", 1, description="second"))
    assert cli("apply", "--auto-approve").code == 0
    assert pulled(cli)["resources"]["instance.a"]["attributes"]["description"] == "second"
    assert pulled(cli, "--serial", str(first["serial"])) == first
    missing = cli("state", "pull", "--serial", "99")
    assert missing.code == 1
    assert "serial 99 is not kept in the PostgreSQL workspace 'team'" in missing.err


def test_local_history_is_the_file_and_its_backup(cli: Cli) -> None:
    apply_twice(cli, lambda *i: config(cli.directory, *i))
    run = cli("state", "history")
    lines = run.out.splitlines()
    assert lines[0].startswith("History of the state file cccform.state.json (lineage ")
    current, backup = (line.split() for line in lines[2:])
    # The backup is the state as the last apply found it: its saves went to the journal,
    # folded into the file once, when the run released the lock.
    assert int(current[0]) > int(backup[0])
    assert current[2:] == ["-", "-", "2", "0"]
    assert backup[2:] == ["-", "-", "1", "0"]
    assert pulled(cli, "--serial", backup[0])["serial"] == int(backup[0])
    old = cli("state", "pull", "--serial", "1")
    assert old.code == 1 and "a local state keeps only its current version" in old.err


def test_push_refuses_another_lineage_or_an_older_serial_unless_forced(
    cli: Cli, pg_schema: PgSchema
) -> None:
    pg_config(cli, pg_schema, instance_yaml("a", 1))
    assert cli("apply", "--auto-approve").code == 0
    old = pulled(cli)
    (cli.directory / "old.json").write_text(json.dumps(old))
    (cli.directory / "other.json").write_text(json.dumps({**old, "lineage": "another"}))
    pg_config(cli, pg_schema, instance_yaml("a", 1, description="newer"))
    assert cli("apply", "--auto-approve").code == 0
    current = pulled(cli)
    stale = cli("state", "push", "old.json")
    assert stale.code == 1
    assert f"refusing to push serial {old['serial']} over the PostgreSQL workspace" in stale.err
    assert f"which is at serial {current['serial']}" in stale.err
    foreign = cli("state", "push", "other.json")
    assert foreign.code == 1
    assert "refusing to push a state of lineage another over the PostgreSQL" in foreign.err
    assert pulled(cli) == current
    forced = cli("state", "push", "old.json", "--force")
    assert forced.code == 0, forced.err
    assert forced.out == (
        f"Pushed old.json to the PostgreSQL workspace 'team' (schema {pg_schema.name}, "
        f"database 'test' on 127.0.0.1:5432): lineage {old['lineage']}, serial "
        f"{current['serial'] + 1}.\n"
    )
    now = pulled(cli)
    assert now["resources"] == old["resources"] and now["serial"] == current["serial"] + 1
    assert (cli.directory / "old.json").exists()  # not a state file: left where it is
    adopted = cli("state", "push", "other.json", "--force")  # another lineage, on purpose
    assert adopted.code == 0, adopted.err
    assert "lineage another" in adopted.out
    taken = pulled(cli)
    assert taken["lineage"] == "another" and taken["serial"] > now["serial"]
    newest = json.loads(cli("state", "history", "--json").out)["history"][0]
    assert (newest["serial"], newest["lineage"]) == (taken["serial"], "another")


def test_migration_from_the_local_file_to_postgres_and_back(cli: Cli, pg_schema: PgSchema) -> None:
    config(cli.directory, instance_yaml("a", 1))
    assert cli("apply", "--auto-approve").code == 0
    local = pulled(cli)
    # The recipe of docs/state.md: switch the state block, push the local file.
    pg_config(cli, pg_schema, instance_yaml("a", 1))
    pushed = cli("state", "push", "cccform.state.json")
    assert pushed.code == 0, pushed.err
    assert "Renamed cccform.state.json to cccform.state.json.pushed" in pushed.out
    assert not (cli.directory / "cccform.state.json").exists()
    in_pg = pulled(cli)
    assert in_pg["lineage"] == local["lineage"]
    assert in_pg["resources"] == local["resources"] and in_pg["serial"] == local["serial"]
    assert cli("plan", "--detailed-exitcode").code == 0
    # And back: pull from PostgreSQL, switch the block back, push the pulled file.
    (cli.directory / "from-pg.json").write_text(cli("state", "pull").out)
    config(cli.directory, instance_yaml("a", 1))
    back = cli("state", "push", "from-pg.json")
    assert back.code == 0, back.err
    again = pulled(cli)
    assert again["lineage"] == local["lineage"] and again["resources"] == local["resources"]
    assert cli("plan", "--detailed-exitcode").code == 0


def test_push_of_a_local_file_replays_its_journal_and_retires_it(cli: Cli) -> None:
    other = cli.directory / "other"
    other.mkdir()
    store = LocalStateStore(other / "cccform.state.json")
    state = store.write(
        State(resources={"instance.a": ResourceState(remote_id="i-a", attributes={})})
    )
    state.resources["instance.b"] = ResourceState(remote_id="i-b", attributes={})
    save = changes.changes(store.read(), state)
    (other / "cccform.state.json.journal").write_bytes(journal.encode(state.lineage, 2, save))
    config(cli.directory, instance_yaml("a", 1))
    pushed = cli("state", "push", "other/cccform.state.json")
    assert pushed.code == 0, pushed.err
    document = pulled(cli)
    assert (document["serial"], sorted(document["resources"])) == (2, ["instance.a", "instance.b"])
    assert sorted(path.name for path in other.iterdir() if "state" in path.name) == [
        "cccform.state.json.journal.pushed",
        "cccform.state.json.pushed",
    ]


def test_pushing_the_state_file_onto_itself_is_refused(cli: Cli) -> None:
    config(cli.directory, instance_yaml("a", 1))
    assert cli("apply", "--auto-approve").code == 0
    run = cli("state", "push", "cccform.state.json")
    assert run.code == 1
    assert "is the state file of this configuration itself" in run.err
    assert (cli.directory / "cccform.state.json").exists()


def test_state_surgery_on_postgres_is_a_serial_of_its_history(
    cli: Cli, pg_schema: PgSchema
) -> None:
    pg_config(cli, pg_schema, instance_yaml("a", 1), instance_yaml("b", 2))
    assert cli("apply", "--auto-approve").code == 0
    before = pulled(cli)
    removed = cli("state", "rm", "instance.b")
    assert removed.code == 0, removed.err
    serial = before["serial"] + 1
    assert removed.out.endswith(
        f"State saved at serial {serial}; the previous version is kept (see cccform state "
        "history).\n"
    )
    newest = cli("state", "history").out.splitlines()[2].split()
    assert newest[0] == str(serial) and newest[3:5] == ["state", "rm"]
    assert pulled(cli, "--serial", str(before["serial"])) == before


def test_a_push_that_jumps_serials_keeps_the_history_it_replaced(
    cli: Cli, pg_schema: PgSchema
) -> None:
    apply_twice(cli, lambda *instances: pg_config(cli, pg_schema, *instances))
    kept = [
        entry["serial"] for entry in json.loads(cli("state", "history", "--json").out)["history"]
    ]
    state = pulled(cli)
    state["resources"]["instance.a"]["attributes"]["description"] = "jumped"
    (cli.directory / "jump.json").write_text(json.dumps({**state, "serial": 5000}))
    pushed = cli("state", "push", "jump.json")
    assert pushed.code == 0, pushed.err
    after = [
        entry["serial"] for entry in json.loads(cli("state", "history", "--json").out)["history"]
    ]
    assert after[0] >= 5000 and after[1:] == kept
    assert pulled(cli, "--serial", str(kept[0]))["serial"] == kept[0]
