"""`cccform state history`, `state pull` and `state push`: a state's versions, and a state
moved out of and into its backend."""

from __future__ import annotations

from pathlib import Path

import click

from cccform import transfer
from cccform.cli.commands.state_surgery import DIR_OPTION
from cccform.cli.context import Context, lock_timeout_option, pass_context
from cccform.cli.exit_codes import OK
from cccform.render.views import show_history


@click.command("history")
@DIR_OPTION
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document.")
@pass_context
def state_history(ctx: Context, directory: Path, as_json: bool) -> int:
    """The kept versions of the state: serial, when, who, operation, counts."""
    where, entries = transfer.history(directory)
    show_history(ctx.terminal(), where, entries, as_json)
    return OK


@click.command("pull")
@DIR_OPTION
@click.option(
    "--serial", type=click.IntRange(min=1), help="A kept serial instead of the current state."
)
@pass_context
def state_pull(ctx: Context, directory: Path, serial: int | None) -> int:
    """Print the state as JSON (the form of a state file, which `state push` reads)."""
    ctx.out.write(transfer.pull(directory, serial))
    return OK


@click.command("push")
@click.argument("source", type=click.Path(path_type=Path, dir_okay=False))
@DIR_OPTION
@click.option(
    "--force", is_flag=True, help="Replace a state of another lineage or a higher serial."
)
@lock_timeout_option
@pass_context
def state_push(
    ctx: Context, source: Path, directory: Path, force: bool, lock_timeout: float
) -> int:
    """Upload the state file SOURCE as the state of the configuration."""
    outcome = transfer.push(
        directory, source, force=force, lock_timeout=lock_timeout, progress=ctx.progress()
    )
    out = ctx.out
    out.write(
        f"Pushed {source} to {outcome.where}: lineage {outcome.lineage}, serial {outcome.serial}.\n"
    )
    if outcome.renamed_to is not None:
        out.write(f"Renamed {source} to {outcome.renamed_to}, so that it is not used again.\n")
    return OK
