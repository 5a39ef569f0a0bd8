"""Options and argument handling shared by the commands that connect to a target.

deploy, revert, verify, rebase, checkout and upgrade take the same target,
database and script-runner options (Sqitch's ConnectingCommand role) and some
of the same deploy/revert switches; they are declared once here.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import click

from sqlitch.app import App
from sqlitch.cli.command import PerlInt, PerlPort
from sqlitch.cli.target_options import hash_option_pairs, variables_option

if TYPE_CHECKING:
    from sqlitch.cli.args import ParsedArgs
    from sqlitch.services.deploy import ConnectOptions
    from sqlitch.target import ConnectionParts, Target, TargetOption


def connect_options(func: Any) -> Any:
    """Options of every command that connects to a target."""
    options: list[Callable[[Any], Any]] = [
        click.option("-t", "--target", metavar="<target>", help="Target name or URI."),
        variables_option,
        database_options,
        click.option("-f", "--plan-file", "plan_file", metavar="<file>", help="Plan file."),
        click.option("--top-dir", "top_dir", metavar="<dir>", help="Project directory."),
        runner_option,
    ]
    for option in reversed(options):
        func = option(func)
    return func


def runner_option(func: Any) -> Any:
    return click.option(
        "--runner",
        type=click.Choice(["client", "driver"]),
        metavar="<runner>",
        help="Run scripts with the client or the built-in driver.",
    )(func)


def database_options(func: Any) -> Any:
    """Sqitch's ConnectingCommand options: registry, client and connection parts.

    status, log and check take them too in Sqitch, so rejecting them there
    would break working command lines.
    """
    options: list[Callable[[Any], Any]] = [
        click.option("--registry", metavar="<registry>", help="Registry schema or database."),
        click.option("--client", "--db-client", "client", metavar="<path>", help="Client program."),
        click.option("-d", "--db-name", "db_name", metavar="<name>", help="Database name."),
        click.option(
            "-u", "--db-user", "--db-username", "db_user", metavar="<user>", help="User name."
        ),
        click.option("-h", "--db-host", "db_host", metavar="<host>", help="Server host."),
        click.option(
            "-p", "--db-port", "db_port", type=PerlPort(), metavar="<port>", help="Server port."
        ),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def database_overrides(opts: dict[str, Any]) -> dict[TargetOption, str]:
    """Pop --registry/--client out of ``opts`` as target settings."""
    given: dict[TargetOption, str | None] = {
        "registry": opts.pop("registry", None),
        "client": opts.pop("client", None),
    }
    return {key: value for key, value in given.items() if value}


def connection_parts(opts: dict[str, Any]) -> ConnectionParts:
    """Pop -u/-h/-p/-d out of ``opts``: the URI parts they replace."""
    from sqlitch.target import ConnectionParts

    return ConnectionParts(
        user=opts.pop("db_user", None),
        host=opts.pop("db_host", None),
        port=opts.pop("db_port", None),
        dbname=opts.pop("db_name", None),
    )


def with_connection_parts(targets: Sequence[Target], parts: ConnectionParts) -> list[Target]:
    """The targets with -u/-h/-p/-d applied, as Sqitch passes them to every target."""
    from sqlitch.target import with_connection

    return [with_connection(target, parts) for target in targets]


def parse_pairs(long: str, short: str, values: Sequence[str], usage: str) -> dict[str, str]:
    """``key=value`` values of a hash option such as -s/--set."""
    return dict(hash_option_pairs(values, long, short, usage))


def build_connect(usage: str, opts: dict[str, Any]) -> ConnectOptions:
    """Pop the connecting options out of ``opts`` into a ConnectOptions."""
    from sqlitch.services.deploy import ConnectOptions

    return ConnectOptions(
        target=opts.pop("target"),
        plan_file=opts.pop("plan_file"),
        top_dir=opts.pop("top_dir"),
        registry=opts.pop("registry"),
        client=opts.pop("client"),
        connection=connection_parts(opts),
        runner=opts.pop("runner"),
        variables=parse_pairs("set", "s", opts.pop("variables"), usage),
    )


def target_overrides(conn: ConnectOptions) -> dict[TargetOption, str]:
    """The target settings given as options, for parse_args."""
    given: dict[TargetOption, str | None] = {
        "plan_file": conn.plan_file,
        "top_dir": conn.top_dir,
        "registry": conn.registry,
        "client": conn.client,
    }
    return {key: value for key, value in given.items() if value}


def parse_connect_args(
    app: App, name: str, args: Sequence[str], conn: ConnectOptions, **kwargs: Any
) -> ParsedArgs:
    """Positional arguments of a connecting command, with its target options applied."""
    from sqlitch.cli.args import parse_args

    return parse_args(
        name,
        app.config,
        args,
        env=app.env,
        target=conn.target,
        overrides=target_overrides(conn),
        **kwargs,
    )


def mode_option(func: Any) -> Any:
    return click.option(
        "--mode", metavar="<mode>", help="What to undo on failure: all, tag or change."
    )(func)


def verify_option(func: Any) -> Any:
    return click.option(
        "--verify/--no-verify", default=None, help="Run verify scripts after each change."
    )(func)


def atomic_option(func: Any) -> Any:
    return click.option(
        "--atomic/--no-atomic",
        default=None,
        help="All changes in one transaction: any failure undoes them all (SQLite, PostgreSQL;"
        " driver runner).",
    )(func)


def preview_options(verb: str) -> Callable[[Any], Any]:
    """--dry-run and --sql for a command that deploys or reverts (``verb``)."""

    def add(func: Any) -> Any:
        func = click.option(
            "--sql",
            "sql",
            metavar="<file>",
            help=f"Write the {verb} as an SQL script for the client (- for stdout);"
            " change nothing.",
        )(func)
        return click.option(
            "--dry-run",
            "dry_run",
            is_flag=True,
            help=f"Show what would be {verb}ed; change nothing.",
        )(func)

    return add


def log_only_option(help: str) -> Callable[[Any], Any]:
    return click.option("--log-only", "log_only", is_flag=True, help=help)


def lock_timeout_option(func: Any) -> Any:
    return click.option(
        "--lock-timeout",
        "lock_timeout",
        type=PerlInt(),
        metavar="<timeout>",
        help="Seconds to wait for the target lock.",
    )(func)


def no_prompt_option(func: Any) -> Any:
    return click.option(
        "-y", "no_prompt", is_flag=True, default=None, help="Do not ask for confirmation."
    )(func)
