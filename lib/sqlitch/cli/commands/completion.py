"""`sqlitch completion <shell>`: print a shell completion script."""

from __future__ import annotations

import click

from sqlitch.app import App
from sqlitch.cli.command import UsageFailure, command, program_name

HELP = """\
Print the completion script for bash, zsh or fish. Once loaded, Tab completes
commands, their options, target and engine names from the configuration, and
change names and tags from the plan:

    eval "$(sqlitch completion bash)"      # in ~/.bashrc
    eval "$(sqlitch completion zsh)"       # in ~/.zshrc, after compinit
    sqlitch completion fish > ~/.config/fish/completions/sqlitch.fish

The script asks "sqlitch __complete <words>" for the candidates, so it
follows the project it is used in.
"""

USAGE = ["completion bash|zsh|fish"]


@command("completion", usage=USAGE, help=HELP)
@click.argument("args", nargs=-1)
def completion_command(app: App, args: tuple[str, ...]) -> int:
    from sqlitch.cli.completion import SHELLS, script

    if len(args) != 1 or args[0] not in SHELLS:
        message = f'Unknown shell "{args[0]}"; use bash, zsh or fish' if args else ""
        raise UsageFailure(message, completion_command.usage_text())
    app.emit_literal(script(args[0], program_name()))
    return 0


command = completion_command
