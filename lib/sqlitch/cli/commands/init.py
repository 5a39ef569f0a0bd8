"""`sqlitch init <project>`: create sqitch.conf, the plan and script directories."""

from __future__ import annotations

from typing import Any

import click

from sqlitch.app import App
from sqlitch.cli.command import SqitchCommand, command
from sqlitch.cli.target_options import split_pairs, target_options, usage_failure

HELP = """\
Start a project in the current directory: write a sqitch.conf recording the
engine and any settings given here, write an empty plan naming the project,
and create the deploy, revert and verify script directories. Existing files
are left alone as long as they belong to the same project.
"""

USAGE = ["init <project>", "init <project> --uri <uri>"]


@command("init", usage=USAGE, help=HELP)
@click.argument("args", nargs=-1)
@target_options(
    click.option("--uri", metavar="<uri>", help="URI identifying the project."),
    click.option("--engine", metavar="<engine>", help="Database engine."),
    click.option("--target", metavar="<target>", help="Target name or URI."),
)
def init_command(app: App, args: tuple[str, ...], **opts: Any) -> int:
    from sqlitch.services.init import build_properties, init_project

    usage = _usage()
    dirs = split_pairs("dir", opts.pop("dirs"), usage)
    variables = split_pairs("set", opts.pop("variables"), usage)
    uri = opts.pop("uri")
    props = build_properties("init", dirs=dirs, variables=variables, **opts)
    if not args or not args[0]:
        raise usage_failure(usage)
    init_project(app, props, args[0], uri)
    return 0


def _usage() -> str:
    cmd: SqitchCommand = init_command
    return cmd.usage_text()


command = init_command
