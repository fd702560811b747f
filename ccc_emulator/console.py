"""Console-only actions: what the CCC console does and the CCC API cannot.

Smart Conversation Analysis (智能对话分析, "QA") is switched on through the console's change
configuration (变配) order; no CCC 2020-07-01 operation enables it or reports it (ccc-api.md §3).
The emulation keeps the flag per instance, as the console shows it. Like the cloud, the API
it emulates has no way to read it back; only the emulator's own callers (tests) do.
"""

from __future__ import annotations

from collections.abc import Callable

from ccc_emulator.instance_rows import VISIBLE, purge_gone, require_created
from ccc_emulator.store import Store


class ConsoleActions:
    """The console's 变配 order for QA, and the QA status the console shows."""

    def __init__(self, store: Store, clock: Callable[[], float]) -> None:
        self._store = store
        self._clock = clock

    def enable_conversation_analysis(self, instance_id: str) -> None:
        """Turn QA on (one way; doing it again changes nothing).

        Fails like the API would: 404 NotExists.InstanceId, 403 AbnormalService.Creating.
        """
        with self._store.write() as conn:
            now = self._clock()
            purge_gone(conn, now)
            row = require_created(conn, instance_id, now)
            if not row["conversation_analysis"]:
                conn.execute(
                    "UPDATE instances SET conversation_analysis = 1 WHERE seq = ?", (row["seq"],)
                )

    def conversation_analysis_status(self) -> dict[str, bool]:
        """Instance id -> QA enabled, for every instance of the account."""
        with self._store.read() as conn:
            rows = conn.execute(
                f"SELECT id, conversation_analysis FROM instances WHERE {VISIBLE} ORDER BY seq",
                {"now": self._clock()},
            ).fetchall()
        return {row["id"]: bool(row["conversation_analysis"]) for row in rows}
