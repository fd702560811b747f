"""`cccform completion bash|zsh|fish`: the shell completion script, made by click."""

from __future__ import annotations

import click
from click.shell_completion import get_completion_class

from cccform.cli.context import Context, pass_context
from cccform.cli.exit_codes import OK

SHELLS = ("bash", "zsh", "fish")
# The variable click's completion reads: `_<PROG>_COMPLETE`, as the scripts call it.
COMPLETE_VAR = "_CCCFORM_COMPLETE"


@click.command()
@click.argument("shell", type=click.Choice(SHELLS))
@click.pass_context
@pass_context
def completion(ctx: Context, click_ctx: click.Context, shell: str) -> int:
    """Print the completion script for SHELL.

    \b
    bash: eval "$(cccform completion bash)"   (in ~/.bashrc)
    zsh:  eval "$(cccform completion zsh)"    (in ~/.zshrc)
    fish: cccform completion fish > ~/.config/fish/completions/cccform.fish
    """
    shell_class = get_completion_class(shell)
    assert shell_class is not None  # click knows every shell of SHELLS
    script = shell_class(click_ctx.find_root().command, {}, "cccform", COMPLETE_VAR).source()
    ctx.out.write(script if script.endswith("\n") else script + "\n")
    return OK
