"""A workspace's lock: a session-level advisory lock, and a row naming its holder.

The server owns the lock: `pg_try_advisory_lock` on a key derived from the schema and the
workspace, held by the session of the store's connection. A holder that dies in any way
(even SIGKILL) closes that session, and the server releases the lock at once. After
locking, the holder writes who it is into `locks`; a contender reads that row to say who
holds the lock, and only while the server process it names is alive: the advisory lock
decides, never the row. Two workspaces have two keys and never block each other.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator

import psycopg
import psycopg.errors

from cccform.errors import StateError, StateLockedError
from cccform.state.lock import (
    HOLDER_RECORD_GRACE,
    LockInfo,
    LockWait,
    LockWaiter,
    locked_message,
    new_holder,
)
from cccform.state.postgres.schema import advisory_key, statement

_HOLDER = """SELECT lock_id, who, host, pid, operation, since, version FROM {schema}.locks l
    WHERE workspace = %s
    AND EXISTS (SELECT 1 FROM pg_stat_activity a WHERE a.pid = l.backend_pid)"""
_TERMINATE = """SELECT pg_terminate_backend(backend_pid, 5000) FROM {schema}.locks
    WHERE workspace = %s AND lock_id = %s"""
_RECORD = """INSERT INTO {schema}.locks
    (workspace, lock_id, who, host, pid, operation, since, version, backend_pid)
    VALUES (%s, %s, %s, %s, %s, %s, %s, %s, pg_backend_pid())
    ON CONFLICT (workspace) DO UPDATE SET lock_id = excluded.lock_id, who = excluded.who,
    host = excluded.host, pid = excluded.pid, operation = excluded.operation,
    since = excluded.since, version = excluded.version, backend_pid = excluded.backend_pid"""


class AdvisoryLock:
    """The lock of one workspace, taken on one connection (its session holds it)."""

    def __init__(self, schema: str, workspace: str, where: str) -> None:
        self.schema = schema
        self.workspace = workspace
        self.where = where
        self.key = advisory_key("workspace", schema, workspace)

    @contextlib.contextmanager
    def held(
        self,
        conn: psycopg.Connection[tuple[object, ...]],
        operation: str,
        timeout: float,
        on_wait: LockWaiter | None = None,
    ) -> Iterator[LockInfo]:
        """Hold the lock for a `with` block; StateLockedError naming the holder if taken."""
        self._acquire(conn, timeout, on_wait)
        try:
            info = new_holder(operation)
            conn.execute(
                statement(_RECORD, self.schema),
                [
                    self.workspace,
                    info.id,
                    info.who,
                    info.host,
                    info.pid,
                    operation,
                    info.since,
                    info.version,
                ],
            )
            yield info
        finally:
            self._release(conn)

    def holder(self, conn: psycopg.Connection[tuple[object, ...]]) -> LockInfo | None:
        """The live holder's record, if it has written one."""
        row = conn.execute(statement(_HOLDER, self.schema), [self.workspace]).fetchone()
        if row is None:
            return None
        names = ("id", "who", "host", "pid", "operation", "since", "version")
        return LockInfo.model_validate(dict(zip(names, row, strict=True)))

    def _acquire(
        self,
        conn: psycopg.Connection[tuple[object, ...]],
        timeout: float,
        on_wait: LockWaiter | None,
    ) -> None:
        if not timeout >= 0:
            raise ValueError(f"lock timeout must be 0 or more seconds, not {timeout}")
        where = f"PostgreSQL workspace '{self.workspace}', {self.where}"
        wait = LockWait(timeout, on_wait, lambda: self._wait_holder(conn))
        while not self._try(conn):
            if not wait.pause():
                raise StateLockedError(locked_message(self._wait_holder(conn), where, timeout))

    def _try(self, conn: psycopg.Connection[tuple[object, ...]]) -> bool:
        row = conn.execute("SELECT pg_try_advisory_lock(%s)", [self.key]).fetchone()
        return bool(row and row[0])

    def _wait_holder(self, conn: psycopg.Connection[tuple[object, ...]]) -> LockInfo | None:
        # A new holder writes its row just after locking: give it a moment.
        deadline = time.monotonic() + HOLDER_RECORD_GRACE
        while True:
            holder = self.holder(conn)
            if holder is not None or time.monotonic() >= deadline:
                return holder
            time.sleep(0.02)

    def _release(self, conn: psycopg.Connection[tuple[object, ...]]) -> None:
        if conn.closed:
            return  # the session, and the lock with it, is gone
        # A lost connection has released the lock already: nothing to do then.
        with contextlib.suppress(psycopg.OperationalError):
            conn.execute(
                statement(
                    "DELETE FROM {schema}.locks WHERE workspace = %s "
                    "AND backend_pid = pg_backend_pid()",
                    self.schema,
                ),
                [self.workspace],
            )
            conn.execute("SELECT pg_advisory_unlock(%s)", [self.key])

    def break_(self, conn: psycopg.Connection[tuple[object, ...]], lock_id: str) -> LockInfo:
        """End the session holding the lock `lock_id` (waiting up to 5 s for it to go)."""
        holder = self.holder(conn)
        if holder is None or holder.id != lock_id:
            now = f"it is held by {holder.describe()}" if holder else "it is free"
            raise StateError(
                f"no run holds the lock of workspace '{self.workspace}' with id {lock_id} "
                f"({now}). Nothing was changed."
            )
        try:
            ended = conn.execute(statement(_TERMINATE, self.schema), [self.workspace, lock_id])
            row = ended.fetchone()
        except psycopg.errors.InsufficientPrivilege:
            raise StateError(
                f"the database refused to end the session of {holder.describe()}: this role "
                "may end only its own sessions. Run force-unlock as the same role, a superuser, "
                "or a member of pg_signal_backend. Nothing was changed."
            ) from None
        if not (row and row[0]):
            raise StateError(
                f"the session of {holder.describe()} did not end within 5 s of being told to; "
                "the lock may still be held. Run force-unlock again, or ask the database "
                "administrator to end that session."
            )
        conn.execute(
            statement(
                "DELETE FROM {schema}.locks WHERE workspace = %s AND lock_id = %s", self.schema
            ),
            [self.workspace, lock_id],
        )
        return holder
