"""`sqlitch upgrade [options] [<database>]`: upgrade a target's registry."""

from __future__ import annotations

from typing import Any

import click

from sqlitch.app import App
from sqlitch.cli.command import command
from sqlitch.cli.connect_options import (
    connection_parts,
    database_options,
    database_overrides,
    runner_option,
    with_connection_parts,
)

HELP = """\
Bring the Sqitch registry of a target database up to the latest registry
release, running each upgrade step in turn. A registry that is already
current is left alone.
"""

USAGE = ["upgrade [options] [<database>]"]


@command("upgrade", usage=USAGE, help=HELP)
@click.argument("args", nargs=-1)
@click.option("-t", "--target", metavar="<target>", help="Target name or URI.")
@database_options
@runner_option
def upgrade_command(app: App, args: tuple[str, ...], **opts: Any) -> int:
    from sqlitch.cli.args import parse_args
    from sqlitch.services.upgrade import upgrade

    overrides = database_overrides(opts)
    parts = connection_parts(opts)
    parsed = parse_args(
        "upgrade", app.config, args, env=app.env, target=opts["target"], overrides=overrides
    )
    upgrade(app, with_connection_parts(parsed.targets, parts), runner=opts["runner"])
    return 0


command = upgrade_command
