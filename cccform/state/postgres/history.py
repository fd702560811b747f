"""The kept serials of a workspace: listed, and rebuilt as they were.

A serial S that is kept is the current entries with every later change undone: for each
entry a later serial touched, its `before` at the first such serial (NULL: it was absent).
"""

from __future__ import annotations

from typing import Any

import psycopg

from cccform.errors import StateError
from cccform.state.models import HistoryEntry
from cccform.state.postgres import rows
from cccform.state.postgres.schema import statement
from cccform.timestamps import utc_text

Connection = psycopg.Connection[tuple[object, ...]]

_LIST = """SELECT serial, lineage, recorded_at, who, host, operation, resource_count,
    pending_count FROM {schema}.history WHERE workspace = %s ORDER BY serial DESC"""
_HEADER = """SELECT lineage, serial, format_version, binding::text FROM {schema}.history
    WHERE workspace = %s AND serial = %s"""
_ENTRIES = "SELECT kind, address, body::text FROM {schema}.entries WHERE workspace = %s"
_UNDONE = """SELECT DISTINCT ON (kind, address) kind, address, before::text
    FROM {schema}.history_entries WHERE workspace = %s AND serial > %s
    ORDER BY kind, address, serial"""


def kept(conn: Connection, schema: str, workspace: str) -> list[HistoryEntry]:
    """The kept serials, newest first."""
    found = conn.execute(statement(_LIST, schema), [workspace]).fetchall()
    names = ("serial", "lineage", "recorded_at", "who", "host", "operation")
    entries = []
    for row in found:
        values: dict[str, Any] = dict(zip(names, row[:6], strict=True))
        values["recorded_at"] = utc_text(values["recorded_at"])
        entries.append(HistoryEntry(**values, resources=row[6], pending=row[7]))
    return entries


def document_at(
    conn: Connection, schema: str, workspace: str, serial: int, where: str
) -> dict[str, Any]:
    """The state document as it was at `serial`; StateError when that serial is not kept."""
    with conn.transaction():
        conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        header = conn.execute(statement(_HEADER, schema), [workspace, serial]).fetchone()
        if header is None:
            raise StateError(_not_kept(conn, schema, workspace, serial, where))
        current = conn.execute(statement(_ENTRIES, schema), [workspace]).fetchall()
        undone = conn.execute(statement(_UNDONE, schema), [workspace, serial]).fetchall()
    entries = {(str(k), str(a)): b for k, a, b in current}
    for kind, address, before in undone:
        if before is None:
            entries.pop((str(kind), str(address)), None)
        else:
            entries[(str(kind), str(address))] = before
    return rows.document(header, [(k, a, str(b)) for (k, a), b in entries.items()])


def _not_kept(conn: Connection, schema: str, workspace: str, serial: int, where: str) -> str:
    serials = [entry.serial for entry in kept(conn, schema, workspace)]
    held = f"it keeps serials {serials[-1]} to {serials[0]}" if serials else "it holds no state"
    return f"serial {serial} is not kept in {where}: {held}. See cccform state history."
