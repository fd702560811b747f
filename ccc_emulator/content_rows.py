"""Finding what an instance contains by id, with the API's 404 when it is not there.

An id names something in one instance only: `agent@other-instance` is unknown in `this-instance`
even when it exists elsewhere. Batch lookups report the first unknown id in request order.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

from ccc_emulator import codes
from ccc_emulator.scope import Tx, placeholders

# Stays well under SQLite's limit on bound parameters, whatever the build.
_CHUNK = 500


def rows_by_key(
    tx: Tx, table: str, key: str, ids: Sequence[str], columns: str = "*"
) -> dict[str, sqlite3.Row]:
    """The rows of `table` in the instance whose `key` is one of `ids`, by that key."""
    found: dict[str, sqlite3.Row] = {}
    for start in range(0, len(ids), _CHUNK):
        chunk = list(ids[start : start + _CHUNK])
        rows = tx.conn.execute(
            f"SELECT {columns} FROM {table} WHERE instance_id = ?"
            f" AND {key} IN ({placeholders(len(chunk))})",
            [tx.instance_id, *chunk],
        )
        for row in rows:
            found[row[key]] = row
    return found


def require_skill_group(tx: Tx, skill_group_id: str) -> sqlite3.Row:
    return require_skill_groups(tx, [skill_group_id])[skill_group_id]


def require_skill_groups(tx: Tx, skill_group_ids: Sequence[str]) -> dict[str, sqlite3.Row]:
    found = rows_by_key(tx, "skill_groups", "skill_group_id", skill_group_ids)
    for skill_group_id in skill_group_ids:
        if skill_group_id not in found:
            raise codes.skill_group_not_found(skill_group_id, tx.instance_id)
    return found


def require_user(tx: Tx, user_id: str) -> sqlite3.Row:
    return require_users(tx, [user_id])[user_id]


def require_users(tx: Tx, user_ids: Sequence[str]) -> dict[str, sqlite3.Row]:
    found = rows_by_key(tx, "users", "user_id", user_ids)
    for user_id in user_ids:
        if user_id not in found:
            raise codes.user_not_found(user_id, tx.instance_id)
    return found


def require_numbers(tx: Tx, numbers: Sequence[str]) -> dict[str, sqlite3.Row]:
    """Numbers bound to the instance; 404 NotExists.Number for any other."""
    found = rows_by_key(tx, "phone_numbers", "number", numbers)
    for number in numbers:
        if number not in found:
            raise codes.number_not_found(number)
    return found


def require_flow(tx: Tx, contact_flow_id: str) -> sqlite3.Row:
    row: sqlite3.Row | None = tx.conn.execute(
        "SELECT * FROM contact_flows WHERE contact_flow_id = ? AND instance_id = ?",
        (contact_flow_id, tx.instance_id),
    ).fetchone()
    if row is None:
        raise codes.flow_not_found(contact_flow_id, tx.instance_id)
    return row


def open_draft(tx: Tx, contact_flow_id: str) -> sqlite3.Row | None:
    """The flow's open draft, if it has one (it has at most one)."""
    row: sqlite3.Row | None = tx.conn.execute(
        "SELECT * FROM contact_flow_drafts WHERE contact_flow_id = ?", (contact_flow_id,)
    ).fetchone()
    return row


def require_draft(tx: Tx, contact_flow_id: str, draft_id: str) -> sqlite3.Row:
    """The flow's open draft when `draft_id` names it; 404 NotExists.DraftId otherwise."""
    draft = open_draft(tx, contact_flow_id)
    if draft is None or draft["draft_id"] != draft_id:
        raise codes.draft_not_found(draft_id, contact_flow_id)
    return draft
