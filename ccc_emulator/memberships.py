"""Agent <-> skill-group membership, with a skill level from 1 (strongest) to 10.

Six write operations change memberships from either side (a group's users, a user's groups); two
list them. Each write is all or nothing: the whole request is checked first, and one problem fails
it with nothing changed. Memberships are strict, like the real service's phone-number links
("make sure the association exists"):

- an unknown user or group id is 404 NotExists.UserId / NotExists.SkillGroupId;
- adding a membership that exists is 409 AlreadyExists.SkillLevel (no silent upsert: change a
  level with the Modify* operations);
- removing a membership, or modifying the level of one, that does not exist is
  404 NotExists.SkillLevel;
- naming a user or group twice in one level list is 400 Parameter.Invalid (which level would
  win is ambiguous); an id repeated in a plain id list (`UserIdList`, `SkillGroupIdList`) counts
  once.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from ccc_emulator import codes, responses
from ccc_emulator.content_rows import (
    require_skill_group,
    require_skill_groups,
    require_user,
    require_users,
)
from ccc_emulator.instances import Operation
from ccc_emulator.levels import SKILL_GROUP_KEY, USER_KEY, Level, required_levels
from ccc_emulator.params import Params
from ccc_emulator.scope import InstanceScope, Page, Tx, unique

# (user id, skill group id) of a membership, from the id a request names on the other side.
Pair = Callable[[str], tuple[str, str]]


class MembershipOperations:
    """Carries out the membership operations against the store."""

    def __init__(self, scope: InstanceScope) -> None:
        self._scope = scope

    def actions(self) -> dict[str, Operation]:
        """Wire action name -> operation."""
        return {
            "AddUsersToSkillGroup": self.add_users_to_skill_group,
            "RemoveUsersFromSkillGroup": self.remove_users_from_skill_group,
            "ModifyUserLevelsOfSkillGroup": self.modify_user_levels_of_skill_group,
            "AddSkillGroupsToUser": self.add_skill_groups_to_user,
            "RemoveSkillGroupsFromUser": self.remove_skill_groups_from_user,
            "ModifySkillLevelsOfUser": self.modify_skill_levels_of_user,
            "ListUserLevelsOfSkillGroup": self.list_user_levels_of_skill_group,
            "ListSkillLevelsOfUser": self.list_skill_levels_of_user,
        }

    # --- from the skill group's side ---------------------------------------------------------

    def add_users_to_skill_group(self, params: Params) -> None:
        instance_id, group = _group_request(params)
        levels = required_levels(params, "UserSkillLevelList", USER_KEY)
        with self._scope.write(instance_id) as tx:
            members = self._members(tx, group, [level.target for level in levels])
            _add(tx, levels, members, _in_group(group))

    def remove_users_from_skill_group(self, params: Params) -> None:
        instance_id, group = _group_request(params)
        user_ids = _distinct(params, "UserIdList")
        with self._scope.write(instance_id) as tx:
            members = self._members(tx, group, user_ids)
            _remove(tx, user_ids, members, _in_group(group))

    def modify_user_levels_of_skill_group(self, params: Params) -> None:
        instance_id, group = _group_request(params)
        levels = required_levels(params, "UserLevelList", USER_KEY)
        with self._scope.write(instance_id) as tx:
            members = self._members(tx, group, [level.target for level in levels])
            _modify(tx, levels, members, _in_group(group))

    # --- from the user's side ----------------------------------------------------------------

    def add_skill_groups_to_user(self, params: Params) -> None:
        instance_id, user = _user_request(params)
        levels = required_levels(params, "SkillLevelList", SKILL_GROUP_KEY)
        with self._scope.write(instance_id) as tx:
            groups = self._groups(tx, user, [level.target for level in levels])
            _add(tx, levels, groups, _of_user(user))

    def remove_skill_groups_from_user(self, params: Params) -> None:
        instance_id, user = _user_request(params)
        group_ids = _distinct(params, "SkillGroupIdList")
        with self._scope.write(instance_id) as tx:
            groups = self._groups(tx, user, group_ids)
            _remove(tx, group_ids, groups, _of_user(user))

    def modify_skill_levels_of_user(self, params: Params) -> None:
        """Change levels of existing memberships only: a group the user is not in is a 404."""
        instance_id, user = _user_request(params)
        levels = required_levels(params, "SkillLevelList", SKILL_GROUP_KEY)
        with self._scope.write(instance_id) as tx:
            groups = self._groups(tx, user, [level.target for level in levels])
            _modify(tx, levels, groups, _of_user(user))

    # --- lists -------------------------------------------------------------------------------

    def list_user_levels_of_skill_group(self, params: Params) -> dict[str, Any]:
        """The group's members with their levels, or (`IsMember=false`) the other users."""
        instance_id, group_id = _group_request(params)
        page = Page.parse(params)
        is_member = params.required_bool("IsMember")
        pattern = (params.optional_text("SearchPattern") or "").lower()
        if is_member:
            source = (
                "users u JOIN user_skill_levels l"
                " ON l.user_id = u.user_id AND l.skill_group_id = :group"
            )
            columns = "u.*, l.skill_level"
        else:
            source = "users u"
            columns = "u.*, NULL AS skill_level"
        where = "u.instance_id = :instance"
        if not is_member:
            where += (
                " AND u.user_id NOT IN"
                " (SELECT user_id FROM user_skill_levels WHERE skill_group_id = :group)"
            )
        if pattern:
            where += (
                " AND (instr(lower(u.login_name), :pattern) > 0"
                " OR instr(lower(u.display_name), :pattern) > 0)"
            )
        with self._scope.read(instance_id) as tx:
            group = require_skill_group(tx, group_id)
            bound = {"instance": tx.instance_id, "group": group_id, "pattern": pattern}
            total, rows = _page(tx, page, source, columns, where, "u.rowid", bound)
        return page.data(total, [responses.user_level_item(row, group) for row in rows])

    def list_skill_levels_of_user(self, params: Params) -> dict[str, Any]:
        """The user's groups with levels (as strings), or (`IsMember=false`) the other groups."""
        instance_id, user_id = _user_request(params)
        page = Page.parse(params)
        is_member = params.optional_bool("IsMember")
        is_member = True if is_member is None else is_member
        pattern = (params.optional_text("SearchPattern") or "").lower()
        if is_member:
            source = (
                "skill_groups sg JOIN user_skill_levels l"
                " ON l.skill_group_id = sg.skill_group_id AND l.user_id = :user"
            )
            columns = "sg.*, l.skill_level"
        else:
            source = "skill_groups sg"
            columns = "sg.*, NULL AS skill_level"
        where = "sg.instance_id = :instance"
        if not is_member:
            where += (
                " AND sg.skill_group_id NOT IN"
                " (SELECT skill_group_id FROM user_skill_levels WHERE user_id = :user)"
            )
        if pattern:
            where += (
                " AND (instr(lower(sg.name), :pattern) > 0"
                " OR instr(lower(sg.display_name), :pattern) > 0)"
            )
        with self._scope.read(instance_id) as tx:
            require_user(tx, user_id)
            bound = {"instance": tx.instance_id, "user": user_id, "pattern": pattern}
            total, rows = _page(tx, page, source, columns, where, "sg.rowid", bound)
        return page.data(total, [responses.group_level_item(row) for row in rows])

    # --- the memberships a request touches ---------------------------------------------------

    @staticmethod
    def _members(tx: Tx, group_id: str, user_ids: Sequence[str]) -> dict[str, int]:
        """User id -> level of the group's members; 404 for unknown group or users."""
        require_skill_group(tx, group_id)
        require_users(tx, user_ids)
        rows = tx.conn.execute(
            "SELECT user_id, skill_level FROM user_skill_levels WHERE skill_group_id = ?",
            (group_id,),
        )
        return {row["user_id"]: row["skill_level"] for row in rows}

    @staticmethod
    def _groups(tx: Tx, user_id: str, group_ids: Sequence[str]) -> dict[str, int]:
        """Skill group id -> level of the user's groups; 404 for unknown user or groups."""
        require_user(tx, user_id)
        require_skill_groups(tx, group_ids)
        rows = tx.conn.execute(
            "SELECT skill_group_id, skill_level FROM user_skill_levels WHERE user_id = ?",
            (user_id,),
        )
        return {row["skill_group_id"]: row["skill_level"] for row in rows}


def _group_request(params: Params) -> tuple[str, str]:
    return params.required_text("InstanceId"), params.required_text("SkillGroupId")


def _user_request(params: Params) -> tuple[str, str]:
    return params.required_text("InstanceId"), params.required_text("UserId")


def _distinct(params: Params, name: str) -> list[str]:
    return unique(params.required_string_list(name))


def _in_group(group_id: str) -> Pair:
    return lambda user_id: (user_id, group_id)


def _of_user(user_id: str) -> Pair:
    return lambda group_id: (user_id, group_id)


def _add(tx: Tx, levels: Sequence[Level], existing: dict[str, int], pair: Pair) -> None:
    for level in levels:
        if level.target in existing:
            raise codes.skill_level_exists(*pair(level.target))
    tx.conn.executemany(
        "INSERT INTO user_skill_levels (user_id, skill_group_id, skill_level) VALUES (?, ?, ?)",
        [(*pair(level.target), level.level) for level in levels],
    )


def _remove(tx: Tx, targets: Sequence[str], existing: dict[str, int], pair: Pair) -> None:
    _require_memberships(targets, existing, pair)
    tx.conn.executemany(
        "DELETE FROM user_skill_levels WHERE user_id = ? AND skill_group_id = ?",
        [pair(target) for target in targets],
    )


def _modify(tx: Tx, levels: Sequence[Level], existing: dict[str, int], pair: Pair) -> None:
    _require_memberships([level.target for level in levels], existing, pair)
    tx.conn.executemany(
        "UPDATE user_skill_levels SET skill_level = ? WHERE user_id = ? AND skill_group_id = ?",
        [(level.level, *pair(level.target)) for level in levels],
    )


def _require_memberships(targets: Sequence[str], existing: dict[str, int], pair: Pair) -> None:
    for target in targets:
        if target not in existing:
            raise codes.skill_level_not_found(*pair(target))


def _page(
    tx: Tx, page: Page, source: str, columns: str, where: str, order: str, bound: dict[str, Any]
) -> tuple[int, list[Any]]:
    total = tx.conn.execute(f"SELECT COUNT(*) FROM {source} WHERE {where}", bound).fetchone()[0]
    rows = tx.conn.execute(
        f"SELECT {columns} FROM {source} WHERE {where} ORDER BY {order}"
        " LIMIT :limit OFFSET :offset",
        {**bound, "limit": page.size, "offset": page.offset},
    ).fetchall()
    return total, rows
