"""`cccform schema`: print, write and check the JSON schema of a configuration file."""

from __future__ import annotations

from cccform.config.schema import SCHEMA_PATH, render_schema
from tests.cli.harness import Cli


def test_without_options_prints_the_schema(cli: Cli) -> None:
    run = cli("schema")
    assert run.code == 0
    assert run.out == render_schema()
    assert run.err == ""


def test_write_then_check(cli: Cli) -> None:
    target = cli.directory / "schemas" / "cccform.schema.json"
    run = cli("schema", "--check", str(target))
    assert run.code == 1
    assert run.out == ""
    assert run.err == (
        f"error: {target} is out of date with the configuration models\n"
        f"  hint: run: cccform schema --write {target}\n"
    )
    run = cli("schema", "--write", str(target))
    assert (run.code, run.out, run.err) == (0, "", "")
    assert target.read_text(encoding="utf-8") == render_schema()
    assert cli("schema", "--check", str(target)).code == 0
    target.write_text("{}\n", encoding="utf-8")
    assert cli("schema", "--check", str(target)).code == 1


def test_check_names_the_command_ci_runs(cli: Cli) -> None:
    (cli.directory / "schemas").mkdir()
    (cli.directory / "schemas" / "cccform.schema.json").write_text("{}\n", encoding="utf-8")
    run = cli("schema", "--check", "schemas/cccform.schema.json")
    assert run.code == 1
    assert "run: cccform schema --write schemas/cccform.schema.json\n" in run.err


def test_the_committed_schema_passes_the_check(cli: Cli) -> None:
    run = cli("schema", "--check", str(SCHEMA_PATH))
    assert (run.code, run.err) == (0, "")


def test_write_and_check_together_are_a_usage_error(cli: Cli) -> None:
    run = cli("schema", "--write", "a.json", "--check", "b.json")
    assert run.code == 64
    assert "use --write or --check, not both" in run.err
    assert not (cli.directory / "a.json").exists()
