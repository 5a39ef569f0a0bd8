"""`sqlitch deploy [options] [<database>]`: apply undeployed changes to a database."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from sqlitch.app import App
from sqlitch.cli.command import SqitchCommand, command, json_option
from sqlitch.cli.connect_options import (
    atomic_option,
    build_connect,
    connect_options,
    lock_timeout_option,
    log_only_option,
    mode_option,
    parse_connect_args,
    preview_options,
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
With the driver runner on SQLite and PostgreSQL each change and its registry
record commit together; --atomic (or deploy.atomic) makes the whole deploy one
transaction that any failure rolls back entirely.
--dry-run makes the same checks and lists what would be deployed, changing
nothing (no registry, no lock, no script run). --sql <file> (- for stdout)
writes the deploy as one SQL script for the database's client instead: the
change scripts in order, each followed by its registry rows.
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
@atomic_option
@preview_options("deploy")
@json_option("Print JSON lines: one per change, then a summary (docs/json-output.md).")
def deploy_command(app: App, args: tuple[str, ...], **opts: Any) -> int:
    from sqlitch.services.deploy import deploy

    cmd: SqitchCommand = deploy_command
    opts.pop("json_")  # read while parsing: app.json
    conn = build_connect(cmd.usage_text(), opts)
    parsed = parse_connect_args(app, "deploy", args, conn)
    deploy(app, parsed, conn, **opts)
    return 0


command = deploy_command
