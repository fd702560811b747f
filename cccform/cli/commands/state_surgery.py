"""`cccform state mv`, `state rm` and `state show`: the state changed or read by address."""

from __future__ import annotations

import json
from pathlib import Path

import click

from cccform import run
from cccform.cli.context import Context, lock_timeout_option, pass_context
from cccform.cli.exit_codes import OK
from cccform.errors import StateError
from cccform.printable import printable
from cccform.render.state_view import pending_summary, render_pending
from cccform.state import surgery

DIR_OPTION = click.option(
    "-C",
    "--dir",
    "directory",
    default=".",
    show_default=True,
    type=click.Path(path_type=Path),
    help="The configuration directory (or file) whose state to use.",
)
_DRY_RUN = click.option("--dry-run", is_flag=True, help="Say what would change; write nothing.")
# The same durations as plan and apply take (30s, 5m), which the lock's message suggests.
LOCK_TIMEOUT_OPTION = lock_timeout_option


def _report(ctx: Context, outcome: run.SurgeryOutcome) -> None:
    out = ctx.out
    verb = "Would move" if outcome.dry_run else "Moved"
    for old, new in outcome.result.moved:
        out.write(f"{verb} {old} to {new}\n")
    verb = "Would remove" if outcome.dry_run else "Removed"
    for address in outcome.result.removed:
        out.write(f"{verb} {address} from the state (the cloud object is left as it is)\n")
    if outcome.dry_run:
        out.write(f"Dry run: the state (serial {outcome.serial}) was not changed.\n")
    else:
        out.write(
            f"State saved at serial {outcome.serial}; the previous version is kept (see cccform "
            "state history).\n"
        )


@click.command("mv")
@click.argument("source")
@click.argument("target")
@DIR_OPTION
@_DRY_RUN
@LOCK_TIMEOUT_OPTION
@pass_context
def state_mv(
    ctx: Context, source: str, target: str, directory: Path, dry_run: bool, lock_timeout: float
) -> int:
    """Rename SOURCE to TARGET in the state (an instance with its contents)."""
    outcome = run.state_surgery(
        directory,
        "state mv",
        lambda state: surgery.move(state, source, target),
        dry_run=dry_run,
        lock_timeout=lock_timeout,
        progress=ctx.progress(),
    )
    _report(ctx, outcome)
    return OK


@click.command("rm")
@click.argument("addresses", nargs=-1, required=True)
@DIR_OPTION
@_DRY_RUN
@LOCK_TIMEOUT_OPTION
@pass_context
def state_rm(
    ctx: Context, addresses: tuple[str, ...], directory: Path, dry_run: bool, lock_timeout: float
) -> int:
    """Stop managing ADDRESSES without touching the cloud (an instance with its contents)."""
    outcome = run.state_surgery(
        directory,
        "state rm",
        lambda state: surgery.remove(state, list(addresses)),
        dry_run=dry_run,
        lock_timeout=lock_timeout,
        progress=ctx.progress(),
    )
    _report(ctx, outcome)
    return OK


@click.command("show")
@click.argument("address")
@DIR_OPTION
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document.")
@pass_context
def state_show(ctx: Context, address: str, directory: Path, as_json: bool) -> int:
    """The recorded id and attributes of ADDRESS, or the creation it waits for."""
    key = str(surgery.parse_address(address))
    state = run.read_state(directory)
    entry = state.resources.get(key)
    out = ctx.out
    if entry is None:
        pending = state.pending.get(key)
        if pending is None:
            raise StateError(f"{key} is not in the state (see cccform state list).")
        if as_json:  # a creation not confirmed: what its intent recorded
            document = {"address": key, "pending": pending.model_dump(mode="json")}
            out.write(json.dumps(document, indent=2, sort_keys=True) + "\n")
        else:
            out.write(render_pending(key, pending))
        return OK
    if as_json:
        document = {"address": key, **entry.model_dump(mode="json")}
        if key in state.pending:
            document["pending"] = state.pending[key].model_dump(mode="json")
        out.write(json.dumps(document, indent=2, sort_keys=True) + "\n")
        return OK
    out.write(f"# {printable(key)}:\n")
    rows = {"remote_id": entry.remote_id, "deletion_protection": entry.deletion_protection}
    rows.update(entry.attributes)
    width = max(len(name) for name in rows)
    for name, value in rows.items():
        out.write(f"  {printable(name).ljust(width)} = {json.dumps(value, sort_keys=True)}\n")
    if (pending := state.pending.get(key)) is not None:  # being created again
        out.write(f"# and {pending_summary(key, pending)}\n")
    return OK


@click.command("rebind")
@DIR_OPTION
@LOCK_TIMEOUT_OPTION
@pass_context
def state_rebind(ctx: Context, directory: Path, lock_timeout: float) -> int:
    """Bind the state to the provider and account the configuration now talks to."""
    outcome = run.rebind(
        directory,
        lock_timeout=lock_timeout,
        progress=ctx.progress(),
    )
    before = outcome.before if outcome.before is not None else "no provider"
    ctx.out.write(
        f"Rebound the state from {before} to {outcome.after} (serial {outcome.serial}).\n"
    )
    return OK
