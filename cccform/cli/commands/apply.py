"""`cccform apply [PATH | PLANFILE]`."""

from __future__ import annotations

from functools import partial
from pathlib import Path

import click

from cccform import run
from cccform.addresses import Address
from cccform.cli.ci_outputs import no_annotations_option
from cccform.cli.confirm import confirm_plan
from cccform.cli.context import (
    Context,
    lock_timeout_option,
    parallelism_option,
    pass_context,
    path_argument,
    plan_mode,
    plan_mode_options,
)
from cccform.cli.exit_codes import APPLY_PARTIAL, ERROR, INTERRUPTED, OK, PLAN_REJECTED
from cccform.cli.interrupt import GracefulInterrupt, refresh_stopped
from cccform.errors import RefreshInterrupted, UsageError
from cccform.plan.planfile import is_plan_file
from cccform.plan.review import Verdict
from cccform.render.views import apply_view


@click.command()
@path_argument
@click.option("--auto-approve", is_flag=True, help="Skip the interactive approval.")
@click.option(
    "--allow-delete",
    is_flag=True,
    help="Allow a plan that deletes anything to run without interactive approval.",
)
@click.option(
    "--allow-forget",
    is_flag=True,
    help="Allow a plan that drops objects from the state (gone from the provider, or no "
    "longer declared) to run without interactive approval.",
)
@parallelism_option()
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="Print one JSON document (plan and outcome); progress goes to stderr.",
)
@no_annotations_option
@plan_mode_options
@lock_timeout_option
@pass_context
def apply(
    ctx: Context,
    path: str,
    auto_approve: bool,
    allow_delete: bool,
    allow_forget: bool,
    parallelism: int,
    as_json: bool,
    no_annotations: bool,
    targets: tuple[Address, ...],
    excludes: tuple[Address, ...],
    refresh_only: bool,
    refresh: bool,
    lock_timeout: float,
) -> int:
    """Carry out the plan: plan first, or apply a saved plan file."""
    del no_annotations  # configuration errors are annotated by cli.main
    target = Path(path)
    if not target.exists():  # said before anything about approval, which would not matter
        raise UsageError(
            f"{target} does not exist: pass a configuration directory, a *.yaml file, or a "
            "saved plan file (cccform plan --out FILE)."
        )
    from_file = is_plan_file(target)
    mode = plan_mode(targets, excludes, refresh_only, refresh)
    if from_file and (mode.selection.partial or refresh_only or not refresh):
        raise UsageError(
            "--target, --exclude, --refresh-only and --refresh choose how to plan; a saved plan is "
            "applied as it was made (cccform show PLANFILE says how): plan again with them "
            "instead."
        )
    if as_json and not (auto_approve or from_file):
        raise UsageError("--json needs --auto-approve (or a saved plan file): it cannot prompt.")
    if not from_file and not auto_approve and not ctx.interactive():
        raise UsageError(
            "no terminal to ask for approval: review with cccform plan, then run "
            "with --auto-approve (and --allow-delete if the plan deletes anything, "
            "--allow-forget if it forgets anything)."
        )
    guard = GracefulInterrupt(ctx.err)
    request = run.ApplyRequest(
        path=target,
        approve=None
        if auto_approve
        else partial(confirm_plan, err=ctx.err, style=ctx.style(ctx.err)),
        allow_delete=allow_delete,
        allow_forget=allow_forget,
        parallelism=parallelism,
        lock_timeout=lock_timeout,
        interrupt=guard,
        mode=mode,
        progress=ctx.progress(),
    )
    view = apply_view(as_json, ctx.terminal())
    try:
        outcome = run.apply(request, view)
    except RefreshInterrupted:
        return refresh_stopped(ctx.err, guard)
    view.finished(outcome)
    if outcome.newly_bound is not None:
        ctx.err.write(
            f"Note: the state had no provider binding; it is now bound to {outcome.newly_bound}.\n"
        )
    return exit_code(outcome, guard.exit_code)


def exit_code(outcome: run.ApplyOutcome, signalled: int | None = None) -> int:
    """The exit code of an apply, from how it ended (`signalled`: a signal's exit code)."""
    if signalled is not None:
        return signalled
    if outcome.verdict.rejected:
        return PLAN_REJECTED
    if outcome.verdict is Verdict.CANCELLED:
        return ERROR
    result = outcome.result
    if result is None:
        return OK
    if result.interrupted:
        return INTERRUPTED
    return OK if result.complete else APPLY_PARTIAL
