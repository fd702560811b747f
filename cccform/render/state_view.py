"""`cccform show`, `cccform state list` and `cccform state history`."""

from __future__ import annotations

import json
from typing import Any

from cccform.printable import printable
from cccform.state.models import HistoryEntry, PendingCreate, State


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
    lines += [
        f"# {pending_summary(address, state.pending[address])}" for address in sorted(state.pending)
    ]
    return "\n".join(lines).rstrip("\n") + "\n"


def pending_summary(address: str, pending: PendingCreate) -> str:
    """One line on a creation the state records but has not confirmed."""
    if pending.sent:
        return (
            f"{printable(address)}: creation started {printable(pending.recorded_at)} "
            f"(access path {pending.access_path!r}); the next apply finishes it"
        )
    return (
        f"{printable(address)}: creation recorded {printable(pending.recorded_at)} but never "
        f"sent (access path {pending.access_path!r}); the next apply starts it"
    )


def render_pending_note(state: State) -> str:
    """`cccform state list`, on stderr: the creations not confirmed yet (an address the state
    manages too is one being created again, after it was deleted outside cccform)."""
    if not state.pending:
        return ""
    count = len(state.pending)
    lines = [
        f"{count} creation{'s' if count != 1 else ''} not confirmed yet (cccform state show "
        "ADDRESS tells more):"
    ]
    lines += [f"  {pending_summary(a, state.pending[a])}" for a in sorted(state.pending)]
    return "\n".join(lines) + "\n"


def render_pending(address: str, pending: PendingCreate) -> str:
    """`cccform state show ADDRESS` of a creation not confirmed: what the intent recorded."""
    rows: dict[str, Any] = {
        "access_path": pending.access_path,
        "name": pending.name,
        "phone_numbers": pending.phone_numbers,
        "sent": pending.sent,
        "recorded_at": pending.recorded_at,
    }
    width = max(len(name) for name in rows)
    lines = [f"# {pending_summary(address, pending)}"]
    lines += [
        f"  {name.ljust(width)} = {printable(json.dumps(value, ensure_ascii=False))}"
        for name, value in rows.items()
    ]
    return "\n".join(lines) + "\n"


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
