"""Messages shared by every command that takes Sqitch's context options."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlitch.app import App


def warn_top_dir(app: App, command: str, top_dir: str | None) -> None:
    """Sqitch's deprecation warning for --top-dir outside configuration commands."""
    if top_dir:
        app.warn(
            f"  Option --top-dir is deprecated for {command} and other "
            "non-configuration commands.\n  Use --chdir instead."
        )
