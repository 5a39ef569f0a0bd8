"""`sqlitch help [<command>]`: the command list, or one command's help."""

from __future__ import annotations

import click

from sqlitch.app import App
from sqlitch.cli.command import command, program_name
from sqlitch.errors import hurl

HELP = """\
Without an argument, list the commands. With a command name, show how to
call that command and what each of its options does.
"""


@command("help", usage=["help [<command>]"], help=HELP)
@click.argument("topics", nargs=-1)
def help_command(app: App, topics: tuple[str, ...]) -> int:
    from sqlitch.cli.main import COMMANDS, commands_overview, load_command

    if not topics:
        app.emit_literal(commands_overview())
        return 0
    topic = topics[0]
    if topic in COMMANDS:
        app.emit_literal(load_command(topic).full_help())
        return 0
    raise hurl(f"No manual entry for {program_name()}-{topic}", ident="help", exitval=1)


command = help_command
