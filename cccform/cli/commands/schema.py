"""`cccform schema [--plan] [--write PATH | --check PATH]`: the JSON schema of a configuration
file, or (`--plan`) of the JSON plan."""

from __future__ import annotations

from pathlib import Path

import click

from cccform.cli.context import Context, pass_context
from cccform.cli.exit_codes import ERROR, OK
from cccform.config.schema import render_schema
from cccform.errors import CccformError
from cccform.render import json_schema
from cccform.render.errors import render_error

_PATH = click.Path(dir_okay=False, path_type=Path)


@click.command()
@click.option(
    "--plan",
    "of_plan",
    is_flag=True,
    help="The schema of `plan --json` (and `apply --json`) instead of the configuration's.",
)
@click.option("--write", "write_path", type=_PATH, metavar="PATH", help="Write the schema to PATH.")
@click.option(
    "--check",
    "check_path",
    type=_PATH,
    metavar="PATH",
    help="Exit 1 if PATH differs from the schema of this version.",
)
@pass_context
def schema(ctx: Context, of_plan: bool, write_path: Path | None, check_path: Path | None) -> int:
    """Print the JSON schema of a configuration file, or write or check a copy of it."""
    if write_path is not None and check_path is not None:
        raise click.UsageError("use --write or --check, not both")
    text = json_schema.render_schema() if of_plan else render_schema()
    if write_path is not None:
        _write(write_path, text)
        return OK
    if check_path is not None:
        models = "JSON plan" if of_plan else "configuration"
        flag = " --plan" if of_plan else ""
        return _check(ctx, check_path, text, f"the {models} models", f"schema{flag}")
    ctx.out.write(text)
    return OK


def _write(path: Path, text: str) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode("utf-8"))
    except OSError as error:
        raise CccformError(f"cannot write {path}: {error.strerror}") from error


def _check(ctx: Context, path: Path, text: str, models: str, command: str) -> int:
    """OK if `path` holds exactly `text`, else say how to regenerate it."""
    try:
        current = path.read_bytes() if path.is_file() else None
    except OSError as error:
        raise CccformError(f"cannot read {path}: {error.strerror}") from error
    if current == text.encode("utf-8"):
        return OK
    ctx.err.write(
        render_error(
            f"{path} is out of date with {models}",
            ctx.style(ctx.err),
            hint=f"run: cccform {command} --write {path}",
        )
    )
    return ERROR
