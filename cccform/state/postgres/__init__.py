"""The PostgreSQL state backend: one state per workspace, shared by every copy of a
configuration, locked by a session-level advisory lock, every save a compare-and-swap.

- `connection.py`: the DSN from the environment, the connection, and errors with every
  password masked;
- `schema.py`: the tables, their version and the explicit migrations;
- `rows.py`: the state as rows (a header per workspace, a row per resource or intent) and
  the history of past serials;
- `lock.py`: the advisory lock and the row that names its holder;
- `store.py`: `PostgresStateStore`, the `StateBackend` behind all of this.

Only this package imports psycopg.
"""
