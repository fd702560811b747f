"""`cccform force-unlock LOCK_ID [--yes]`: free the lock of a run that hangs."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from cccform import unlock
from cccform.cli.commands.state_surgery import DIR_OPTION
from cccform.cli.context import Context, pass_context
from cccform.cli.exit_codes import ERROR, OK
from cccform.errors import UsageError


@click.command("force-unlock")
@click.argument("lock_id")
@DIR_OPTION
@click.option("--yes", is_flag=True, help="Do it without asking (scripts, CI).")
@pass_context
def force_unlock(ctx: Context, lock_id: str, directory: Path, yes: bool) -> int:
    """End the run that holds the state lock LOCK_ID, freeing the lock."""
    found = unlock.examine(directory, lock_id)
    err = ctx.err
    err.write(f"{found.where} is locked by {found.holder.describe()}.\n{found.effect}\n")
    if not yes:
        if not ctx.interactive():
            raise UsageError(
                "refusing to force-unlock without confirmation: run it on a terminal, or pass "
                "--yes once you are sure the holder hangs."
            )
        err.write("Only 'yes' will be accepted to go on.\n  Enter a value: ")
        err.flush()
        if sys.stdin.readline().strip() != "yes":
            err.write("Force-unlock cancelled; nothing was changed.\n")
            return ERROR
    done = unlock.force_unlock(directory, lock_id)
    ctx.out.write(f"Unlocked {done.where}: ended the run of {done.holder.describe()}.\n")
    return OK
