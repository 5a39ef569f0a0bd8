"""`sqlitch bundle`: copy a project's config, plans and scripts into one directory."""

from __future__ import annotations

import dataclasses
from typing import Any, cast

import click

from sqlitch.app import App
from sqlitch.cli.command import command
from sqlitch.cli.context_options import context_overrides

HELP = """\
Gather what a deployment needs into one directory (default "bundle"): the
project configuration, each target's plan and the deploy, revert and verify
scripts of its changes. --from and --to (or pairs of change arguments after
each target) limit the plan and scripts to a range of changes.
"""

USAGE = ["bundle [options] [<engine>] [<plan>] [<target>]"]


@command("bundle", usage=USAGE, help=HELP)
@click.argument("args", nargs=-1)
@click.option("--dest-dir", "--dir", "dest_dir", metavar="<dir>", help="Directory to bundle into.")
@click.option("-a", "--all/--no-all", "all_", default=False, help="Bundle every target.")
@click.option("--from", "from_", metavar="<change>", help="First change to bundle.")
@click.option("--to", metavar="<change>", help="Last change to bundle.")
@click.option("-f", "--plan-file", "plan_file", metavar="<file>", help="Plan file to bundle.")
@click.option("--top-dir", "top_dir", metavar="<dir>", hidden=True)
def bundle_command(app: App, args: tuple[str, ...], **opts: Any) -> int:
    return _bundle(app, args, opts)


def _bundle(app: App, args: tuple[str, ...], opts: dict[str, Any]) -> int:
    from sqlitch.cli.args import parse_args
    from sqlitch.services.bundle import BundleOptions, run_bundle

    # Target keeps its overrides as plain str keys.
    overrides = cast("dict[str, str]", context_overrides(app, "bundle", opts))
    dest = opts["dest_dir"] or app.config.get("bundle.dest_dir") or "bundle"
    options = BundleOptions(dest_dir=str(dest), from_=opts["from_"], to=opts["to"])
    parsed = parse_args("bundle", app.config, args, env=app.env, all_targets=opts["all_"])
    targets = parsed.targets
    if overrides:
        # parse_args has no target parameters yet: apply --plan-file/--top-dir here.
        targets = [dataclasses.replace(t, overrides={**t.overrides, **overrides}) for t in targets]
    run_bundle(app, options, targets, parsed.changes)
    return 0


command = bundle_command
