"""`sqlitch tag [<tag> [<change>]]`: tag a change, or list the plan's tags."""

from __future__ import annotations

from typing import Any

import click

from sqlitch.app import App
from sqlitch.cli.command import command
from sqlitch.cli.context_options import (
    context_options,
    reject_target_name,
    resolve_targets,
)
from sqlitch.services.context import warn_top_dir

HELP = """\
With a tag name, add that tag to the last change of the plan, or to the
change given with --change or as the second argument. Without one, print
every tag in the plan. Without --note, an editor opens to ask for a note.
"""

USAGE = ["tag [options] <tagname> [<change>] [<target>]"]


@command("tag", usage=USAGE, help=HELP)
@click.argument("args", nargs=-1)
@click.option("-t", "--tag", "--tag-name", "tag_name", metavar="<tag>", help="Tag to add.")
@click.option("-c", "--change", "--change-name", "change_name", metavar="<change>",
              help="Change to tag (default: the last one).")  # fmt: skip
@click.option("--all/--no-all", "-a", "all_", default=None, help="Tag every plan of the project.")
@click.option("-n", "-m", "--note", "notes", multiple=True, metavar="<text>",
              help="Note paragraph (repeatable).")  # fmt: skip
@context_options
def tag_command(app: App, args: tuple[str, ...], **opts: Any) -> int:
    from sqlitch.services.tag import add_tag, list_tags

    warn_top_dir(app, "tag", opts["top_dir"])
    parsed = resolve_targets(app, "tag", args, [opts["tag_name"], opts["change_name"]], opts)
    name, change = parsed.names
    if name is not None:
        add_tag(app, name, change, list(opts["notes"]), parsed.targets)
        return 0
    if args:
        reject_target_name(parsed, args, "tag", "tag")
    list_tags(app, parsed.targets)
    return 0


command = tag_command
