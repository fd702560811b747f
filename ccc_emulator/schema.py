"""The SQLite schema of the emulated CCC control plane (one account).

Holds everything an instance contains, so operations on instance contents only add actions: users
with their skill levels, skill groups, contact flows with their drafts, and phone numbers with
usage, flow and skill groups. Ids follow the real API: an instance id is its DomainName, a user id
is `<loginName>@<instanceId>`, a skill group id is `<name>@<instanceId>`.

Rows inside an instance go when the instance is purged (ON DELETE CASCADE). Phone numbers stay
owned by the account and only lose their binding (ON DELETE SET NULL): `instance_id IS NULL` marks a
number the account owns that no instance uses.
"""

from __future__ import annotations

import sqlite3

SCHEMA_VERSION = 1

STATEMENTS: tuple[str, ...] = (
    """
    CREATE TABLE meta (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
    ) WITHOUT ROWID
    """,
    # seq orders instances by creation. ready_at is when CREATING becomes RUNNING; gone_at, set by
    # DeleteInstance, is when the instance stops existing (it is purged lazily after that).
    """
    CREATE TABLE instances (
        seq                   INTEGER PRIMARY KEY AUTOINCREMENT,
        id                    TEXT NOT NULL UNIQUE,
        domain_key            TEXT NOT NULL UNIQUE,
        name                  TEXT NOT NULL,
        description           TEXT NOT NULL DEFAULT '',
        aliyun_uid            TEXT NOT NULL,
        created_ms            INTEGER NOT NULL,
        ready_at              REAL NOT NULL,
        workflow_id           TEXT NOT NULL,
        delete_task_id        TEXT,
        gone_at               REAL,
        conversation_analysis INTEGER NOT NULL DEFAULT 0 CHECK (conversation_analysis IN (0, 1))
    )
    """,
    "CREATE INDEX instances_gone_at ON instances (gone_at)",
    """
    CREATE TABLE users (
        user_id      TEXT PRIMARY KEY,
        instance_id  TEXT NOT NULL REFERENCES instances (id) ON DELETE CASCADE,
        login_name   TEXT NOT NULL,
        display_name TEXT NOT NULL,
        display_id   TEXT NOT NULL DEFAULT '',
        email        TEXT NOT NULL DEFAULT '',
        mobile       TEXT NOT NULL DEFAULT '',
        extension    TEXT NOT NULL,
        role_name    TEXT NOT NULL CHECK (role_name IN ('Admin', 'Manager', 'Agent')),
        work_mode    TEXT NOT NULL CHECK (work_mode IN ('ON_SITE', 'OFF_SITE', 'OFFICE_PHONE')),
        ram_id       TEXT,
        nickname     TEXT NOT NULL DEFAULT '',
        avatar_url   TEXT NOT NULL DEFAULT '',
        created_ms   INTEGER NOT NULL,
        UNIQUE (instance_id, extension)
    )
    """,
    "CREATE INDEX users_instance_role ON users (instance_id, role_name)",
    """
    CREATE TABLE skill_groups (
        skill_group_id TEXT PRIMARY KEY,
        instance_id    TEXT NOT NULL REFERENCES instances (id) ON DELETE CASCADE,
        name           TEXT NOT NULL,
        display_name   TEXT NOT NULL,
        description    TEXT NOT NULL DEFAULT '',
        media_type     TEXT NOT NULL DEFAULT 'AUDIO'
                       CHECK (media_type IN ('AUDIO', 'CHAT', 'VIDEO')),
        created_ms     INTEGER NOT NULL
    )
    """,
    "CREATE INDEX skill_groups_instance ON skill_groups (instance_id)",
    """
    CREATE TABLE user_skill_levels (
        user_id        TEXT NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
        skill_group_id TEXT NOT NULL REFERENCES skill_groups (skill_group_id) ON DELETE CASCADE,
        skill_level    INTEGER NOT NULL CHECK (skill_level BETWEEN 1 AND 10),
        PRIMARY KEY (user_id, skill_group_id)
    ) WITHOUT ROWID
    """,
    "CREATE INDEX user_skill_levels_group ON user_skill_levels (skill_group_id)",
    # definition/description are the published version; an unpublished edit lives in a draft.
    """
    CREATE TABLE contact_flows (
        contact_flow_id TEXT PRIMARY KEY,
        instance_id     TEXT NOT NULL REFERENCES instances (id) ON DELETE CASCADE,
        name            TEXT NOT NULL,
        type            TEXT NOT NULL CHECK (type IN ('MAIN_FLOW', 'SUB_FLOW', 'SURVEY_FLOW')),
        description     TEXT NOT NULL DEFAULT '',
        definition      TEXT NOT NULL,
        published       INTEGER NOT NULL DEFAULT 0 CHECK (published IN (0, 1)),
        editor          TEXT NOT NULL DEFAULT '',
        created_ms      INTEGER NOT NULL,
        updated_ms      INTEGER NOT NULL
    )
    """,
    "CREATE INDEX contact_flows_instance ON contact_flows (instance_id, name)",
    """
    CREATE TABLE contact_flow_drafts (
        draft_id        TEXT PRIMARY KEY,
        contact_flow_id TEXT NOT NULL REFERENCES contact_flows (contact_flow_id) ON DELETE CASCADE,
        definition      TEXT NOT NULL,
        description     TEXT NOT NULL DEFAULT '',
        editor          TEXT NOT NULL DEFAULT '',
        created_ms      INTEGER NOT NULL,
        updated_ms      INTEGER NOT NULL
    )
    """,
    "CREATE INDEX contact_flow_drafts_flow ON contact_flow_drafts (contact_flow_id)",
    """
    CREATE TABLE phone_numbers (
        number          TEXT PRIMARY KEY,
        instance_id     TEXT REFERENCES instances (id) ON DELETE SET NULL,
        usage           TEXT NOT NULL CHECK (usage IN ('Inbound', 'Outbound', 'Bidirection')),
        active          INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
        contact_flow_id TEXT REFERENCES contact_flows (contact_flow_id) ON DELETE SET NULL,
        provider        TEXT NOT NULL DEFAULT '',
        province        TEXT NOT NULL DEFAULT '',
        city            TEXT NOT NULL DEFAULT '',
        tags            TEXT NOT NULL DEFAULT '',
        created_ms      INTEGER NOT NULL,
        bound_seq       INTEGER NOT NULL DEFAULT 0
    )
    """,
    "CREATE INDEX phone_numbers_instance ON phone_numbers (instance_id, bound_seq)",
    "CREATE INDEX phone_numbers_flow ON phone_numbers (contact_flow_id)",
    """
    CREATE TABLE phone_number_skill_groups (
        number         TEXT NOT NULL REFERENCES phone_numbers (number) ON DELETE CASCADE,
        skill_group_id TEXT NOT NULL REFERENCES skill_groups (skill_group_id) ON DELETE CASCADE,
        PRIMARY KEY (number, skill_group_id)
    ) WITHOUT ROWID
    """,
    "CREATE INDEX phone_number_skill_groups_group ON phone_number_skill_groups (skill_group_id)",
)


def schema_version(conn: sqlite3.Connection) -> int:
    """The version recorded in the database file (0: empty database)."""
    row = conn.execute("PRAGMA user_version").fetchone()
    return int(row[0])


def create_schema(conn: sqlite3.Connection) -> None:
    """Create every table in an empty database; the caller holds a write transaction."""
    for statement in STATEMENTS:
        conn.execute(statement)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
