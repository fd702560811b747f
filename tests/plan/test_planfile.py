"""Saved plan files and the stale-plan check."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cccform.config.models import LocalProviderConfig, LocalStateConfig
from cccform.errors import CccformError, StalePlanError
from cccform.plan.models import Action, Change, Plan, PriorState
from cccform.plan.planfile import SavedPlan, is_plan_file, read_plan_file, write_plan_file
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
        ("{not json", "cannot read the saved plan"),
        ('{"kind": "other"}', "is not a cccform plan file"),
        ('{"kind": "cccform-plan", "version": 99}', "this cccform reads format 2"),
        ('{"kind": "cccform-plan", "version": 1}', "of format 1; this cccform reads format 2"),
        ('{"kind": "cccform-plan", "version": 2}', "is damaged"),
    ],
)
def test_bad_plan_files_are_refused(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "p"
    path.write_text(content)
    with pytest.raises(CccformError, match=message):
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
