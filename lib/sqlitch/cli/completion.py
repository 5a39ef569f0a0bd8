"""Shell completion: the scripts ``sqlitch completion <shell>`` prints, and
the candidates they ask for.

Each script calls back ``sqlitch __complete <word>...`` (a hidden command)
with the words typed after the program name, the word being completed last
(empty after a space). :func:`candidates` answers with one candidate per
line, read with SQLitch's own rules (:func:`sqlitch.cli.main.parse_core_args`
and :func:`~sqlitch.cli.main.find_command` for core options and the command,
each command's click options for its options and which of them take a value):
commands, options, target and engine names from the configuration, change
names and tags from the plan, and a few fixed values (``--mode``,
``--runner``, ``show``'s types, ``target`` and ``engine`` actions). No
candidate means "complete file names", which each script does then.

Completion must never fail loudly: any error gives no candidates.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlitch.cli.command import SqitchCommand
    from sqlitch.config import Config

__all__ = ["SHELLS", "candidates", "complete_main", "script"]

CORE_OPTIONS = (
    "--chdir",
    "--cd",
    "-C",
    "--etc-path",
    "--no-pager",
    "--quiet",
    "--verbose",
    "-v",
    "--help",
    "--man",
    "--version",
)
_CHDIR = ("-C", "--chdir", "--cd")

# Fixed values of options, by click parameter name.
_FIXED: dict[str, tuple[str, ...]] = {
    "mode": ("all", "change", "tag"),
    "color": ("always", "auto", "never"),
    "format_": ("raw", "full", "long", "medium", "short", "oneline", "format:"),
    "date_format": ("iso", "iso8601", "rfc", "rfc2822", "full", "long", "medium", "short", "raw"),
    "event": ("deploy", "revert", "fail", "merge"),
}
# Options naming changes: "to" changes (names, @tags, @HEAD/@ROOT) or plain names.
_CHANGE_REFS = frozenset({"to_change", "from_change", "onto_change", "upto_change", "from_", "to"})
_CHANGE_NAMES = frozenset({"requires", "conflicts"})
SHOW_TYPES = ("change", "tag", "deploy", "revert", "verify")
TARGET_ACTIONS = ("list", "add", "alter", "remove", "rename", "show")
ENGINE_ACTIONS = ("list", "add", "alter", "remove", "show")
# Commands whose arguments are targets and changes (parse_args's rules).
_TARGETS_AND_CHANGES = frozenset({"deploy", "revert", "verify", "rebase", "check", "bundle"})
_TARGETS_ONLY = frozenset({"status", "log", "upgrade", "plan", "checkout"})


class _Project:
    """What candidates come from: the configuration and the plan, read on
    first use (relative to ``-C``'s directory)."""

    def __init__(self, env: Mapping[str, str], cwd: Path) -> None:
        self.env, self.cwd = env, cwd
        self._config: Config | None = None

    @property
    def config(self) -> Config:
        if self._config is None:
            from sqlitch.config import Config

            self._config = Config.load(self.env, self.cwd)
        return self._config

    def targets(self) -> list[str]:
        return self.config.subsections("target")

    def engines(self, *, configured: bool = False) -> list[str]:
        from sqlitch.engines.names import SQITCH_ENGINES

        found = self.config.subsections("engine")
        return found if configured else _unique([*found, *SQITCH_ENGINES])

    def keys(self) -> list[str]:
        return _unique(key for key, _value in self.config.items())

    def plan_changes(self, plan_file: str | None, target: str | None) -> list[Any]:
        from sqlitch.plan import load_plan

        if plan_file is None:
            from sqlitch.target import default_target, resolve_target

            resolved = (
                resolve_target(self.config, self.env, name=target)
                if target
                else default_target(self.config, self.env)
            )
            plan_file = str(resolved.plan_file)
        path = self.cwd / plan_file
        return list(load_plan(path, file=plan_file).changes)


def _unique(items: Any) -> list[str]:
    return list(dict.fromkeys(items))


def _complete_value(
    name: str,
    command: str,
    project: _Project,
    plan: Callable[[], list[Any]],
    choices: Sequence[str] | None,
) -> list[str]:
    if choices:
        return list(choices)
    if name in _FIXED:
        return list(_FIXED[name])
    if name == "target":
        return project.targets()
    if name == "engine":
        return project.engines()
    if name in _CHANGE_REFS:
        return _change_refs(plan())
    if name in _CHANGE_NAMES or (name == "change_name" and command in ("rework", "tag")):
        return _unique(change.name for change in plan())
    return []


def _change_refs(changes: list[Any]) -> list[str]:
    if not changes:
        return []
    names = _unique(change.name for change in changes)
    tags = _unique(tag.format_name for change in changes for tag in change.tags)
    return [*names, *tags, "@HEAD", "@ROOT"]


def _options(cmd: SqitchCommand) -> tuple[list[str], dict[str, Any]]:
    """The command's options as typed (long names first) and, for each name
    that takes a value, its click parameter."""
    import click

    names: list[str] = []
    takes: dict[str, Any] = {}
    for param in cmd.params:
        if not isinstance(param, click.Option) or param.hidden:
            continue
        for opt in sorted(param.opts, key=lambda o: (not o.startswith("--"), o)):
            names.append(opt)
            if not (param.is_flag or param.count):
                takes[opt] = param
        names.extend(param.secondary_opts)
    return names, takes


def candidates(
    words: Sequence[str], *, env: Mapping[str, str] | None = None, cwd: Path | None = None
) -> list[str]:
    """What may replace the last of ``words`` (the words after the program
    name), filtered by what it starts with; [] for file names."""
    from sqlitch.cli.main import COMMANDS, find_command, load_command, parse_core_args

    env = os.environ if env is None else env
    words = list(words) or [""]
    *before, current = words
    if before and before[-1] in _CHDIR:
        return []  # a directory
    core = parse_core_args(before)
    base = cwd if cwd is not None else Path.cwd()
    project = _Project(env, base / core.chdir if core.chdir else base)
    rest = list(core.rest)
    name, _tried = find_command(rest)

    def matching(found: Sequence[str]) -> list[str]:
        return [c for c in _unique(found) if c.startswith(current)]

    if name is None:
        if current.startswith("-"):
            return matching(CORE_OPTIONS)
        return matching(sorted(COMMANDS))
    cmd = load_command(name)
    options, takes = _options(cmd)
    # The command's own arguments (those after its name): which are option
    # values, which are positional.
    positional: list[str] = []
    given: dict[str, str] = {}
    pending: Any = None
    for arg in rest:
        if arg == "=" and pending is not None:
            continue  # bash splits "--to=x" into "--to", "=", "x"
        if pending is not None:
            given[pending.name] = arg
            pending = None
        elif arg in takes:
            pending = takes[arg]
        elif arg.startswith("-"):
            continue
        else:
            positional.append(arg)

    plan_cache: list[list[Any]] = []

    def plan() -> list[Any]:
        if not plan_cache:
            try:
                target = given.get("target") or next(
                    (p for p in positional if p in project.targets()), None
                )
                plan_cache.append(project.plan_changes(given.get("plan_file"), target))
            except Exception:  # no plan, or a broken one: no change names
                plan_cache.append([])
        return plan_cache[0]

    if pending is not None:  # the current word is an option's value
        choices = getattr(pending.type, "choices", None)
        return matching(_complete_value(pending.name, name, project, plan, choices))
    if current.startswith("--") and "=" in current:
        option, _, _value = current.partition("=")
        param = takes.get(option)
        if param is None:
            return []
        choices = getattr(param.type, "choices", None)
        values = _complete_value(param.name, name, project, plan, choices)
        return matching([f"{option}={value}" for value in values])
    if current.startswith("-"):
        return matching(options)
    return matching(_positional(name, positional, project, plan))


def _positional(
    name: str, positional: list[str], project: _Project, plan: Callable[[], list[Any]]
) -> list[str]:
    """Candidates for a command's next positional argument."""
    from sqlitch.cli.main import COMMANDS

    index = len(positional)
    if name in _TARGETS_AND_CHANGES:
        return [*project.targets(), *_change_refs(plan())]
    if name in _TARGETS_ONLY:
        return project.targets()
    if name == "help":
        return sorted(COMMANDS) if index == 0 else []
    if name == "completion":
        return list(SHELLS) if index == 0 else []
    if name == "show":
        if index == 0:
            return list(SHOW_TYPES)
        if index == 1:
            changes = plan()
            if positional[0] == "tag":
                return _unique(tag.format_name for change in changes for tag in change.tags)
            return _unique(change.name for change in changes)
        return []
    if name in ("target", "engine"):
        actions = TARGET_ACTIONS if name == "target" else ENGINE_ACTIONS
        if index == 0:
            return list(actions)
        action = positional[0]
        if index == 1 and action in ("alter", "remove", "rm", "rename", "show"):
            return project.targets() if name == "target" else project.engines(configured=True)
        if index == 1 and action == "add" and name == "engine":
            return project.engines()
        return []
    if name == "tag":
        return _unique(change.name for change in plan()) if index == 1 else []
    if name == "rework":
        return _unique(change.name for change in plan()) if index == 0 else []
    if name == "config":
        return project.keys() if index == 0 else []
    return []


def complete_main(words: Sequence[str]) -> int:
    """``sqlitch __complete <word>...``: print the candidates, one a line."""
    try:
        found = candidates(words)
    except Exception:  # a broken plan or configuration: nothing to offer
        found = []
    if found:
        sys.stdout.write("\n".join(found) + "\n")
    return 0


# -- the scripts ------------------------------------------------------------
_BASH = r"""# {prog} completion for bash. Load it with
#   eval "$({prog} completion bash)"
# (in ~/.bashrc), or save it in the bash-completion directory as "{prog}".
_{func}_complete() {{
    local IFS=$'\n'
    # Candidates start with the word being completed; none: file names.
    COMPREPLY=($({prog} __complete "${{COMP_WORDS[@]:1:COMP_CWORD}}" 2>/dev/null))
}}
complete -o default -o bashdefault -F _{func}_complete {prog}
"""

_ZSH = r"""#compdef {prog}
# {prog} completion for zsh. Load it with
#   eval "$({prog} completion zsh)"
# (in ~/.zshrc, after compinit), or save it as "_{prog}" in a directory of $fpath.
_{func}() {{
    local -a found
    found=("${{(@f)$({prog} __complete "${{(@)words[2,CURRENT]}}" 2>/dev/null)}}")
    found=(${{found:#}})
    if (( ${{#found}} )); then
        compadd -- "${{found[@]}}"
    else
        _files
    fi
}}
if [[ "${{funcstack[1]}}" == "_{func}" ]]; then
    _{func} "$@"
else
    compdef _{func} {prog}
fi
"""

_FISH = r"""# {prog} completion for fish. Load it with
#   {prog} completion fish | source
# or save it as ~/.config/fish/completions/{prog}.fish.
function __{func}_complete
    set -l words (commandline -opc)
    set -e words[1]
    set -l current (commandline -ct)
    set -l found ({prog} __complete $words "$current" 2>/dev/null)
    if test (count $found) -gt 0
        printf '%s\n' $found
    else
        __fish_complete_path "$current"
    end
end
complete -c {prog} -f -a '(__{func}_complete)'
"""

SHELLS = {"bash": _BASH, "zsh": _ZSH, "fish": _FISH}


def script(shell: str, prog: str) -> str:
    """The completion script for ``shell``, for the program named ``prog``."""
    func = "".join(c if c.isalnum() else "_" for c in prog)
    return SHELLS[shell].format(prog=prog, func=func)
