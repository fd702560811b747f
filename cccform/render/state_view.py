"""`cccform show` and `cccform state list`."""

from __future__ import annotations

import json
from typing import Any

from cccform.printable import printable
from cccform.state.models import State


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
