"""Base class for every sqlitch command: Getopt::Long-like option parsing.

Sqitch parses command options with Getopt::Long (bundling, unique-prefix
abbreviations of long options, case-insensitive long names) and answers bad
options with one line per problem followed by the command's usage. This
class scans the arguments the same way, reporting every problem, and hands
click arguments it can no longer reject.

Usage lines name the program the user ran (:func:`program_name`): ``sqlitch``
when run as sqlitch, ``sqitch`` through a ``sqitch`` link or name.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

import click

from sqlitch.app import App

RAW_ARGS = "sqlitch.raw_args"  # ctx.meta key: the command's arguments as given
JSON_FLAG = "--json"

_program = ["sqlitch"]
_INTEGER = re.compile(r"[-+]?[0-9]+")


def program_name() -> str:
    """The program name usage and help texts show."""
    return _program[0]


def set_program_name(name: str) -> None:
    _program[0] = name


class UsageFailure(Exception):
    """Bad command-line usage: print ``message`` and the usage text, exit 2."""

    def __init__(self, message: str, usage: str) -> None:
        super().__init__(message)
        self.message = message
        self.usage = usage


class HelpRequested(Exception):
    """``-h`` on a command that has no such option: show the command's help."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.text = text


class IntegerOption(click.Option):
    """A string option Getopt::Long checks as an integer (``=i``) while parsing;
    the command converts the value itself."""


def perl_integer(value: str) -> int | float:
    """An option value Getopt::Long took as an integer, as Perl then holds it.

    Within 64 bits (signed or unsigned) it is that integer; beyond, Perl
    keeps a double (``Inf`` past its range). Never Python's digit limit.
    """
    sign = -1 if value.startswith("-") else 1
    digits = value.lstrip("+-").lstrip("0") or "0"
    if len(digits) <= 20:
        number = sign * int(digits)
        if -(2**63) <= number < 2**64:
            return number
    return sign * float(digits)


def checked_integer(value: str, attribute: str) -> int:
    """``value`` (already matched as ``=i``) as Sqitch's ``Int`` attributes take it.

    A number beyond 64 bits fails Sqitch's type check when the command is
    built: the first line of its message, exit 255.
    """
    number = perl_integer(value)
    if isinstance(number, float):
        from sqlitch.config.cast import format_number
        from sqlitch.errors import SqlitchError

        shown = format_number(number)
        raise SqlitchError(
            f'Value "{shown}" did not pass type constraint "Int" (in $args->{{"{attribute}"}})',
            exitval=255,
        )
    return number


class PerlInt(click.types.IntParamType):
    """An ``=i`` option of an ``Int`` attribute (the scan checks the digits)."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, int):
            return value
        return checked_integer(str(value), param.name if param and param.name else "")


class PerlPort(click.types.IntParamType):
    """-p/--db-port: Sqitch puts the number into the URI as Perl prints it
    (``1e+25``, ``Inf``), so a value beyond 64 bits becomes that text."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, int):
            return value
        number = perl_integer(str(value))
        if isinstance(number, float):
            from sqlitch.config.cast import format_number

            return format_number(number)
        return number


class HashOption(click.Option):
    """A ``key=value`` option (Getopt::Long's ``=s%``): a value without "="
    is a parse error."""


class _Spec:
    """How one click option (or its ``--no-`` form) parses."""

    __slots__ = ("flag", "hash", "integer", "name", "takes_value")

    def __init__(self, flag: str, takes_value: bool, integer: bool, hash: bool) -> None:
        self.flag = flag  # what click knows it by
        self.name = flag.lstrip("-")  # what Getopt::Long calls an abbreviated option
        self.takes_value = takes_value
        self.integer = integer
        self.hash = hash

    def given(self, value: str) -> list[str]:
        """The option with its value, as click reads it whatever the value."""
        if self.flag.startswith("--"):
            return [f"{self.flag}={value}"]
        return [self.flag, value]


class _Scan:
    """The outcome of scanning a command's arguments."""

    def __init__(self) -> None:
        self.args: list[str] = []  # options rewritten the way click knows them
        self.errors: list[str] = []
        self.help = False  # a lone -h the command does not define


class SqitchCommand(click.Command):
    """A click command that parses options like Getopt::Long and knows its usage."""

    def __init__(
        self, *args: Any, usage: Sequence[str] = (), usage_note: str = "", **kwargs: Any
    ) -> None:
        kwargs.setdefault("add_help_option", False)
        kwargs.setdefault("context_settings", {}).update(
            {"ignore_unknown_options": False, "allow_interspersed_args": True}
        )
        super().__init__(*args, **kwargs)
        self.usage_lines = list(usage)
        #: A line the usage section adds after the command lines, as in
        #: sqitch-show-usage.pod ("<type>" can be one of: ...).
        self.usage_note = usage_note

    # -- option parsing ---------------------------------------------------
    def _specs(self) -> tuple[dict[str, _Spec], dict[str, _Spec]]:
        """Names usable after "--" (single letters too, as Getopt::Long allows;
        ``--noX`` for every ``--no-X``), and the letters usable after "-"."""
        longs: dict[str, _Spec] = {}
        shorts: dict[str, _Spec] = {}
        for param in self.params:
            if not isinstance(param, click.Option):
                continue
            takes_value = not (param.is_flag or param.count)
            integer = isinstance(param, IntegerOption) or isinstance(
                param.type, click.types.IntParamType
            )
            for group, negated in ((param.opts, False), (param.secondary_opts, True)):
                if not group:
                    continue
                flag = next((o for o in group if o.startswith("--")), group[0])
                spec = _Spec(
                    flag, takes_value and not negated, integer, isinstance(param, HashOption)
                )
                for opt in group:
                    bare = opt.lstrip("-")
                    longs[bare.lower()] = spec
                    if len(opt) == 2 and opt[0] == "-" and opt[1] != "-":
                        shorts[opt[1]] = spec
                    if negated and bare.startswith("no-"):
                        longs.setdefault("no" + bare[3:].lower(), spec)
        return longs, shorts

    def _scan(self, args: Sequence[str]) -> _Scan:
        """Walk the arguments as Getopt::Long does, noting every problem."""
        longs, shorts = self._specs()
        scan = _Scan()
        out, errors = scan.args, scan.errors
        i = 0
        while i < len(args):
            arg = args[i]
            i += 1
            if arg == "--":
                out.extend(args[i - 1 :])
                break
            if arg.startswith("--"):
                typed, eq, value = arg[2:].partition("=")
                if not typed:  # "--=x" is an option named "=x"
                    typed, eq, value = arg[2:], "", ""
                spec, name = self._resolve(longs, typed.lower(), errors)
                if spec is None:
                    continue
                if not spec.takes_value:
                    if eq:
                        errors.append(f"Option {name} does not take an argument")
                    else:
                        out.append(spec.flag)
                    continue
                if not eq:
                    if i >= len(args):
                        errors.append(f"Option {name} requires an argument")
                        continue
                    value = args[i]
                    i += 1
                self._take(spec, name, value, scan)
            elif arg.startswith("-") and len(arg) > 1:
                i = self._scan_bundle(arg, args, i, shorts, scan)
            else:
                out.append(arg)
        return scan

    @staticmethod
    def _resolve(longs: dict[str, _Spec], name: str, errors: list[str]) -> tuple[_Spec | None, str]:
        """An exact name, else a unique prefix (reported by the option's name)."""
        if name in longs:
            return longs[name], name
        hits = sorted(n for n in longs if n.startswith(name))
        specs = {id(longs[h]): longs[h] for h in hits}
        if len(specs) == 1:
            spec = next(iter(specs.values()))
            return spec, spec.name
        if hits:
            errors.append(f"Option {name} is ambiguous ({', '.join(hits)})")
        else:
            errors.append(f"Unknown option: {name}")
        return None, name

    def _scan_bundle(
        self, arg: str, args: Sequence[str], i: int, shorts: dict[str, _Spec], scan: _Scan
    ) -> int:
        """One "-abc" argument: single letters, the last may take a value.

        Returns the index of the next argument (a value may use one up).
        """
        if arg == "-h" and "h" not in shorts:
            scan.help = True
            return i
        j = 1
        while j < len(arg):
            letter = arg[j]
            j += 1
            spec = shorts.get(letter)
            if spec is None:
                scan.errors.append(f"Unknown option: {letter}")
                continue
            if not spec.takes_value:
                scan.args.append(spec.flag)
                continue
            rest = arg[j:]
            if spec.integer and rest:
                # Getopt::Long takes the digits and goes on with the letters after them.
                number = _INTEGER.match(rest)
                if number is None:
                    scan.errors.append(
                        f'Value "{rest}" invalid for option {letter} (number expected)'
                    )
                    continue
                j += number.end()
                scan.args.extend(spec.given(number.group()))
                continue
            if rest:
                self._take(spec, letter, rest, scan)
            elif i < len(args):
                self._take(spec, letter, args[i], scan)
                i += 1
            else:
                scan.errors.append(f"Option {letter} requires an argument")
            break
        return i

    @staticmethod
    def _take(spec: _Spec, name: str, value: str, scan: _Scan) -> None:
        if spec.integer and not _INTEGER.fullmatch(value):
            scan.errors.append(f'Value "{value}" invalid for option {name} (number expected)')
        elif spec.hash and "=" not in value:
            scan.errors.append(f'Option {name}, key "{value}", requires a value')
        else:
            scan.args.extend(spec.given(value))

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        # Getopt::Long names an option in messages as it was typed (-s vs
        # --set), so commands may need the arguments before click parsed them.
        ctx.meta[RAW_ARGS] = list(args)
        scan = self._scan(args)
        if scan.help:
            raise HelpRequested(self.full_help())
        if JSON_FLAG in scan.args[: _options_end(scan.args)] and isinstance(ctx.obj, App):
            ctx.obj.json = True  # before any error is reported: as JSON too
        if scan.errors:
            raise UsageFailure("\n".join(scan.errors), self.usage_text())
        try:
            return super().parse_args(ctx, scan.args)
        except click.BadParameter as exc:  # a value outside a choice (--runner)
            raise UsageFailure(_bad_value_message(exc), self.usage_text()) from None
        except click.UsageError as exc:  # pragma: no cover - the scan leaves none
            raise UsageFailure(exc.message, self.usage_text()) from None

    # -- usage and help ---------------------------------------------------
    def usage_text(self) -> str:
        lines = ["Usage:"]
        lines.extend(f"      {program_name()} {line}" for line in self.usage_lines)
        if self.usage_note:
            lines.extend(["", f"    {self.usage_note}"])
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


def _options_end(args: list[str]) -> int:
    """Where the options end: at "--", else after the last argument."""
    return args.index("--") if "--" in args else len(args)


def json_option(
    help: str = "Print JSON instead of text (docs/json-output.md).",
) -> Callable[[Any], Any]:
    """``--json``: the command's output as JSON (sqlitch.services.json_output).

    Noticed while the options are scanned (see :meth:`SqitchCommand.parse_args`),
    so that even a bad option of the same command line is reported as JSON.
    """
    return click.option(JSON_FLAG, "json_", is_flag=True, help=help)


def _bad_value_message(exc: click.BadParameter) -> str:
    """A value click rejected (Getopt::Long has no such check: SQLitch's wording)."""
    param = exc.param
    if not isinstance(param, click.Option):  # pragma: no cover - options only
        return exc.message
    name = max(param.opts, key=len).lstrip("-")
    return f"Value invalid for option {name}: {exc.message}"


def command(
    name: str, *, usage: Sequence[str], help: str, usage_note: str = ""
) -> Callable[[Callable[..., Any]], SqitchCommand]:
    """Declare a sqlitch command; the wrapped function receives the App first."""

    def decorator(func: Callable[..., Any]) -> SqitchCommand:
        def callback(**kwargs: Any) -> Any:
            app = click.get_current_context().find_object(App)
            return func(app, **kwargs)

        cmd = SqitchCommand(name, callback=callback, usage=usage, usage_note=usage_note, help=help)
        cmd.params.extend(reversed(getattr(func, "__click_params__", [])))
        return cmd

    return decorator
