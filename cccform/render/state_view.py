"""`cccform show`, `cccform state list` and `cccform state history`."""

from __future__ import annotations

import json
from typing import Any

from cccform.printable import printable
from cccform.state.models import HistoryEntry, State


def state_document(state: State) -> dict[str, Any]:
    return state.model_dump(mode="json")


def render_state(state: State) -> str:
    if not state.resources and not state.pending:
        return "The state is empty: nothing is managed yet.\n"
    lines: list[str] = []
    for address in sorted(state.resources):
        resource = state.resources[address]
        lines.append(f"# {printable(address)}:")
        lines.append(f"  id                  = {json.dumps(resource.remote_id)}")
        for key, val in sorted(resource.attributes.items()):
            lines.append(f"  {printable(key).ljust(19)} = {json.dumps(val, ensure_ascii=False)}")
        lines.append(
            f"  {'deletion_protection'.ljust(19)} = {json.dumps(resource.deletion_protection)}"
        )
        lines.append("")
    for address in sorted(state.pending):
        pending = state.pending[address]
        if pending.sent:
            lines.append(
                f"# {printable(address)}: creation started {printable(pending.recorded_at)} "
                f"(access path {pending.access_path!r}); the next apply finishes it"
            )
        else:
            lines.append(
                f"# {printable(address)}: creation recorded {printable(pending.recorded_at)} "
                "but never sent "
                f"(access path {pending.access_path!r}); the next apply starts it"
            )
    return "\n".join(lines).rstrip("\n") + "\n"


def render_addresses(state: State) -> str:
    addresses = sorted(state.resources)
    return "".join(f"{printable(address)}\n" for address in addresses)


def render_history(where: str, entries: list[HistoryEntry]) -> str:
    """`cccform state history`: one line per kept serial, newest first."""
    if not entries:
        return f"No state yet in {where}.\n"
    rows = [("SERIAL", "WRITTEN", "BY", "OPERATION", "RESOURCES", "PENDING")]
    for entry in entries:
        by = f"{entry.who}@{entry.host}" if entry.who and entry.host else "-"
        rows.append(
            (
                str(entry.serial),
                entry.recorded_at,
                printable(by),
                printable(entry.operation or "-"),
                str(entry.resources),
                str(entry.pending),
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = [f"History of {where} (lineage {entries[0].lineage}):"]
    for row in rows:
        cells = [
            cell.rjust(w) if i in (0, 4, 5) else cell.ljust(w)
            for i, (cell, w) in enumerate(zip(row, widths, strict=True))
        ]
        lines.append("  " + "  ".join(cells).rstrip())
    return "\n".join(lines) + "\n"


def history_document(where: str, entries: list[HistoryEntry]) -> dict[str, Any]:
    return {"where": where, "history": [entry.model_dump(mode="json") for entry in entries]}
