"""`cccform validate [PATH]`: offline checks only; no provider, no state."""

from __future__ import annotations

from pathlib import Path

import click

from cccform import run
from cccform.cli.ci_outputs import no_annotations_option
from cccform.cli.context import Context, pass_context, path_argument


@click.command()
@path_argument
@no_annotations_option
@pass_context
def validate(ctx: Context, path: str, no_annotations: bool) -> int:
    """Check the configuration offline."""
    del no_annotations  # configuration errors are annotated by cli.main
    loaded = run.load_configuration(Path(path))
    instances = len(loaded.config.instances)
    files = len(loaded.files)
    ctx.out.write(
        ctx.style()("Success!", "green", "bold")
        + f" The configuration is valid: {instances} instance{'s' if instances != 1 else ''} "
        f"in {files} file{'s' if files != 1 else ''}.\n"
    )
    return 0
