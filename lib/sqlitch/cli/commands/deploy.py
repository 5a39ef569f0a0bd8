"""`sqlitch deploy [options] [<database>]`: apply undeployed changes to a database."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click

from sqlitch.app import App
from sqlitch.cli.command import SqitchCommand, command

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


def connect_options(func: Any) -> Any:
    """Options of every command that connects to a target."""
    options: list[Callable[[Any], Any]] = [
        click.option("-t", "--target", metavar="<target>", help="Target name or URI."),
        click.option(
            "-s",
            "--set",
            "variables",
            multiple=True,
            metavar="<key=value>",
            help="A client variable.",
        ),
        click.option("--registry", metavar="<registry>", help="Registry schema or database."),
        click.option("--client", "--db-client", "client", metavar="<path>", help="Client program."),
        click.option("-d", "--db-name", "db_name", metavar="<name>", help="Database name."),
        click.option(
            "-u", "--db-user", "--db-username", "db_user", metavar="<user>", help="User name."
        ),
        click.option("-h", "--db-host", "db_host", metavar="<host>", help="Server host."),
        click.option("-p", "--db-port", "db_port", type=int, metavar="<port>", help="Server port."),
        click.option("-f", "--plan-file", "plan_file", metavar="<file>", help="Plan file."),
        click.option("--top-dir", "top_dir", metavar="<dir>", help="Project directory."),
        click.option(
            "--runner",
            type=click.Choice(["client", "driver"]),
            metavar="<runner>",
            help="Run scripts with the client or the built-in driver.",
        ),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def build_connect(usage: str, opts: dict[str, Any]) -> Any:
    """Pop the connecting options out of ``opts`` into a ConnectOptions."""
    from sqlitch.cli.command import UsageFailure
    from sqlitch.services.deploy import ConnectOptions

    variables: dict[str, str] = {}
    for pair in opts.pop("variables"):
        key, eq, value = pair.partition("=")
        if not eq:
            raise UsageFailure(f'Option set, key "{key}", requires a value', usage)
        variables[key] = value

    return ConnectOptions(
        target=opts.pop("target"),
        plan_file=opts.pop("plan_file"),
        top_dir=opts.pop("top_dir"),
        registry=opts.pop("registry"),
        client=opts.pop("client"),
        db_name=opts.pop("db_name"),
        db_user=opts.pop("db_user"),
        db_host=opts.pop("db_host"),
        db_port=opts.pop("db_port"),
        runner=opts.pop("runner"),
        variables=variables,
    )


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
@click.option("--mode", metavar="<mode>", help="What to undo on failure: all, tag or change.")
@click.option("--verify/--no-verify", default=None, help="Run verify scripts after each change.")
@click.option("--log-only", "log_only", is_flag=True, help="Record changes without running them.")
@click.option(
    "--lock-timeout",
    "lock_timeout",
    type=int,
    metavar="<timeout>",
    help="Seconds to wait for the target lock.",
)
def deploy_command(app: App, args: tuple[str, ...], **opts: Any) -> int:
    from sqlitch.cli.args import parse_args
    from sqlitch.services.deploy import deploy

    cmd: SqitchCommand = deploy_command
    conn = build_connect(cmd.usage_text(), opts)
    parsed = parse_args("deploy", app.config, args, env=app.env, target=conn.target)
    deploy(app, parsed, conn, **opts)
    return 0


command = deploy_command
