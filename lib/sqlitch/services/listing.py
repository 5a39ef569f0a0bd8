"""What `plan` and `log` share: layout options, the item formatter and the pager.

The two commands differ in what they list and where their settings live
(``plan.*`` or ``log.*``); the option handling around the formatter is one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Generic, TypeVar

from sqlitch.errors import SqlitchError

if TYPE_CHECKING:
    from sqlitch.app import App
    from sqlitch.formatting import ItemFormatter
    from sqlitch.formatting.pager import Pager


@dataclass
class ListingOptions:
    """The layout, paging and colour options of both commands."""

    format: str | None = None
    date_format: str | None = None
    max_count: int | None = None
    skip: int | None = None
    reverse: bool = False
    color: str | None = None
    no_color: bool = False
    abbrev: int | None = None
    oneline: bool = False
    headers: bool = True


OptionsT = TypeVar("OptionsT", bound=ListingOptions)


@dataclass
class Listing(Generic[OptionsT]):
    """A validated template and formatter, ready to list items."""

    opts: OptionsT
    template: str
    formatter: ItemFormatter


def apply_oneline(opts: ListingOptions) -> None:
    """--oneline: the oneline format (unless one is given) and 6-character IDs."""
    if opts.oneline:
        opts.format = opts.format or "oneline"
        if opts.abbrev is None:
            opts.abbrev = 6


def checked_date_format(app: App, given: str | None, command: str) -> str:
    """--date-format (``given``), else ``<command>.date_format``, else iso.

    An unknown format fails. Sqitch checks this while building the command,
    before its error handler is set up, so the failure exits 255.
    """
    from sqlitch.formatting import validate_date_format

    date_format = given or app.config.get(f"{command}.date_format")
    if date_format:
        try:
            validate_date_format(str(date_format))
        except SqlitchError as exc:
            raise SqlitchError(exc.message, ident=exc.ident, exitval=255) from None
    return str(date_format or "iso")


def item_formatter(app: App, opts: ListingOptions, command: str, date_format: str) -> ItemFormatter:
    """The formatter for the options and the ``<command>.color`` setting."""
    from sqlitch.formatting import COLOR_MODES, ItemFormatter

    color = "never" if opts.no_color else (opts.color or app.config.get(f"{command}.color"))
    if color is not None and str(color) not in COLOR_MODES:
        # Sqitch's attribute type check fails before its error handler: exit 255.
        raise SqlitchError(
            f'Value "{color}" did not pass type constraint "Enum[always,auto,never]"',
            ident=command,
            exitval=255,
        )
    return ItemFormatter(
        date_format=date_format,
        color=str(color or "auto"),
        abbrev=opts.abbrev or 0,
        env=app.env,
    )


def open_pager(app: App) -> Pager:
    """The pager core.pager (or the environment) names, unless --no-pager."""
    from sqlitch.formatting.pager import Pager, pager_program

    configured = app.config.get("core.pager")
    program = pager_program(app.env, str(configured) if configured else None)
    return Pager(program, enabled=not app.options.no_pager)
