"""The skill group operations: Create-, Modify-, Delete-, GetSkillGroup, List(Brief)SkillGroups.

A skill group id is `<name>@<instanceId>`; its name and media type never change (ModifySkillGroup
takes DisplayName and Description only). DeleteSkillGroup refuses a group that still has agents or
numbers with 400 InUse.SkillGroup unless `Force=true`, which also drops those memberships and
number associations.
"""

from __future__ import annotations

import re
import sqlite3
from typing import Any

from ccc_emulator import codes, responses
from ccc_emulator.content_rows import require_skill_group
from ccc_emulator.instances import Operation
from ccc_emulator.params import Params
from ccc_emulator.scope import InstanceScope, Page

NAME = re.compile(r"[A-Za-z][A-Za-z0-9_-]*")
MEDIA_TYPES = ("AUDIO", "CHAT", "VIDEO")
MAX_NAME = 64
MAX_DISPLAY_NAME = 64
MAX_DESCRIPTION = 256

# Counts come from the membership and number-link indexes, one probe per listed group.
_LIST_COLUMNS = (
    "sg.*,"
    " (SELECT COUNT(*) FROM user_skill_levels u"
    "   WHERE u.skill_group_id = sg.skill_group_id) AS user_count,"
    " (SELECT COUNT(*) FROM phone_number_skill_groups p"
    "   WHERE p.skill_group_id = sg.skill_group_id) AS phone_number_count"
)


class SkillGroupOperations:
    """Carries out the skill group operations against the store."""

    def __init__(self, scope: InstanceScope) -> None:
        self._scope = scope

    def actions(self) -> dict[str, Operation]:
        """Wire action name -> operation."""
        return {
            "CreateSkillGroup": self.create_skill_group,
            "ModifySkillGroup": self.modify_skill_group,
            "DeleteSkillGroup": self.delete_skill_group,
            "GetSkillGroup": self.get_skill_group,
            "ListSkillGroups": self.list_skill_groups,
            "ListBriefSkillGroups": self.list_skill_groups,
        }

    def create_skill_group(self, params: Params) -> dict[str, Any]:
        """Create a group; `Data` echoes it with its id."""
        instance_id = params.required_text("InstanceId")
        name = params.required_text(
            "Name",
            max_length=MAX_NAME,
            pattern=NAME,
            expected="a letter followed by letters, digits, '_' and '-'",
        )
        display_name = params.required_text("DisplayName", max_length=MAX_DISPLAY_NAME)
        description = params.optional_text("Description", max_length=MAX_DESCRIPTION) or ""
        media_type = params.optional_enum("MediaType", MEDIA_TYPES) or "AUDIO"
        with self._scope.write(instance_id) as tx:
            skill_group_id = f"{name}@{tx.instance_id}"
            taken = tx.conn.execute(
                "SELECT 1 FROM skill_groups WHERE skill_group_id = ?", (skill_group_id,)
            ).fetchone()
            if taken is not None:
                raise codes.skill_group_exists(skill_group_id, tx.instance_id)
            tx.conn.execute(
                "INSERT INTO skill_groups (skill_group_id, instance_id, name, display_name,"
                " description, media_type, created_ms) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    skill_group_id,
                    tx.instance_id,
                    name,
                    display_name,
                    description,
                    media_type,
                    tx.now_ms,
                ),
            )
        return {
            "SkillGroupId": skill_group_id,
            "Name": name,
            "InstanceId": tx.instance_id,
            "Description": description,
            "MediaType": media_type,
        }

    def modify_skill_group(self, params: Params) -> None:
        """Change DisplayName and/or Description; absent ones stay."""
        instance_id = params.required_text("InstanceId")
        skill_group_id = params.required_text("SkillGroupId")
        display_name = None
        if params.raw("DisplayName") is not None:
            display_name = params.required_text("DisplayName", max_length=MAX_DISPLAY_NAME)
        description = params.optional_text("Description", max_length=MAX_DESCRIPTION)
        with self._scope.write(instance_id) as tx:
            row = require_skill_group(tx, skill_group_id)
            tx.conn.execute(
                "UPDATE skill_groups SET display_name = ?, description = ?"
                " WHERE skill_group_id = ?",
                (
                    row["display_name"] if display_name is None else display_name,
                    row["description"] if description is None else description,
                    skill_group_id,
                ),
            )

    def delete_skill_group(self, params: Params) -> None:
        """Delete a group; one with agents or numbers only with `Force=true`."""
        instance_id = params.required_text("InstanceId")
        skill_group_id = params.required_text("SkillGroupId")
        force = params.optional_bool("Force") or False
        with self._scope.write(instance_id) as tx:
            require_skill_group(tx, skill_group_id)
            if not force and _in_use(tx.conn, skill_group_id):
                raise codes.skill_group_in_use(skill_group_id)
            # Memberships and number links go with the group (ON DELETE CASCADE).
            tx.conn.execute("DELETE FROM skill_groups WHERE skill_group_id = ?", (skill_group_id,))

    def get_skill_group(self, params: Params) -> dict[str, Any]:
        """One group."""
        instance_id = params.required_text("InstanceId")
        skill_group_id = params.required_text("SkillGroupId")
        with self._scope.read(instance_id) as tx:
            row = require_skill_group(tx, skill_group_id)
        return responses.skill_group(row)

    def list_skill_groups(self, params: Params) -> dict[str, Any]:
        """One page of the instance's groups in creation order, with member and number counts.

        Also answers ListBriefSkillGroups: the SDK models both lists' items alike.
        """
        instance_id = params.required_text("InstanceId")
        page = Page.parse(params)
        media_type = params.optional_enum("MediaType", MEDIA_TYPES)
        pattern = (params.optional_text("SearchPattern") or "").lower()
        where = "sg.instance_id = :instance"
        if media_type is not None:
            where += " AND sg.media_type = :media_type"
        if pattern:
            where += (
                " AND (instr(lower(sg.name), :pattern) > 0"
                " OR instr(lower(sg.display_name), :pattern) > 0)"
            )
        with self._scope.read(instance_id) as tx:
            bound = {"instance": tx.instance_id, "media_type": media_type, "pattern": pattern}
            total = tx.conn.execute(
                f"SELECT COUNT(*) FROM skill_groups sg WHERE {where}", bound
            ).fetchone()[0]
            rows = tx.conn.execute(
                f"SELECT {_LIST_COLUMNS} FROM skill_groups sg WHERE {where}"
                " ORDER BY sg.rowid LIMIT :limit OFFSET :offset",
                {**bound, "limit": page.size, "offset": page.offset},
            ).fetchall()
        return page.data(total, [responses.skill_group_list_item(row) for row in rows])


def _in_use(conn: sqlite3.Connection, skill_group_id: str) -> bool:
    for table in ("user_skill_levels", "phone_number_skill_groups"):
        used = conn.execute(
            f"SELECT 1 FROM {table} WHERE skill_group_id = ? LIMIT 1", (skill_group_id,)
        ).fetchone()
        if used is not None:
            return True
    return False
