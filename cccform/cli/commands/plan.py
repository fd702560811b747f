"""`cccform plan [PATH] [--out FILE] [--json] [--detailed-exitcode]`."""

from __future__ import annotations

import json
from pathlib import Path

import click

from cccform.cli.context import Context, lock_timeout_option, pass_context, path_argument
from cccform.cli.exit_codes import CHANGES_PRESENT, OK, PLAN_REJECTED
from cccform.plan.models import Plan
from cccform.plan.planfile import write_plan_file
from cccform.render.json_view import plan_document
from cccform.render.plan_view import render_plan, render_rejections
from cccform.workspace import Workspace, open_config, plan_workspace


@click.command()
@path_argument
@click.option(
    "--out",
    "out_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Save the plan to FILE; `cccform apply FILE` then carries out exactly it.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the plan as one JSON document.")
@click.option(
    "--detailed-exitcode", is_flag=True, help="Exit 0 when there are no changes, 2 when there are."
)
@lock_timeout_option
@pass_context
def plan(
    ctx: Context,
    path: str,
    out_file: Path | None,
    as_json: bool,
    detailed_exitcode: bool,
    lock_timeout: float,
) -> int:
    """Show what apply would change."""
    workspace = open_config(Path(path))
    result = make_locked_plan(workspace, "plan", lock_timeout)
    show_plan(ctx, result, as_json)
    if result.errors:
        return PLAN_REJECTED
    if out_file is not None:
        write_plan_file(out_file, workspace.saved(result))
        if not as_json:
            ctx.out.write(
                f"\nSaved the plan to: {out_file}\n\nTo perform exactly these actions, "
                f"run:\n    cccform apply {out_file}\n"
            )
    elif result.has_changes and not as_json:
        ctx.out.write(
            "\nNote: you didn't use --out to save this plan, so cccform can't guarantee "
            "to take exactly these actions if you run cccform apply now.\n"
        )
    if detailed_exitcode and result.has_changes:
        return CHANGES_PRESENT
    return OK


def make_locked_plan(workspace: Workspace, operation: str, lock_timeout: float) -> Plan:
    store = workspace.store()
    with store.lock(operation, lock_timeout):
        exists = workspace.state_path.exists()
        state = store.read()
        provider = workspace.provider()
        try:
            return plan_workspace(workspace, provider, state, state_exists=exists)
        finally:
            provider.close()


def show_plan(ctx: Context, result: Plan, as_json: bool) -> None:
    doc = plan_document(result)
    if as_json:
        ctx.out.write(json.dumps(doc, indent=2, ensure_ascii=False) + "\n")
        return
    ctx.out.write(render_plan(doc, ctx.style()))
    ctx.out.flush()
    ctx.err.write(render_rejections(doc, ctx.style(ctx.err)))
