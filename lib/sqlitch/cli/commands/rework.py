"""`sqlitch rework <change>`: start a new version of an already tagged change."""

from __future__ import annotations

from typing import Any

import click

from sqlitch.app import App
from sqlitch.cli.command import command
from sqlitch.cli.context_options import context_options, editor_option, resolve_targets
from sqlitch.cli.target_options import usage_failure
from sqlitch.services.context import warn_top_dir

HELP = """\
Add a change that is already in the plan once more, after a tag. Its current
scripts are kept as name@tag copies, the new revert script starts as the old
deploy script, and the new plan entry requires the previous version. Edit the
scripts afterwards to make the change.
"""

USAGE = ["rework [options] changename"]


@command("rework", usage=USAGE, help=HELP)
@click.argument("args", nargs=-1)
@click.option("-c", "--change", "--change-name", "change_name", metavar="<name>",
              help="Change to rework.")  # fmt: skip
@click.option("-r", "--requires", multiple=True, metavar="<change>",
              help="A change the new version depends on.")  # fmt: skip
@click.option("-x", "--conflicts", multiple=True, metavar="<change>",
              help="A change the new version cannot coexist with.")  # fmt: skip
@click.option("--all/--no-all", "-a", "all_", default=None,
              help="Rework the change in every plan of the project.")  # fmt: skip
@click.option("-n", "-m", "--note", "notes", multiple=True, metavar="<text>",
              help="Note paragraph (repeatable).")  # fmt: skip
@editor_option
@context_options
def rework_command(app: App, args: tuple[str, ...], **opts: Any) -> int:
    from sqlitch.services.rework import ReworkRequest, rework_change

    warn_top_dir(app, "rework", opts["top_dir"])
    parsed = resolve_targets(app, "rework", args, [opts["change_name"]], opts)
    name = parsed.names[0]
    if not name:
        raise usage_failure(rework_command.usage_text())
    open_editor = opts["open_editor"]
    if open_editor is None:
        configured = app.config.get("rework.open_editor", as_="bool")
        if configured is None:
            configured = app.config.get("add.open_editor", as_="bool")
        open_editor = bool(configured)
    request = ReworkRequest(
        name=name,
        requires=list(opts["requires"]),
        conflicts=list(opts["conflicts"]),
        notes=list(opts["notes"]),
        open_editor=open_editor,
    )
    rework_change(app, request, parsed.targets)
    return 0


command = rework_command
