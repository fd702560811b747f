"""The instance operations: Create-, Get-, List-, Modify- and DeleteInstance.

Creation and deletion are asynchronous as in the real API. CreateInstance returns a workflow id and
the instance is CREATING until `create_seconds` have passed, then RUNNING. DeleteInstance returns a
deletion task id; the instance stays (status unchanged) for `delete_seconds`, then it is gone: 404,
not listed, and its access path and numbers are free again.
"""

from __future__ import annotations

import re
import sqlite3
import uuid
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ccc_emulator import codes, responses
from ccc_emulator.defaults import create_defaults
from ccc_emulator.instance_rows import (
    CREATING,
    VISIBLE,
    purge_gone,
    require_created,
    require_instance,
    status_of,
)
from ccc_emulator.params import Params
from ccc_emulator.store import Store

Operation = Callable[[Params], Any]

DOMAIN_NAME = re.compile(r"[A-Za-z0-9_-]+")
RAM_ID = re.compile(r"[0-9]{1,32}")
# The account "owns" every well-formed number; anything else is a number it cannot have.
PHONE_NUMBER = re.compile(r"\+?[0-9]{3,24}")
MAX_PAGE_SIZE = 100


@dataclass(frozen=True)
class CreateRequest:
    """CreateInstance's parameters, checked."""

    name: str
    domain_name: str
    description: str
    admin_ram_ids: tuple[str, ...]
    numbers: tuple[str, ...]

    @classmethod
    def parse(cls, params: Params) -> CreateRequest:
        name = params.required_text("Name", min_length=4, max_length=32)
        domain_name = params.required_text(
            "DomainName",
            min_length=4,
            max_length=48,
            pattern=DOMAIN_NAME,
            expected="made of letters, digits, '_' and '-' only",
        )
        description = params.optional_text("Description", max_length=256) or ""
        admins = params.required_string_list("AdminRamIdList")
        for ram_id in admins:
            if not RAM_ID.fullmatch(ram_id):
                raise codes.parameter_format("AdminRamIdList", "a JSON array of RAM user ids")
        numbers = params.optional_string_list("NumberList")
        for number in numbers:
            if not PHONE_NUMBER.fullmatch(number):
                raise codes.number_not_found(number)
        return cls(name, domain_name, description, _unique(admins), _unique(numbers))


class InstanceOperations:
    """Carries out the instance operations against the store."""

    def __init__(
        self,
        store: Store,
        clock: Callable[[], float],
        create_seconds: float,
        delete_seconds: float,
    ) -> None:
        self._store = store
        self._clock = clock
        self._create_seconds = create_seconds
        self._delete_seconds = delete_seconds

    def actions(self) -> dict[str, Operation]:
        """Wire action name -> operation."""
        return {
            "CreateInstance": self.create_instance,
            "GetInstance": self.get_instance,
            "ListInstances": self.list_instances,
            "ModifyInstance": self.modify_instance,
            "DeleteInstance": self.delete_instance,
        }

    def create_instance(self, params: Params) -> str:
        """Start creating an instance and its platform defaults; `Data` is the workflow id."""
        request = CreateRequest.parse(params)
        workflow_id = str(uuid.uuid4())
        with self._store.write() as conn:
            now = self._clock()
            purge_gone(conn, now)
            _check_free(conn, request)
            now_ms = int(now * 1000)
            conn.execute(
                "INSERT INTO instances (id, domain_key, name, description, aliyun_uid,"
                " created_ms, ready_at, workflow_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    request.domain_name,
                    request.domain_name.lower(),
                    request.name,
                    request.description,
                    self._store.meta("aliyun_uid"),
                    now_ms,
                    now + self._create_seconds,
                    workflow_id,
                ),
            )
            create_defaults(
                conn, request.domain_name, request.admin_ram_ids, request.numbers, now_ms
            )
        return workflow_id

    def get_instance(self, params: Params) -> dict[str, Any]:
        """One instance with its admins and numbers (numbers in full)."""
        instance_id = params.required_text("InstanceId")
        with self._store.read() as conn:
            now = self._clock()
            row = require_instance(conn, instance_id, now)
            admins = _admins_by_instance(conn, [row["id"]]).get(row["id"], [])
            numbers = _number_details(conn, row["id"])
        return responses.instance_detail(row, now, admins, numbers)

    def list_instances(self, params: Params) -> dict[str, Any]:
        """One page of the account's instances, in creation order."""
        page_number = params.required_int("PageNumber", minimum=1)
        page_size = params.required_int("PageSize", minimum=1, maximum=MAX_PAGE_SIZE)
        with self._store.read() as conn:
            now = self._clock()
            total = conn.execute(
                f"SELECT COUNT(*) FROM instances WHERE {VISIBLE}", {"now": now}
            ).fetchone()[0]
            rows = conn.execute(
                f"SELECT * FROM instances WHERE {VISIBLE} ORDER BY seq LIMIT :limit OFFSET :offset",
                {"now": now, "limit": page_size, "offset": (page_number - 1) * page_size},
            ).fetchall()
            ids = [row["id"] for row in rows]
            admins = _admins_by_instance(conn, ids)
            numbers = _numbers_by_instance(conn, ids)
        items = [
            responses.instance_list_item(
                row, now, admins.get(row["id"], []), numbers.get(row["id"], [])
            )
            for row in rows
        ]
        return {
            "PageNumber": page_number,
            "PageSize": page_size,
            "TotalCount": total,
            "List": items,
        }

    def modify_instance(self, params: Params) -> None:
        """Change the description, the only mutable attribute."""
        instance_id = params.required_text("InstanceId")
        description = params.optional_text("Description", max_length=256)
        with self._store.write() as conn:
            row = require_created(conn, instance_id, self._clock())
            if description is not None:
                conn.execute(
                    "UPDATE instances SET description = ? WHERE seq = ?", (description, row["seq"])
                )

    def delete_instance(self, params: Params) -> str:
        """Start deleting an instance; `Data` is the deletion task id (the same when repeated)."""
        instance_id = params.required_text("InstanceId")
        with self._store.write() as conn:
            now = self._clock()
            purge_gone(conn, now)
            row = require_instance(conn, instance_id, now)
            if row["delete_task_id"] is not None:
                return str(row["delete_task_id"])
            if status_of(row, now) == CREATING:
                raise codes.instance_creating(row["id"])
            task_id = str(uuid.uuid4())
            conn.execute(
                "UPDATE instances SET delete_task_id = ?, gone_at = ? WHERE seq = ?",
                (task_id, now + self._delete_seconds, row["seq"]),
            )
            return task_id


def _unique(items: Sequence[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))


def _check_free(conn: sqlite3.Connection, request: CreateRequest) -> None:
    taken = conn.execute(
        "SELECT id FROM instances WHERE domain_key = ?", (request.domain_name.lower(),)
    ).fetchone()
    if taken is not None:
        raise codes.domain_name_taken(request.domain_name)
    for number in request.numbers:
        owner = conn.execute(
            "SELECT instance_id FROM phone_numbers WHERE number = ? AND instance_id IS NOT NULL",
            (number,),
        ).fetchone()
        if owner is not None:
            raise codes.number_in_use(number, owner["instance_id"])


def _placeholders(count: int) -> str:
    return ", ".join("?" * count)


def _admins_by_instance(
    conn: sqlite3.Connection, instance_ids: Sequence[str]
) -> dict[str, list[dict[str, Any]]]:
    result: dict[str, list[dict[str, Any]]] = defaultdict(list)
    if not instance_ids:
        return result
    rows = conn.execute(
        "SELECT * FROM users WHERE role_name = 'Admin'"
        f" AND instance_id IN ({_placeholders(len(instance_ids))}) ORDER BY rowid",
        list(instance_ids),
    )
    for row in rows:
        result[row["instance_id"]].append(responses.instance_admin(row))
    return result


def _numbers_by_instance(
    conn: sqlite3.Connection, instance_ids: Sequence[str]
) -> Mapping[str, list[str]]:
    result: dict[str, list[str]] = defaultdict(list)
    if not instance_ids:
        return result
    rows = conn.execute(
        "SELECT instance_id, number FROM phone_numbers"
        f" WHERE instance_id IN ({_placeholders(len(instance_ids))})"
        " ORDER BY instance_id, bound_seq",
        list(instance_ids),
    )
    for row in rows:
        result[row["instance_id"]].append(row["number"])
    return result


def _number_details(conn: sqlite3.Connection, instance_id: str) -> list[dict[str, Any]]:
    numbers = conn.execute(
        "SELECT * FROM phone_numbers WHERE instance_id = ? ORDER BY bound_seq", (instance_id,)
    ).fetchall()
    groups = _skill_groups_of_numbers(conn, instance_id)
    return [responses.instance_number(row, groups.get(row["number"], [])) for row in numbers]


def _skill_groups_of_numbers(
    conn: sqlite3.Connection, instance_id: str
) -> dict[str, list[dict[str, Any]]]:
    rows = conn.execute(
        "SELECT pn.number, sg.*,"
        " (SELECT COUNT(*) FROM phone_number_skill_groups x"
        "   WHERE x.skill_group_id = sg.skill_group_id) AS phone_number_count,"
        " (SELECT COUNT(*) FROM user_skill_levels u"
        "   WHERE u.skill_group_id = sg.skill_group_id) AS user_count"
        " FROM phone_numbers pn"
        " JOIN phone_number_skill_groups link ON link.number = pn.number"
        " JOIN skill_groups sg ON sg.skill_group_id = link.skill_group_id"
        " WHERE pn.instance_id = ? ORDER BY sg.rowid",
        (instance_id,),
    )
    result: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        result[row["number"]].append(responses.instance_number_skill_group(row))
    return result
