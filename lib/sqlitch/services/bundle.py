"""`bundle`: copy the config, plan and change scripts into a directory for packaging.

Follows App::Sqitch::Command::bundle: files are copied only when the copy is
missing or older than the source, plans are copied whole unless --from/--to
slice them (IDs stay as they are), and reworked changes keep their
``name@tag`` script names under the reworked directories.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from sqlitch.errors import SqlitchError

if TYPE_CHECKING:
    from sqlitch.app import App
    from sqlitch.plan import Plan
    from sqlitch.target import Target

__all__ = ["BundleOptions", "run_bundle"]

_SCRIPT_KINDS = ("deploy", "revert", "verify")


def _error(message: str) -> SqlitchError:
    return SqlitchError(message, ident="bundle")


@dataclass
class BundleOptions:
    dest_dir: str = "bundle"
    from_: str | None = None
    to: str | None = None


def _relative(path: PurePosixPath) -> PurePosixPath:
    """Path::Class's ``relative``: relative to the working directory."""
    if path.is_absolute():
        return PurePosixPath(os.path.relpath(path))
    return path


class Bundler:
    """One bundle run: every copy and message of ``sqitch bundle``."""

    def __init__(self, app: App, dest: PurePosixPath) -> None:
        self.app = app
        self.dest = dest

    def _mkpath(self, directory: PurePosixPath) -> None:
        path = Path(directory)
        if os.path.isdir(path):
            return
        try:
            path.mkdir(parents=True)
        except OSError as exc:
            raise _error(f"Error creating {directory}: {exc.strerror}") from None
        self.app.debug("    ", f"Created {directory}")

    def copy_if_modified(self, src: PurePosixPath, dst: PurePosixPath) -> None:
        source, target = Path(src), Path(dst)
        # os.path's tests, as Perl's -e: a name too long does not exist.
        if not os.path.exists(source):
            raise _error(f"Cannot copy {src}: does not exist")
        if os.path.exists(target):
            # Up to date when the copy is at least as new as the source.
            if target.stat().st_mtime >= source.stat().st_mtime:
                return
        else:
            self._mkpath(dst.parent)
        self.app.debug("    ", f"Copying {src} -> {dst}")
        try:
            shutil.copyfile(source, target)
            shutil.copymode(source, target)
        except OSError as exc:
            raise _error(f'Cannot copy "{src}" to "{dst}": {exc.strerror}') from None

    def bundle_config(self) -> None:
        self.app.info("Writing config")
        source = PurePosixPath(self.app.config.display_name("local"))
        self.copy_if_modified(source, self.dest / source.name)

    def top_dir(self, target: Target) -> PurePosixPath:
        return self.dest / _relative(target.top_dir)

    def bundle_plan(self, target: Target, from_: str | None, to: str | None) -> None:
        directory = self.top_dir(target)
        plan_file = target.plan_file
        if from_ is None and to is None:
            self.app.info("Writing plan")
            self.copy_if_modified(plan_file, directory / plan_file.name)
            return
        self.app.info(f"Writing plan from {from_ or '@ROOT'} to {to or '@HEAD'}")
        self._mkpath(directory)
        plan = _load_plan(target)
        text = plan.to_text(from_=from_, to=to)
        Path(directory / plan_file.name).write_text(text, encoding="utf-8")

    def bundle_scripts(self, target: Target, from_: str | None, to: str | None) -> None:
        plan = _load_plan(target)
        start = plan.index_of(from_ or "@ROOT")
        if start is None:
            raise _error(f"Cannot find change {from_}")
        end = plan.index_of(to or "@HEAD")
        if end is None:
            raise _error(f"Cannot find change {to}")
        self.app.info("Writing scripts")
        extension = target.extension
        for change in plan.changes[start : end + 1]:
            self.app.info("  + ", change.format_name_with_tags())
            reworked = change.is_reworked
            segments = change.path_segments(
                extension, Path(target.script_dir("deploy", reworked=reworked))
            )
            for kind in _SCRIPT_KINDS:
                source_dir = target.script_dir(kind, reworked=reworked)
                source = source_dir.joinpath(*segments)
                if os.path.exists(source):
                    dest = self.dest / _relative(source_dir)
                    self.copy_if_modified(source, dest.joinpath(*segments))


def _load_plan(target: Target) -> Plan:
    from sqlitch.plan import load_plan

    return load_plan(Path(target.plan_file), file=str(target.plan_file))


def run_bundle(
    app: App, opts: BundleOptions, targets: Sequence[Target], changes: Sequence[str]
) -> None:
    """Bundle every target; changes pair up as from/to per target when no --from/--to."""
    if len(targets) > 1 and (opts.from_ or opts.to):
        app.warn(
            "Use of --to or --from to bundle multiple targets is not recommended.\n"
            "Pass them as arguments after each target argument, instead."
        )
    if changes and (opts.from_ or opts.to):
        raise _error("Cannot specify both --from or --to and change arguments")
    dest = PurePosixPath(opts.dest_dir)
    app.info(f"Bundling into {dest}")
    bundler = Bundler(app, dest)
    bundler.bundle_config()
    remaining = list(changes)
    for target in targets:
        from_: str | None
        to: str | None
        if opts.from_ or opts.to:
            # As Sqitch: only the given values, in order (--to alone acts as a start).
            given = [v for v in (opts.from_, opts.to) if v]
            from_, to = given[0], (given[1] if len(given) > 1 else None)
        else:
            pair, remaining = remaining[:2], remaining[2:]
            from_ = pair[0] if pair else None
            to = pair[1] if len(pair) > 1 else None
        bundler.bundle_plan(target, from_, to)
        bundler.bundle_scripts(target, from_, to)
