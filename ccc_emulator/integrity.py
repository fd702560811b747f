"""Whether a database file is one the emulation wrote, whole: checked once when a store opens.

A file cut short, overwritten or edited by hand would otherwise fail later, deep inside an
operation, as a `sqlite3.DatabaseError` or as a value of the wrong type. The checks, in order:
SQLite's own `quick_check` (the pages, NOT NULL and CHECK constraints), the tables and columns of
`schema.py`, the storage class of every value, and the account facts in `meta`. Each returns the
first problem it finds, in words, or None.
"""

from __future__ import annotations

import sqlite3
from functools import cache

from ccc_emulator import schema

ACCOUNT_FACTS = ("aliyun_uid", "caller_ram_id")

# What SQLite may store in a column of each declared type (REAL affinity keeps some integers).
_STORAGE_CLASSES = {"INTEGER": ("integer",), "REAL": ("real", "integer"), "TEXT": ("text",)}

Columns = tuple[tuple[str, str, bool, int], ...]


def problem_in_empty(conn: sqlite3.Connection) -> str | None:
    """A database without a schema version must hold nothing, or it belongs to something else."""
    tables = _table_names(conn)
    if tables:
        return f"it holds tables that are not the emulation's ({', '.join(tables)})"
    return None


def problem_in(conn: sqlite3.Connection) -> str | None:
    """The first thing wrong with a database of the current schema version, if any."""
    return _problem_in_pages(conn) or _problem_in_tables(conn) or _problem_in_values(conn)


def _problem_in_pages(conn: sqlite3.Connection) -> str | None:
    findings = [str(row[0]) for row in conn.execute("PRAGMA quick_check(3)")]
    if findings == ["ok"]:
        return None
    return "; ".join(findings)


def _problem_in_tables(conn: sqlite3.Connection) -> str | None:
    expected = _expected_tables()
    found = {table: _columns(conn, table) for table in _table_names(conn)}
    missing = sorted(set(expected) - set(found))
    if missing:
        return f"table {missing[0]} is missing"
    extra = sorted(set(found) - set(expected))
    if extra:
        return f"table {extra[0]} is not one of the emulation's"
    for table, columns in expected.items():
        if found[table] != columns:
            return f"the columns of table {table} are not the emulation's"
    return None


def _problem_in_values(conn: sqlite3.Connection) -> str | None:
    for table, columns in _expected_tables().items():
        problem = _wrong_value(conn, table, columns)
        if problem:
            return problem
    facts = {str(row[0]) for row in conn.execute("SELECT key FROM meta")}
    missing = [fact for fact in ACCOUNT_FACTS if fact not in facts]
    if missing:
        return f"table meta has no {missing[0]}"
    return None


def _wrong_value(conn: sqlite3.Connection, table: str, columns: Columns) -> str | None:
    tests = " OR ".join(
        f"typeof({name}) NOT IN ({_allowed(kind, not_null)})" for name, kind, not_null, _ in columns
    )
    names = ", ".join(f"{name}, typeof({name})" for name, _, _, _ in columns)
    row = conn.execute(f"SELECT {names} FROM {table} WHERE {tests} LIMIT 1").fetchone()
    if row is None:
        return None
    for index, (name, kind, not_null, _) in enumerate(columns):
        value, storage = row[2 * index], row[2 * index + 1]
        if storage not in _STORAGE_CLASSES[kind] and not (storage == "null" and not not_null):
            shown = repr(value)
            shown = shown if len(shown) <= 40 else shown[:37] + "..."
            return f"column {table}.{name} holds {shown} ({storage}) where {kind} belongs"
    return None


def _allowed(kind: str, not_null: bool) -> str:
    classes = _STORAGE_CLASSES[kind] + (() if not_null else ("null",))
    return ", ".join(f"'{storage}'" for storage in classes)


@cache
def _expected_tables() -> dict[str, Columns]:
    conn = sqlite3.connect(":memory:")
    try:
        schema.create_schema(conn)
        return {table: _columns(conn, table) for table in _table_names(conn)}
    finally:
        conn.close()


def _table_names(conn: sqlite3.Connection) -> list[str]:
    rows = conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        " ORDER BY name"
    )
    return [str(row[0]) for row in rows]


def _columns(conn: sqlite3.Connection, table: str) -> Columns:
    rows = conn.execute(f"PRAGMA table_info({_quoted(table)})")
    return tuple((str(r[1]), str(r[2]).upper(), bool(r[3]), int(r[5])) for r in rows)


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'
