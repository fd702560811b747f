"""Hostile configuration files: a clean error with file, line and field, never a traceback."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from cccform.config.suggest import MAX_SUGGESTIONS
from tests.cli.harness import Cli, instance_yaml, run_process, write


def _body(key_line: str) -> str:
    fields = instance_yaml("placeholder", 1).split("\n", 1)[1]
    return "instances:\n" + key_line + fields


@pytest.mark.parametrize(
    "key_line",
    ['  "support\\n":\n', "  ? |\n    support\n  :\n"],
    ids=["quoted-newline", "block-scalar-key"],
)
def test_instance_key_with_trailing_newline_is_a_config_error(cli: Cli, key_line: str) -> None:
    write(cli.directory, "a.yaml", _body(key_line))
    run = cli("validate")
    assert run.code == 4, run.err
    assert "Traceback" not in run.err
    assert "a.yaml:2:" in run.err and "invalid instance key 'support\\n'" in run.err


def _flow_instance(definition_file: str) -> str:
    return (
        instance_yaml("a", 1)
        + "    flows:\n      main:\n"
        + f"        definition_file: {json.dumps(definition_file)}\n"
    )


def test_nul_in_definition_file_is_a_config_error(cli: Cli) -> None:
    write(cli.directory, "a.yaml", "instances:\n" + _flow_instance("flows/ma\0in.json"))
    run = cli("validate")
    assert run.code == 4, run.err
    assert "Traceback" not in run.err
    assert "a.yaml:" in run.err and "definition_file" in run.err and "NUL" in run.err


@pytest.mark.parametrize(
    ("section", "line"),
    [('state:\n  path: "st\\0ate.json"\n', 2), ('provider:\n  path: "da\\0ta"\n', 2)],
    ids=["state.path", "provider.path"],
)
def test_nul_in_state_or_provider_path_is_caught_by_validate_and_plan(
    cli: Cli, section: str, line: int
) -> None:
    write(cli.directory, "a.yaml", section + "instances:\n" + instance_yaml("a", 1))
    for command in ("validate", "plan"):
        run = cli(command)
        assert run.code == 4, run.err
        assert "Traceback" not in run.err
        assert f"a.yaml:{line}:" in run.err and "NUL" in run.err


@pytest.mark.parametrize("kind", ["dangling-link", "looping-link", "fifo", "directory"])
def test_yaml_entry_that_is_not_a_regular_file_is_an_error(cli: Cli, kind: str) -> None:
    write(cli.directory, "main.yaml", "instances:\n" + instance_yaml("a", 1))
    entry = cli.directory / "sales.yaml"
    if kind == "dangling-link":
        entry.symlink_to("gone.yaml")
    elif kind == "looping-link":
        entry.symlink_to("sales.yaml")
    elif kind == "fifo":
        os.mkfifo(entry)
    else:
        entry.mkdir()
    for command in ("validate", "plan"):
        run = cli(command)
        assert run.code == 4, run.err
        assert "Traceback" not in run.err
        assert "sales.yaml" in run.err


@pytest.mark.parametrize(
    ("bad", "message"),
    [(b"\xff", "not valid UTF-8"), (b"\x07", "unacceptable character")],
    ids=["invalid-utf8", "control-character"],
)
def test_locations_count_cr_only_line_endings(cli: Cli, bad: bytes, message: str) -> None:
    body = b"instances:\r  a:\r    name: Center A\r    description: ab" + bad + b"\r"
    (cli.directory / "a.yaml").write_bytes(body)
    run = cli("validate")
    assert run.code == 4, run.err
    assert "a.yaml:4:20:" in run.err and message in run.err


@pytest.mark.parametrize("version", ["true", "1.0"])
def test_version_must_be_the_integer_1(cli: Cli, version: str) -> None:
    write(cli.directory, "a.yaml", f"version: {version}\ninstances:\n" + instance_yaml("a", 1))
    run = cli("validate")
    assert run.code == 4, run.err
    assert "a.yaml:1:10:" in run.err and "version" in run.err


def test_blank_instance_name_is_a_config_error(cli: Cli) -> None:
    write(cli.directory, "a.yaml", "instances:\n" + instance_yaml("a", 1, name="     "))
    run = cli("validate")
    assert run.code == 4, run.err
    assert "a.yaml:3:" in run.err and "instances.a.name" in run.err and "blank" in run.err


@pytest.mark.parametrize(
    ("setting", "url", "reason"),
    [
        ("endpoint", "http://ccc.example.com", "plain http is allowed only for loopback"),
        ("endpoint", "ccc.cn-shanghai.aliyuncs.com", "it has no scheme"),
        ("bss_endpoint", "https://[::1", "Invalid IPv6 URL"),
        ("sts_endpoint", "https://sts.aliyuncs.com/path", "no path, query or fragment"),
        ("endpoint", "https://host:99999", "the port must be a number"),
    ],
)
def test_unusable_endpoint_is_caught_by_validate_and_plan_at_its_line(
    cli: Cli, setting: str, url: str, reason: str
) -> None:
    provider = f"provider:\n  type: aliyun\n  {setting}: {json.dumps(url)}\n"
    write(cli.directory, "a.yaml", provider + "instances:\n" + instance_yaml("a", 1))
    for command in ("validate", "plan"):
        run = cli(command)
        assert run.code == 4, run.err
        assert "Traceback" not in run.err
        where = f"a.yaml:3:{len(setting) + 5}: error: provider.{setting}: "
        assert where + f"endpoint {url!r} is not usable: " in run.err
        assert reason in run.err


def _agent(email: str) -> str:
    return (
        "instances:\n"
        + instance_yaml("a", 1)
        + "    agents:\n      alice:\n        display_name: Alice\n"
        + f"        email: {json.dumps(email)}\n"
    )


@pytest.mark.parametrize(
    "email",
    [
        "alice@example",  # no top-level domain
        "alice@-example.com.",  # trailing dot
        "alice@exa_mple.com",
        "ali ce@example.com",
        "alice@@example.com",
        '"alice"@example.com',
        "alice@example.c0m",
        "alice\u00e9@example.com",
        "a" * 120 + "@example.com",  # over the 128 characters CreateUser takes
    ],
)
def test_agent_email_the_api_refuses_is_a_config_error(cli: Cli, email: str) -> None:
    write(cli.directory, "a.yaml", _agent(email))
    run = cli("validate")
    assert run.code == 4, run.err
    assert "Traceback" not in run.err
    assert "a.yaml:12:16: error: instances.a.agents.alice.email: " in run.err


def test_agent_email_the_api_takes_validates(cli: Cli) -> None:
    write(cli.directory, "a.yaml", _agent("alice.wang+ccc_1%x@mail-1.example.com.cn"))
    run = cli("validate")
    assert run.code == 0, run.err


def _aliased_definition(copies: int) -> str:
    """A flow whose inline definition is 100 kB written once and repeated by aliases."""
    return (
        "instances:\n"
        + instance_yaml("a", 1)
        + "    flows:\n      main:\n        type: MAIN_FLOW\n        definition:\n"
        + f'          blob: &b ["{"x" * 100_000}"]\n'
        + "          l1: &l1 [*b, *b, *b, *b]\n"
        + "          l2: ["
        + ", ".join(["*l1"] * copies)
        + "]\n"
    )


def test_inline_definition_that_aliases_expand_past_1_mib_is_a_config_error(cli: Cli) -> None:
    write(cli.directory, "a.yaml", _aliased_definition(3))  # 1.7 MB once expanded
    for command in ("validate", "plan"):
        run = cli(command)
        assert run.code == 4, run.err
        assert "Traceback" not in run.err
        assert run.err.startswith(
            "a.yaml:12:9: error: instances.a.flows.main.definition: "
            "the inline definition of flow 'main' is larger than 1 MiB as JSON\n"
        )


def test_inline_definition_that_aliases_keep_under_1_mib_validates(cli: Cli) -> None:
    write(cli.directory, "a.yaml", _aliased_definition(1))  # 0.9 MB once expanded
    run = cli("validate")
    assert run.code == 0, run.err


def _misspelt_numbers(count: int) -> str:
    own = [f"0571{2 * n:08d}" for n in range(count)]
    lines = [f"    phone_numbers: {json.dumps(own)}", "    numbers:"]
    lines += [f'      "0571{2 * n + 1:08d}": {{usage: Inbound}}' for n in range(count)]
    body = instance_yaml("a", 1).split("    phone_numbers:")[0]
    return "instances:\n" + body + "\n".join(lines) + "\n"


def test_did_you_mean_hints_stop_after_a_bounded_number_per_file(cli: Cli) -> None:
    write(cli.directory, "a.yaml", _misspelt_numbers(MAX_SUGGESTIONS + 5))
    run = cli("validate")
    assert run.code == 4, run.err
    assert "Traceback" not in run.err
    first = f"a.yaml:8:7: error: instances.a.numbers.0571{1:08d}: number '0571{1:08d}' is not one"
    assert run.err.startswith(first) and run.err.splitlines()[1].startswith("  hint: did you mean")
    assert run.err.count("did you mean") == MAX_SUGGESTIONS
    last = f"number '0571{2 * (MAX_SUGGESTIONS + 4) + 1:08d}' is not one of"
    assert last in run.err
    assert run.err.count("numbers routes the instance's own phone_numbers: ") == 5


@pytest.mark.parametrize("kind", ["fifo", "device"])
def test_a_definition_file_that_is_not_a_regular_file_is_refused_without_reading_it(
    cli: Cli, kind: str
) -> None:
    written = "flows/main.json"
    (cli.directory / "flows").mkdir()
    if kind == "fifo":
        os.mkfifo(cli.directory / written)
        what = "a named pipe (FIFO)"
    else:
        written, what = "/dev/zero", "a character device"
    write(cli.directory, "a.yaml", "instances:\n" + _flow_instance(written))
    for command in ("validate", "plan"):
        run = cli(command)
        assert run.code == 4, run.err
        assert "Traceback" not in run.err
        assert f"definition file {written} is {what}, not a regular file" in run.err
        assert "a.yaml:11:26: error: instances.a.flows.main.definition_file:" in run.err


def test_control_characters_from_a_configuration_never_reach_the_terminal(
    tmp_path: Path,
) -> None:
    # A key can hold any character: an escape sequence that clears the screen or sets the
    # window title, a carriage return or a newline that starts a line of its own.
    (tmp_path / "cccform.yaml").write_text(
        "instances:\n"
        '  "ok\\e[2J\\rApply complete!":\n'
        "    name: Center A\n"
        "  support:\n"
        "    name: Center B\n"
        "    access_path: acme-b\n"
        '    phone_numbers: ["057100000001"]\n'
        '    admins: ["248613806810701"]\n'
        '    "descr\\e]0;pwned\\aiption\\nApply complete! Resources: 9 added.": x\n'
    )
    run = run_process(tmp_path, "validate")
    assert run.code == 4, run.err
    for raw in ("\x1b", "\r", "\x07"):
        assert raw not in run.out + run.err
    assert not any(line.startswith("Apply complete!") for line in run.err.splitlines())
    assert "descr\\x1b]0;pwned\\x07iption\\nApply complete!" in run.err
    assert "ok\\x1b[2J\\rApply complete!" in run.err
