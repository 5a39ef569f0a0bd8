"""`sqlitch rebase [options] [<database>] [<onto>] [<upto>]`: revert, then deploy again."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import click

from sqlitch.app import App
from sqlitch.cli.command import HashOption, SqitchCommand, command, json_option
from sqlitch.cli.connect_options import (
    build_connect,
    connect_options,
    lock_timeout_option,
    log_only_option,
    mode_option,
    no_prompt_option,
    parse_connect_args,
    parse_pairs,
    verify_option,
)

if TYPE_CHECKING:
    from sqlitch.services.rebase import RevertDeployOptions

HELP = """\
Revert the deployed changes back to a change, then deploy again up to a
change: --onto-change (or the first change argument; all changes when
none) and --upto-change (or the second; the end of the plan when none).
With --modified, revert back to just before the first deployed change
whose deploy script differs from the plan. -e/--set-deploy and
-r/--set-revert give variables to one half only; --set to both. The revert
half asks for confirmation unless -y is given or rebase.no_prompt is set.
--dry-run lists what each half would revert and deploy, after the same
checks, asking nothing and changing nothing.
"""

USAGE = ["rebase [options] [<database>] [<onto-change>] [<upto-change>]"]


def revert_deploy_options(func: Any) -> Any:
    """Options of the commands that revert and then deploy (rebase, checkout)."""
    options: list[Callable[[Any], Any]] = [
        mode_option,
        verify_option,
        click.option(
            "-e",
            "--set-deploy",
            "set_deploy",
            multiple=True,
            metavar="<key=value>",
            help="A client variable for deploying only.",
            cls=HashOption,
        ),
        click.option(
            "-r",
            "--set-revert",
            "set_revert",
            multiple=True,
            metavar="<key=value>",
            help="A client variable for reverting only.",
            cls=HashOption,
        ),
        log_only_option("Record changes without running them."),
        lock_timeout_option,
        no_prompt_option,
    ]
    for option in reversed(options):
        func = option(func)
    return connect_options(func)


def build_revert_deploy(usage: str, opts: dict[str, Any]) -> RevertDeployOptions:
    """Pop the revert-and-deploy options out of ``opts``."""
    from sqlitch.services.rebase import RevertDeployOptions

    return RevertDeployOptions(
        mode=opts.pop("mode"),
        verify=opts.pop("verify"),
        no_prompt=opts.pop("no_prompt"),
        log_only=opts.pop("log_only"),
        lock_timeout=opts.pop("lock_timeout"),
        deploy_variables=parse_pairs("set-deploy", "e", opts.pop("set_deploy"), usage),
        revert_variables=parse_pairs("set-revert", "r", opts.pop("set_revert"), usage),
    )


@command("rebase", usage=USAGE, help=HELP)
@click.argument("args", nargs=-1)
@revert_deploy_options
@click.option(
    "--onto-change", "--onto", "onto_change", metavar="<change>", help="Revert back to this change."
)
@click.option(
    "--upto-change", "--upto", "upto_change", metavar="<change>", help="Deploy up to this change."
)
@click.option("-m", "--modified", is_flag=True, help="Revert from the first modified change.")
@click.option(
    "--dry-run", "dry_run", is_flag=True, help="Show what would be reverted and deployed."
)
@json_option("Print JSON lines: one per change of each half, then a summary (docs/json-output.md).")
def rebase_command(app: App, args: tuple[str, ...], **opts: Any) -> int:
    from sqlitch.services.rebase import check_strict, rebase

    cmd: SqitchCommand = rebase_command
    opts.pop("json_")  # read while parsing: app.json
    usage = cmd.usage_text()
    conn = build_connect(usage, opts)
    options = build_revert_deploy(usage, opts)
    check_strict(app, "rebase")
    parsed = parse_connect_args(app, "rebase", args, conn)
    rebase(app, parsed, conn, options, **opts)
    return 0


# Getopt::Long names a hash option as typed (-e or --set-deploy) in errors.
command = rebase_command
