"""`sqlitch upgrade [options] [<database>]`: upgrade a target's registry."""

from __future__ import annotations

from typing import Any

import click

from sqlitch.app import App
from sqlitch.cli.command import command

HELP = """\
Bring the Sqitch registry of a target database up to the latest registry
release, running each upgrade step in turn. A registry that is already
current is left alone.
"""

USAGE = ["upgrade [options] [<database>]"]


@command("upgrade", usage=USAGE, help=HELP)
@click.argument("args", nargs=-1)
@click.option("-t", "--target", metavar="<target>", help="Target name or URI.")
@click.option("--registry", metavar="<registry>", help="Registry schema or database.")
@click.option("--client", "--db-client", "client", metavar="<path>", help="Client program.")
@click.option("-d", "--db-name", "db_name", metavar="<name>", help="Database name.")
@click.option("-u", "--db-user", "--db-username", "db_user", metavar="<user>", help="User name.")
@click.option("-h", "--db-host", "db_host", metavar="<host>", help="Server host.")
@click.option("-p", "--db-port", "db_port", type=int, metavar="<port>", help="Server port.")
@click.option(
    "--runner",
    type=click.Choice(["client", "driver"]),
    metavar="<runner>",
    help="Run upgrade scripts with the client or the built-in driver.",
)
def upgrade_command(app: App, args: tuple[str, ...], **opts: Any) -> int:
    from sqlitch.cli.args import parse_args
    from sqlitch.services.upgrade import upgrade
    from sqlitch.target import TargetOption

    given: dict[TargetOption, str | None] = {
        "registry": opts["registry"],
        "client": opts["client"],
    }
    overrides: dict[TargetOption, str] = {k: v for k, v in given.items() if v}
    parsed = parse_args(
        "upgrade", app.config, args, env=app.env, target=opts["target"], overrides=overrides
    )
    upgrade(app, parsed.targets, db_name=opts["db_name"], runner=opts["runner"])
    return 0


command = upgrade_command
