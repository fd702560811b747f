"""Saved plan files and the stale-plan check."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cccform.config.models import LocalProviderConfig, LocalStateConfig
from cccform.errors import StalePlanError
from cccform.plan.models import Action, Change, Plan, PriorState
from cccform.plan.planfile import (
    SavedPlan,
    content_checksum,
    is_plan_file,
    read_plan_file,
    write_plan_file,
)
from cccform.run import check_not_stale
from cccform.state.models import State


def saved(existed: bool = True, serial: int = 3, lineage: str = "L") -> SavedPlan:
    plan = Plan(
        changes=[
            Change(
                address="instance.a",
                action=Action.UPDATE,
                remote_id="a",
                before={"description": "x"},
                after={"description": "y"},
                changed_fields=["description"],
            )
        ],
        prior_state=PriorState(lineage=lineage, serial=serial, existed=existed),
    )
    return SavedPlan(
        config_dir="/c", provider=LocalProviderConfig(), state=LocalStateConfig(), plan=plan
    )


def test_round_trip_mode_and_sniffing(tmp_path: Path) -> None:
    path = tmp_path / "p"
    write_plan_file(path, saved())
    assert path.stat().st_mode & 0o777 == 0o600
    assert is_plan_file(path) and not is_plan_file(tmp_path)
    assert read_plan_file(path) == saved().model_copy(
        update={"created_at": read_plan_file(path).created_at}
    )


def test_yaml_is_not_a_plan_file(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    path.write_text("instances: {}\n")
    assert not is_plan_file(path)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "not a usable saved plan: it is not JSON"),
        ("{}", "not a usable saved plan: it has no"),
        ("{not json", "it is not JSON"),
        ('{"kind": "other"}', "not a usable saved plan"),
        ('{"kind": "cccform-plan", "version": 99}', "this cccform reads format 3"),
        ('{"kind": "cccform-plan", "version": 2}', "of format 2; this cccform reads format 3"),
        ('{"kind": "cccform-plan", "version": 3}', 'has no "checksum"'),
    ],
)
def test_bad_plan_files_are_refused(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "p"
    path.write_text(content)
    with pytest.raises(StalePlanError, match=message):
        read_plan_file(path)


def test_plan_matches_state() -> None:
    state = State(lineage="L", serial=3)
    assert check_not_stale(saved().plan, state, True) is state


def test_serial_moved_on_is_stale() -> None:
    with pytest.raises(StalePlanError, match=r"plan serial 3, state serial 4"):
        check_not_stale(saved().plan, State(lineage="L", serial=4), True)


def test_other_lineage_is_refused() -> None:
    with pytest.raises(StalePlanError, match="lineage mismatch"):
        check_not_stale(saved().plan, State(lineage="M", serial=3), True)


def test_plan_made_without_state_is_stale_once_a_state_exists() -> None:
    plan = saved(existed=False, serial=0).plan
    fresh = State()
    assert check_not_stale(plan, fresh, False) is fresh
    with pytest.raises(StalePlanError, match="no state existed"):
        check_not_stale(plan, State(serial=1), True)


def test_saved_plan_json_is_stable(tmp_path: Path) -> None:
    path = tmp_path / "p"
    write_plan_file(path, saved())
    doc = json.loads(path.read_text())
    assert doc["kind"] == "cccform-plan" and doc["plan"]["format_version"] == "1.0"


def test_a_changed_byte_fails_the_checksum(tmp_path: Path) -> None:
    path = tmp_path / "p"
    write_plan_file(path, saved())
    path.write_text(path.read_text().replace('"y"', '"z"'))
    with pytest.raises(StalePlanError, match="checksum does not match"):
        read_plan_file(path)


def test_checksum_is_of_canonical_content(tmp_path: Path) -> None:
    path = tmp_path / "p"
    write_plan_file(path, saved())
    doc = json.loads(path.read_text())
    claimed = doc.pop("checksum")
    assert claimed == content_checksum(doc) and claimed.startswith("sha256:")
    path.write_text(json.dumps({**doc, "checksum": claimed}))  # other spacing, same content
    assert read_plan_file(path).plan == saved().plan


def test_a_plan_or_a_configuration_by_name(tmp_path: Path) -> None:
    empty = tmp_path / "plan.json"
    empty.write_text("")
    named_yaml = tmp_path / "plan.yml"
    named_yaml.write_text('{"kind": "cccform-plan"}')
    assert is_plan_file(empty) and not is_plan_file(named_yaml)
    assert not is_plan_file(tmp_path / "missing")
    deep = tmp_path.joinpath(*["d" * 40] * 6)
    deep.mkdir(parents=True)
    assert not is_plan_file(deep)
