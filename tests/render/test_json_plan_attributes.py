"""The attributes in a JSON plan's `before` and `after` are the documented ones.

`before` and `after` carry the attributes cccform keeps in its state: a public contract,
listed per resource type in docs/json-plan.md. These tests read that list and hold the
kinds' attribute models and every golden JSON plan to it, so that a field added to a kind
cannot reach the JSON plan without the documentation (and a new format_version).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from cccform.addresses import ResourceType
from cccform.kinds import KINDS
from cccform.kinds.base import AnyKind

ROOT = Path(__file__).resolve().parent.parent.parent
DOC = ROOT / "docs" / "json-plan.md"
GOLDEN = ROOT / "tests" / "golden"
HEADINGS = {
    "instance": ResourceType.INSTANCE,
    "skill group": ResourceType.SKILL_GROUP,
    "flow": ResourceType.FLOW,
    "agent": ResourceType.AGENT,
    "number": ResourceType.NUMBER,
}


def documented() -> dict[ResourceType, set[str]]:
    """The attribute list under "The attributes in `before` and `after`" in the doc."""
    text = DOC.read_text(encoding="utf-8")
    start = text.index("The attributes in `before` and `after`")
    block = text[start : text.index("\n\n", text.index("\n- ", start))]
    found: dict[ResourceType, set[str]] = {}
    for item in re.split(r"\n- ", block)[1:]:
        heading, _, names = item.partition(":")
        found[HEADINGS[heading.strip()]] = set(re.findall(r"`([a-z_]+)`", names))
    return found


def test_the_doc_lists_every_resource_type() -> None:
    assert set(documented()) == set(ResourceType)


@pytest.mark.parametrize("kind", KINDS, ids=lambda kind: str(kind.resource_type))
def test_a_kinds_attributes_are_the_documented_ones(kind: AnyKind) -> None:
    assert set(kind.model.model_fields) == documented()[kind.resource_type]


def golden_changes() -> list[tuple[str, dict[str, Any]]]:
    found = []
    for path in sorted(GOLDEN.glob("*/plan.json")):
        for change in json.loads(path.read_text(encoding="utf-8")).get("changes", []):
            found.append((path.parent.name, change))
    return found


def test_golden_plans_cover_every_resource_type() -> None:
    assert {change["resource_type"] for _, change in golden_changes()} == {
        str(member) for member in ResourceType
    }


def test_before_and_after_hold_only_documented_attributes() -> None:
    allowed = documented()
    stray = [
        f"{case}: {change['address']} {side}.{name}"
        for case, change in golden_changes()
        for side in ("before", "after")
        for name in change[side] or {}
        if name not in allowed[ResourceType(change["resource_type"])]
    ]
    assert stray == []


def test_instance_is_always_the_instance_key() -> None:
    for case, change in golden_changes():
        assert isinstance(change["instance"], str) and change["instance"], case
        assert str(change["address"]).startswith(f"instance.{change['instance']}"), case
