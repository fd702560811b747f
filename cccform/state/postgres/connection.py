"""The DSN, read from the environment, and connections made with it; never printed.

A DSN may hold a password. No message quotes the DSN, and every text that comes from the
driver or the server passes through `Dsn.mask` first, so that no password reaches the
screen, a log or an exception.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

import psycopg
from psycopg import conninfo

from cccform.errors import StateError
from cccform.state.lock import user_name

CONNECT_TIMEOUT = 10
"""Seconds to wait for the server, unless the DSN says otherwise (connect_timeout)."""

MASK = "***"
_URI_PASSWORD = re.compile(r"://[^:/?#@\s]*:([^@/?#\s]+)@")
_KEYWORD_PASSWORD = re.compile(r"password\s*=\s*('(?:[^'\\]|\\.)*'|\S+)", re.IGNORECASE)


@dataclass(frozen=True)
class Dsn:
    """A DSN and what messages may say of it: the variable it came from, host and database."""

    env: str
    value: str = field(repr=False)
    host: str
    port: str
    dbname: str
    secrets: tuple[str, ...] = field(repr=False, default=())

    @property
    def where(self) -> str:
        """`database 'd' on host:port`, for messages."""
        return self.mask(f"database '{self.dbname}' on {self.host}:{self.port}")

    def mask(self, text: str) -> str:
        """`text` with every password of this DSN (and the DSN itself) replaced by ***."""
        masked = text.replace(self.value, f"<the DSN in {self.env}>") if self.value else text
        for secret in sorted(self.secrets, key=len, reverse=True):
            masked = masked.replace(secret, MASK)
        return masked


def dsn_from_env(env: str, environ: Mapping[str, str] | None = None) -> Dsn:
    """The DSN in the environment variable `env`; StateError naming it when unset or invalid."""
    environ = os.environ if environ is None else environ
    value = environ.get(env, "")
    if not value.strip():
        raise StateError(
            f"the state is kept in PostgreSQL (state.backend: postgres), and the environment "
            f"variable {env} (state.dsn_env) that holds its DSN is not set. Set it, for "
            f"example: export {env}='postgresql://USER@HOST:5432/DATABASE' (keep a password "
            "in PGPASSWORD or ~/.pgpass rather than in the DSN)."
        )
    try:
        params = conninfo.conninfo_to_dict(value)
    except psycopg.ProgrammingError:
        # The driver's message quotes the DSN: say what is expected instead.
        raise StateError(
            f"the DSN in {env} is not a PostgreSQL connection string: write libpq keywords "
            "(host=... dbname=... user=...) or a URI (postgresql://USER@HOST:5432/DATABASE)."
        ) from None
    return _described(env, value, params, environ)


def _described(
    env: str, value: str, params: Mapping[str, object], environ: Mapping[str, str]
) -> Dsn:
    def param(name: str, variable: str, default: str) -> str:
        given = params.get(name)
        return str(given) if given not in (None, "") else environ.get(variable) or default

    user = param("user", "PGUSER", user_name())
    secrets = {str(params.get("password") or ""), environ.get("PGPASSWORD", "")}
    secrets.update(m.group(1) for m in _URI_PASSWORD.finditer(value))
    secrets.update(m.group(1).strip("'") for m in _KEYWORD_PASSWORD.finditer(value))
    return Dsn(
        env=env,
        value=value,
        host=param("host", "PGHOST", "localhost"),
        port=param("port", "PGPORT", "5432"),
        dbname=param("dbname", "PGDATABASE", user),
        secrets=tuple(secret for secret in secrets if secret),
    )


def connect(dsn: Dsn) -> psycopg.Connection[tuple[object, ...]]:
    """An autocommit connection (transactions are explicit); StateError when it fails."""
    params = conninfo.conninfo_to_dict(dsn.value)
    extra = {} if "application_name" in params else {"application_name": "cccform"}
    if "connect_timeout" not in params and "PGCONNECT_TIMEOUT" not in os.environ:
        extra["connect_timeout"] = str(CONNECT_TIMEOUT)
    try:
        return psycopg.connect(conninfo.make_conninfo(dsn.value, **extra), autocommit=True)
    except psycopg.Error as exc:
        raise StateError(
            f"could not connect to the PostgreSQL state {dsn.where} (DSN from {dsn.env}): "
            f"{_first_line(dsn.mask(str(exc)))}. Check that the server is running and accepts "
            f"connections, and that {dsn.env} names the right host, database and user."
        ) from None


@contextlib.contextmanager
def translated(dsn: Dsn, doing: str) -> Iterator[None]:
    """Turn the driver's errors inside the block into StateError, passwords masked."""
    try:
        yield
    except psycopg.OperationalError as exc:
        raise StateError(
            f"lost the connection to the PostgreSQL state {dsn.where} while {doing}: "
            f"{_first_line(dsn.mask(str(exc)))}."
        ) from None
    except psycopg.Error as exc:
        raise StateError(
            f"the PostgreSQL state {dsn.where} refused {doing}: {_first_line(dsn.mask(str(exc)))}."
        ) from None


def _first_line(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return (lines[0] if lines else "no detail given").rstrip(".")
