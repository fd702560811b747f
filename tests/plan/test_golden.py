"""Golden plans: a folder per case under tests/golden/.

Each case holds `config/` (the YAML), optionally `state.json` (the starting state) and
`live.json` (what the control plane reports), and the expected outputs `plan.txt` (human
view), `plan.json` (JSON view) and, when the plan is rejected, `errors.txt`.

To regenerate after a deliberate change of output, run
    CCCFORM_UPDATE_GOLDEN=1 pytest tests/plan/test_golden.py
and review the diff before committing.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from cccform.config.loader import load_config
from cccform.live import (
    LiveAgent,
    LiveContents,
    LiveFlow,
    LiveInstance,
    LiveInventory,
    LiveNumber,
    LiveSkillGroup,
)
from cccform.plan.planner import plan
from cccform.render.json_plan import plan_document
from cccform.render.plan_view import render_plan, render_rejections
from cccform.render.style import Style
from cccform.state.fileformat import parse
from cccform.state.models import State
from tests.jsonplan_schema import assert_valid_plan
from tests.live_contents import live_contents

GOLDEN = Path(__file__).resolve().parent.parent / "golden"
CASES = sorted(p.name for p in GOLDEN.iterdir() if (p / "config").is_dir())
UPDATE = os.environ.get("CCCFORM_UPDATE_GOLDEN") == "1"
FIXED_LINEAGE = "00000000-0000-0000-0000-000000000000"


def _live(case: Path) -> LiveInventory:
    """`live.json`: a list of instances, or {"instances": [...], "contents": {id: {...}}}."""
    path = case / "live.json"
    raw = json.loads(path.read_text()) if path.exists() else []
    if isinstance(raw, list):
        raw = {"instances": raw, "contents": {}}
    instances = [
        LiveInstance(
            **{
                **item,
                "phone_numbers": tuple(item["phone_numbers"]),
                "admins": tuple(item["admins"]),
            }
        )
        for item in raw["instances"]
    ]
    contents = {key: _contents(value) for key, value in raw["contents"].items()}
    return LiveInventory({i.instance_id: i for i in instances}, contents)


def _contents(raw: dict[str, list[dict[str, Any]]]) -> LiveContents:
    def build(kind: str, cls: Any, key: str) -> dict[str, Any] | None:
        if kind not in raw:
            return None
        items = [
            cls(**{k: tuple(v) if isinstance(v, list) else v for k, v in item.items()})
            for item in raw[kind]
        ]
        return {getattr(item, key): item for item in items}

    return live_contents(
        skill_groups=build("skill_groups", LiveSkillGroup, "name"),
        agents=build("agents", LiveAgent, "login_name"),
        flows=build("flows", LiveFlow, "name"),
        numbers=build("numbers", LiveNumber, "number"),
    )


def _check(path: Path, actual: str) -> None:
    if UPDATE:
        if actual:
            path.write_text(actual)
        else:
            path.unlink(missing_ok=True)
        return
    expected = path.read_text() if path.exists() else ""
    assert actual == expected, f"{path} differs; see the module docstring to regenerate"


@pytest.mark.parametrize("name", CASES)
def test_golden_plan(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    case = GOLDEN / name
    monkeypatch.chdir(case)
    loaded = load_config(Path("config"))
    state_file = case / "state.json"
    exists = state_file.exists()
    state = (
        parse(state_file.read_bytes(), str(state_file)) if exists else State(lineage=FIXED_LINEAGE)
    )
    doc = plan_document(plan(loaded, state, _live(case), state_exists=exists))
    assert_valid_plan(doc)
    _check(case / "plan.json", json.dumps(doc, indent=2, ensure_ascii=False) + "\n")
    _check(case / "plan.txt", render_plan(doc, Style(color=False)))
    _check(case / "errors.txt", render_rejections(doc, Style(color=False)))


def test_every_case_has_expectations() -> None:
    for name in CASES:
        assert (GOLDEN / name / "plan.json").exists() or UPDATE, name
