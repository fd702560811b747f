"""Finding instances the way every operation on them does, with the API's errors.

An instance exists from CreateInstance until `gone_at` (set by DeleteInstance) has passed. Its
status is computed from stored timestamps at read time, so no background work is needed and every
process agrees. Deleted instances whose time has passed are purged lazily by write transactions.
"""

from __future__ import annotations

import sqlite3

from ccc_emulator import codes

# The instance statuses the API reports while an instance exists.
CREATING = "CREATING"
RUNNING = "RUNNING"

# An instance is visible (exists) until its deletion time has passed.
VISIBLE = "(gone_at IS NULL OR gone_at > :now)"


def status_of(row: sqlite3.Row, now: float) -> str:
    """CREATING until the creation time has passed, RUNNING afterwards."""
    return CREATING if now < row["ready_at"] else RUNNING


def find_instance(conn: sqlite3.Connection, instance_id: str, now: float) -> sqlite3.Row | None:
    """The instance row, or None when it does not exist (never did, or is gone)."""
    row: sqlite3.Row | None = conn.execute(
        f"SELECT * FROM instances WHERE id = :id AND {VISIBLE}", {"id": instance_id, "now": now}
    ).fetchone()
    return row


def require_instance(conn: sqlite3.Connection, instance_id: str, now: float) -> sqlite3.Row:
    """The instance row; 404 NotExists.InstanceId when it does not exist."""
    row = find_instance(conn, instance_id, now)
    if row is None:
        raise codes.instance_not_found(instance_id)
    return row


def require_created(conn: sqlite3.Connection, instance_id: str, now: float) -> sqlite3.Row:
    """The instance row once creation has finished; 403 AbnormalService.Creating before."""
    row = require_instance(conn, instance_id, now)
    if status_of(row, now) == CREATING:
        raise codes.instance_creating(row["id"])
    return row


def purge_gone(conn: sqlite3.Connection, now: float) -> int:
    """Remove instances whose deletion has completed; the caller holds a write transaction."""
    cursor = conn.execute(
        "DELETE FROM instances WHERE gone_at IS NOT NULL AND gone_at <= ?", (now,)
    )
    return cursor.rowcount
