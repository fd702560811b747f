"""The user (agent) operations: CreateUser, ModifyUser, RemoveUsers, GetUser, ListUsers, ListRoles.

A user id is `<loginName>@<instanceId>`; the login name and email never change (ModifyUser takes
neither). Login names are compared exactly, as ids are. CreateUser gives each user the next free
extension of the instance (the administrators made with the instance start at 8001) and, as the
real service creates a RAM user for each agent, a 16-digit RAM id.

RemoveUsers deletes the users with their skill-group memberships. It is all or nothing: one
unknown id fails the whole request (404 NotExists.UserId). Its `Force` is accepted and checked
but changes nothing here, since the emulation has no agent sessions that could block a removal.
"""

from __future__ import annotations

import re
import secrets
import sqlite3
from collections import defaultdict
from typing import Any

from ccc_emulator import codes, responses
from ccc_emulator.content_rows import require_skill_groups, require_user, require_users
from ccc_emulator.defaults import FIRST_EXTENSION
from ccc_emulator.instances import Operation
from ccc_emulator.levels import SKILL_GROUP_KEY, optional_levels
from ccc_emulator.params import Params
from ccc_emulator.scope import InstanceScope, Page, Tx, placeholders, unique

LOGIN_NAME = re.compile(r"[A-Za-z0-9._-]+")
EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
MOBILE = re.compile(r"[0-9]+")
ROLES = ("Admin", "Manager", "Agent")
WORK_MODES = ("ON_SITE", "OFF_SITE", "OFFICE_PHONE")
MAX_SKILL_LEVELS = 100


class UserOperations:
    """Carries out the user operations against the store."""

    def __init__(self, scope: InstanceScope) -> None:
        self._scope = scope

    def actions(self) -> dict[str, Operation]:
        """Wire action name -> operation."""
        return {
            "CreateUser": self.create_user,
            "ModifyUser": self.modify_user,
            "RemoveUsers": self.remove_users,
            "GetUser": self.get_user,
            "ListUsers": self.list_users,
            "ListRoles": self.list_roles,
        }

    def create_user(self, params: Params) -> dict[str, Any]:
        """Create an agent, with its skill levels when `SkillLevelList` is given."""
        instance_id = params.required_text("InstanceId")
        login_name = params.required_text(
            "LoginName",
            min_length=4,
            max_length=64,
            pattern=LOGIN_NAME,
            expected="made of letters, digits, '.', '_' and '-' only",
        )
        display_name = params.required_text("DisplayName", max_length=128)
        email = params.required_text(
            "Email", max_length=128, pattern=EMAIL, expected="an email address"
        )
        role = params.required_text("RoleId")
        work_mode = params.optional_enum("WorkMode", WORK_MODES) or "ON_SITE"
        profile = _profile(params)
        levels = optional_levels(
            params, "SkillLevelList", SKILL_GROUP_KEY, max_items=MAX_SKILL_LEVELS
        )
        params.optional_bool("ResetPassword")
        params.optional_bool("NeedEmailNotification")
        with self._scope.write(instance_id) as tx:
            user_id = f"{login_name}@{tx.instance_id}"
            if tx.conn.execute("SELECT 1 FROM users WHERE user_id = ?", (user_id,)).fetchone():
                raise codes.user_exists(user_id, tx.instance_id)
            role_name = _role_name(tx, role)
            require_skill_groups(tx, [level.target for level in levels])
            tx.conn.execute(
                "INSERT INTO users (user_id, instance_id, login_name, display_name, display_id,"
                " email, mobile, extension, role_name, work_mode, ram_id, nickname, avatar_url,"
                " created_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    user_id,
                    tx.instance_id,
                    login_name,
                    display_name,
                    profile.get("display_id", ""),
                    email,
                    profile.get("mobile", ""),
                    _next_extension(tx),
                    role_name,
                    work_mode,
                    _new_ram_id(),
                    profile.get("nickname", ""),
                    profile.get("avatar_url", ""),
                    tx.now_ms,
                ),
            )
            tx.conn.executemany(
                "INSERT INTO user_skill_levels (user_id, skill_group_id, skill_level)"
                " VALUES (?, ?, ?)",
                [(user_id, level.target, level.level) for level in levels],
            )
            row = require_user(tx, user_id)
        return responses.created_user(row)

    def modify_user(self, params: Params) -> None:
        """Change the work mode (required) and, when given, the other mutable attributes."""
        instance_id = params.required_text("InstanceId")
        user_id = params.required_text("UserId")
        work_mode = params.required_enum("WorkMode", WORK_MODES)
        changes: dict[str, str] = {"work_mode": work_mode, **_profile(params)}
        if params.raw("DisplayName") is not None:
            changes["display_name"] = params.required_text("DisplayName", max_length=128)
        role = params.optional_text("RoleId") or None
        params.optional_bool("Force")
        with self._scope.write(instance_id) as tx:
            require_user(tx, user_id)
            if role is not None:
                changes["role_name"] = _role_name(tx, role)
            assignments = ", ".join(f"{column} = ?" for column in changes)
            tx.conn.execute(
                f"UPDATE users SET {assignments} WHERE user_id = ?", [*changes.values(), user_id]
            )

    def remove_users(self, params: Params) -> None:
        """Delete users and their memberships, all of them or none."""
        instance_id = params.required_text("InstanceId")
        user_ids = unique(params.required_string_list("UserIdList"))
        params.optional_bool("Force")
        with self._scope.write(instance_id) as tx:
            require_users(tx, user_ids)
            tx.conn.executemany(
                "DELETE FROM users WHERE user_id = ?", [(user_id,) for user_id in user_ids]
            )

    def get_user(self, params: Params) -> dict[str, Any]:
        """One user, by `UserId` or else by `Extension`."""
        instance_id = params.required_text("InstanceId")
        user_id = params.optional_text("UserId") or None
        extension = params.optional_text("Extension") or None
        if user_id is None and extension is None:
            raise codes.parameter_null("UserId")
        with self._scope.read(instance_id) as tx:
            if user_id is not None:
                row = require_user(tx, user_id)
            else:
                row = _user_by_extension(tx, str(extension))
        return responses.user_detail(row)

    def list_users(self, params: Params) -> dict[str, Any]:
        """One page of users in creation order, each with its skill levels."""
        instance_id = params.required_text("InstanceId")
        page = Page.parse(params)
        pattern = (params.optional_text("SearchPattern") or "").lower()
        skill_group_id = params.optional_text("SkillGroupId") or None
        where = "u.instance_id = :instance"
        if skill_group_id is not None:
            where += (
                " AND u.user_id IN (SELECT user_id FROM user_skill_levels"
                " WHERE skill_group_id = :group)"
            )
        if pattern:
            where += (
                " AND (instr(lower(u.login_name), :pattern) > 0"
                " OR instr(lower(u.display_name), :pattern) > 0"
                " OR instr(u.extension, :pattern) > 0)"
            )
        with self._scope.read(instance_id) as tx:
            if skill_group_id is not None:
                require_skill_groups(tx, [skill_group_id])
            bound = {"instance": tx.instance_id, "group": skill_group_id, "pattern": pattern}
            total = tx.conn.execute(
                f"SELECT COUNT(*) FROM users u WHERE {where}", bound
            ).fetchone()[0]
            rows = tx.conn.execute(
                f"SELECT u.* FROM users u WHERE {where} ORDER BY u.rowid"
                " LIMIT :limit OFFSET :offset",
                {**bound, "limit": page.size, "offset": page.offset},
            ).fetchall()
            levels = _levels_of(tx.conn, [row["user_id"] for row in rows])
        items = [responses.user_list_item(row, levels[row["user_id"]]) for row in rows]
        return page.data(total, items)

    def list_roles(self, params: Params) -> list[dict[str, Any]]:
        """The instance's three roles."""
        instance_id = params.required_text("InstanceId")
        with self._scope.read(instance_id) as tx:
            return [{"RoleId": f"{role}@{tx.instance_id}", "Name": role} for role in ROLES]


def _profile(params: Params) -> dict[str, str]:
    """The optional attributes CreateUser and ModifyUser share, as columns; absent: left out."""
    values = {
        "mobile": params.optional_text("Mobile", max_length=32),
        "display_id": params.optional_text("DisplayId", max_length=64),
        "nickname": params.optional_text("Nickname", max_length=128),
        "avatar_url": params.optional_text("AvatarUrl", max_length=1024),
    }
    mobile = values["mobile"]
    if mobile and not MOBILE.fullmatch(mobile):
        raise codes.parameter_format("Mobile", "made of digits only")
    return {column: value for column, value in values.items() if value is not None}


def _role_name(tx: Tx, role_id: str) -> str:
    role, _, instance_id = role_id.partition("@")
    if role not in ROLES or instance_id != tx.instance_id:
        raise codes.role_not_found(role_id, tx.instance_id)
    return role


def _next_extension(tx: Tx) -> str:
    # The (instance_id, extension) unique index covers this scan: no table rows are read.
    highest = tx.conn.execute(
        "SELECT MAX(CAST(extension AS INTEGER)) FROM users WHERE instance_id = ?",
        (tx.instance_id,),
    ).fetchone()[0]
    return str(max(FIRST_EXTENSION - 1, highest or 0) + 1)


def _new_ram_id() -> str:
    return str(10**15 + secrets.randbelow(9 * 10**15))


def _user_by_extension(tx: Tx, extension: str) -> sqlite3.Row:
    row: sqlite3.Row | None = tx.conn.execute(
        "SELECT * FROM users WHERE instance_id = ? AND extension = ?",
        (tx.instance_id, extension),
    ).fetchone()
    if row is None:
        raise codes.user_not_found(f"with extension {extension}", tx.instance_id)
    return row


def _levels_of(
    conn: sqlite3.Connection, user_ids: list[str]
) -> defaultdict[str, list[dict[str, Any]]]:
    levels: defaultdict[str, list[dict[str, Any]]] = defaultdict(list)
    if not user_ids:
        return levels
    rows = conn.execute(
        "SELECT l.user_id, l.skill_group_id, l.skill_level, sg.name"
        " FROM user_skill_levels l JOIN skill_groups sg USING (skill_group_id)"
        f" WHERE l.user_id IN ({placeholders(len(user_ids))}) ORDER BY sg.rowid",
        user_ids,
    )
    for row in rows:
        levels[row["user_id"]].append(responses.level_of_user(row))
    return levels
