"""What `engine` and `target` share: named actions that edit the local config file."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import ClassVar

from sqlitch.errors import SqlitchError
from sqlitch.services.init import TargetConfigurator


class MissingArgument(Exception):
    """An action was called without a required argument: show the usage."""


class ActionService(TargetConfigurator):
    """A command whose first argument names one of its methods."""

    # The action names the command accepts ("rm" is read as "remove").
    ACTIONS: ClassVar[tuple[str, ...]] = ()

    def action(self, name: str) -> Callable[[Sequence[str]], None] | None:
        """The method for an action name (dashes read as underscores), or None.

        The action's writes (config file, plan, directories) are all or
        nothing (:func:`sqlitch.files.transaction`), except that Sqitch's own
        refusals after the config is written keep it, as in Sqitch.
        """
        method = "remove" if name == "rm" else name
        if method not in self.ACTIONS:
            return None
        found: Callable[[Sequence[str]], None] = getattr(self, method)

        def run(args: Sequence[str]) -> None:
            from sqlitch.files import transaction

            with transaction(keep_on_refusal=True):
                found(args)

        return run

    def store(self, pairs: Sequence[tuple[str, str]]) -> None:
        """Set the pairs in the local config file (untouched when there are none)."""
        if not pairs:
            return
        config_file = self.local_file()
        for key, value in pairs:
            config_file.set(key, value)
        config_file.save()


def edit_section(edit: Callable[[], None]) -> bool:
    """Run a config section edit; False when the section does not exist."""
    try:
        edit()
    except SqlitchError as exc:
        if "No such section" not in exc.message:
            raise
        return False
    return True
