"""`cccform show [PLANFILE] [--json]` and `cccform state list`."""

from __future__ import annotations

from pathlib import Path

import click

from cccform import run
from cccform.cli.ci_outputs import markdown_options
from cccform.cli.context import Context, pass_context
from cccform.cli.exit_codes import OK
from cccform.errors import UsageError
from cccform.render.markdown_plan import MarkdownOptions
from cccform.render.views import show_addresses, show_view


@click.command()
@click.argument("target", required=False, default=".", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document.")
@markdown_options
@pass_context
def show(
    ctx: Context, target: Path, as_json: bool, markdown: bool, show_personal_data: bool
) -> int:
    """Show the current state (of the configuration at TARGET), or a saved plan file."""
    if markdown and as_json:
        raise UsageError("--markdown and --json cannot be used together: choose one.")
    outcome = run.show_target(target)
    if markdown and outcome.plan is None:
        raise UsageError(
            f"--markdown shows a saved plan, and {target} is not one: run "
            "cccform plan --markdown, or cccform show --markdown PLANFILE."
        )
    options = MarkdownOptions(show_personal_data=show_personal_data, plan_file=str(target))
    show_view(as_json, ctx.terminal(), options if markdown else None).finished(outcome)
    return OK


@click.group()
def state() -> None:
    """Inspect the state."""


@state.command("list")
@click.argument("path", required=False, default=".", type=click.Path(path_type=Path))
@pass_context
def state_list(ctx: Context, path: Path) -> int:
    """Managed addresses, one per line (creations not confirmed yet on stderr)."""
    show_addresses(ctx.terminal(), run.read_state(path))
    return OK
