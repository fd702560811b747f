"""The tables of the PostgreSQL backend, their version, and the explicit migrations.

`schema_version` holds one row per migration applied. A run that writes (or takes the lock)
brings the schema up to `SCHEMA_VERSION` under a transaction-level advisory lock, so two
first runs never create the tables twice; a run that only reads never creates anything. A
schema at a higher version than this cccform knows is refused: a newer cccform made it.

Tables (all keyed by workspace; the header is the compare-and-swap point):

- `workspaces`: one header per state: lineage, serial, format version, binding, counts;
- `entries`: one row per managed resource (`kind` 'resource') or intent to create
  ('pending'), its body as JSONB;
- `history`: one row per committed serial (when, who, host, operation, counts, header);
- `history_entries`: what each serial changed, as the entries before it (NULL: absent),
  so that any kept serial is the current entries with later changes undone;
- `locks`: who holds a workspace's advisory lock, and the server process holding it.
"""

from __future__ import annotations

import hashlib

import psycopg
from psycopg import sql

from cccform import __version__
from cccform.errors import StateError

SCHEMA_VERSION = 1

MIGRATIONS: dict[int, tuple[str, ...]] = {
    1: (
        """CREATE TABLE {schema}.workspaces (
            workspace text PRIMARY KEY,
            lineage text NOT NULL,
            serial bigint NOT NULL,
            format_version integer NOT NULL,
            binding jsonb,
            resource_count integer NOT NULL,
            pending_count integer NOT NULL,
            updated_at timestamptz NOT NULL DEFAULT now())""",
        """CREATE TABLE {schema}.entries (
            workspace text NOT NULL REFERENCES {schema}.workspaces ON DELETE CASCADE,
            kind text NOT NULL CHECK (kind IN ('resource', 'pending')),
            address text NOT NULL,
            body jsonb NOT NULL,
            PRIMARY KEY (workspace, kind, address))""",
        """CREATE TABLE {schema}.history (
            workspace text NOT NULL REFERENCES {schema}.workspaces ON DELETE CASCADE,
            serial bigint NOT NULL,
            lineage text NOT NULL,
            format_version integer NOT NULL,
            binding jsonb,
            recorded_at timestamptz NOT NULL DEFAULT now(),
            who text NOT NULL,
            host text NOT NULL,
            operation text NOT NULL,
            resource_count integer NOT NULL,
            pending_count integer NOT NULL,
            PRIMARY KEY (workspace, serial))""",
        """CREATE TABLE {schema}.history_entries (
            workspace text NOT NULL,
            serial bigint NOT NULL,
            kind text NOT NULL,
            address text NOT NULL,
            before jsonb,
            PRIMARY KEY (workspace, serial, kind, address),
            FOREIGN KEY (workspace, serial) REFERENCES {schema}.history ON DELETE CASCADE)""",
        """CREATE TABLE {schema}.locks (
            workspace text PRIMARY KEY,
            lock_id text NOT NULL,
            who text NOT NULL,
            host text NOT NULL,
            pid integer NOT NULL,
            operation text NOT NULL,
            since text NOT NULL,
            version text NOT NULL,
            backend_pid integer NOT NULL)""",
    ),
}

_VERSION_TABLE = """CREATE TABLE IF NOT EXISTS {schema}.schema_version (
    version integer PRIMARY KEY,
    applied_at timestamptz NOT NULL DEFAULT now(),
    cccform_version text NOT NULL)"""


def advisory_key(*parts: str) -> int:
    """A signed 64-bit advisory lock key for `parts` (the same parts, the same key)."""
    digest = hashlib.sha256("\0".join(("cccform", *parts)).encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def statement(text: str, schema: str) -> sql.Composed:
    """`text` with `{schema}` as the quoted schema name."""
    return sql.SQL(text).format(schema=sql.Identifier(schema))


def installed_version(conn: psycopg.Connection[tuple[object, ...]], schema: str) -> int | None:
    """The schema's version, None when cccform's tables are not there yet."""
    table = conn.execute(
        "SELECT to_regclass(%s)", [sql.Identifier(schema, "schema_version").as_string(conn)]
    ).fetchone()
    if table is None or table[0] is None:
        return None
    row = conn.execute(statement("SELECT max(version) FROM {schema}.schema_version", schema))
    found = row.fetchone()
    return int(str(found[0])) if found is not None and found[0] is not None else 0


def check_known(version: int | None, schema: str, where: str) -> None:
    """Refuse a schema that a newer cccform made: this one would misread it."""
    if version is not None and version > SCHEMA_VERSION:
        raise StateError(
            f"the PostgreSQL schema '{schema}' ({where}) is at version {version}, made by a "
            f"newer cccform; this cccform ({__version__}) knows versions up to "
            f"{SCHEMA_VERSION}. Upgrade cccform; nothing was read or changed."
        )


def migrate(conn: psycopg.Connection[tuple[object, ...]], schema: str, where: str) -> None:
    """Create the schema and its tables, or bring them up to `SCHEMA_VERSION`.

    Tables already at this version are left alone without asking for more than reading
    them: a role with rights on the tables alone (no CREATE on the database) can use them.
    """
    version = installed_version(conn, schema)
    check_known(version, schema, where)
    if version == SCHEMA_VERSION:
        return
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", [advisory_key("schema", schema)])
        conn.execute(statement("CREATE SCHEMA IF NOT EXISTS {schema}", schema))
        conn.execute(statement(_VERSION_TABLE, schema))
        version = installed_version(conn, schema) or 0
        check_known(version, schema, where)
        for number in range(version + 1, SCHEMA_VERSION + 1):
            for text in MIGRATIONS[number]:
                conn.execute(statement(text, schema))
            conn.execute(
                statement(
                    "INSERT INTO {schema}.schema_version (version, cccform_version) "
                    "VALUES (%s, %s)",
                    schema,
                ),
                [number, __version__],
            )
