"""A configuration directory with subdirectories of YAML files (`instances/*.yaml`)."""

from __future__ import annotations

from tests.cli.harness import Cli, config, instance_yaml, write


def test_subdirectories_are_part_of_the_configuration(cli: Cli) -> None:
    write(cli.directory, "conf/main.yaml", "state:\n  path: shared.state.json\n")
    config(cli.directory / "conf/instances", instance_yaml("a", 1), name="a.yaml")
    config(cli.directory / "conf/instances/eu", instance_yaml("b", 2), name="b.yml")
    write(cli.directory, "conf/.cccform/junk.yaml", "not: [yaml")
    run = cli("validate", "conf")
    assert (run.code, run.err) == (0, "")
    assert run.out == "Success! The configuration is valid: 2 instances in 3 files.\n"
    assert cli("apply", "--auto-approve", "conf").code == 0
    assert (cli.directory / "conf/shared.state.json").exists()
    assert cli("state", "list", "conf").out == "instance.a\ninstance.b\n"


def test_a_file_of_a_subdirectory_alone_is_refused(cli: Cli) -> None:
    write(cli.directory, "conf/main.yaml", "state:\n  path: shared.state.json\n")
    config(cli.directory / "conf/instances", instance_yaml("a", 1), name="a.yaml")
    run = cli("plan", "conf/instances/a.yaml")
    assert run.code == 64, run.err
    assert (
        "'conf/instances/a.yaml' is one file of the configuration in directory 'conf', "
        "which also holds main.yaml: pass the directory 'conf' as PATH"
    ) in run.err
    run = cli("validate", "conf/main.yaml")
    assert run.code == 64, run.err
    assert "which also holds instances/a.yaml: pass the directory 'conf'" in run.err
    assert not (cli.directory / "conf/shared.state.json").exists()


def test_a_file_alone_under_a_directory_of_other_yaml_files_is_a_configuration(cli: Cli) -> None:
    config(cli.directory / "examples/one", instance_yaml("a", 1))
    config(cli.directory / "examples/two", instance_yaml("b", 2))
    write(cli.directory, "examples/docker-compose.yml", "services:\n  web: {image: nginx}\n")
    run = cli("validate", "examples/one/cccform.yaml")
    assert run.code == 0, run.err
    write(cli.directory, "examples/settings.yaml", "provider: {type: local}\n")
    run = cli("validate", "examples/one/cccform.yaml")
    assert run.code == 64, run.err
    assert "which also holds settings.yaml: pass the directory 'examples'" in run.err


def test_a_saved_plan_of_a_directory_with_only_subdirectories_applies(cli: Cli) -> None:
    config(cli.directory / "conf/instances", instance_yaml("a", 1), name="a.yaml")
    assert cli("plan", "conf", "--out", "plan.bin").code == 0
    run = cli("apply", "plan.bin")
    assert run.code == 0, run.err
    assert cli("state", "list", "conf").out == "instance.a\n"


def test_dot_files_beside_the_configuration_are_not_read(cli: Cli) -> None:
    # A repository root holds .pre-commit-config.yaml and .gitlab-ci.yml: not configuration.
    config(cli.directory, instance_yaml("a", 1))
    write(cli.directory, ".pre-commit-config.yaml", "repos: []\n")
    write(cli.directory, ".gitlab-ci.yml", "stages: [plan]\n")
    run = cli("validate")
    assert run.code == 0, run.err
    assert "1 instance in 1 file" in run.out
