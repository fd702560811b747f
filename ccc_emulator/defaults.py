"""What the platform makes inside a new instance, as the real CCC does on CreateInstance.

These names are stable: the planner tells users what the platform adds, i.e. the contents of an
instance nobody declared. Through the API, for an instance `<inst>`:

- administrators: one per RAM user id of `AdminRamIdList`, user id `<ramId>@<inst>`, login and
  display name `<ramId>` (the emulation does not know RAM user names), role `Admin@<inst>`, work
  mode ON_SITE, extensions from 8001 (`FIRST_EXTENSION`) in list order, RamId `<ramId>`; in no
  skill group;
- the default skill group `default_skill_group@<inst>` (`DEFAULT_SKILL_GROUP_NAME`), display
  name "Default skill group", AUDIO, no description, no members, no numbers;
- the default IVR main flow named `default_main_flow` (`DEFAULT_FLOW_NAME`), a uuid id, type
  MAIN_FLOW, published, no open draft, editor `system`, description
  `DEFAULT_FLOW_DESCRIPTION`; it greets the caller, queues the call on the default skill group
  and hangs up;
- every number of `NumberList`, usage Bidirection (`DEFAULT_NUMBER_USAGE`), active, answered by
  `default_main_flow`, in no skill group.

They are ordinary contents afterwards: they can be modified or deleted like anything created
through the API (deleting the flow or the group needs `Force=true` while numbers or agents use
them).
"""

from __future__ import annotations

import json
import sqlite3
import uuid
from collections.abc import Sequence

DEFAULT_SKILL_GROUP_NAME = "default_skill_group"
DEFAULT_SKILL_GROUP_DISPLAY_NAME = "Default skill group"
DEFAULT_FLOW_NAME = "default_main_flow"
DEFAULT_FLOW_DESCRIPTION = "Default IVR main flow, created with the instance"
FIRST_EXTENSION = 8001
DEFAULT_NUMBER_USAGE = "Bidirection"


def create_defaults(
    conn: sqlite3.Connection,
    instance_id: str,
    admin_ram_ids: Sequence[str],
    numbers: Sequence[str],
    now_ms: int,
) -> None:
    """Create the admins, default skill group, default flow and number bindings of an instance."""
    _create_admins(conn, instance_id, admin_ram_ids, now_ms)
    skill_group_id = _create_default_skill_group(conn, instance_id, now_ms)
    flow_id = _create_default_flow(conn, instance_id, skill_group_id, now_ms)
    _bind_numbers(conn, instance_id, numbers, flow_id, now_ms)


def default_flow_definition(skill_group_id: str) -> str:
    """A small, valid console flow graph: greet, queue on the skill group, hang up."""
    activities = [
        {"id": "start", "type": "INCOMING_CALL", "name": "Start", "next": "welcome"},
        {
            "id": "welcome",
            "type": "PLAY_SAY",
            "name": "Welcome",
            "config": {"text": "Welcome. Please hold while we connect you to an agent."},
            "next": "queue",
        },
        {
            "id": "queue",
            "type": "TRANSFER_TO_SKILL_GROUP",
            "name": "Queue",
            "config": {"skillGroupId": skill_group_id},
            "next": "end",
            "failure": "end",
        },
        {"id": "end", "type": "HANGUP", "name": "Hang up"},
    ]
    return json.dumps({"activities": activities}, separators=(",", ":"))


def _create_admins(
    conn: sqlite3.Connection, instance_id: str, ram_ids: Sequence[str], now_ms: int
) -> None:
    rows = [
        (f"{ram_id}@{instance_id}", instance_id, ram_id, ram_id, str(FIRST_EXTENSION + i), ram_id)
        for i, ram_id in enumerate(ram_ids)
    ]
    conn.executemany(
        "INSERT INTO users (user_id, instance_id, login_name, display_name, extension,"
        " role_name, work_mode, ram_id, created_ms)"
        f" VALUES (?, ?, ?, ?, ?, 'Admin', 'ON_SITE', ?, {int(now_ms)})",
        rows,
    )


def _create_default_skill_group(conn: sqlite3.Connection, instance_id: str, now_ms: int) -> str:
    skill_group_id = f"{DEFAULT_SKILL_GROUP_NAME}@{instance_id}"
    conn.execute(
        "INSERT INTO skill_groups (skill_group_id, instance_id, name, display_name, media_type,"
        " created_ms) VALUES (?, ?, ?, ?, 'AUDIO', ?)",
        (
            skill_group_id,
            instance_id,
            DEFAULT_SKILL_GROUP_NAME,
            DEFAULT_SKILL_GROUP_DISPLAY_NAME,
            now_ms,
        ),
    )
    return skill_group_id


def _create_default_flow(
    conn: sqlite3.Connection, instance_id: str, skill_group_id: str, now_ms: int
) -> str:
    flow_id = str(uuid.uuid4())
    conn.execute(
        "INSERT INTO contact_flows (contact_flow_id, instance_id, name, type, description,"
        " definition, published, editor, created_ms, updated_ms)"
        " VALUES (?, ?, ?, 'MAIN_FLOW', ?, ?, 1, 'system', ?, ?)",
        (
            flow_id,
            instance_id,
            DEFAULT_FLOW_NAME,
            DEFAULT_FLOW_DESCRIPTION,
            default_flow_definition(skill_group_id),
            now_ms,
            now_ms,
        ),
    )
    return flow_id


def _bind_numbers(
    conn: sqlite3.Connection,
    instance_id: str,
    numbers: Sequence[str],
    flow_id: str,
    now_ms: int,
) -> None:
    # A number the account already owns (freed by a deleted instance) is bound again.
    rows = [(number, instance_id, flow_id, now_ms, seq) for seq, number in enumerate(numbers)]
    conn.executemany(
        "INSERT INTO phone_numbers (number, instance_id, usage, active, contact_flow_id,"
        f" created_ms, bound_seq) VALUES (?, ?, '{DEFAULT_NUMBER_USAGE}', 1, ?, ?, ?)"
        " ON CONFLICT (number) DO UPDATE SET instance_id = excluded.instance_id,"
        " usage = excluded.usage, active = 1, contact_flow_id = excluded.contact_flow_id,"
        " bound_seq = excluded.bound_seq",
        rows,
    )
