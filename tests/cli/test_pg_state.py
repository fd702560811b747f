"""`state: {backend: postgres}` from the command line: runs, errors, and no DSN in output."""

from __future__ import annotations

import os

import pytest

from tests.cli.harness import Cli, config, instance_yaml, run_process, write
from tests.pg import PgSchema

PASSWORD = "hunter2-canary"


def pg_config(cli: Cli, pg: PgSchema, *instances: str, workspace: str = "team") -> None:
    """A configuration keeping its state in the test's schema (the DSN carries a password,
    which trust authentication ignores: it must show up nowhere)."""
    state = f"state:\n  backend: postgres\n  workspace: {workspace}\n  schema: {pg.name}\n"
    body = "instances:\n" + "".join(instances) if instances else "instances: {}\n"
    write(cli.directory, "cccform.yaml", state + body)
    user, rest = pg.dsn.split("://", 1)[1].split("@", 1)
    cli.monkeypatch.setenv("CCCFORM_PG_DSN", f"postgresql://{user}:{PASSWORD}@{rest}")


def test_apply_then_plan_keep_the_state_in_postgres(cli: Cli, pg_schema: PgSchema) -> None:
    pg_config(cli, pg_schema, instance_yaml("a", 1), instance_yaml("b", 2))
    applied = cli("apply", "--auto-approve")
    assert applied.code == 0, applied.err
    assert "Apply complete! Resources: 2 created" in applied.out
    assert not (cli.directory / "cccform.state.json").exists()
    planned = cli("plan", "--detailed-exitcode")
    assert planned.code == 0, planned.err
    assert "No changes." in planned.out
    listed = cli("state", "list")
    assert listed.out.splitlines() == ["instance.a", "instance.b"]
    for run in (applied, planned, listed):
        assert PASSWORD not in run.out + run.err
        assert pg_schema.dsn not in run.out + run.err
    rows = pg_schema.query("SELECT address FROM {schema}.entries WHERE kind = 'resource'")
    assert sorted(rows) == [("instance.a",), ("instance.b",)]


def test_a_saved_plan_records_the_variable_not_the_dsn(cli: Cli, pg_schema: PgSchema) -> None:
    pg_config(cli, pg_schema, instance_yaml("a", 1))
    assert cli("plan", "--out", "tfplan").code == 0
    saved = (cli.directory / "tfplan").read_text()
    assert '"dsn_env": "CCCFORM_PG_DSN"' in saved and f'"schema": "{pg_schema.name}"' in saved
    assert PASSWORD not in saved and "127.0.0.1" not in saved
    applied = cli("apply", "tfplan")
    assert applied.code == 0, applied.err
    assert cli("state", "list").out == "instance.a\n"


def test_a_missing_dsn_variable_is_named(cli: Cli) -> None:
    write(
        cli.directory, "cccform.yaml", "state: {backend: postgres, workspace: w, dsn_env: MY_DSN}\n"
    )
    cli.monkeypatch.delenv("MY_DSN", raising=False)
    for command in (("plan",), ("state", "list"), ("apply", "--auto-approve")):
        run = cli(*command)
        assert run.code == 1, run.err
        assert run.err.startswith("error: the state is kept in PostgreSQL")
        assert "the environment variable MY_DSN (state.dsn_env) that holds its DSN is not set" in (
            run.err
        )


def test_an_unreachable_server_is_named_with_the_password_masked(cli: Cli) -> None:
    write(cli.directory, "cccform.yaml", "state: {backend: postgres, workspace: w}\n")
    cli.monkeypatch.setenv("CCCFORM_PG_DSN", f"postgresql://ci:{PASSWORD}@127.0.0.1:1/statedb")
    run = cli("plan")
    assert run.code == 1
    assert run.err.startswith(
        "error: could not connect to the PostgreSQL state database 'statedb' on 127.0.0.1:1 "
        "(DSN from CCCFORM_PG_DSN): "
    )
    assert PASSWORD not in run.err and "postgresql://" not in run.err


def test_a_server_error_quoting_the_password_is_masked(cli: Cli, pg_schema: PgSchema) -> None:
    write(cli.directory, "cccform.yaml", "state: {backend: postgres, workspace: w}\n")
    # libpq quotes an unknown database name: name it after the password.
    user, rest = pg_schema.dsn.split("://", 1)[1].split("@", 1)
    host = rest.split("/", 1)[0]
    cli.monkeypatch.setenv("CCCFORM_PG_DSN", f"postgresql://{user}:{PASSWORD}@{host}/{PASSWORD}")
    run = cli("plan")
    assert run.code == 1
    assert "database '***'" in run.err
    assert "does not exist" in run.err
    assert PASSWORD not in run.err


def test_a_dsn_that_does_not_parse_is_not_quoted(cli: Cli) -> None:
    write(cli.directory, "cccform.yaml", "state: {backend: postgres, workspace: w}\n")
    cli.monkeypatch.setenv("CCCFORM_PG_DSN", f"host=127.0.0.1 password={PASSWORD} oops")
    run = cli("plan")
    assert run.code == 1
    assert "the DSN in CCCFORM_PG_DSN is not a PostgreSQL connection string" in run.err
    assert PASSWORD not in run.err


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("workspace", "'two words'", "state.workspace: invalid workspace name 'two words'"),
        ("schema", "Public", "state.schema: invalid schema name 'Public'"),
        ("schema", "pg_catalog", "state.schema: names starting with pg_ are PostgreSQL's own"),
        ("dsn_env", "'MY-DSN'", "state.dsn_env: invalid environment variable name 'MY-DSN'"),
    ],
)
def test_bad_names_are_configuration_errors(cli: Cli, field: str, value: str, message: str) -> None:
    fields = {"workspace": "w", field: value}
    block = "".join(f"  {k}: {v}\n" for k, v in fields.items())
    write(cli.directory, "cccform.yaml", f"state:\n  backend: postgres\n{block}")
    run = cli("validate")
    assert run.code == 4
    line = 3 + list(fields).index(field)
    assert f"cccform.yaml:{line}:" in run.err and message in run.err


def test_a_postgres_block_needs_a_workspace(cli: Cli) -> None:
    write(cli.directory, "cccform.yaml", "state:\n  backend: postgres\n")
    run = cli("validate")
    assert run.code == 4
    assert "cccform.yaml:1:1: error: state.workspace: missing required field 'workspace'" in run.err


def test_two_configurations_share_one_schema_in_two_workspaces(
    cli: Cli, pg_schema: PgSchema
) -> None:
    pg_config(cli, pg_schema, instance_yaml("a", 1), workspace="one")
    assert cli("apply", "--auto-approve").code == 0
    pg_config(cli, pg_schema, workspace="two")
    listed = cli("state", "list")
    assert listed.code == 0 and listed.out == ""
    config(cli.directory, instance_yaml("a", 1))  # back to the local file: nothing there either
    assert cli("state", "list").out == ""


def test_the_debug_log_holds_no_password(cli: Cli, pg_schema: PgSchema) -> None:
    pg_config(cli, pg_schema, instance_yaml("a", 1))
    log = cli.directory / "debug.log"
    env = {
        "CCCFORM_PG_DSN": os.environ["CCCFORM_PG_DSN"],
        "CCCFORM_LOG": "debug",
        "CCCFORM_LOG_PATH": str(log),
    }
    applied = run_process(cli.directory, "apply", "--auto-approve", env=env)
    assert applied.code == 0, applied.err
    text = log.read_text()
    assert "cccform.api: call CreateInstance" in text
    assert PASSWORD not in text and PASSWORD not in applied.out + applied.err


def test_a_schema_from_a_newer_cccform_is_refused(cli: Cli, pg_schema: PgSchema) -> None:
    pg_config(cli, pg_schema, instance_yaml("a", 1))
    assert cli("apply", "--auto-approve").code == 0
    pg_schema.query(
        "INSERT INTO {schema}.schema_version (version, cccform_version) VALUES (99, '9.9.9')"
    )
    for command in (("plan",), ("state", "list"), ("apply", "--auto-approve")):
        run = cli(*command)
        assert run.code == 1, run.err
        assert f"the PostgreSQL schema '{pg_schema.name}' (database 'test' on " in run.err
        assert "is at version 99, made by a newer cccform" in run.err


def test_a_role_with_rights_on_the_tables_alone_can_apply(cli: Cli, pg_schema: PgSchema) -> None:
    pg_config(cli, pg_schema, instance_yaml("a", 1))
    assert cli("plan").code == 0  # the first locking run creates the tables
    with pg_schema.role("SELECT, INSERT, UPDATE, DELETE") as dsn:
        cli.monkeypatch.setenv("CCCFORM_PG_DSN", dsn)
        applied = cli("apply", "--auto-approve")
        listed = cli("state", "list")
    assert applied.code == 0, applied.err
    assert listed.out == "instance.a\n"


def test_commands_that_only_read_create_no_tables(cli: Cli, pg_schema: PgSchema) -> None:
    pg_config(cli, pg_schema, instance_yaml("a", 1))
    for command in (("plan", "--lock=false"), ("show",), ("state", "list"), ("state", "history")):
        run = cli(*command)
        assert run.code == 0, (command, run.err)
    found = pg_schema.query("SELECT 1 FROM pg_namespace WHERE nspname = %s", pg_schema.name)
    assert found == []
    assert cli("plan").code == 0  # a locking run creates them
    assert pg_schema.query("SELECT count(*) FROM {schema}.schema_version") == [(1,)]
