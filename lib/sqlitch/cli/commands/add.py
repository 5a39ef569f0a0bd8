"""`sqlitch add <change>`: add a change to the plan and create its scripts."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import click

from sqlitch.app import App
from sqlitch.cli.command import HashOption, command
from sqlitch.cli.context_options import (
    context_options,
    editor_option,
    reject_target_name,
    resolve_targets,
)
from sqlitch.cli.target_options import hash_option_pairs, usage_failure
from sqlitch.services.context import warn_top_dir

if TYPE_CHECKING:
    from sqlitch.templating import Value

HELP = """\
Append a change to the plan and write its deploy, revert and verify scripts
from templates. Templates are looked up per script type in --use, the
add.templates.* settings, --template-directory, ~/.sqitch/templates and the
system template directory; the engine's name (or --template) picks the file.
Templates may use [% project %], [% change %], [% engine %], the lists
[% requires %] and [% conflicts %], and any --set variable. Without --note,
an editor opens to ask for one.
"""

USAGE = ["add [options] [template options] <change> [<target>]"]


def collect_variables(pairs: Sequence[tuple[str, str]]) -> dict[str, Value]:
    """--set values; a key given more than once becomes a list."""
    found: dict[str, Value] = {}
    for key, value in pairs:
        if key in found:
            previous = found[key]
            found[key] = [*previous, value] if isinstance(previous, list) else [previous, value]
        else:
            found[key] = value
    return found


@command("add", usage=USAGE, help=HELP)
@click.argument("args", nargs=-1)
@click.option("-c", "--change", "--change-name", "change_name", metavar="<name>",
              help="Name of the new change.")  # fmt: skip
@click.option("-r", "--requires", multiple=True, metavar="<change>",
              help="A change this one depends on.")  # fmt: skip
@click.option("-x", "--conflicts", multiple=True, metavar="<change>",
              help="A change this one cannot coexist with.")  # fmt: skip
@click.option("-n", "-m", "--note", "notes", multiple=True, metavar="<text>",
              help="Note paragraph (repeatable).")  # fmt: skip
@click.option("--all/--no-all", "-a", "all_", default=None,
              help="Add to every plan of the project.")  # fmt: skip
@click.option("-t", "--template", "--template-name", "template_name", metavar="<name>",
              help="Template file name to use instead of the engine's.")  # fmt: skip
@click.option("--template-directory", metavar="<dir>", help="Extra template directory.")
@click.option("--with", "with_", multiple=True, metavar="<type>", help="Create this script.")
@click.option("--without", multiple=True, metavar="<type>", help="Skip this script.")
@click.option("--use", multiple=True, metavar="<type>=<path>", cls=HashOption,
              help="Template file for one script type.")  # fmt: skip
@click.option("-s", "--set", "variables", multiple=True, metavar="<key>=<value>", cls=HashOption,
              help="Template variable.")  # fmt: skip
@editor_option
@context_options
def add_command(app: App, args: tuple[str, ...], **opts: Any) -> int:
    from sqlitch.services.add import (
        AddRequest,
        add_change,
        check_template_directory,
        configured_templates,
    )

    usage = add_command.usage_text()
    variables = collect_variables(hash_option_pairs(opts["variables"], "set", "s", usage))
    use = hash_option_pairs(opts["use"], "use", None, usage)
    warn_top_dir(app, "add", opts["top_dir"])
    config = app.config

    directory = opts["template_directory"] or config.get("add.template_directory")
    template_directory = check_template_directory(str(directory)) if directory else None
    template_name = opts["template_name"] or config.get("add.template_name")
    templates = configured_templates(config, use)
    with_scripts = {"deploy": True, "revert": True, "verify": True}
    with_scripts.update(dict.fromkeys(opts["with_"], True))
    with_scripts.update(dict.fromkeys(opts["without"], False))
    open_editor = opts["open_editor"]
    if open_editor is None:
        open_editor = bool(config.get("add.open_editor", as_="bool"))

    if not args and not opts["change_name"]:
        raise usage_failure(usage)
    parsed = resolve_targets(app, "add", args, [opts["change_name"]], opts)
    name = parsed.names[0]
    if name is None:
        reject_target_name(parsed, args, "add", "change")
        raise usage_failure(usage)

    request = AddRequest(
        name=name,
        requires=list(opts["requires"]),
        conflicts=list(opts["conflicts"]),
        notes=list(opts["notes"]),
        template_name=str(template_name) if template_name else None,
        template_directory=template_directory,
        templates=templates,
        with_scripts=with_scripts,
        variables={**config.get_section("add.variables"), **variables},
        open_editor=open_editor,
    )
    add_change(app, request, parsed.targets)
    return 0


command = add_command
