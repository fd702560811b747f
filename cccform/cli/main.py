"""The click group, and the one place where errors become exit codes."""

from __future__ import annotations

import gc
import json
import logging
import os
import signal
import sys
import traceback
from collections.abc import Sequence

import click

from cccform import __version__
from cccform.cli import exit_codes, signals
from cccform.cli.ci_outputs import annotate, on_github
from cccform.cli.commands.apply import apply
from cccform.cli.commands.completion import completion
from cccform.cli.commands.emulator import emulator
from cccform.cli.commands.fmt import fmt
from cccform.cli.commands.force_unlock import force_unlock
from cccform.cli.commands.import_account import import_command
from cccform.cli.commands.plan import plan
from cccform.cli.commands.schema import schema
from cccform.cli.commands.show import show, state
from cccform.cli.commands.state_surgery import state_mv, state_rebind, state_rm, state_show
from cccform.cli.commands.state_transfer import state_history, state_pull, state_push
from cccform.cli.commands.validate import validate
from cccform.cli.commands.version import version
from cccform.cli.context import (
    Context,
    color_from_args,
    color_options,
    printable_stream,
    stream_style,
)
from cccform.errors import (
    CccformError,
    ConfigError,
    StalePlanError,
    StateLockedError,
    UsageError,
)
from cccform.render.ci_reports import diagnostic_annotations
from cccform.render.diagnostics_view import render_diagnostics
from cccform.render.errors import render_error
from cccform.render.json_plan import FORMAT_VERSION
from cccform.render.style import Style

LOG_LEVEL_ENV = "CCCFORM_LOG"
LOG_PATH_ENV = "CCCFORM_LOG_PATH"


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="cccform")
@click.pass_context
def cli(click_ctx: click.Context) -> None:
    """cccform: call centers as code, for Alibaba Cloud Contact Center."""
    click_ctx.ensure_object(Context)


for command in (
    validate,
    fmt,
    plan,
    apply,
    show,
    state,
    schema,
    emulator,
    force_unlock,
    import_command,
    version,
    completion,
):
    cli.add_command(command)
for command in (
    state_mv,
    state_rm,
    state_show,
    state_rebind,
    state_history,
    state_pull,
    state_push,
):
    state.add_command(command)


def _add_color_options(command: click.Command) -> None:
    command.params.extend(color_options())
    if isinstance(command, click.Group):
        for subcommand in command.commands.values():
            _add_color_options(subcommand)


_add_color_options(cli)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI and map every outcome to an exit code."""
    # One short run that builds many small objects and frees them by reference counting:
    # frequent full collections cost about a fifth of a large plan and free little.
    gc.set_threshold(100_000, 50, 1000)
    _configure_logging()
    err = printable_stream(sys.stderr)
    args = list(argv) if argv is not None else sys.argv[1:]
    as_json = "--json" in args
    try:
        code = cli.main(
            args=args,
            prog_name="cccform",
            standalone_mode=False,
        )
    except click.exceptions.Exit as done:
        return int(done.exit_code)
    except click.UsageError as error:
        err.write(render_error(error.format_message(), _style(err, args), hint=_usage_hint(error)))
        return exit_codes.USAGE
    except click.Abort as aborted:
        # click turns a Ctrl-C inside a command into Abort: say the same as everywhere else.
        interrupted = isinstance(aborted.__cause__, KeyboardInterrupt)
        err.write("\nInterrupted.\n" if interrupted else "Aborted.\n")
        return exit_codes.INTERRUPTED
    except KeyboardInterrupt:
        err.write("\nInterrupted.\n")
        return exit_codes.INTERRUPTED
    except signals.Terminated as stopped:
        err.write(f"\nStopped by {signals.NAMES[signal.Signals(stopped.signum)]}.\n")
        return stopped.exit_code
    except ConfigError as error:
        err.write(render_diagnostics(error.diagnostics, _style(err, args)))
        if on_github() and "--no-annotations" not in args:
            shown = diagnostic_annotations(
                error.diagnostics, show_personal_data="--show-personal-data" in args
            )
            annotate(shown, "configuration errors", err)
        if as_json and not error.documented:
            write_error_document(exit_codes.CONFIG_INVALID, error)
        return exit_codes.CONFIG_INVALID
    except CccformError as error:
        err.write(render_error(str(error), _style(err, args)))
        if as_json:
            write_error_document(_exit_code(error), error)
        return _exit_code(error)
    except Exception:  # a bug: say so plainly, keep the traceback for the log
        logging.getLogger("cccform").debug("internal error", exc_info=True)
        report = "internal error in cccform; please report it with this trace:"
        err.write(render_error(report, _style(err, args)))
        err.write(traceback.format_exc())
        return exit_codes.ERROR
    return code if isinstance(code, int) else exit_codes.OK


def write_error_document(code: int, error: CccformError) -> None:
    """With --json, a failure is one JSON document on stdout too, for scripts to read."""
    body: dict[str, object] = {
        "exit_code": code,
        "kind": type(error).__name__,
        "message": str(error),
    }
    if isinstance(error, ConfigError):
        body["diagnostics"] = [
            {
                "message": d.message,
                "field": d.field_path,
                "hint": d.hint,
                "location": d.location.to_json() if d.location else None,
            }
            for d in error.diagnostics
        ]
    doc = {"format_version": FORMAT_VERSION, "error": body}
    sys.stdout.write(json.dumps(doc, indent=2) + "\n")


def _usage_hint(error: click.UsageError) -> str | None:
    """How the command is used, as click would have said above the error."""
    if error.ctx is None:
        return None
    usage = error.ctx.get_usage().removeprefix("Usage: ")
    return f"usage: {usage} (see {error.ctx.command_path} -h)"


def _exit_code(error: CccformError) -> int:
    for kind, code in (
        (UsageError, exit_codes.USAGE),
        (StateLockedError, exit_codes.STATE_LOCKED),
        (StalePlanError, exit_codes.PLAN_STALE),
    ):
        if isinstance(error, kind):
            return code
    return exit_codes.ERROR


def _style(stream: object, args: Sequence[str]) -> Style:
    # Errors can come before click has parsed --no-color: look for it on the command line.
    return stream_style(stream, color_from_args(args))


def _configure_logging() -> None:
    level = os.environ.get(LOG_LEVEL_ENV, "").upper()
    if not level:
        return
    handler: logging.Handler
    path = os.environ.get(LOG_PATH_ENV)
    handler = logging.FileHandler(path, encoding="utf-8") if path else logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger("cccform")
    root.handlers[:] = [handler]
    root.setLevel(getattr(logging, level, logging.INFO))
