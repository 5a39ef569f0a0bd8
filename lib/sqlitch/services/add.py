"""`sqlitch add`: add a change to one or more plans and write its scripts.

Also home of what `add`, `tag` and `rework` share (App::Sqitch::Plan::Line's
note request, the script editor, per-target plan loading).

Everything that can fail is checked before any file is written: the plans
are edited in memory, the note is requested, every template is rendered,
and only then are scripts and plans written. (Sqitch writes each script as
it renders it, so a broken template can leave earlier scripts behind.)
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Protocol

from sqlitch.errors import SqlitchError

if TYPE_CHECKING:
    from sqlitch.config import Config
    from sqlitch.plan import Change, Plan, Tag
    from sqlitch.target import Target
    from sqlitch.templating import Value

SCRIPT_KINDS = ("deploy", "revert", "verify")
# An extension repeated at the end of a file name: ".sql.sql" (also ".s.ss").
_DOUBLE_EXTENSION = re.compile(r"\.(\w+)\.(?:\1)+$")
# Perl's \v: what request_note trims from both ends of an edited note.
_VERTICAL = "\n\x0b\f\r\x85\u2028\u2029"


class CommandContext(Protocol):
    """What these services need from the application object."""

    config: Config
    env: Mapping[str, str]

    @property
    def user_name(self) -> str: ...

    @property
    def user_email(self) -> str: ...

    def info(self, *parts: object) -> None: ...

    def debug(self, *parts: object) -> None: ...

    def warn(self, *parts: object) -> None: ...


# ---------------------------------------------------------------------------
# Shared by add, tag and rework


def plan_for(target: Target, cache: dict[str, Plan]) -> Plan:
    """The plan of a target, loaded once per plan file."""
    from sqlitch.plan import load_plan

    key = str(target.plan_file)
    if key not in cache:
        cache[key] = load_plan(Path(key), file=key)
    return cache[key]


def set_note(line: Change | Tag, note: str) -> None:
    """Give a plan line its final note (the line gains its space before ``#``)."""
    line.note = note
    if note and note != "0" and not line.rspace:
        line.rspace = " "
    if hasattr(line, "_id"):
        line._id = None  # the ID hashes the note


def save_plan(target: Target, plan: Plan, change: Change, note: str) -> str:
    """Give the new change its final note and write the plan; the "Added" message."""
    set_note(change, note)
    plan.write(Path(str(target.plan_file)))
    return f'Added "{change.format_op_name_dependencies()}" to {target.plan_file}'


def _comment_out(prompt: str) -> str:
    """``# `` at the start of every line (not after a final newline)."""
    return re.sub(r"(?:\A|(?<=\n))(?=.)", "# ", prompt, flags=re.S)


def change_note_prompt(command: str, change: Change, scripts: Sequence[str]) -> str:
    """The instructions shown in the editor when a change needs a note."""
    listing = "\n    ".join(["", *scripts, "\n"])
    return (
        "Please enter a note for your change. Lines starting with '#' will\n"
        f"be ignored, and an empty message aborts the {command}.\n"
        f"Change to {command}:\n\n"
        f"  {change.format_op_name_dependencies()}{listing}"
    )


def tag_note_prompt(command: str) -> str:
    return f"Write a {command} note.\nLines starting with '#' will be ignored."


def open_in_editor(ctx: CommandContext, paths: Sequence[str]) -> None:
    """Run the configured editor on some files, as one shell command line."""
    from sqlitch.services.config_command import editor_command, run_shell_command, shell_quote

    words = " ".join(shell_quote(p) for p in paths)
    run_shell_command(f"{editor_command(ctx.config, ctx.env)} {words}")


def request_note(ctx: CommandContext, note: str, prompt: str) -> str:
    """The note to use: the given one, or one the user writes in an editor."""
    if re.search(r"\S", note):
        return note
    import tempfile

    fd, name = tempfile.mkstemp()
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write("\n" + _comment_out(prompt) + "\n")
        open_in_editor(ctx, [name])
        try:
            with open(name, encoding="utf-8", newline="") as handle:
                text = handle.read()
        except (OSError, UnicodeDecodeError) as exc:
            raise SqlitchError(f"Cannot open {name}: {exc}", ident="add") from None
    finally:
        with _suppress_os_error():
            os.unlink(name)
    lines = re.findall(r"[^\n]*\n|[^\n]+\Z", text)
    note = "".join(line for line in lines if not re.match(r"\s*#", line))
    if not re.search(r"\S", note):
        raise SqlitchError("Aborting due to empty note", ident="plan", exitval=1)
    return note.lstrip(_VERTICAL).rstrip(_VERTICAL)


class _suppress_os_error:
    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: object, value: object, tb: object) -> bool:
        return isinstance(value, OSError)


def script_path(
    target: Target, kind: str, segments: Sequence[str], *, reworked: bool = False
) -> PurePosixPath:
    """Where a script lives: the target's script directory, or ``top_dir/<kind>``."""
    if kind in SCRIPT_KINDS:
        base = target.script_dir(kind, reworked=reworked)
    else:
        base = target.top_dir / kind
    return base.joinpath(*segments)


def new_script_segments(name: str, extension: str) -> list[str]:
    """Path parts of a (not reworked) change's script: ``a/b`` -> ``a``, ``b.sql``."""
    parts = name.split("/")
    parts[-1] += "." + extension
    return parts


def check_path_name(name: str, command: str) -> None:
    """Refuse a change name whose scripts would live outside the script directories.

    Sqitch takes ``x/../../../esc`` and writes ``deploy/x/../../../esc.sql``,
    outside the project (and one file for all three scripts); SQLitch refuses
    a ``..`` segment before anything is written. (A name cannot start with
    "/": names must not begin with punctuation.)
    """
    if ".." in name.split("/"):
        raise SqlitchError(
            f'"{name}" is invalid: change names must not contain ".." as a path segment',
            ident=command,
        )


def make_parent_dirs(ctx: CommandContext, command: str, path: PurePosixPath) -> None:
    from sqlitch.files import WriteError, make_dirs

    parent = Path(str(path.parent))
    if os.path.isdir(parent):  # False for a name too long, as Perl's -d
        return
    try:
        make_dirs(parent)
    except OSError as exc:
        raise WriteError(
            f"Error creating {exc.filename or parent}: {exc.strerror}", ident=command
        ) from None
    ctx.debug(f"    Created {path.parent}")


# ---------------------------------------------------------------------------
# Templates


# Sqitch checks template options while building the command object, and a
# failure there makes Perl exit 255 (with a stack trace SQLitch leaves out).
CONFIGURE_EXIT = 255


def check_template(path: str) -> Path:
    """A template file named on the command line or in add.templates.*."""
    file = Path(path)
    if not os.path.exists(path):
        raise SqlitchError(
            f"Template {PurePosixPath(path)} does not exist", ident="add", exitval=CONFIGURE_EXIT
        )
    if not os.path.isfile(file):
        raise SqlitchError(
            f"Template {PurePosixPath(path)} is not a file", ident="add", exitval=CONFIGURE_EXIT
        )
    return file


def check_template_directory(path: str) -> Path:
    shown = PurePosixPath(path)
    if not os.path.exists(path):
        raise SqlitchError(
            f'Directory "{shown}" does not exist', ident="add", exitval=CONFIGURE_EXIT
        )
    if not os.path.isdir(path):
        raise SqlitchError(f'"{shown}" is not a directory', ident="add", exitval=CONFIGURE_EXIT)
    return Path(str(shown))


def template_search_path(config: Config, template_directory: Path | None) -> list[Path]:
    """--template-directory, ~/.sqitch/templates, the system templates, then the package's.

    The first three are Sqitch's lookup order. The templates shipped inside
    the package come last, so ``add`` works however SQLitch was installed
    (``pip install --user`` or ``--target`` leave the system directory,
    ``sqlitch --etc-path``, without templates) and a type missing from the
    other directories still gets SQLitch's default.
    """
    from sqlitch.config import system_dir
    from sqlitch.templating import bundled_templates_dir

    dirs = [] if template_directory is None else [template_directory]
    dirs.append(config.user_dir() / "templates")
    dirs.append(system_dir() / "templates")
    dirs.append(bundled_templates_dir())
    return dirs


@dataclass
class AddRequest:
    """The `add` command's settings, after Sqitch's `configure` checks."""

    name: str
    requires: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    template_name: str | None = None
    template_directory: Path | None = None
    # Script type -> template file: add.templates.*, --use, then lookups (shared
    # by every target, as in Sqitch, so the first target's templates win).
    templates: dict[str, Path] = field(default_factory=dict)
    with_scripts: dict[str, bool] = field(default_factory=dict)
    variables: dict[str, Value] = field(default_factory=dict)
    open_editor: bool = False


def configured_templates(config: Config, use: Sequence[tuple[str, str]]) -> dict[str, Path]:
    """add.templates.* then --use name=path, each checked to be a file."""
    found = {
        key: check_template(value) for key, value in config.get_section("add.templates").items()
    }
    for key, value in use:
        found[key] = check_template(value)
    return found


def find_templates(ctx: CommandContext, request: AddRequest, name: str) -> dict[str, Path]:
    """Every script type with a template, Sqitch's all_templates."""
    templates = request.templates
    for directory in template_search_path(ctx.config, request.template_directory):
        if not os.path.isdir(directory):
            continue
        for sub in sorted(directory.iterdir()):
            if not os.path.isdir(sub) or sub.name in templates:
                continue
            file = sub / f"{name}.tmpl"
            if os.path.isfile(file):  # a template name too long is not found
                templates[sub.name] = file
    with_scripts = request.with_scripts
    for kind in SCRIPT_KINDS:
        if kind not in templates and with_scripts.get(kind, True):
            raise SqlitchError(f"Cannot find {kind} template", ident="add")
    return templates


@dataclass
class _PlannedScript:
    path: PurePosixPath
    template: Path
    engine: str
    project: str
    content: str | None = None


@dataclass
class _PlanEdit:
    plan: Plan
    change: Change
    scripts: list[_PlannedScript] = field(default_factory=list)
    seen: set[str] = field(default_factory=set)


def add_change(ctx: CommandContext, request: AddRequest, targets: Sequence[Target]) -> None:
    """Add the change to every target's plan and write its scripts.

    All or nothing: if a script or a plan cannot be written, the scripts and
    directories already created are removed and the plans written restored.
    """
    from sqlitch.files import transaction
    from sqlitch.templating import TemplateError, render

    check_path_name(request.name, "add")
    plans: dict[str, Plan] = {}
    edits: dict[str, _PlanEdit] = {}
    files: list[str] = []
    first_change: Change | None = None
    note = "\n\n".join(request.notes)
    for target in targets:
        engine = target.engine_key or ""
        templates = find_templates(ctx, request, request.template_name or engine)
        plan_file = str(target.plan_file)
        plan = plan_for(target, plans)
        edit = edits.get(plan_file)
        if edit is None:
            change = plan.add_change(
                request.name,
                requires=request.requires,
                conflicts=request.conflicts,
                note=note,
                planner_name=ctx.user_name,
                planner_email=ctx.user_email,
            )
            edit = edits[plan_file] = _PlanEdit(plan, change)
            first_change = first_change or change
        segments = new_script_segments(request.name, target.extension)
        for kind in sorted(templates):
            if not request.with_scripts.get(kind, True):
                continue
            path = script_path(target, kind, segments)
            if str(path) in edit.seen:
                continue
            edit.seen.add(str(path))
            if str(path) not in files:
                files.append(str(path))
            edit.scripts.append(_PlannedScript(path, templates[kind], engine, plan.project))

    if first_change is None:
        return
    final_note = request_note(
        ctx, first_change.note, change_note_prompt("add", first_change, files)
    )

    # Render everything before writing anything.
    for edit in edits.values():
        for script in edit.scripts:
            if os.path.exists(script.path):
                continue
            variables: dict[str, Value] = {
                **request.variables,
                "change": request.name,
                "engine": script.engine,
                "project": script.project,
                "requires": list(request.requires),
                "conflicts": list(request.conflicts),
            }
            try:
                source = script.template.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                reason = getattr(exc, "strerror", None) or str(exc)
                raise SqlitchError(
                    f"Cannot open {script.template}: {reason}", ident="add"
                ) from None
            try:
                script.content = render(source, variables)
            except TemplateError as exc:
                raise SqlitchError(
                    f"Error executing {script.template}: {exc}", ident="add"
                ) from None

    with transaction():
        for target in targets:
            edit = edits.pop(str(target.plan_file), None)
            if edit is None:
                continue
            for script in edit.scripts:
                _write_script(ctx, script)
            ctx.info(save_plan(target, edit.plan, edit.change, final_note))

    if request.open_editor:
        open_in_editor(ctx, files)


def _write_script(ctx: CommandContext, script: _PlannedScript) -> None:
    if os.path.exists(script.path) or script.content is None:
        ctx.info(f"Skipped {script.path}: already exists")
        return
    from sqlitch.files import create_file

    make_parent_dirs(ctx, "add", script.path)
    # Text from settings may hold bytes read undecoded: written back as read.
    try:
        data = script.content.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError as exc:
        bad = script.content[exc.start : exc.end].encode("unicode_escape").decode("ascii")
        raise SqlitchError(f'Cannot write {script.path}: "{bad}" is not valid UTF-8') from None
    try:
        create_file(script.path, data)
    except OSError as exc:
        raise SqlitchError(f"Cannot open {script.path}: {exc.strerror}", ident="add") from None
    # Sqitch 1.4.0 (#724): "add users.sql" makes deploy/users.sql.sql.
    double = _DOUBLE_EXTENSION.search(str(script.path))
    if double:
        ctx.warn(f"File {script.path} has a double extension of {double.group(1)}")
    ctx.info(f"Created {script.path}")
