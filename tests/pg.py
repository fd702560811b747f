"""A PostgreSQL schema of its own for each test, on the server of this machine (loopback).

The server is 127.0.0.1:5432 with trust authentication (`CCCFORM_TEST_PG_DSN` overrides it;
it must be a loopback address too). When it does not answer, a test that needs it is
skipped, except under `CI=true`, where it fails: CI must never pass by skipping them.
"""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import psycopg
import pytest
from psycopg import sql

TEST_DSN_ENV = "CCCFORM_TEST_PG_DSN"
DEFAULT_TEST_DSN = "postgresql://postgres@127.0.0.1:5432/test"


@dataclass(frozen=True)
class PgSchema:
    """A schema that exists only for one test: its DSN and its name."""

    dsn: str
    name: str

    def connect(self) -> psycopg.Connection[tuple[object, ...]]:
        return psycopg.connect(self.dsn, autocommit=True)

    def query(self, text: str, *params: object) -> list[tuple[object, ...]]:
        """Rows of `text`, with `{schema}` standing for this schema."""
        statement = sql.SQL(text).format(schema=sql.Identifier(self.name))
        with self.connect() as conn:
            cursor = conn.execute(statement, list(params))
            return cursor.fetchall() if cursor.description else []

    @contextlib.contextmanager
    def role(self, *grants: str) -> Iterator[str]:
        """A login role of its own with `grants` on this schema's tables (and USAGE on the
        schema); yields its DSN. Dropped afterwards."""
        name = f"cccform_test_{uuid.uuid4().hex[:10]}"
        self.query(f"CREATE ROLE {name} LOGIN")
        try:
            self.query(f"GRANT USAGE ON SCHEMA {{schema}} TO {name}")
            for grant in grants:
                self.query(f"GRANT {grant} ON ALL TABLES IN SCHEMA {{schema}} TO {name}")
            yield f"postgresql://{name}@{self.dsn.split('@', 1)[1]}"
        finally:
            self.query(f"DROP OWNED BY {name}")
            self.query(f"DROP ROLE {name}")


def server_dsn() -> str:
    return os.environ.get(TEST_DSN_ENV, DEFAULT_TEST_DSN)


def server_or_skip(dsn: str) -> psycopg.Connection[tuple[object, ...]]:
    """A connection to the test server; skip when it is unreachable, fail under CI=true."""
    try:
        return psycopg.connect(dsn, autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as exc:
        why = f"PostgreSQL at {dsn} does not answer ({str(exc).strip()})"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{why}; under CI=true this is a failure, never a skip", pytrace=False)
        pytest.skip(f"{why}; start it (see docs/state.md) to run this test")


@contextlib.contextmanager
def temporary_schema() -> Iterator[PgSchema]:
    """A uniquely named schema name, dropped (with all it holds) afterwards."""
    dsn = server_dsn()
    admin = server_or_skip(dsn)
    name = f"cccform_test_{uuid.uuid4().hex[:12]}"
    try:
        yield PgSchema(dsn, name)
    finally:
        with admin:
            admin.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(name)))
