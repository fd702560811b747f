"""`cccform import [--out DIR] [--instance PATTERN ...] [--exclude PATTERN ...]
[--contents/--no-contents] [--force] [--redact] [--json] [--parallelism N]`: write the
configuration of what exists live."""

from __future__ import annotations

from pathlib import Path

import click

from cccform.cli.context import Context, parallelism_option, pass_context
from cccform.cli.interrupt import GracefulInterrupt, refresh_stopped
from cccform.errors import RefreshInterrupted


@click.command("import")
@click.option(
    "--out",
    "out_dir",
    default=".",
    show_default=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="The directory to write the configuration into.",
)
@click.option(
    "--instance",
    "include",
    multiple=True,
    metavar="PATTERN",
    help="Import only instances whose access path matches (shell pattern; repeatable).",
)
@click.option(
    "--exclude", multiple=True, metavar="PATTERN", help="Leave out matching access paths."
)
@click.option(
    "--contents/--no-contents",
    default=True,
    help="Import skill groups, agents, flows and number routing too (default), or only the "
    "instances.",
)
@click.option("--force", is_flag=True, help="Overwrite the files the import writes.")
@click.option(
    "--redact",
    is_flag=True,
    help="Write placeholders for agents' emails and mobiles, for sharing; such a "
    "configuration cannot be applied.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the files and counts as JSON.")
@parallelism_option(None, "100, or 1 on the local emulation")
@click.option(
    "--provider",
    "kind",
    type=click.Choice(["local", "aliyun"]),
    help="Read through this provider instead of the configured one.",
)
@click.option("--region", help="With --provider aliyun: the region, e.g. cn-shanghai.")
@click.option("--endpoint", help="With --provider aliyun: the CCC endpoint's URL.")
@click.option(
    "--local-path", metavar="DIR", help="With --provider local: the emulation's directory."
)
@click.option(
    "--from",
    "from_path",
    type=click.Path(path_type=Path),
    help="Read through the provider of this configuration (default: the current directory's, "
    "if it has one, else the local emulation).",
)
@pass_context
def import_command(
    ctx: Context,
    out_dir: Path,
    include: tuple[str, ...],
    exclude: tuple[str, ...],
    contents: bool,
    force: bool,
    redact: bool,
    as_json: bool,
    parallelism: int | None,
    kind: str | None,
    region: str | None,
    endpoint: str | None,
    local_path: str | None,
    from_path: Path | None,
) -> int:
    """Write the configuration of the instances that exist live, for plan to adopt."""
    # Imported here: the other commands do not pay for the writer at start-up.
    from cccform.importer.account import ImportRequest, import_account, provider_source
    from cccform.importer.compose import ImportOptions
    from cccform.importer.read import Selection
    from cccform.render.import_view import ImportProgress, import_document, render_summary

    given = {"region": region, "endpoint": endpoint, "path": local_path}
    settings = {name: value for name, value in given.items() if value is not None}
    source = provider_source(kind, settings, from_path, Path.cwd())
    request = ImportRequest(
        out_dir,
        source,
        Selection(include, exclude),
        ImportOptions(contents=contents, redact=redact),
        force=force,
        parallelism=parallelism,
    )
    guard = GracefulInterrupt(ctx.err)
    try:
        with guard("import") as cancel:
            result = import_account(request, ImportProgress(ctx.err), cancel=cancel)
    except RefreshInterrupted:
        return refresh_stopped(ctx.err, guard, "Nothing was written.")
    if as_json:
        ctx.terminal().write_json(import_document(result))
    else:
        ctx.out.write(render_summary(result))
    if guard.exit_code is not None:  # the signal came while the files were being written
        ctx.err.write("Interrupted. The files were being written; all of them were written.\n")
        return guard.exit_code
    return 0
