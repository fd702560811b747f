"""What every command shares: output streams, colour, the state lock timeout."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal, TextIO, cast

import click

from cccform.addresses import Address
from cccform.errors import UsageError
from cccform.plan.targets import Selection
from cccform.planning import PlanMode
from cccform.printable import PrintableStream
from cccform.providers.paging import DEFAULT_PARALLELISM, MAX_PARALLELISM
from cccform.render.progress_view import RunProgressPrinter
from cccform.render.style import Style
from cccform.render.views import Terminal
from cccform.state.lock import parse_duration

ColorMode = Literal["auto", "always", "never"]
COLOR_MODES: tuple[ColorMode, ...] = ("auto", "always", "never")


@dataclass
class Context:
    color: ColorMode = "auto"

    @property
    def out(self) -> TextIO:
        return printable_stream(sys.stdout)

    @property
    def err(self) -> TextIO:
        return printable_stream(sys.stderr)

    def style(self, stream: TextIO | None = None) -> Style:
        return stream_style(stream or self.out, self.color)

    def terminal(self) -> Terminal:
        """The streams of this invocation, for the command's view."""
        return Terminal(self.out, self.err, self.style)

    def progress(self) -> RunProgressPrinter:
        """Where a run says what it waits for (the lock, the refresh): stderr."""
        return RunProgressPrinter(self.err, terminal=self.err.isatty())

    @staticmethod
    def interactive() -> bool:
        return sys.stdin.isatty()


def printable_stream(raw: TextIO) -> TextIO:
    """`raw` for human views: no control character from a file reaches the terminal raw."""
    return cast(TextIO, PrintableStream(raw))


def stream_style(stream: object, color: ColorMode = "auto") -> Style:
    """Colour for `stream`: `always` or `never` as told; else on for a terminal.

    An empty NO_COLOR or FORCE_COLOR is unset (no-color.org, force-color.org); NO_COLOR
    wins over FORCE_COLOR, as in CPython's own colour rules.
    """
    if color != "auto":
        return Style(color=color == "always")
    if os.environ.get("NO_COLOR"):
        return Style(color=False)
    if os.environ.get("FORCE_COLOR"):
        return Style(color=True)
    return Style(color=bool(getattr(stream, "isatty", lambda: False)()))


def color_options() -> list[click.Parameter]:
    """`--no-color` and `--color=WHEN`, for the group and every command.

    After the command too (`cccform plan --no-color`), where Terraform users type it.
    """
    return [
        click.Option(
            ["--no-color"],
            is_flag=True,
            expose_value=False,
            callback=_set_no_color,
            help="Plain output, no colour (the same as --color=never).",
        ),
        click.Option(
            ["--color"],
            type=click.Choice(COLOR_MODES),
            metavar="WHEN",
            expose_value=False,
            callback=_set_color,
            help="When to colour: auto (the default: on a terminal; NO_COLOR turns it off, "
            "FORCE_COLOR on), always or never.",
        ),
    ]


def _set_no_color(click_ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if value:
        _choose_color(click_ctx, "never")


def _set_color(click_ctx: click.Context, _param: click.Parameter, value: ColorMode | None) -> None:
    if value is not None:
        _choose_color(click_ctx, value)


def _choose_color(click_ctx: click.Context, color: ColorMode) -> None:
    ctx = click_ctx.ensure_object(Context)
    if ctx.color not in ("auto", color):
        raise click.UsageError(
            f"colour is set twice, to {ctx.color} and to {color}: "
            "give one of --no-color and --color=WHEN"
        )
    ctx.color = color


def color_from_args(args: Sequence[str]) -> ColorMode:
    """The colour the command line asks for, read before click parses it (for its errors)."""
    color: ColorMode = "auto"
    for arg, following in zip(args, [*args[1:], ""], strict=True):
        if arg == "--":
            break
        value = following if arg == "--color" else arg.removeprefix("--color=")
        if arg == "--no-color":
            color = "never"
        elif arg.startswith("--color") and value in COLOR_MODES:
            color = value
    return color


pass_context = click.make_pass_decorator(Context, ensure=True)


def lock_timeout_option(func: click.decorators.FC) -> click.decorators.FC:
    return click.option(
        "--lock-timeout",
        default="0",
        metavar="DURATION",
        callback=_parse_lock_timeout,
        help="How long to wait for the state lock (e.g. 30s, 5m). Default 0: fail at once.",
    )(func)


def parallelism_option(
    default: int | None = DEFAULT_PARALLELISM, shown: str | None = None
) -> Callable[[click.decorators.FC], click.decorators.FC]:
    """`--parallelism N`: how many calls at once, the pages of a List included; `shown` says
    what the default is when it depends on more than the option (`default` None)."""
    said = "" if shown is None else f" Default: {shown}."
    return click.option(
        "--parallelism",
        default=default,
        show_default=shown is None,
        type=click.IntRange(1, MAX_PARALLELISM),
        help="How many API calls may run at once (List pages included); the API's "
        f"per-operation quotas pace them too.{said}",
    )


def lock_option(func: click.decorators.FC) -> click.decorators.FC:
    """`--lock=false`: a read-only command runs without the state lock (with a warning)."""
    return click.option(
        "--lock",
        type=click.BOOL,
        default=True,
        show_default=True,
        metavar="BOOLEAN",
        help="Take the state lock. --lock=false reads without it, for drift checks from a "
        "read-only checkout; the result may race an apply running at the same time.",
    )(func)


UNLOCKED_WARNING = (
    "Warning: running without the state lock (--lock=false): an apply running at the same "
    "time may change the state while this reads it, so the result may be out of date.\n"
)


def _parse_lock_timeout(_ctx: click.Context, _param: click.Parameter, raw: str) -> float:
    try:
        return parse_duration(raw)
    except ValueError as error:
        raise click.BadParameter(str(error)) from error


def plan_mode_options(func: click.decorators.FC) -> click.decorators.FC:
    """`--target ADDRESS` and `--exclude ADDRESS`, repeatable: a partial plan;
    `--refresh-only`: only what changed outside cccform; `--refresh=false`: no refresh."""
    func = click.option(
        "--refresh",
        type=click.BOOL,
        default=True,
        show_default=True,
        metavar="BOOLEAN",
        help="Read what exists before planning. --refresh=false plans from the state alone "
        "(faster; blind to changes made outside cccform).",
    )(func)
    func = click.option(
        "--refresh-only",
        is_flag=True,
        help="Only show what changed outside cccform since the last apply; apply records it "
        "in the state and changes nothing live.",
    )(func)
    func = click.option(
        "--exclude",
        "excludes",
        multiple=True,
        metavar="ADDRESS",
        callback=_parse_addresses,
        help="Leave out ADDRESS (an instance: with its contents) and what depends on it. "
        "Repeatable.",
    )(func)
    return click.option(
        "--target",
        "targets",
        multiple=True,
        metavar="ADDRESS",
        callback=_parse_addresses,
        help="Plan only ADDRESS (an instance: with its contents) and what it depends on. "
        "Repeatable.",
    )(func)


def plan_mode(
    targets: tuple[Address, ...], excludes: tuple[Address, ...], refresh_only: bool, refresh: bool
) -> PlanMode:
    if refresh_only and not refresh:
        raise UsageError(
            "--refresh-only shows what a refresh finds, and --refresh=false skips the refresh: "
            "choose one."
        )
    selection = Selection(targets=targets, excludes=excludes)
    return PlanMode(selection, refresh_only=refresh_only, refresh=refresh)


def _parse_addresses(
    _ctx: click.Context, _param: click.Parameter, raw: tuple[str, ...]
) -> tuple[Address, ...]:
    try:
        return tuple(Address.parse(text) for text in raw)
    except ValueError as error:
        raise click.BadParameter(str(error)) from error


def path_argument(func: click.decorators.FC) -> click.decorators.FC:
    return click.argument("path", required=False, default=".", type=click.Path(path_type=str))(func)
