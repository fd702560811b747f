"""The SQLite database behind the emulation: connections, transactions, schema and account facts.

Several processes and several threads may use one data directory at once. Each thread gets its
own connection; the database runs in WAL mode so readers never block the writer; every write
transaction starts with `BEGIN IMMEDIATE`, so it takes the write lock before reading what it will
change (no lost updates); `busy_timeout` lets writers of other processes queue for up to 30 s.
Inside one process, writers queue on a lock first, so threads never spin in SQLite's busy handler.
"""

from __future__ import annotations

import os
import secrets
import sqlite3
import threading
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ccc_emulator import integrity, schema
from ccc_emulator.errors import DamagedStoreError, StoreError

DB_FILE_NAME = "ccc.sqlite3"
BUSY_TIMEOUT_MS = 30_000

# One writer lock per database file per process, shared by every Store on that file.
_WRITE_LOCKS: dict[str, threading.Lock] = {}
_WRITE_LOCKS_GUARD = threading.Lock()


def _forget_locks_after_fork() -> None:
    # A lock held by another thread at fork time would never be released in the child.
    global _WRITE_LOCKS_GUARD
    _WRITE_LOCKS.clear()
    _WRITE_LOCKS_GUARD = threading.Lock()


os.register_at_fork(after_in_child=_forget_locks_after_fork)


def _write_lock_for(path: Path) -> threading.Lock:
    key = str(path.resolve())
    with _WRITE_LOCKS_GUARD:
        return _WRITE_LOCKS.setdefault(key, threading.Lock())


class _Handle:
    """Holds one thread's connection; it closes when its thread ends or the store closes."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn


class Store:
    """The emulation's database file under `data_dir`, created on first use."""

    def __init__(self, data_dir: Path) -> None:
        data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        self.path = data_dir / DB_FILE_NAME
        _create_private_file(self.path)
        self._write_lock = _write_lock_for(self.path)
        self._local = threading.local()
        self._handles: weakref.WeakSet[_Handle] = weakref.WeakSet()
        self._handles_guard = threading.Lock()
        self._closed = False
        self._meta: dict[str, str] = {}
        try:
            self._initialise()
        except BaseException:
            self.close()
            raise

    @contextmanager
    def read(self) -> Iterator[sqlite3.Connection]:
        """A read transaction: every query inside sees one consistent snapshot."""
        conn = self._connection()
        conn.execute("BEGIN")
        try:
            yield conn
        finally:
            conn.execute("ROLLBACK")

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """A write transaction (`BEGIN IMMEDIATE`), committed when the block ends normally."""
        conn = self._connection()
        with self._write_lock:
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            try:
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise

    def meta(self, key: str) -> str:
        """An account fact fixed when the database was made: `aliyun_uid`, `caller_ram_id`."""
        return self._meta[key]

    def close(self) -> None:
        """Close every connection this store opened; the store cannot be used afterwards."""
        with self._handles_guard:
            self._closed = True
            handles = list(self._handles)
            self._handles.clear()
        for handle in handles:
            handle.conn.close()

    def _connection(self) -> sqlite3.Connection:
        handle: _Handle | None = getattr(self._local, "handle", None)
        if handle is not None and not self._closed:
            return handle.conn
        with self._handles_guard:
            if self._closed:
                raise StoreError("The local CCC emulation is closed.")
            handle = _Handle(_connect(self.path))
            self._handles.add(handle)
        self._local.handle = handle
        return handle.conn

    def _initialise(self) -> None:
        try:
            self._open_schema()
        except sqlite3.OperationalError as error:
            raise StoreError(f"{self.path} cannot be used: {error}") from error
        except sqlite3.DatabaseError as error:
            raise DamagedStoreError(self.path, str(error)) from error

    def _open_schema(self) -> None:
        conn = self._connection()
        conn.execute("PRAGMA journal_mode = WAL")
        with self.write() as tx:
            if schema.schema_version(tx) == 0:
                self._refuse(integrity.problem_in_empty(tx))
                schema.create_schema(tx)
                _record_account(tx)
        with self.read() as tx:
            version = schema.schema_version(tx)
            if version > schema.SCHEMA_VERSION:
                raise StoreError(
                    f"{self.path} was written by a newer cccform (schema {version});"
                    " upgrade cccform to use it."
                )
            self._refuse(integrity.problem_in(tx))
            self._meta = dict(tx.execute("SELECT key, value FROM meta").fetchall())

    def _refuse(self, problem: str | None) -> None:
        if problem is not None:
            raise DamagedStoreError(self.path, problem)


def _connect(path: Path) -> sqlite3.Connection:
    # isolation_level=None: transactions are opened explicitly (BEGIN / BEGIN IMMEDIATE).
    conn = sqlite3.connect(
        path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None, check_same_thread=False
    )
    conn.row_factory = sqlite3.Row
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA synchronous = NORMAL")
    return conn


def _create_private_file(path: Path) -> None:
    # SQLite would create the file with the umask's mode; the -wal and -shm files copy this one's.
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    os.close(fd)


def _record_account(conn: sqlite3.Connection) -> None:
    facts = {"aliyun_uid": _sixteen_digits(), "caller_ram_id": _sixteen_digits()}
    conn.executemany("INSERT INTO meta (key, value) VALUES (?, ?)", facts.items())


def _sixteen_digits() -> str:
    return str(10**15 + secrets.randbelow(9 * 10**15))
