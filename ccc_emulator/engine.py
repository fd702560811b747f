"""`CccEmulation`: an embedded CCC 2020-07-01 control plane for one account, kept in SQLite.

Requests are dispatched on the wire action name with the wire parameters (all strings, lists as
JSON arrays), and answered with the response's `Data` shaped as the real API shapes it, or an
`CccApiError` carrying the real API's code and HTTP status. An HTTP front end speaking the real wire
protocol can therefore sit on `handle` unchanged. New operations plug in as more entries of the
action table (see `InstanceOperations.actions`).

One module per noun carries out its operations: instances.py, skill_groups.py, users.py,
memberships.py (agent <-> skill group), numbers.py, number_links.py (number <-> skill group) and
flows.py (contact flows and their drafts).
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import Any

from ccc_emulator import codes
from ccc_emulator.console import ConsoleActions
from ccc_emulator.errors import DamagedStoreError
from ccc_emulator.flows import FlowOperations
from ccc_emulator.instances import InstanceOperations, Operation
from ccc_emulator.memberships import MembershipOperations
from ccc_emulator.number_links import NumberLinkOperations
from ccc_emulator.numbers import NumberOperations
from ccc_emulator.params import Params
from ccc_emulator.scope import InstanceScope
from ccc_emulator.skill_groups import SkillGroupOperations
from ccc_emulator.store import Store
from ccc_emulator.users import UserOperations


class CccEmulation:
    """The emulated control plane stored under `data_dir` (file `ccc.sqlite3`).

    `create_seconds` is how long a new instance stays CREATING; `delete_seconds` (default: the
    same) is how long a deleted instance remains before it is gone. `clock` returns seconds since
    the epoch; tests pass a fake one. Any number of objects, threads and processes may share one
    data directory.
    """

    def __init__(
        self,
        data_dir: Path,
        create_seconds: float = 3.0,
        delete_seconds: float | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if delete_seconds is None:
            delete_seconds = create_seconds
        if create_seconds < 0 or delete_seconds < 0:
            raise ValueError("create_seconds and delete_seconds must not be negative")
        self._store = Store(Path(data_dir))
        self._console = ConsoleActions(self._store, clock)
        instances = InstanceOperations(self._store, clock, create_seconds, delete_seconds)
        scope = InstanceScope(self._store, clock)
        self._actions: dict[str, Operation] = {
            **instances.actions(),
            **SkillGroupOperations(scope).actions(),
            **UserOperations(scope).actions(),
            **MembershipOperations(scope).actions(),
            **NumberOperations(scope).actions(),
            **NumberLinkOperations(scope).actions(),
            **FlowOperations(scope).actions(),
        }

    @property
    def actions(self) -> frozenset[str]:
        """The wire action names this emulation answers."""
        return frozenset(self._actions)

    def handle(self, action: str, params: Mapping[str, str]) -> Any:
        """Carry out one API operation; returns its `Data`, raises `CccApiError`.

        `DamagedStoreError` says the database file was damaged after it was opened.
        """
        operation = self._actions.get(action)
        if operation is None:
            raise codes.api_not_found(action)
        with _database_errors(self._store.path):
            return operation(Params(params))

    def enable_conversation_analysis(self, instance_id: str) -> None:
        """Turn on Smart Conversation Analysis (QA) for an instance, as the console does.

        The real CCC API has no operation for this: it emulates the console's change configuration
        (变配) order. It is one way (on only) and idempotent. Errors are those the API would give:
        404 NotExists.InstanceId, 403 AbnormalService.Creating.
        """
        with _database_errors(self._store.path):
            self._console.enable_conversation_analysis(instance_id)

    def conversation_analysis_status(self) -> dict[str, bool]:
        """Instance id -> QA enabled, for every instance of the account.

        The real CCC API cannot report this; it emulates what the console shows.
        """
        with _database_errors(self._store.path):
            return self._console.conversation_analysis_status()

    def account_id(self) -> str:
        """The emulation's own account id (16 digits, created with its database)."""
        return self._store.meta("aliyun_uid")

    def caller_identity(self) -> str:
        """The emulated caller's RAM user id (16 digits, fixed when the data dir was created).

        Callers use it as the administrator of a new instance when none is given.
        """
        return self._store.meta("caller_ram_id")

    def close(self) -> None:
        """Close the database connections; the object cannot be used afterwards."""
        self._store.close()

    def __enter__(self) -> CccEmulation:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


@contextmanager
def _database_errors(path: Path) -> Iterator[None]:
    # The service answers 500 when its storage fails, e.g. the database stayed locked past the
    # busy timeout or the disk is full. A file damaged since it was opened is the store's end.
    try:
        yield
    except sqlite3.OperationalError as exc:
        raise codes.internal_error(str(exc)) from exc
    except sqlite3.DatabaseError as exc:
        raise DamagedStoreError(path, str(exc)) from exc
