"""`PostgresStateStore`: one workspace's state in PostgreSQL, behind `StateBackend`.

One connection per store, opened on first use: the lock is held by its session, and every
read and write goes through it. A read sees one snapshot (REPEATABLE READ). A write is one
transaction that first moves the header from the serial this store read to the next one
(a compare-and-swap: a writer whose serial is stale changes nothing and fails), then writes
only the rows that changed, and records the serial in the history (the last `history`
serials are kept).

Nothing here logs or quotes state content or the DSN.
"""

from __future__ import annotations

import contextlib
import shlex
import socket
from collections.abc import Iterator
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import psycopg
from psycopg.types.json import Jsonb

from cccform.config.models import PostgresStateConfig
from cccform.errors import StateError
from cccform.printable import printable
from cccform.state import fileformat
from cccform.state.lock import LockInfo, LockWaiter, user_name
from cccform.state.models import HistoryEntry, State
from cccform.state.postgres import rows, schema
from cccform.state.postgres.connection import Dsn, connect, dsn_from_env, translated
from cccform.state.postgres.history import document_at, kept
from cccform.state.postgres.lock import AdvisoryLock
from cccform.state.postgres.rows import Change
from cccform.state.store import next_serial

Connection = psycopg.Connection[tuple[object, ...]]

_HEADER = """SELECT lineage, serial, format_version, binding::text FROM {schema}.workspaces
    WHERE workspace = %s"""
_ENTRIES = "SELECT kind, address, body::text FROM {schema}.entries WHERE workspace = %s"
_SWAP = """UPDATE {schema}.workspaces SET serial = %s, lineage = %s, format_version = %s,
    binding = %s,
    resource_count = %s, pending_count = %s, updated_at = now()
    WHERE workspace = %s AND serial = %s AND lineage = %s"""
_FOUND = """INSERT INTO {schema}.workspaces (workspace, lineage, serial, format_version,
    binding, resource_count, pending_count) VALUES (%s, %s, %s, %s, %s, %s, %s)
    ON CONFLICT (workspace) DO NOTHING"""
_UPSERT = """INSERT INTO {schema}.entries (workspace, kind, address, body)
    VALUES (%s, %s, %s, %s)
    ON CONFLICT (workspace, kind, address) DO UPDATE SET body = excluded.body"""
_DELETE = "DELETE FROM {schema}.entries WHERE workspace = %s AND kind = %s AND address = %s"
_HISTORY = """INSERT INTO {schema}.history (workspace, serial, lineage, format_version,
    binding, who, host, operation, resource_count, pending_count)
    VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"""
_UNDO = """INSERT INTO {schema}.history_entries (workspace, serial, kind, address, before)
    VALUES (%s, %s, %s, %s, %s)"""
# The last `keep` serials stay, counted as rows: a push may jump serials (it keeps a pushed
# file's higher serial), and pruning by number would then drop everything before it.
_PRUNE = """DELETE FROM {schema}.history WHERE workspace = %s AND serial NOT IN (
    SELECT serial FROM {schema}.history WHERE workspace = %s ORDER BY serial DESC LIMIT %s)"""


class PostgresStateStore:
    """The state of one workspace in one PostgreSQL schema."""

    def __init__(
        self, dsn: Dsn, workspace: str, schema_name: str, history: int, rescue_path: Path
    ) -> None:
        self.dsn = dsn
        self.workspace = workspace
        self.schema = schema_name
        self.keep = history
        self._rescue_path = rescue_path
        self._lock = AdvisoryLock(schema_name, workspace, dsn.where)
        self._conn: Connection | None = None
        self._migrated = False
        self._persisted: State | None = None
        self._exists = False
        self._holder: LockInfo | None = None

    @classmethod
    def from_settings(cls, settings: PostgresStateConfig, config_dir: Path) -> PostgresStateStore:
        """The store a `state: {backend: postgres}` block names (the DSN from its variable)."""
        rescue = config_dir / f"cccform-{settings.workspace}.state.json"
        return cls(
            dsn_from_env(settings.dsn_env),
            settings.workspace,
            settings.schema_name,
            settings.history,
            rescue,
        )

    # -- StateBackend ----------------------------------------------------------------

    @property
    def rescue_path(self) -> Path:
        return self._rescue_path

    def restore_command(self, rescued: Path) -> str:
        return f"cccform state push -C {shlex.quote(str(self._rescue_path.parent))} " + (
            shlex.quote(str(rescued))
        )

    def describe(self) -> str:
        return (
            f"the PostgreSQL workspace '{self.workspace}' (schema {self.schema}, {self.dsn.where})"
        )

    def close(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            with contextlib.suppress(psycopg.Error):
                conn.close()

    def lock(
        self, operation: str, timeout: float = 0.0, on_wait: LockWaiter | None = None
    ) -> AbstractContextManager[LockInfo]:
        return self._holding(operation, timeout, on_wait)

    @contextlib.contextmanager
    def _holding(
        self, operation: str, timeout: float, on_wait: LockWaiter | None
    ) -> Iterator[LockInfo]:
        with translated(self.dsn, "taking the state lock"):
            conn = self._ready()
            held = self._lock.held(conn, operation, timeout, on_wait)
            info = held.__enter__()
        self._holder = info
        try:
            yield info
        finally:
            self._holder = None
            with translated(self.dsn, "releasing the state lock"):
                held.__exit__(None, None, None)

    def holder(self) -> LockInfo | None:
        """Who holds this workspace's lock now (None: nobody, or not said yet)."""
        with translated(self.dsn, "reading the lock"):
            return self._lock.holder(self._ready())

    def force_unlock_effect(self, holder: LockInfo) -> str:
        return (
            f"Force-unlocking ends the database session of that run (pid {holder.pid} on "
            f"{printable(holder.host)}) with pg_terminate_backend on {self.dsn.where}: the run "
            "stops at once, possibly in the middle of a step, and "
            "its lock goes with its session. What it finished is in the state; run cccform "
            "plan afterwards to see what it left undone. This needs a role that may end that "
            "session: the same role, a superuser, or a member of pg_signal_backend."
        )

    def force_unlock(self, lock_id: str) -> LockInfo:
        with translated(self.dsn, "force-unlocking"):
            return self._lock.break_(self._ready(), lock_id)

    def exists(self) -> bool:
        with translated(self.dsn, "reading the state"):
            conn = self._connection()
            if self._installed(conn) is None:
                return False
            found = conn.execute(self._sql(_HEADER), [self.workspace]).fetchone()
        return found is not None

    def read(self) -> State:
        """The workspace's state, or a fresh one (new lineage, serial 0) when it has none.

        The caller gets its own copy: changing it does not change the store's snapshot.
        """
        with translated(self.dsn, "reading the state"):
            doc = self._read_document(self._connection())
        if doc is None:
            state = State()
            self._persisted, self._exists = State(lineage=state.lineage), False
            return state
        where = self.describe()
        self._persisted, self._exists = rows.to_state(doc, where), True
        return rows.to_state(doc, where)

    def history(self) -> list[HistoryEntry]:
        with translated(self.dsn, "reading the history"):
            conn = self._connection()
            if self._installed(conn) is None:
                return []
            return kept(self._ready(), self.schema, self.workspace)

    def read_serial(self, serial: int) -> State:
        with translated(self.dsn, "reading the history"):
            conn = self._connection()
            if self._installed(conn) is None:
                raise StateError(f"{self.describe()} holds no state yet: no serial is kept.")
            where = self.describe()
            doc = document_at(self._ready(), self.schema, self.workspace, serial, where)
        return rows.to_state(doc, where)

    def replace(self, state: State) -> State:
        """Persist `state` as the next serial, whatever the lineage it replaces."""
        return self._save(state, replacing=True)

    def write(self, state: State) -> State:
        """Persist `state` if its content changed, as serial = persisted serial + 1.

        Only changed rows are written. Refuses a state of another lineage, and fails,
        changing nothing, when another writer has moved the serial since this store read.
        The copy returned may share entries with `state`, never with the store's snapshot.
        """
        return self._save(state, replacing=False)

    def _save(self, state: State, *, replacing: bool) -> State:
        persisted = self._baseline(state)
        same_lineage = state.lineage == persisted.lineage
        if self._exists and not same_lineage and not replacing:
            raise StateError(
                f"refusing to write a state of lineage {state.lineage} over {self.describe()}, "
                f"which holds lineage {persisted.lineage}: they are different states. Check "
                "that the configuration names the right workspace."
            )
        if same_lineage and persisted.content_equal(state):
            return state
        changed = rows.changes(persisted, state)
        written = state.model_copy(
            update={
                "serial": next_serial(persisted, state, replacing=replacing),
                "format_version": fileformat.CURRENT_FORMAT_VERSION,
            }
        )
        with translated(self.dsn, "writing the state"):
            conn = self._ready()
            with conn.transaction():
                self._swap(conn, persisted, written)
                self._write_rows(conn, changed)
                self._record(conn, written, changed)
        rows.apply_changes(persisted, changed)
        self._persisted = persisted.model_copy(
            update={
                "serial": written.serial,
                "binding": written.binding,
                "lineage": written.lineage,
            }
        )
        self._exists = True
        return written

    # -- inside -------------------------------------------------------------------------

    def _connection(self) -> Connection:
        if self._conn is None:
            self._conn = connect(self.dsn)
        return self._conn

    def _ready(self) -> Connection:
        """The connection, with the tables created or brought up to date."""
        conn = self._connection()
        if not self._migrated:
            schema.migrate(conn, self.schema, self.dsn.where)
            self._migrated = True
        return conn

    def _installed(self, conn: Connection) -> int | None:
        version = schema.installed_version(conn, self.schema)
        schema.check_known(version, self.schema, self.dsn.where)
        return version

    def _sql(self, text: str) -> Any:
        return schema.statement(text, self.schema)

    def _read_document(self, conn: Connection) -> dict[str, Any] | None:
        version = self._installed(conn)
        if version is None:
            return None
        if version < schema.SCHEMA_VERSION:
            conn = self._ready()
        with conn.transaction():
            conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            header = conn.execute(self._sql(_HEADER), [self.workspace]).fetchone()
            if header is None:
                return None
            entries = conn.execute(self._sql(_ENTRIES), [self.workspace]).fetchall()
        return rows.document(header, [(str(k), str(a), str(b)) for k, a, b in entries])

    def _baseline(self, state: State) -> State:
        if self._persisted is None:
            self.read()
            if not self._exists:  # no state yet: the first write founds the lineage
                self._persisted = State(lineage=state.lineage)
        assert self._persisted is not None
        return self._persisted

    def _swap(self, conn: Connection, persisted: State, written: State) -> None:
        binding = Jsonb(written.binding.model_dump(mode="json")) if written.binding else None
        counts = [len(written.resources), len(written.pending)]
        if self._exists:
            done = conn.execute(
                self._sql(_SWAP),
                [
                    written.serial,
                    written.lineage,
                    written.format_version,
                    binding,
                    *counts,
                    self.workspace,
                    persisted.serial,
                    persisted.lineage,
                ],
            )
        else:
            done = conn.execute(
                self._sql(_FOUND),
                [
                    self.workspace,
                    written.lineage,
                    written.serial,
                    written.format_version,
                    binding,
                    *counts,
                ],
            )
        if done.rowcount != 1:
            raise self._stale(conn, persisted)

    def _stale(self, conn: Connection, persisted: State) -> StateError:
        row = conn.execute(
            self._sql("SELECT serial FROM {schema}.workspaces WHERE workspace = %s"),
            [self.workspace],
        ).fetchone()
        now = f"serial {row[0]}" if row else "no state"
        read = f"serial {persisted.serial}" if self._exists else "no state"
        return StateError(
            f"{self.describe()} holds {now}, but this run read {read} there: another run "
            "wrote it since, without holding the lock. Nothing was written; run the command "
            "again."
        )

    def _write_rows(self, conn: Connection, changed: list[Change]) -> None:
        upserts = [
            (self.workspace, c.kind, c.address, Jsonb(c.after))
            for c in changed
            if c.after is not None
        ]
        deletes = [(self.workspace, c.kind, c.address) for c in changed if c.after is None]
        with conn.cursor() as cursor:
            if upserts:
                cursor.executemany(self._sql(_UPSERT), upserts)
            if deletes:
                cursor.executemany(self._sql(_DELETE), deletes)

    def _record(self, conn: Connection, written: State, changed: list[Change]) -> None:
        holder = self._holder
        who, host = (holder.who, holder.host) if holder else (user_name(), socket.gethostname())
        operation = holder.operation if holder else "write"
        binding = Jsonb(written.binding.model_dump(mode="json")) if written.binding else None
        header = (written.serial, written.lineage, written.format_version, binding)
        counts = (len(written.resources), len(written.pending))
        conn.execute(self._sql(_HISTORY), [self.workspace, *header, who, host, operation, *counts])
        undo = [
            (
                self.workspace,
                written.serial,
                c.kind,
                c.address,
                Jsonb(c.before) if c.before else None,
            )
            for c in changed
        ]
        with conn.cursor() as cursor:
            cursor.executemany(self._sql(_UNDO), undo)
        conn.execute(self._sql(_PRUNE), [self.workspace, self.workspace, self.keep])
