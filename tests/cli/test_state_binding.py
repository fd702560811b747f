"""A state is bound to the provider and account it came from; `state rebind` moves it on purpose."""

from __future__ import annotations

import json

from tests.cli.harness import Cli, config, instance_yaml, write


def _state(cli: Cli) -> dict[str, object]:
    data: dict[str, object] = json.loads((cli.directory / "cccform.state.json").read_text())
    return data


def _with_provider_path(cli: Cli, path: str) -> None:
    body = (cli.directory / "cccform.yaml").read_text()
    write(cli.directory, "cccform.yaml", f"provider:\n  type: local\n  path: {path}\n{body}")


def test_apply_records_the_binding(cli: Cli) -> None:
    config(cli.directory, instance_yaml("a", 1))
    assert cli("apply", "--auto-approve").code == 0
    state = _state(cli)
    assert state["format_version"] == 3
    binding = state["binding"]
    assert isinstance(binding, dict)
    assert binding["type"] == "local"
    assert binding["location"] == ".cccform"  # relative: a moved checkout is the same binding
    assert len(binding["account"]) == 16


def test_another_emulation_is_refused_until_rebound(cli: Cli) -> None:
    config(cli.directory, instance_yaml("a", 1))
    assert cli("apply", "--auto-approve").code == 0
    before = _state(cli)
    _with_provider_path(cli, "other-emulation")
    for command in (("plan",), ("apply", "--auto-approve")):
        run = cli(*command)
        assert run.code == 1, run.err
        assert "belongs to local" in run.err and "other-emulation" in run.err
        assert "cccform state rebind" in run.err
    assert _state(cli) == before
    rebound = cli("state", "rebind")
    assert rebound.code == 0, rebound.err
    assert "other-emulation" in rebound.out
    assert _state(cli)["serial"] == before["serial"] + 1  # type: ignore[operator]
    assert cli("plan").code == 0


def test_an_unbound_state_is_bound_on_its_next_write(cli: Cli) -> None:
    config(cli.directory, instance_yaml("a", 1))
    assert cli("apply", "--auto-approve").code == 0
    path = cli.directory / "cccform.state.json"
    old = _state(cli)
    del old["binding"]
    old["format_version"] = 2
    path.write_text(json.dumps(old))
    assert cli("plan").code == 0
    config(cli.directory, instance_yaml("a", 1, description="changed"))
    run = cli("apply", "--auto-approve")
    assert run.code == 0, run.err
    assert "the state had no provider binding; it is now bound to local" in run.err
    assert _state(cli)["binding"] is not None
