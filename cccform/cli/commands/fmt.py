"""`cccform fmt [PATH] [--check] [--diff]`: configuration files in the canonical layout."""

from __future__ import annotations

import difflib
from pathlib import Path

import click

from cccform.cli.context import Context, pass_context, path_argument
from cccform.cli.exit_codes import NOT_FORMATTED, OK
from cccform.config.formatting import Formatted, format_configuration, write_formatted


@click.command()
@path_argument
@click.option(
    "--check",
    is_flag=True,
    help="Change nothing; list the files that are not formatted and exit 8 if there are any.",
)
@click.option("--diff", "show_diff", is_flag=True, help="Print each change as a unified diff.")
@pass_context
def fmt(ctx: Context, path: str, check: bool, show_diff: bool) -> int:
    """Rewrite configuration files in the canonical layout.

    Every YAML file of the directory PATH and its subdirectories, or the file PATH, keeping
    comments. Lists each file it changes (with --check, each it would change).
    """
    changed = [found for found in format_configuration(Path(path)) if found.changed]
    for found in changed:
        ctx.out.write(found.display + "\n")
        if show_diff:
            ctx.out.write(_diff(found))
        if not check:
            write_formatted(found)
    if check and changed:
        count = len(changed)
        ctx.err.write(
            f"{count} file{'s are' if count != 1 else ' is'} not formatted: "
            f"run cccform fmt {path} to format {'them' if count != 1 else 'it'}.\n"
        )
        return NOT_FORMATTED
    return OK


def _diff(found: Formatted) -> str:
    lines = difflib.unified_diff(
        found.before.splitlines(keepends=True),
        found.after.splitlines(keepends=True),
        f"old/{found.display}",
        f"new/{found.display}",
    )
    return "".join(line if line.endswith("\n") else line + "\n" for line in lines)
