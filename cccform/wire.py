"""The conventions of the CCC 2020-07-01 wire that every mapping shares: the caller that makes
calls, lists as JSON strings, and ids scoped to their instance."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any, Protocol


class Caller(Protocol):
    """Makes CCC calls: one, or every page of a List operation."""

    def call(self, action: str, params: dict[str, str]) -> Any: ...

    def pages(self, action: str, params: dict[str, str]) -> Iterator[dict[str, Any]]: ...


def json_list(values: list[str] | tuple[str, ...]) -> str:
    """CCC takes every list parameter as a JSON-encoded array in a string."""
    return json.dumps(list(values), separators=(",", ":"))


def scoped_id(name: str, instance_id: str) -> str:
    """CCC's id of a skill group, user or role: its name, `@`, and its instance's id."""
    return f"{name}@{instance_id}"


def unscoped_name(remote_id: str) -> str:
    """The name part of a scoped id (`billing@acme` -> `billing`)."""
    return remote_id.split("@")[0]
