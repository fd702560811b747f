"""`cccform plan [PATH] [--out FILE] [--json] [--detailed-exitcode] [--parallelism N]`."""

from __future__ import annotations

from pathlib import Path

import click

from cccform import run
from cccform.addresses import Address
from cccform.cli.ci_outputs import CiOutputs, markdown_options, no_annotations_option
from cccform.cli.context import (
    UNLOCKED_WARNING,
    Context,
    lock_option,
    lock_timeout_option,
    parallelism_option,
    pass_context,
    path_argument,
    plan_mode,
    plan_mode_options,
)
from cccform.cli.exit_codes import CHANGES_PRESENT, OK, PLAN_REJECTED
from cccform.cli.interrupt import GracefulInterrupt, refresh_stopped
from cccform.errors import RefreshInterrupted, UsageError
from cccform.plan.review import Verdict
from cccform.render.json_plan import plan_document
from cccform.render.views import plan_view


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
@markdown_options
@no_annotations_option
@click.option(
    "--gitlab-report",
    "gitlab_report_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write GitLab's plan report (create, update, delete counts) to FILE.",
)
@plan_mode_options
@parallelism_option()
@lock_timeout_option
@lock_option
@pass_context
def plan(
    ctx: Context,
    path: str,
    out_file: Path | None,
    as_json: bool,
    detailed_exitcode: bool,
    markdown: bool,
    show_personal_data: bool,
    no_annotations: bool,
    gitlab_report_file: Path | None,
    targets: tuple[Address, ...],
    excludes: tuple[Address, ...],
    refresh_only: bool,
    refresh: bool,
    parallelism: int,
    lock_timeout: float,
    lock: bool,
) -> int:
    """Show what apply would change."""
    if markdown and as_json:
        raise UsageError("--markdown and --json cannot be used together: choose one.")
    if not lock:
        ctx.err.write(UNLOCKED_WARNING)
    outputs = CiOutputs.chosen(
        no_annotations=no_annotations,
        gitlab_report_file=gitlab_report_file,
        show_personal_data=show_personal_data,
        plan_file=out_file,
    )
    view = plan_view(as_json, ctx.terminal(), outputs.markdown if markdown else None)
    guard = GracefulInterrupt(ctx.err)
    try:
        outcome = run.plan(
            Path(path),
            view,
            out_file=out_file,
            lock_timeout=lock_timeout,
            lock=lock,
            mode=plan_mode(targets, excludes, refresh_only, refresh),
            parallelism=parallelism,
            progress=ctx.progress(),
            interrupt=guard,
        )
    except RefreshInterrupted:
        return refresh_stopped(ctx.err, guard)
    view.finished(outcome)
    outputs.publish(plan_document(outcome.plan), ctx.err)
    if outcome.verdict is Verdict.REJECTED:
        return PLAN_REJECTED
    if detailed_exitcode and outcome.verdict is Verdict.CHANGES:
        return CHANGES_PRESENT
    return OK
