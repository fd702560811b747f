"""Phone number <-> skill group associations, from either side, and their list.

AddNumbersToSkillGroup / RemovePhoneNumbersFromSkillGroup take one group and several numbers;
AddPhoneNumberToSkillGroups / RemovePhoneNumberFromSkillGroups one number and several groups. The
numbers must already be in the instance (404 NotExists.Number). Like memberships, each call is all
or nothing and strict: adding an association that exists is 409
AlreadyExists.SkillGroupPhoneNumber, removing one that does not is 404
NotExists.SkillGroupPhoneNumber (the documentation asks callers to make sure it exists). An id
repeated in one list counts once.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from ccc_emulator import codes, responses
from ccc_emulator.content_rows import require_numbers, require_skill_group, require_skill_groups
from ccc_emulator.instances import Operation
from ccc_emulator.params import Params
from ccc_emulator.scope import InstanceScope, Page, Tx, unique

# (number, skill group id) of an association, from the id a request names on the other side.
Pair = Callable[[str], tuple[str, str]]


class NumberLinkOperations:
    """Carries out the number <-> skill group operations against the store."""

    def __init__(self, scope: InstanceScope) -> None:
        self._scope = scope

    def actions(self) -> dict[str, Operation]:
        """Wire action name -> operation."""
        return {
            "AddNumbersToSkillGroup": self.add_numbers_to_skill_group,
            "RemovePhoneNumbersFromSkillGroup": self.remove_numbers_from_skill_group,
            "AddPhoneNumberToSkillGroups": self.add_number_to_skill_groups,
            "RemovePhoneNumberFromSkillGroups": self.remove_number_from_skill_groups,
            "ListPhoneNumbersOfSkillGroup": self.list_numbers_of_skill_group,
        }

    def add_numbers_to_skill_group(self, params: Params) -> None:
        instance_id, group_id = _group_request(params)
        numbers = unique(params.required_string_list("NumberList"))
        params.optional_text("InstNumberGroupIdList")
        with self._scope.write(instance_id) as tx:
            require_skill_group(tx, group_id)
            require_numbers(tx, numbers)
            _add(tx, numbers, _numbers_of(tx, group_id), lambda n: (n, group_id))

    def remove_numbers_from_skill_group(self, params: Params) -> None:
        instance_id, group_id = _group_request(params)
        numbers = unique(params.required_string_list("NumberList"))
        with self._scope.write(instance_id) as tx:
            require_skill_group(tx, group_id)
            require_numbers(tx, numbers)
            _remove(tx, numbers, _numbers_of(tx, group_id), lambda n: (n, group_id))

    def add_number_to_skill_groups(self, params: Params) -> None:
        instance_id, number = _number_request(params)
        group_ids = unique(params.required_string_list("SkillGroupIdList"))
        with self._scope.write(instance_id) as tx:
            require_numbers(tx, [number])
            require_skill_groups(tx, group_ids)
            _add(tx, group_ids, _groups_of(tx, number), lambda g: (number, g))

    def remove_number_from_skill_groups(self, params: Params) -> None:
        instance_id, number = _number_request(params)
        group_ids = unique(params.required_string_list("SkillGroupIdList"))
        with self._scope.write(instance_id) as tx:
            require_numbers(tx, [number])
            require_skill_groups(tx, group_ids)
            _remove(tx, group_ids, _groups_of(tx, number), lambda g: (number, g))

    def list_numbers_of_skill_group(self, params: Params) -> dict[str, Any]:
        """The group's numbers, or (`IsMember=false`) the instance's other numbers."""
        instance_id, group_id = _group_request(params)
        page = Page.parse(params)
        is_member = params.optional_bool("IsMember")
        active = params.optional_bool("Active")
        pattern = params.optional_text("SearchPattern") or ""
        membership = "IN" if is_member is None or is_member else "NOT IN"
        where = (
            f"pn.instance_id = :instance AND pn.number {membership}"
            " (SELECT number FROM phone_number_skill_groups WHERE skill_group_id = :group)"
        )
        if active is not None:
            where += " AND pn.active = :active"
        if pattern:
            where += " AND instr(pn.number, :pattern) > 0"
        with self._scope.read(instance_id) as tx:
            require_skill_group(tx, group_id)
            bound = {
                "instance": tx.instance_id,
                "group": group_id,
                "active": int(bool(active)),
                "pattern": pattern,
            }
            total = tx.conn.execute(
                f"SELECT COUNT(*) FROM phone_numbers pn WHERE {where}", bound
            ).fetchone()[0]
            rows = tx.conn.execute(
                f"SELECT pn.* FROM phone_numbers pn WHERE {where}"
                " ORDER BY pn.bound_seq, pn.number LIMIT :limit OFFSET :offset",
                {**bound, "limit": page.size, "offset": page.offset},
            ).fetchall()
        return page.data(total, [responses.number_of_skill_group_item(row) for row in rows])


def _group_request(params: Params) -> tuple[str, str]:
    return params.required_text("InstanceId"), params.required_text("SkillGroupId")


def _number_request(params: Params) -> tuple[str, str]:
    return params.required_text("InstanceId"), params.required_text("Number")


def _numbers_of(tx: Tx, group_id: str) -> set[str]:
    rows = tx.conn.execute(
        "SELECT number FROM phone_number_skill_groups WHERE skill_group_id = ?", (group_id,)
    )
    return {row["number"] for row in rows}


def _groups_of(tx: Tx, number: str) -> set[str]:
    rows = tx.conn.execute(
        "SELECT skill_group_id FROM phone_number_skill_groups WHERE number = ?", (number,)
    )
    return {row["skill_group_id"] for row in rows}


def _add(tx: Tx, targets: Sequence[str], linked: set[str], pair: Pair) -> None:
    for target in targets:
        if target in linked:
            raise codes.number_linked(*pair(target))
    tx.conn.executemany(
        "INSERT INTO phone_number_skill_groups (number, skill_group_id) VALUES (?, ?)",
        [pair(target) for target in targets],
    )


def _remove(tx: Tx, targets: Sequence[str], linked: set[str], pair: Pair) -> None:
    for target in targets:
        if target not in linked:
            raise codes.number_not_linked(*pair(target))
    tx.conn.executemany(
        "DELETE FROM phone_number_skill_groups WHERE number = ? AND skill_group_id = ?",
        [pair(target) for target in targets],
    )
