"""`cccform validate [PATH] [--json]`: offline checks only; no provider, no state."""

from __future__ import annotations

from pathlib import Path

import click

from cccform import run
from cccform.cli.ci_outputs import no_annotations_option
from cccform.cli.context import Context, pass_context, path_argument
from cccform.errors import ConfigError
from cccform.render.json_validate import validate_output


@click.command()
@path_argument
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="Print the result as one JSON document (valid, error_count, diagnostics).",
)
@no_annotations_option
@pass_context
def validate(ctx: Context, path: str, as_json: bool, no_annotations: bool) -> int:
    """Check the configuration offline."""
    del no_annotations  # configuration errors are annotated by cli.main
    try:
        loaded = run.load_configuration(Path(path))
    except ConfigError as error:
        if as_json:
            ctx.terminal().write_json(validate_output(error.diagnostics))
            error.documented = True
        raise  # cli.main prints the diagnostics on stderr and exits 4
    instances = len(loaded.config.instances)
    files = len(loaded.files)
    if as_json:
        ctx.terminal().write_json(validate_output([], instances=instances, files=files))
        return 0
    ctx.out.write(
        ctx.style()("Success!", "green", "bold")
        + f" The configuration is valid: {instances} instance{'s' if instances != 1 else ''} "
        f"in {files} file{'s' if files != 1 else ''}.\n"
    )
    return 0
