"""The planner, the refresh and the applier never ask which kind they hold: a new kind is a
module under cccform/kinds/, not an edit of them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import cccform

PACKAGE = Path(cccform.__file__).resolve().parent
GENERIC = [
    "plan/planner.py",
    "plan/contents.py",
    "plan/models.py",
    "plan/moves.py",
    "plan/recheck.py",
    "refresh.py",
    *(f"apply/{p.name}" for p in sorted((PACKAGE / "apply").glob("*.py"))),
]
# A content kind named in code: an enum member, a live noun, a kind class or module, its
# wire names, or what only one kind has (the agent's skills, its shares and batch steps).
SWITCH = re.compile(
    r"ResourceType\.(SKILL_GROUP|FLOW|AGENT|NUMBER)\b"
    r"|\bLive(SkillGroup|Agent|Flow|Number)\b"
    r"|\b(SkillGroup|Agent|Flow|Number)Kind\b"
    r"|^\s*(from|import) cccform\.kinds\.(skill_group|agent|flow|number|memberships)\b"
    r"|[\"'](skill_group|agent|flow|number)s?[\"']"
    r"|[\"']skills[\"']|\b(PROFILE|SKILLS|MEMBERSHIPS|AGENT_REMOVAL)\b"
)


def test_the_pattern_catches_what_the_ledger_used_to_say() -> None:
    for line in (
        "if part is Part.SKILLS:",
        'return ["skills"]',
        "from cccform.kinds.agent import X",
    ):
        assert SWITCH.search(line), line


@pytest.mark.parametrize("module", GENERIC)
def test_generic_module_names_no_content_kind(module: str) -> None:
    source = (PACKAGE / module).read_text(encoding="utf-8")
    found = [
        f"{module}:{number}: {line.strip()}"
        for number, line in enumerate(source.splitlines(), 1)
        if SWITCH.search(line)
    ]
    assert found == []
