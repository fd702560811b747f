"""An intent is not a create: two states on one emulation, and an apply of the first that
stopped around its CreateInstance, never take over what the second made."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cccform.apply.ledger import Ledger
from cccform.providers.ccc import CccProvider
from tests.cli.harness import Cli, write

SHARED = "../emulation"  # both configurations talk to one local emulation


def configuration(directory: Path, name: str, description: str) -> None:
    write(
        directory,
        "cccform.yaml",
        f"""
        provider: {{type: local, path: {SHARED}}}
        instances:
          support:
            name: {name}
            access_path: acme-cs
            description: {description}
            phone_numbers: ["057188880001"]
            admins: ["248613806810701"]
            deletion_protection: false
        """,
    )


@pytest.fixture
def two(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> tuple[Cli, Path, Path]:
    first, second = tmp_path / "first", tmp_path / "second"
    configuration(first, "Center A", "first")
    configuration(second, "Center B", "second")
    return Cli(first, capsys, monkeypatch), first, second


def interrupt(monkeypatch: pytest.MonkeyPatch, target: object, name: str) -> None:
    def stop(*_args: object, **_kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(target, name, stop)


def pending(directory: Path) -> dict[str, dict[str, object]]:
    document = json.loads((directory / "cccform.state.json").read_text())
    return dict(document["pending"])


def test_an_intent_that_never_went_out_does_not_adopt_what_another_state_made(
    two: tuple[Cli, Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    cli, first, second = two
    with monkeypatch.context() as patched:  # stopped after the intents, before any create
        interrupt(patched, Ledger, "sending")
        assert cli("apply", "--auto-approve").code == 130
    assert pending(first)["instance.support"]["sent"] is False
    assert cli("show").out.count("never sent") == 1
    listed = cli("state", "list")
    assert (listed.code, listed.out) == (0, "")  # only managed addresses, for scripts
    assert listed.err.startswith(
        "1 creation not confirmed yet (cccform state show ADDRESS tells more):\n"
        "  instance.support: creation recorded "
    )
    assert listed.err.endswith(
        " but never sent (access path 'acme-cs'); the next apply starts it\n"
    )
    shown = cli("state", "show", "instance.support")
    assert shown.code == 0, shown.err
    assert shown.out.startswith("# instance.support: creation recorded ")
    assert '  name          = "Center A"\n  phone_numbers = ["057188880001"]\n' in shown.out
    assert "  sent          = false\n" in shown.out
    document = cli("state", "show", "instance.support", "--json").json()
    assert document["address"] == "instance.support"
    assert document["pending"]["access_path"] == "acme-cs"
    assert document["pending"]["sent"] is False

    monkeypatch.chdir(second)
    assert cli("apply", "--auto-approve").code == 0  # the other state makes acme-cs
    monkeypatch.chdir(first)
    run = cli("apply", "--auto-approve")
    assert run.code == 5
    assert (
        "access path 'acme-cs' already exists and is not managed by this state. Choose another "
        "access_path, or remove this instance from the configuration."
    ) in run.err + run.out
    assert "will be created" in run.out and "finishing a creation" not in run.out
    described = cli("show", str(second)).out
    assert (
        'description         = "second"' in described
        and 'name                = "Center B"' in described
    )
    assert cli("state", "list").out == ""


def test_a_sent_intent_does_not_adopt_an_instance_it_did_not_ask_for(
    two: tuple[Cli, Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    cli, first, second = two
    with monkeypatch.context() as patched:  # marked sent, then stopped before the call
        interrupt(patched, CccProvider, "create_instance")
        assert cli("apply", "--auto-approve").code == 130
    assert pending(first)["instance.support"]["sent"] is True
    assert "the next apply finishes it\n" in cli("state", "list").err
    assert "  sent          = true\n" in cli("state", "show", "instance.support").out

    monkeypatch.chdir(second)
    assert cli("apply", "--auto-approve").code == 0
    monkeypatch.chdir(first)
    run = cli("apply", "--auto-approve")
    assert run.code == 5
    assert (
        "access path 'acme-cs' exists and is not what this state asked for; it is not managed "
        "by this state. Choose another access_path."
    ) in run.out + run.err
    assert "finishing a creation" not in run.out
    assert 'description         = "second"' in cli("show", str(second)).out
    assert cli("state", "list").out == ""


def test_a_sent_intent_whose_instance_was_made_is_finished(
    two: tuple[Cli, Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    cli, first, _ = two
    real = CccProvider.create_instance

    def create_then_stop(self: CccProvider, spec: object) -> None:
        real(self, spec)  # type: ignore[arg-type]
        raise KeyboardInterrupt

    with monkeypatch.context() as patched:
        patched.setattr(CccProvider, "create_instance", create_then_stop)
        assert cli("apply", "--auto-approve").code == 130
    run = cli("apply", "--auto-approve")
    assert run.code == 0, run.err
    assert "finishing a creation that an earlier apply started" in run.out
    assert cli("state", "list").out == "instance.support\n"
    assert pending(first) == {}


def test_an_instance_being_created_again_shows_its_record_and_its_intent(
    two: tuple[Cli, Path, Path],
) -> None:
    cli, first, _ = two
    assert cli("apply", "--auto-approve").code == 0
    path = first / "cccform.state.json"
    document = json.loads(path.read_text())
    document["pending"] = {
        "instance.support": {
            "access_path": "acme-cs",
            "name": "Center A",
            "phone_numbers": ["057188880001"],
            "sent": True,
            "recorded_at": "2026-12-01T10:00:00Z",
        }
    }
    path.write_text(json.dumps(document))
    listed = cli("state", "list")
    assert listed.out == "instance.support\n"
    assert listed.err == (
        "1 creation not confirmed yet (cccform state show ADDRESS tells more):\n"
        "  instance.support: creation started 2026-12-01T10:00:00Z (access path 'acme-cs'); "
        "the next apply finishes it\n"
    )
    shown = cli("state", "show", "instance.support").out
    assert shown.startswith("# instance.support:\n  remote_id ")
    assert shown.endswith(
        "# and instance.support: creation started 2026-12-01T10:00:00Z (access path "
        "'acme-cs'); the next apply finishes it\n"
    )
    both = cli("state", "show", "instance.support", "--json").json()
    assert both["remote_id"] and both["pending"]["sent"] is True
