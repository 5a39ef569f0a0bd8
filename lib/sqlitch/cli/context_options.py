"""-f/--plan-file and --top-dir, and target resolution, for commands that read plans.

add, tag, rework, show, bundle, status and check take a plan file and the
deprecated --top-dir (Sqitch's ContextCommand role) instead of the full
target options of the connecting commands.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import click

from sqlitch.app import App
from sqlitch.errors import SqlitchError
from sqlitch.services.context import warn_top_dir

if TYPE_CHECKING:
    from sqlitch.cli.args import ParsedArgs
    from sqlitch.target import TargetOption


def context_options(func: Any) -> Any:
    """-f/--plan-file and --top-dir, which every plan-editing command takes."""
    func = click.option("--top-dir", "top_dir", metavar="<dir>", help="Deprecated: use --chdir.")(
        func
    )
    return click.option(
        "-f", "--plan-file", "plan_file", metavar="<file>", help="Plan file to use."
    )(func)


def plan_overrides(opts: Mapping[str, Any]) -> dict[TargetOption, str]:
    """The target settings -f/--plan-file and --top-dir give."""
    overrides: dict[TargetOption, str] = {}
    if opts.get("plan_file"):
        overrides["plan_file"] = opts["plan_file"]
    if opts.get("top_dir"):
        overrides["top_dir"] = opts["top_dir"]
    return overrides


def context_overrides(app: App, name: str, opts: Mapping[str, Any]) -> dict[TargetOption, str]:
    """--plan-file and the deprecated --top-dir (warned about), as target settings."""
    warn_top_dir(app, name, opts.get("top_dir"))
    return plan_overrides(opts)


def resolve_targets(
    app: App,
    command_name: str,
    args: Sequence[str],
    names: Sequence[str | None],
    opts: Mapping[str, Any],
) -> ParsedArgs:
    """Positional arguments as targets and names, with --all, -f and --top-dir applied."""
    from sqlitch.cli.args import parse_args

    return parse_args(
        command_name,
        app.config,
        list(args),
        env=app.env,
        names=list(names),
        all_targets=bool(opts["all_"]),
        no_changes=True,
        overrides=plan_overrides(opts),
    )


def reject_target_name(
    parsed: ParsedArgs, args: Sequence[str], command_name: str, noun: str
) -> None:
    """Fail when an argument read as a target was likely meant as the ``noun`` name."""
    for target in parsed.targets:
        if target.name in args:
            raise SqlitchError(
                f'Name "{target.name}" identifies a target; use "--{noun} {target.name}" '
                f"to use it for the {noun} name",
                ident=command_name,
            )


def editor_option(func: Callable[..., Any]) -> Any:
    return click.option(
        "--open-editor/--no-open-editor",
        "--edit/--no-edit",
        "-e",
        "open_editor",
        default=None,
        help="Open the new scripts in an editor.",
    )(func)
