"""The state as rows: a header per workspace and a row per resource or intent.

A save writes only the rows that changed (`changes`, shared with the local state's journal
in `cccform.state.changes`), and records, for the history, each changed row as it was
before (`Change.before`).
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import ValidationError

from cccform.errors import StateError
from cccform.state.changes import PENDING as PENDING
from cccform.state.changes import RESOURCE as RESOURCE
from cccform.state.changes import Change as Change
from cccform.state.changes import apply_changes as apply_changes
from cccform.state.changes import changes as changes
from cccform.state.models import State

Body = dict[str, Any]


def document(header: tuple[object, ...], rows: list[tuple[str, str, str]]) -> dict[str, Any]:
    """A state document (fileformat's shape) from a header row (lineage, serial, format
    version, binding as JSON text) and (kind, address, body as JSON text) rows."""
    lineage, serial, format_version, binding = header
    head = {
        "lineage": lineage,
        "serial": serial,
        "format_version": format_version,
        "binding": json_value(binding),
    }
    resources: dict[str, Any] = {}
    pending: dict[str, Any] = {}
    for kind, address, body in rows:
        (resources if kind == RESOURCE else pending)[address] = json.loads(body)
    return {**head, "resources": resources, "pending": pending}


def to_state(doc: dict[str, Any], where: str) -> State:
    """The State a document read from the database holds; StateError if it is not one."""
    try:
        return State.model_validate(doc)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(part) for part in first["loc"])
        raise StateError(
            f"{where} holds a state cccform cannot read ({field}: {first['msg']}); it was "
            "changed outside cccform. Restore a good version with cccform state pull "
            "--serial N and cccform state push, or repair the rows by hand."
        ) from None


def json_value(text: object) -> Any:
    """A JSONB column read as text (None stays None)."""
    return None if text is None else json.loads(str(text))
