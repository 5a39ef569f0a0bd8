"""Entry point: core options, command dispatch, and error-to-exit-code mapping.

Sqitch reads its core options from anywhere on the command line (Getopt::Long
with pass-through), then takes the first non-option argument that names a
command. Commands are imported lazily so that startup stays cheap.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from sqlitch import __version__
from sqlitch.errors import SqlitchError

if TYPE_CHECKING:
    from sqlitch.app import App
    from sqlitch.cli.command import SqitchCommand

# Command name -> (module, one-line summary). Summaries are SQLitch's own words.
COMMANDS: dict[str, tuple[str, str]] = {
    "add": ("sqlitch.cli.commands.add", "Add a change to the plan and create its scripts"),
    "bundle": (
        "sqlitch.cli.commands.bundle",
        "Copy a project's files into a directory for packaging",
    ),
    "checkout": (
        "sqlitch.cli.commands.checkout",
        "Revert, switch to another Git branch, and deploy its plan",
    ),
    "completion": (
        "sqlitch.cli.commands.completion",
        "Print a shell completion script (bash, zsh or fish)",
    ),
    "config": ("sqlitch.cli.commands.config", "Read and write project, user or system settings"),
    "deploy": ("sqlitch.cli.commands.deploy", "Apply undeployed changes to a database"),
    "engine": ("sqlitch.cli.commands.engine", "Configure database engines"),
    "help": ("sqlitch.cli.commands.help", "Show help for sqlitch or one of its commands"),
    "init": ("sqlitch.cli.commands.init", "Start a new project: configuration and plan"),
    "rebase": ("sqlitch.cli.commands.rebase", "Revert changes and deploy them again"),
    "revert": ("sqlitch.cli.commands.revert", "Undo deployed changes"),
    "rework": ("sqlitch.cli.commands.rework", "Start a new version of a change after a tag"),
    "tag": ("sqlitch.cli.commands.tag", "Tag a change in the plan, or list the tags"),
    "plan": ("sqlitch.cli.commands.plan", "List the changes in a project's plan"),
    "show": ("sqlitch.cli.commands.show", "Print a change, tag or change script from the plan"),
    "target": ("sqlitch.cli.commands.target", "Configure named deployment targets"),
    "verify": ("sqlitch.cli.commands.verify", "Check deployed changes with their verify scripts"),
    "check": ("sqlitch.cli.commands.check", "Compare deployed script hashes with the plan"),
    "log": ("sqlitch.cli.commands.log", "Show the event history of a database"),
    "status": ("sqlitch.cli.commands.status", "Show what is deployed and what is not yet"),
    "upgrade": ("sqlitch.cli.commands.upgrade", "Bring a database's registry up to date"),
}

# Core options that take a value, and the pre-0.9999 command options whose
# value must be skipped while looking for the command name.
_CORE_LONG_FLAGS = {"--etc-path", "--no-pager", "--quiet", "--help", "--man", "--version"}
_CORE_CHDIR = {"--chdir", "--cd"}
_LEGACY_VALUE_OPTS = {
    "--client",
    "--engine",
    "--extension",
    "--plan-file",
    "--registry",
    "--top-dir",
}


class CoreArgs:
    """The result of scanning argv for core options."""

    def __init__(self) -> None:
        self.flags: set[str] = set()
        self.verbose = 0
        self.chdir: str | None = None
        self.rest: list[str] = []


def parse_core_args(argv: Sequence[str]) -> CoreArgs:
    """Pull core options out of argv wherever they stand, leaving the rest in order."""
    core = CoreArgs()
    args = list(argv)
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "--":
            core.rest.extend(args[i:])
            break
        if arg in _CORE_LONG_FLAGS:
            core.flags.add(arg[2:])
        elif arg == "--verbose":
            core.verbose += 1
        elif arg in _CORE_CHDIR or arg == "-C":
            if i + 1 >= len(args):
                core.rest.append(arg)
            else:
                core.chdir = args[i + 1]
                i += 1
        elif arg.startswith(("--chdir=", "--cd=")):
            core.chdir = arg.split("=", 1)[1]
        elif arg.startswith("-C") and not arg.startswith("--"):
            core.chdir = arg[2:]
        elif len(arg) > 1 and arg[0] == "-" and arg[1] != "-" and set(arg[1:]) <= {"v", "V"}:
            core.verbose += len(arg) - 1
        else:
            core.rest.append(arg)
        i += 1
    return core


def find_command(args: list[str]) -> tuple[str | None, list[str]]:
    """Return the first argument naming a command, and every argument that was tried."""
    tried: list[str] = []
    i = 0
    while i < len(args):
        arg = args[i]
        if not arg:
            i += 1
            continue
        if arg.startswith("-"):
            if arg == "--":
                break
            if (
                (len(arg) == 2 and arg[1] in "duhp")
                or arg in _LEGACY_VALUE_OPTS
                or (arg.startswith("--db-"))
            ):
                i += 1
            i += 1
            continue
        tried.append(arg)
        if arg.replace("_", "-") in COMMANDS:
            del args[i]
            return arg.replace("_", "-"), tried
        i += 1
    return None, tried


def commands_overview() -> str:
    """The command list shown by `sqlitch help`, `--help` and on a missing command."""
    from sqlitch.cli.command import program_name

    prog = program_name()
    pad = " " * len(prog)
    lines = [
        "Usage",
        f"  {prog} [--etc-path | --help | --man | --version]",
        f"  {prog} <command> [--chdir <path>] [--no-pager] [--quiet] [--verbose]",
        f"  {pad} [<command-options>] [<args>]",
        "",
        "Commands",
    ]
    width = max(len(name) for name in COMMANDS)
    lines.extend(
        f"  {name.ljust(width)}  {summary}" for name, (_, summary) in sorted(COMMANDS.items())
    )
    lines.extend(["", f'Run "{prog} help <command>" for the options of one command.'])
    return "\n".join(lines) + "\n"


def program_from_path(path: str) -> str:
    """The name usage texts show for the program started as ``path`` (argv[0])."""
    name = os.path.basename(path)
    if name.lower().endswith(".exe"):
        name = name[:-4]
    if not name or name.startswith("__main__") or name.endswith(".py"):
        return "sqlitch"  # python -m sqlitch
    return name


def run(argv: Sequence[str], prog: str = "sqlitch") -> int:
    """Run sqlitch with ``argv`` (without the program name); return the exit code.

    ``prog`` is the name usage and help texts show (the golden-fixture
    harness runs SQLitch as ``sqitch``, the name Sqitch's texts show).
    Never calls sys.exit: the in-process test harness relies on that.
    """
    if argv[:1] == ["__complete"]:  # the completion scripts' call back (hidden)
        from sqlitch.cli.completion import complete_main

        return complete_main(argv[1:])
    from sqlitch.app import App, CoreOptions
    from sqlitch.cli.command import set_program_name

    set_program_name(prog)
    core = parse_core_args(argv)
    out, err = sys.stdout, sys.stderr
    if "help" in core.flags:
        # Unlike Sqitch (always the command list), `<command> --help` shows
        # that command's help, as `help <command>` does.
        name, _tried = find_command(list(core.rest))
        out.write(load_command(name).full_help() if name else commands_overview())
        return 0
    if "man" in core.flags:
        out.write(commands_overview())
        return 0
    if "version" in core.flags:
        out.write(f"sqlitch (SQLitch) {__version__}\n")
        return 0
    if "etc-path" in core.flags:
        from sqlitch.config import system_dir

        out.write(f"{system_dir()}\n")
        return 0

    if core.chdir is not None:
        try:
            os.chdir(core.chdir)
        except OSError as exc:
            err.write(f"Cannot change to directory {core.chdir}: {exc.strerror}\n")
            return 255  # as Sqitch (its message comes with a stack trace)

    for arg in core.rest:
        if not _valid_text(arg):
            # Python keeps undecodable bytes as lone surrogates, which no
            # plan, config file or script can hold: refused before anything.
            shown = arg.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
            err.write(f'Argument "{shown}" is not valid UTF-8\n')
            return 2

    verbosity: int | None = None
    if "quiet" in core.flags:
        verbosity = 0
    elif core.verbose:
        verbosity = core.verbose
    options = CoreOptions(verbosity=verbosity, no_pager="no-pager" in core.flags, chdir=core.chdir)

    try:
        from sqlitch.config import Config

        config = Config.load()
        # A directory holding both sqitch.plan and sqlitch.plan stops every
        # command, as both config names in one scope do (Config.load). Only
        # then is sqlitch.target imported (to raise its error): cheap commands
        # never need it.
        if os.path.exists("sqitch.plan") and os.path.exists("sqlitch.plan"):
            from pathlib import PurePosixPath

            from sqlitch.target import default_plan_file

            default_plan_file(PurePosixPath("."))
    except SqlitchError as exc:
        err.write(f"{exc.message}\n")
        return exc.exitval
    app = App(config, options)

    args = core.rest
    name, tried = find_command(args)
    if name is None:
        for arg in tried:
            err.write(f'"{arg}" is not a valid command\n')
        err.write(commands_overview())
        return 2
    return dispatch(app, name, args)


def _valid_text(arg: str) -> bool:
    """Whether ``arg`` came from valid UTF-8 (no surrogates from undecodable bytes)."""
    if arg.isascii():
        return True
    try:
        arg.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def dispatch(app: App, name: str, args: list[str]) -> int:
    """Run one command's click object, turning every failure into an exit code."""
    import click

    from sqlitch.cli.command import HelpRequested, UsageFailure

    command = load_command(name)
    try:
        with command.make_context(name, list(args), obj=app) as ctx:
            result = command.invoke(ctx)
    except HelpRequested as exc:
        app.emit_literal(exc.text)
        return 0
    except UsageFailure as exc:
        if app.json:
            from sqlitch.services.json_output import write_usage_error

            write_usage_error(name, exc.message, exc.usage)
            return 2
        if exc.message:  # a bare usage failure prints only the usage text
            app.vent(exc.message)
        app.vent_literal(exc.usage)
        return 2
    except SqlitchError as exc:
        if app.json:  # --json: one JSON object on stderr, same exit value
            from sqlitch.services.json_output import write_error

            write_error(name, exc)
            return exc.exitval
        for line in exc.vent_lines:
            app.vent(line)
        if exc.exitval == 1:
            app.info(exc.message)
        else:
            app.vent(exc.message)
        return exc.exitval
    except click.exceptions.Exit as exc:
        return int(exc.exit_code)
    except click.ClickException as exc:
        return _fail(app, name, exc.format_message(), "usage", 2)
    except KeyboardInterrupt:
        return _fail(app, name, "Interrupted", "sqitch", 130)
    except BrokenPipeError:
        return 0
    except OSError as exc:  # the file system said no (a name too long, a loop of links)
        _traceback_if_asked(app)
        return _fail(app, name, _os_error_message(exc), "io", 2)
    except Exception as exc:  # a bug, not bad input: one line unless asked for more
        _traceback_if_asked(app)
        if isinstance(exc, ValueError) and "null byte" in str(exc):
            # A NUL from a config value reached a file or program name.
            return _fail(app, name, _nul_message(app), "io", 2)
        message = f"sqlitch: internal error: {type(exc).__name__}: {exc}"
        return _fail(app, name, message, "internal", 2)
    return result if isinstance(result, int) else 0


def _traceback_if_asked(app: App) -> None:
    if app.verbosity > 2 or os.environ.get("SQLITCH_TRACEBACK"):
        import traceback

        app.vent_literal(traceback.format_exc())


def _nul_message(app: App) -> str:
    """Which setting holds the NUL character no file or program name can."""
    keys = [key for key, value in app.config.items() if value and "\0" in value]
    where = f" (the value of {', '.join(keys)})" if keys else ""
    return f"Invalid NUL character in a file or program name{where}"


def _os_error_message(exc: OSError) -> str:
    """One line naming the file and the system's reason, as Perl's ``"$file: $!"``."""
    reason = exc.strerror or str(exc)
    if exc.filename is None:
        return reason
    names = [os.fsdecode(exc.filename)]
    if exc.filename2 is not None:
        names.append(os.fsdecode(exc.filename2))
    return f"{' -> '.join(names)}: {reason}"


def _fail(app: App, name: str, message: str, ident: str, exitval: int) -> int:
    """Report a failure that is not a SqlitchError: a line on stderr, or with
    --json one JSON object there."""
    if app.json:
        from sqlitch.services.json_output import write_error

        write_error(name, SqlitchError(message, ident=ident, exitval=exitval))
    else:
        app.vent(message)
    return exitval


def load_command(name: str) -> SqitchCommand:
    """Import a command's module on demand and return its click command."""
    module = importlib.import_module(COMMANDS[name][0])
    cmd: SqitchCommand = module.command
    return cmd


def main(argv: Sequence[str] | None = None) -> None:
    """Console-script entry point."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(encoding="utf-8", errors="surrogateescape")
    code = run(sys.argv[1:] if argv is None else argv, program_from_path(sys.argv[0]))
    with contextlib.suppress(BrokenPipeError):
        sys.stdout.flush()
    sys.exit(code)
