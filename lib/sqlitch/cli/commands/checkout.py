"""`sqlitch checkout [options] [<database>] <branch>`: revert, switch VCS branch, deploy."""

from __future__ import annotations

from typing import Any

import click

from sqlitch.app import App
from sqlitch.cli.command import SqitchCommand, UsageFailure, command, json_option
from sqlitch.cli.commands.rebase import build_revert_deploy, revert_deploy_options
from sqlitch.cli.connect_options import build_connect, parse_connect_args

HELP = """\
Switch the project to another Git branch and bring the database along:
revert the changes deployed after the last change both branches' plans
share, run `git checkout <branch>`, then deploy the other branch's plan.
The other plan is read from Git before switching. core.vcs.client names
the Git program. Takes the same options as rebase, but no changes.
--dry-run lists what would be reverted and deployed, changing nothing (Git
does not switch branches).
"""

USAGE = ["checkout [options] [<database>] <branch>"]


@command("checkout", usage=USAGE, help=HELP)
@click.argument("args", nargs=-1)
@revert_deploy_options
@click.option(
    "--dry-run", "dry_run", is_flag=True, help="Show what would be reverted and deployed."
)
@json_option("Print JSON lines: one per change of each half, then a summary (docs/json-output.md).")
def checkout_command(app: App, args: tuple[str, ...], **opts: Any) -> int:
    from sqlitch.services.checkout import checkout
    from sqlitch.services.rebase import check_strict

    cmd: SqitchCommand = checkout_command
    opts.pop("json_")  # read while parsing: app.json
    usage = cmd.usage_text()
    conn = build_connect(usage, opts)
    options = build_revert_deploy(usage, opts)
    check_strict(app, "checkout")
    parsed = parse_connect_args(app, "checkout", args, conn, names=[None], no_changes=True)
    branch = parsed.names[0]
    if not branch:
        raise UsageFailure("", usage)
    checkout(app, parsed, conn, options, branch=branch, dry_run=opts.pop("dry_run"))
    return 0


command = checkout_command
