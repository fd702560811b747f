"""The phone number operations: ListPhoneNumbers, AddPhoneNumbers, ModifyPhoneNumber,
RemovePhoneNumbers.

The account owns every well-formed number (buying numbers is not in the API); a number is in at
most one instance at a time. Usage is `Inbound`, `Outbound` or `Bidirection`. A number answers
calls with a contact flow only when its usage includes inbound calls: with `Outbound` a
`ContactFlowId` is ignored and any flow binding is dropped. Only a `MAIN_FLOW` can answer a
number (400 Parameter.Invalid otherwise). A 400 number (`400` and 7 more digits) must be
`Inbound`, as the documentation says.

AddPhoneNumbers and RemovePhoneNumbers work number by number and answer with the numbers that
FAILED (the documented `Data`), changing the others:

- AddPhoneNumbers fails a number that is malformed, a 400 number not `Inbound`, already in this
  instance (left as it is), or in another instance (even one being deleted);
- RemovePhoneNumbers fails a number not in this instance, and without `Force=true` one still bound
  to a contact flow or a skill group. A removed number loses its flow and skill groups and is free
  for any instance again.

Request-wide problems (bad Usage, unknown ContactFlowId) fail the whole request.
"""

from __future__ import annotations

import re
import sqlite3
from collections import defaultdict
from typing import Any

from ccc_emulator import codes, responses
from ccc_emulator.content_rows import require_flow, require_numbers, rows_by_key
from ccc_emulator.instances import PHONE_NUMBER, Operation
from ccc_emulator.params import Params
from ccc_emulator.scope import InstanceScope, Page, Tx, placeholders, unique

USAGES = ("Inbound", "Outbound", "Bidirection")
OUTBOUND = "Outbound"
INBOUND = "Inbound"
PREMIUM_400 = re.compile(r"400[0-9]{7}")


class NumberOperations:
    """Carries out the phone number operations against the store."""

    def __init__(self, scope: InstanceScope) -> None:
        self._scope = scope

    def actions(self) -> dict[str, Operation]:
        """Wire action name -> operation."""
        return {
            "ListPhoneNumbers": self.list_phone_numbers,
            "AddPhoneNumbers": self.add_phone_numbers,
            "ModifyPhoneNumber": self.modify_phone_number,
            "RemovePhoneNumbers": self.remove_phone_numbers,
        }

    def list_phone_numbers(self, params: Params) -> dict[str, Any]:
        """One page of the instance's numbers, in the order they were added."""
        instance_id = params.required_text("InstanceId")
        page = Page.parse(params)
        usage = params.optional_enum("Usage", USAGES)
        active = params.optional_bool("Active")
        pattern = params.optional_text("SearchPattern") or ""
        where = "pn.instance_id = :instance"
        if usage is not None:
            where += " AND pn.usage = :usage"
        if active is not None:
            where += " AND pn.active = :active"
        if pattern:
            where += " AND instr(pn.number, :pattern) > 0"
        with self._scope.read(instance_id) as tx:
            bound = {
                "instance": tx.instance_id,
                "usage": usage,
                "active": int(bool(active)),
                "pattern": pattern,
            }
            total = tx.conn.execute(
                f"SELECT COUNT(*) FROM phone_numbers pn WHERE {where}", bound
            ).fetchone()[0]
            rows = tx.conn.execute(
                "SELECT pn.*, cf.name AS contact_flow_name FROM phone_numbers pn"
                " LEFT JOIN contact_flows cf ON cf.contact_flow_id = pn.contact_flow_id"
                f" WHERE {where} ORDER BY pn.bound_seq, pn.number LIMIT :limit OFFSET :offset",
                {**bound, "limit": page.size, "offset": page.offset},
            ).fetchall()
            groups = skill_groups_of(tx.conn, [row["number"] for row in rows])
        items = [responses.number_list_item(row, groups[row["number"]]) for row in rows]
        return page.data(total, items)

    def add_phone_numbers(self, params: Params) -> list[str]:
        """Bring numbers into the instance; `Data` lists the numbers that failed."""
        instance_id = params.required_text("InstanceId")
        usage = params.required_enum("Usage", USAGES)
        numbers = unique(params.required_string_list("NumberList"))
        contact_flow_id = params.optional_text("ContactFlowId") or None
        params.optional_text("NumberGroupId")
        with self._scope.write(instance_id, purge=True) as tx:
            flow_id = _answering_flow(tx, usage, contact_flow_id)
            owners = _owners(tx.conn, numbers)
            rejected = {number for number in numbers if not _can_add(number, usage, owners)}
            failed = [number for number in numbers if number in rejected]
            added = [number for number in numbers if number not in rejected]
            first = _next_bound_seq(tx)
            tx.conn.executemany(
                "INSERT INTO phone_numbers (number, instance_id, usage, active, contact_flow_id,"
                " created_ms, bound_seq) VALUES (?, ?, ?, 1, ?, ?, ?)"
                " ON CONFLICT (number) DO UPDATE SET instance_id = excluded.instance_id,"
                " usage = excluded.usage, active = 1,"
                " contact_flow_id = excluded.contact_flow_id, bound_seq = excluded.bound_seq",
                [
                    (number, tx.instance_id, usage, flow_id, tx.now_ms, first + i)
                    for i, number in enumerate(added)
                ],
            )
        return failed

    def modify_phone_number(self, params: Params) -> None:
        """Change a number's usage and the flow answering it.

        `ContactFlowId` absent keeps the current flow, empty unbinds it; with usage `Outbound` the
        number never keeps a flow.
        """
        instance_id = params.required_text("InstanceId")
        number = params.required_text("Number")
        usage = params.required_enum("Usage", USAGES)
        contact_flow_id = params.optional_text("ContactFlowId")
        with self._scope.write(instance_id) as tx:
            row = require_numbers(tx, [number])[number]
            if PREMIUM_400.fullmatch(number) and usage != INBOUND:
                raise codes.parameter_invalid("Usage", "A 400 number can only be Inbound.")
            if contact_flow_id is None:
                flow_id = None if usage == OUTBOUND else row["contact_flow_id"]
            else:
                flow_id = _answering_flow(tx, usage, contact_flow_id or None)
            tx.conn.execute(
                "UPDATE phone_numbers SET usage = ?, contact_flow_id = ? WHERE number = ?",
                (usage, flow_id, number),
            )

    def remove_phone_numbers(self, params: Params) -> list[str]:
        """Release numbers from the instance; `Data` lists the numbers that failed."""
        instance_id = params.required_text("InstanceId")
        numbers = unique(params.required_string_list("NumberList"))
        force = params.optional_bool("Force") or False
        with self._scope.write(instance_id) as tx:
            rows = rows_by_key(tx, "phone_numbers", "number", numbers)
            linked = skill_groups_of(tx.conn, list(rows))
            failed = [
                number
                for number in numbers
                if number not in rows
                or not (force or (rows[number]["contact_flow_id"] is None and not linked[number]))
            ]
            released = [(number,) for number in numbers if number not in failed]
            tx.conn.executemany("DELETE FROM phone_number_skill_groups WHERE number = ?", released)
            tx.conn.executemany(
                "UPDATE phone_numbers SET instance_id = NULL, contact_flow_id = NULL,"
                " bound_seq = 0 WHERE number = ?",
                released,
            )
        return failed


def skill_groups_of(
    conn: sqlite3.Connection, numbers: list[str]
) -> defaultdict[str, list[dict[str, Any]]]:
    """Number -> its skill groups (`SkillGroups[]` elements), groups in creation order."""
    groups: defaultdict[str, list[dict[str, Any]]] = defaultdict(list)
    if not numbers:
        return groups
    rows = conn.execute(
        "SELECT link.number, sg.* FROM phone_number_skill_groups link"
        " JOIN skill_groups sg ON sg.skill_group_id = link.skill_group_id"
        f" WHERE link.number IN ({placeholders(len(numbers))}) ORDER BY sg.rowid",
        numbers,
    )
    for row in rows:
        groups[row["number"]].append(responses.number_skill_group(row))
    return groups


def _answering_flow(tx: Tx, usage: str, contact_flow_id: str | None) -> str | None:
    """The flow a number with `usage` answers with: checked, and none for `Outbound`."""
    if contact_flow_id is None:
        return None
    flow = require_flow(tx, contact_flow_id)
    if flow["type"] != "MAIN_FLOW":
        detail = f"Contact flow {contact_flow_id} is a {flow['type']}; only a MAIN_FLOW answers."
        raise codes.parameter_invalid("ContactFlowId", detail)
    return None if usage == OUTBOUND else contact_flow_id


def _owners(conn: sqlite3.Connection, numbers: list[str]) -> dict[str, str | None]:
    """Number -> the instance holding it (None: owned, free) for numbers the account knows."""
    owners: dict[str, str | None] = {}
    for number in numbers:
        row = conn.execute(
            "SELECT instance_id FROM phone_numbers WHERE number = ?", (number,)
        ).fetchone()
        if row is not None:
            owners[number] = row["instance_id"]
    return owners


def _can_add(number: str, usage: str, owners: dict[str, str | None]) -> bool:
    if not PHONE_NUMBER.fullmatch(number):
        return False
    if PREMIUM_400.fullmatch(number) and usage != INBOUND:
        return False
    return owners.get(number) is None


def _next_bound_seq(tx: Tx) -> int:
    highest = tx.conn.execute(
        "SELECT MAX(bound_seq) FROM phone_numbers WHERE instance_id = ?", (tx.instance_id,)
    ).fetchone()[0]
    return 0 if highest is None else int(highest) + 1
