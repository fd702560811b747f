"""`cccform show [PLANFILE] [--json]` and `cccform state list`."""

from __future__ import annotations

from pathlib import Path

import click

from cccform import run
from cccform.cli.context import Context, pass_context
from cccform.cli.exit_codes import OK
from cccform.render.views import show_addresses, show_view


@click.command()
@click.argument("target", required=False, default=".", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document.")
@pass_context
def show(ctx: Context, target: Path, as_json: bool) -> int:
    """Show the current state (of the configuration at TARGET), or a saved plan file."""
    show_view(as_json, ctx.terminal()).finished(run.show_target(target))
    return OK


@click.group()
def state() -> None:
    """Inspect the state."""


@state.command("list")
@click.argument("path", required=False, default=".", type=click.Path(path_type=Path))
@pass_context
def state_list(ctx: Context, path: Path) -> int:
    """Managed addresses, one per line."""
    show_addresses(ctx.terminal(), run.read_state(path))
    return OK
