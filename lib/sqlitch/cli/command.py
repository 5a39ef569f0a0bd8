"""Base class for every sqlitch command: Getopt::Long-like option parsing.

Sqitch parses command options with Getopt::Long (bundling, unique-prefix
abbreviations of long options) and answers bad options with a one-line
message followed by the command's usage. This class gives click the same
behaviour so that error text and exit codes match.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import click

from sqlitch.app import App

PROGRAM = "sqitch"
RAW_ARGS = "sqlitch.raw_args"  # ctx.meta key: the command's arguments as given


class UsageFailure(Exception):
    """Bad command-line usage: print ``message`` and the usage text, exit 2."""

    def __init__(self, message: str, usage: str) -> None:
        super().__init__(message)
        self.message = message
        self.usage = usage


class SqitchCommand(click.Command):
    """A click command that parses options like Getopt::Long and knows its usage."""

    def __init__(self, *args: Any, usage: Sequence[str] = (), **kwargs: Any) -> None:
        kwargs.setdefault("add_help_option", False)
        kwargs.setdefault("context_settings", {}).update(
            {"ignore_unknown_options": False, "allow_interspersed_args": True}
        )
        super().__init__(*args, **kwargs)
        self.usage_lines = list(usage)

    # -- option parsing ---------------------------------------------------
    def _option_names(self) -> dict[str, str]:
        """Every name usable after "--" (single letters too, as Getopt::Long
        allows) mapped to the flag click knows the option by."""
        names: dict[str, str] = {}
        for param in self.params:
            if isinstance(param, click.Option):
                for group in (param.opts, param.secondary_opts):
                    canonical = next((o for o in group if o.startswith("--")), None)
                    for opt in group:
                        names[opt.lstrip("-")] = canonical or opt
        return names

    def _expand_abbreviations(self, args: list[str]) -> list[str]:
        """Expand unique prefixes of long options, as Getopt::Long's auto_abbrev does."""
        names = self._option_names()
        out: list[str] = []
        for i, arg in enumerate(args):
            if arg == "--":
                out.extend(args[i:])
                break
            if arg.startswith("--") and len(arg) > 2:
                name, eq, value = arg[2:].partition("=")
                if name in names:
                    arg = names[name] + eq + value
                else:
                    hits = sorted(n for n in names if n.startswith(name))
                    if len({names[h] for h in hits}) == 1:
                        arg = names[hits[0]] + eq + value
                    elif hits:
                        raise UsageFailure(
                            f"Option {name} is ambiguous ({', '.join(hits)})", self.usage_text()
                        )
            out.append(arg)
        return out

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        # Getopt::Long names an option in messages as it was typed (-s vs
        # --set), so commands may need the arguments before click parsed them.
        ctx.meta[RAW_ARGS] = list(args)
        try:
            return super().parse_args(ctx, self._expand_abbreviations(args))
        except click.NoSuchOption as exc:
            message = f"Unknown option: {exc.option_name.lstrip('-')}"
            raise UsageFailure(message, self.usage_text()) from None
        except click.BadOptionUsage as exc:
            name = (exc.option_name or "").lstrip("-")
            if "requires an argument" in exc.message:
                message = f"Option {name} requires an argument"
            else:
                message = exc.message
            raise UsageFailure(message, self.usage_text()) from None
        except click.BadParameter as exc:
            typed = _typed_short_name(exc, args)
            raise UsageFailure(_bad_value_message(exc, typed), self.usage_text()) from None
        except click.UsageError as exc:
            raise UsageFailure(exc.message, self.usage_text()) from None

    # -- usage and help ---------------------------------------------------
    def usage_text(self) -> str:
        lines = ["Usage:"]
        lines.extend(f"      {PROGRAM} {line}" for line in self.usage_lines)
        table = self.options_table()
        if table:
            lines.extend(["", "Options:", *table])
        return "\n".join(lines) + "\n"

    def options_table(self) -> list[str]:
        rows: list[tuple[str, str]] = []
        for param in self.params:
            if not isinstance(param, click.Option) or param.hidden:
                continue
            names = ", ".join(sorted((*param.opts, *param.secondary_opts), key=len))
            if not param.is_flag and param.metavar:
                names += f" {param.metavar}"
            rows.append((names, param.help or ""))
        width = max((len(n) for n, _ in rows), default=0)
        return [f"    {n.ljust(width)}  {h}".rstrip() for n, h in rows]

    def full_help(self) -> str:
        """The text `sqlitch help <command>` prints."""
        text = (self.help or "").strip()
        return f"{self.usage_text()}\n{text}\n" if text else self.usage_text()


def _typed_short_name(exc: click.BadParameter, args: Sequence[str]) -> str | None:
    """The short name (``p`` of -p) when the user typed the option that way.

    Getopt::Long names the option as typed: ``-p x`` fails as option p, while
    ``--db-port x`` fails as option db-port.
    """
    param = exc.param
    if not isinstance(param, click.Option):
        return None
    shorts = [opt for opt in param.opts if len(opt) == 2 and opt[0] == "-" and opt[1] != "-"]
    for arg in args:
        if arg == "--":
            break
        if not arg.startswith("--") and any(arg.startswith(opt) for opt in shorts):
            return arg[1]
        if arg.startswith("--") and arg[2:].partition("=")[0] in {
            o.lstrip("-") for o in param.opts
        }:
            return None
    return None


def _bad_value_message(exc: click.BadParameter, typed: str | None = None) -> str:
    """Getopt::Long's wording for a value of the wrong type."""
    param = exc.param
    if not isinstance(param, click.Option):
        return exc.message
    name = typed or max(param.opts, key=len).lstrip("-")
    if isinstance(param.type, click.types.IntParamType):
        # click says "'x' is not a valid integer."; the value is what we need.
        value = exc.message.split("'")[1] if exc.message.count("'") >= 2 else ""
        return f'Value "{value}" invalid for option {name} (number expected)'
    return f"Value invalid for option {name}: {exc.message}"


def command(
    name: str, *, usage: Sequence[str], help: str
) -> Callable[[Callable[..., Any]], SqitchCommand]:
    """Declare a sqlitch command; the wrapped function receives the App first."""

    def decorator(func: Callable[..., Any]) -> SqitchCommand:
        def callback(**kwargs: Any) -> Any:
            app = click.get_current_context().find_object(App)
            return func(app, **kwargs)

        cmd = SqitchCommand(name, callback=callback, usage=usage, help=help)
        cmd.params.extend(reversed(getattr(func, "__click_params__", [])))
        return cmd

    return decorator
