"""``--dry-run`` and ``--sql``: say what deploy, revert, rebase and checkout
would do, or write it as one SQL script, and change nothing.

The engine works the plan out (:mod:`sqlitch.engines.preview`); this module
adds the notice, and writes the script to its file or to stdout (the human
text then goes to stderr, so that stdout is the SQL alone).
"""

from __future__ import annotations

import contextlib
import shlex
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

from sqlitch.errors import hurl

if TYPE_CHECKING:
    from sqlitch.app import App
    from sqlitch.engines.base import Engine

__all__ = ["NOTICE", "deploy_preview", "refuse_json", "revert_preview", "write_sql"]

NOTICE = "Dry run: nothing will be changed"


def refuse_json(app: App, command: str) -> None:
    """--json has no document for a dry run yet: say so rather than print nothing."""
    if app.json:
        raise hurl("--json cannot be combined with --dry-run or --sql", ident=command)


def deploy_preview(app: App, engine: Engine, to: str | None, mode: str, sql: str | None) -> None:
    """``deploy --dry-run`` (``sql`` None) or ``deploy --sql <sql>``."""
    refuse_json(app, "deploy")
    engine.start_dry_run()
    if sql is None:
        app.info(NOTICE)
        engine.dry_run_deploy(to, mode)
        return
    write_sql(app, sql, lambda name: engine.deploy_sql(to, mode, file=name))


def revert_preview(app: App, engine: Engine, to: str | None, sql: str | None) -> None:
    """``revert --dry-run`` (``sql`` None) or ``revert --sql <sql>``."""
    refuse_json(app, "revert")
    engine.start_dry_run()
    if sql is None:
        app.info(NOTICE)
        engine.dry_run_revert(to)
        return
    write_sql(app, sql, lambda name: engine.revert_sql(to, file=name))


def write_sql(app: App, file: str, make: Callable[[str], str]) -> None:
    """Write the script ``make`` returns (given the name to show for the
    file) to ``file``, or to stdout for ``-``; nothing when it fails."""
    if file == "-":
        with contextlib.redirect_stdout(sys.stderr):
            app.info(NOTICE)
            text = make("<file>")
        data = text.encode("utf-8", errors="surrogateescape")
        buffer = getattr(sys.stdout, "buffer", None)
        if buffer is not None:
            sys.stdout.flush()
            buffer.write(data)
            buffer.flush()
        else:  # pragma: no cover - a text-only stdout
            sys.stdout.write(data.decode("utf-8", errors="replace"))
        return
    app.info(NOTICE)
    text = make(shlex.quote(file))
    try:
        with open(file, "wb") as stream:
            stream.write(text.encode("utf-8", errors="surrogateescape"))
    except OSError as exc:
        raise hurl(f"Cannot write {file}: {exc.strerror}", ident="sql") from None
    app.info(f"Wrote the SQL to {file}")
