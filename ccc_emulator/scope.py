"""What every operation on the contents of an instance shares: its transaction and its paging.

Every such operation names the instance in `InstanceId` and fails as the API does when the
instance does not exist (404 NotExists.InstanceId) or is still being created (403
AbnormalService.Creating). Parameters are checked before the instance is looked up, so a
malformed request is a 400 whatever the instance.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from ccc_emulator.instance_rows import purge_gone, require_created
from ccc_emulator.params import Params
from ccc_emulator.store import Store

MAX_PAGE_SIZE = 100


@dataclass(frozen=True)
class Tx:
    """One transaction inside one running instance."""

    conn: sqlite3.Connection
    instance_id: str
    now_ms: int


@dataclass(frozen=True)
class Page:
    """`PageNumber` (from 1) and `PageSize` (1-100), both required as on every List* operation."""

    number: int
    size: int

    @classmethod
    def parse(cls, params: Params) -> Page:
        number = params.required_int("PageNumber", minimum=1)
        size = params.required_int("PageSize", minimum=1, maximum=MAX_PAGE_SIZE)
        return cls(number, size)

    @property
    def offset(self) -> int:
        return (self.number - 1) * self.size

    def data(self, total: int, items: Sequence[dict[str, Any]]) -> dict[str, Any]:
        """The paged `Data` every List* operation answers with."""
        return {
            "PageNumber": self.number,
            "PageSize": self.size,
            "TotalCount": total,
            "List": list(items),
        }


class InstanceScope:
    """Opens transactions on one instance after the checks the API makes first."""

    def __init__(self, store: Store, clock: Callable[[], float]) -> None:
        self._store = store
        self._clock = clock

    @property
    def caller(self) -> str:
        """The calling RAM user's id: the editor of what the API changes."""
        return self._store.meta("caller_ram_id")

    @contextmanager
    def write(self, instance_id: str, *, purge: bool = False) -> Iterator[Tx]:
        """A write transaction on a running instance; `purge` first drops gone instances."""
        with self._store.write() as conn:
            now = self._clock()
            if purge:
                purge_gone(conn, now)
            row = require_created(conn, instance_id, now)
            yield Tx(conn, row["id"], int(now * 1000))

    @contextmanager
    def read(self, instance_id: str) -> Iterator[Tx]:
        """A read transaction (one snapshot) on a running instance."""
        with self._store.read() as conn:
            now = self._clock()
            row = require_created(conn, instance_id, now)
            yield Tx(conn, row["id"], int(now * 1000))


def placeholders(count: int) -> str:
    """`?, ?, ...` for an `IN (...)` list of `count` values."""
    return ", ".join("?" * count)


def unique(items: Sequence[str]) -> list[str]:
    """The items without repeats, first occurrence kept."""
    return list(dict.fromkeys(items))
