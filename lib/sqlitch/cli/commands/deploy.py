"""`sqlitch deploy [options] [<database>]`: apply undeployed changes to a database."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from sqlitch.app import App
from sqlitch.cli.command import SqitchCommand, command
from sqlitch.cli.connect_options import (
    build_connect,
    connect_options,
    lock_timeout_option,
    log_only_option,
    mode_option,
    parse_connect_args,
    verify_option,
)

if TYPE_CHECKING:
    pass

HELP = """\
Apply the plan's changes that the target database does not have yet, in plan
order, recording each one in the registry. With --to-change, stop after that
change. --mode decides what is undone when a change fails: everything this
run deployed (all), back to the last tag reached (tag), or nothing but the
failed change (change). --verify runs each change's verify script after its
deploy script; --log-only records the changes without running any script.
The registry is created on first use. --runner chooses between the database's
command-line client and SQLitch's built-in driver to run scripts.
"""

USAGE = ["deploy [options] [<database>]"]


@command("deploy", usage=USAGE, help=HELP)
@click.argument("args", nargs=-1)
@connect_options
@click.option(
    "--to-change",
    "--to",
    "--change",
    "to_change",
    metavar="<change>",
    help="Last change to deploy.",
)
@mode_option
@verify_option
@log_only_option("Record changes without running them.")
@lock_timeout_option
def deploy_command(app: App, args: tuple[str, ...], **opts: Any) -> int:
    from sqlitch.services.deploy import deploy

    cmd: SqitchCommand = deploy_command
    conn = build_connect(cmd.usage_text(), opts)
    parsed = parse_connect_args(app, "deploy", args, conn)
    deploy(app, parsed, conn, **opts)
    return 0


command = deploy_command
