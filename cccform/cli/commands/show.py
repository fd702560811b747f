"""`cccform show [PLANFILE] [--json]` and `cccform state list`."""

from __future__ import annotations

import json
from pathlib import Path

import click

from cccform.cli.commands.plan import show_plan
from cccform.cli.context import Context, pass_context
from cccform.config.loader import load_config
from cccform.config.models import LocalStateConfig
from cccform.plan.planfile import is_plan_file, read_plan_file
from cccform.render.state_view import render_addresses, render_state, state_document
from cccform.state.local import LocalStateStore


@click.command()
@click.argument("target", required=False, default=".", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document.")
@pass_context
def show(ctx: Context, target: Path, as_json: bool) -> int:
    """Show the current state (of the configuration at TARGET), or a saved plan file."""
    if is_plan_file(target):
        show_plan(ctx, read_plan_file(target).plan, as_json)
        return 0
    state = _store(target).read()
    if as_json:
        ctx.out.write(json.dumps(state_document(state), indent=2, ensure_ascii=False) + "\n")
    else:
        ctx.out.write(render_state(state))
    return 0


@click.group()
def state() -> None:
    """Inspect the state."""


@state.command("list")
@click.argument("path", required=False, default=".", type=click.Path(path_type=Path))
@pass_context
def state_list(ctx: Context, path: Path) -> int:
    """Managed addresses, one per line."""
    ctx.out.write(render_addresses(_store(path).read()))
    return 0


def _store(path: Path) -> LocalStateStore:
    """The state store of the configuration at `path` (its `state:` block, else the default)."""
    loaded = load_config(path)
    settings: LocalStateConfig = loaded.config.state
    return LocalStateStore(loaded.directory / settings.path)
