"""Helpers shared by the emulation tests (also imported by worker processes)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from ccc_emulator import CccEmulation
from ccc_emulator.errors import CccApiError

ADMIN = "248613806810701"


class FakeClock:
    """A clock the test moves by hand."""

    def __init__(self, now: float = 1_700_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def create_params(
    domain: str = "acme-support",
    *,
    name: str = "Support Center",
    admins: list[str] | None = None,
    numbers: list[str] | None = None,
    description: str | None = None,
) -> dict[str, str]:
    """CreateInstance wire parameters, as the SDK would send them."""
    params = {
        "Name": name,
        "DomainName": domain,
        "AdminRamIdList": json.dumps(admins if admins is not None else [ADMIN]),
    }
    if numbers is not None:
        params["NumberList"] = json.dumps(numbers)
    if description is not None:
        params["Description"] = description
    return params


def rows(data_dir: Path, sql: str, *args: object) -> list[sqlite3.Row]:
    conn = sqlite3.connect(data_dir / "ccc.sqlite3")
    conn.row_factory = sqlite3.Row
    try:
        return conn.execute(sql, args).fetchall()
    finally:
        conn.close()


def error_of(emu: CccEmulation, action: str, params: dict[str, str]) -> tuple[str, int]:
    with pytest.raises(CccApiError) as exc:
        emu.handle(action, params)
    return exc.value.code, exc.value.http_status


def get(emu: CccEmulation, instance_id: str) -> dict[str, Any]:
    data: dict[str, Any] = emu.handle("GetInstance", {"InstanceId": instance_id})
    return data


def page(emu: CccEmulation, number: int = 1, size: int = 100) -> dict[str, Any]:
    data: dict[str, Any] = emu.handle(
        "ListInstances", {"PageNumber": str(number), "PageSize": str(size)}
    )
    return data


def created(emu: CccEmulation, clock: FakeClock, domain: str, **kwargs: Any) -> str:
    """Create an instance and let its creation finish."""
    emu.handle("CreateInstance", create_params(domain, **kwargs))
    clock.advance(30)
    return domain


def create_many(data_dir: str, prefix: str, count: int) -> list[str]:
    """Worker: create `count` instances with its own emulation; returns error codes met."""
    errors: list[str] = []
    emulation = CccEmulation(Path(data_dir), create_seconds=0)
    try:
        for i in range(count):
            params = create_params(f"{prefix}-{i:05d}", numbers=[f"0571{prefix[-2:]}{i:06d}"])
            try:
                emulation.handle("CreateInstance", params)
            except CccApiError as exc:
                errors.append(exc.code)
    finally:
        emulation.close()
    return errors


INSTANCE = "acme-support"
NUMBERS = ["057188880001", "057188880002"]


def wire(params: dict[str, Any]) -> dict[str, str]:
    """Wire parameters as the SDK sends them: lists as JSON, booleans as True/False."""
    encoded = {}
    for key, value in params.items():
        if isinstance(value, list | dict):
            encoded[key] = json.dumps(value)
        else:
            encoded[key] = str(value)
    return encoded


def call(emu: CccEmulation, action: str, **params: Any) -> Any:
    """One operation on the test instance (unless InstanceId is given)."""
    params.setdefault("InstanceId", INSTANCE)
    return emu.handle(action, wire(params))


def fails(emu: CccEmulation, action: str, **params: Any) -> tuple[str, int]:
    """The (code, HTTP status) an operation on the test instance fails with."""
    params.setdefault("InstanceId", INSTANCE)
    return error_of(emu, action, wire(params))


def listed(emu: CccEmulation, action: str, **params: Any) -> list[dict[str, Any]]:
    """The items of a paged List* operation's first page of 100."""
    params.setdefault("PageNumber", 1)
    params.setdefault("PageSize", 100)
    data: dict[str, Any] = call(emu, action, **params)
    items: list[dict[str, Any]] = data["List"]
    return items


def add_user(
    emu: CccEmulation, login: str, *, role: str = "Agent", levels: dict[str, int] | None = None
) -> str:
    """Create an agent `<login>@acme-support`, optionally in skill groups (name -> level)."""
    params: dict[str, Any] = {
        "LoginName": login,
        "DisplayName": login.title(),
        "Email": f"{login}@example.com",
        "RoleId": f"{role}@{INSTANCE}",
    }
    if levels:
        params["SkillLevelList"] = [
            {"skillGroupId": f"{name}@{INSTANCE}", "skillLevel": level}
            for name, level in levels.items()
        ]
    data: dict[str, Any] = call(emu, "CreateUser", **params)
    return str(data["UserId"])


def add_group(emu: CccEmulation, name: str, **params: Any) -> str:
    """Create a skill group `<name>@acme-support`."""
    params.setdefault("DisplayName", name.title())
    data: dict[str, Any] = call(emu, "CreateSkillGroup", Name=name, **params)
    return str(data["SkillGroupId"])


DEFINITION = {
    "activities": [{"id": "start", "type": "INCOMING_CALL"}, {"id": "end", "type": "HANGUP"}]
}


def add_flow(emu: CccEmulation, name: str, flow_type: str = "MAIN_FLOW") -> str:
    """Create a published contact flow; returns its id."""
    flow_id: str = call(
        emu,
        "CreateContactFlow",
        Name=name,
        Type=flow_type,
        Definition=DEFINITION,
        Description=f"{name} v1",
    )
    return flow_id
