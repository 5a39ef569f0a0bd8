"""`checkout <branch>`: revert to where two VCS branches diverge, switch, deploy.

The other branch's plan is read with ``git show <branch>:./<plan file>``
(the ``./`` makes Git read the path relative to the working directory, not
the repository root). The revert runs against the current plan, the
deploy against the other branch's, once Git has switched the files.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from sqlitch.errors import SqlitchError, hurl
from sqlitch.services.deploy import ConnectOptions, ParsedTargets, open_engine
from sqlitch.services.rebase import (
    RevertDeployOptions,
    deploy_half,
    json_events,
    resolve_settings,
    revert_half,
    revert_leniently,
    use_deploy_variables,
    use_revert_variables,
)

if TYPE_CHECKING:
    from sqlitch.app import App
    from sqlitch.plan import Plan
    from sqlitch.plan.model import Change


def vcs_client(app: App) -> str:
    """core.vcs.client, else git."""
    configured = app.config.get("core.vcs.client")
    return str(configured) if configured else "git"


def run_vcs(args: Sequence[str], *, capture: bool) -> str:
    """Run the VCS client; its stderr (and stdout unless captured) passes through.

    Failures read as IPC::System::Simple reports them, which is what Sqitch
    prints (the trailing newline included).
    """
    try:
        done = subprocess.run(list(args), capture_output=True, check=False)
    except OSError as exc:
        raise SqlitchError(f'"{args[0]}" failed to start: "{exc.strerror}"\n') from None
    out = done.stdout.decode("utf-8", errors="replace")
    if not capture and out:
        sys.stdout.write(out)
        sys.stdout.flush()
    if done.stderr:
        sys.stderr.write(done.stderr.decode("utf-8", errors="replace"))
        sys.stderr.flush()
    if done.returncode != 0:
        raise SqlitchError(f'"{args[0]}" unexpectedly returned exit value {done.returncode}\n')
    return out


def branch_plan(git: str, branch: str, plan_file: str) -> Plan:
    from sqlitch.plan import parse_plan

    text = run_vcs([git, "show", f"{branch}:./{plan_file}"], capture=True)
    return parse_plan(text, file=plan_file)


def last_common_change(current: Plan, other: Plan) -> Change | None:
    """The last change of ``other`` before the first one ``current`` lacks."""
    last: Change | None = None
    for change in other.changes:
        if current.get(change.id) is None:
            break
        last = change
    return last


def checkout(
    app: App,
    args: ParsedTargets,
    conn: ConnectOptions,
    opts: RevertDeployOptions,
    *,
    branch: str,
    dry_run: bool = False,
) -> None:
    settings = resolve_settings(app, "checkout", opts, conn)
    settings.engine.dry_run = dry_run
    events = json_events(app, "checkout", settings.engine, dry_run)
    connected = open_engine(
        app, "checkout", args, conn, settings.engine, variable_sections=("deploy", "revert")
    )
    git, target = vcs_client(app), connected.target
    from sqlitch.services.json_events import events_run
    from sqlitch.services.observers import live_progress

    with connected.engine as engine, events_run(events, engine), live_progress(app, engine):
        if dry_run:
            from sqlitch.services.preview import NOTICE

            app.info(NOTICE)
        current_branch = run_vcs([git, "rev-parse", "--abbrev-ref", "HEAD"], capture=True)
        current_branch = current_branch.removesuffix("\n")
        if current_branch == branch:
            raise hurl(f"Already on branch {branch}", ident="checkout", exitval=1)
        from_plan = engine.plan
        to_plan = branch_plan(git, branch, str(target.plan_file))
        common = last_common_change(from_plan, to_plan)
        if common is None:
            raise hurl(
                f"Branch {branch} has no changes in common with current branch {current_branch}",
                ident="checkout",
            )
        app.info(f"Last change before the branches diverged: {common.format_name_with_tags()}")
        use_revert_variables(app, engine, target, settings)
        revert_leniently(app, lambda: revert_half(engine, common.id))
        if dry_run:
            app.info(f"Would check out branch {branch}")
        else:
            run_vcs([git, "checkout", branch], capture=False)
        use_deploy_variables(app, engine, target, settings)
        engine.plan = to_plan
        # A dry run stays on this branch: the other one's scripts are not here.
        deploy_half(engine, None, settings.mode, scripts=not dry_run)
