"""`cccform apply [PATH | PLANFILE]`."""

from __future__ import annotations

import json
from pathlib import Path

import click

from cccform.apply.applier import ApplyOptions, apply_plan
from cccform.apply.result import ApplyResult
from cccform.cli.commands.plan import show_plan
from cccform.cli.confirm import confirm_plan
from cccform.cli.context import Context, lock_timeout_option, pass_context, path_argument
from cccform.cli.exit_codes import APPLY_PARTIAL, ERROR, INTERRUPTED, OK, PLAN_REJECTED
from cccform.cli.interrupt import graceful_interrupt
from cccform.errors import UsageError
from cccform.plan import messages
from cccform.plan.models import Change, Plan, Rejection, RejectionKind
from cccform.plan.planfile import is_plan_file, read_plan_file
from cccform.providers.ccc import CccProvider
from cccform.render.apply_view import ProgressPrinter, render_result
from cccform.render.json_view import apply_document, plan_document
from cccform.render.plan_view import render_rejections
from cccform.state.models import State
from cccform.state.store import StateStore
from cccform.workspace import check_not_stale, open_config, open_saved, plan_workspace


@click.command()
@path_argument
@click.option("--auto-approve", is_flag=True, help="Skip the interactive approval.")
@click.option(
    "--allow-delete",
    is_flag=True,
    help="Allow a plan that deletes anything to run without interactive approval.",
)
@click.option(
    "--parallelism",
    default=10,
    show_default=True,
    type=click.IntRange(1, 256),
    help="How many API calls may run at once.",
)
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="Print one JSON document (plan and outcome); progress goes to stderr.",
)
@lock_timeout_option
@pass_context
def apply(
    ctx: Context,
    path: str,
    auto_approve: bool,
    allow_delete: bool,
    parallelism: int,
    as_json: bool,
    lock_timeout: float,
) -> int:
    """Carry out the plan: plan first, or apply a saved plan file."""
    target = Path(path)
    from_file = is_plan_file(target)
    if as_json and not (auto_approve or from_file):
        raise UsageError("--json needs --auto-approve (or a saved plan file): it cannot prompt.")
    if not from_file and not auto_approve and not ctx.interactive():
        raise UsageError(
            "no terminal to ask for approval: review with cccform plan, then run "
            "with --auto-approve (and --allow-delete if the plan deletes anything)."
        )
    saved = read_plan_file(target) if from_file else None
    workspace = open_saved(saved) if saved else open_config(target)
    store = workspace.store()
    with store.lock("apply", lock_timeout):
        exists = workspace.state_path.exists()
        state = store.read()
        provider = workspace.provider()
        try:
            if saved is not None:
                state = check_not_stale(saved.plan, state, exists)
                plan = saved.plan
            else:
                plan = plan_workspace(workspace, provider, state, state_exists=exists)
            code, reviewed = _review(
                ctx,
                plan,
                as_json,
                interactive=not (auto_approve or from_file),
                allow_delete=allow_delete,
                from_file=from_file,
            )
            if code is not None:
                if as_json:
                    _write_json(ctx, reviewed, None)
                return code
            options = workspace.apply_options(parallelism)
            result = _run(ctx, store, plan, state, provider, options, as_json)
        finally:
            provider.close()
    if as_json:
        _write_json(ctx, plan, result)
    else:
        ctx.out.write(render_result(result, ctx.style()))
    if result.interrupted:
        return INTERRUPTED
    return OK if result.complete else APPLY_PARTIAL


def _review(
    ctx: Context,
    plan: Plan,
    as_json: bool,
    *,
    interactive: bool,
    allow_delete: bool,
    from_file: bool,
) -> tuple[int | None, Plan]:
    """Show the plan and get approval.

    Returns an exit code to stop with (or None to go on), and the plan as reviewed (with
    the refusals of deletions added, when there were any).
    """
    if not as_json and not from_file:
        show_plan(ctx, plan, as_json=False)
    if plan.errors:
        if as_json or from_file:
            ctx.err.write(render_rejections(plan_document(plan), ctx.style(ctx.err)))
        return PLAN_REJECTED, plan
    if not plan.has_changes:
        return OK, plan
    if plan.deletions and not interactive and not allow_delete:
        refused = plan.model_copy(update={"errors": [_not_allowed(c) for c in plan.deletions]})
        ctx.err.write(render_rejections(plan_document(refused), ctx.style(ctx.err)))
        return PLAN_REJECTED, refused
    if interactive and not confirm_plan(plan, ctx.err):
        ctx.err.write("\nApply cancelled.\n")
        return ERROR, plan
    return None, plan


def _write_json(ctx: Context, plan: Plan, result: ApplyResult | None) -> None:
    doc = {
        "plan": plan_document(plan),
        "apply": None if result is None else apply_document(plan, result),
    }
    ctx.out.write(json.dumps(doc, indent=2, ensure_ascii=False) + "\n")


def _not_allowed(change: Change) -> Rejection:
    access_path = str((change.before or {}).get("access_path", change.remote_id))
    message, hint = messages.delete_not_allowed(access_path)
    return Rejection(
        address=change.address,
        field="instance",
        kind=RejectionKind.DELETE_NOT_ALLOWED,
        message=message,
        hint=hint,
    )


def _run(
    ctx: Context,
    store: StateStore,
    plan: Plan,
    state: State,
    provider: CccProvider,
    options: ApplyOptions,
    as_json: bool,
) -> ApplyResult:
    stream = ctx.err if as_json else ctx.out
    observer = ProgressPrinter(stream, ctx.style(stream))
    if not as_json:
        stream.write("\n")
    with graceful_interrupt(ctx.err) as cancel:
        return apply_plan(
            plan,
            store,
            state,
            provider,
            observer,
            options=options,
            cancel=cancel,
        )
