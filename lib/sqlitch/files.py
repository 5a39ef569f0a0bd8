"""Writing project files safely: atomic rewrites and all-or-nothing commands.

:func:`write_atomically` replaces a file as one step: the new bytes go to a
temporary file beside the real file (after following symbolic links, so a
linked ``sqitch.plan`` is rewritten where it lives and the link stays), are
flushed to disk, take the old file's permissions and replace it with a
rename. A reader, or a crash, sees the old bytes or the new ones, never a
mix.

Temporary files are named ``.<file>.<pid>.<random>.sqlitch-tmp``: hidden,
clearly SQLitch's, and tied to the process that made them. A process killed
mid-write (SIGKILL, power loss) leaves its file behind; the next rewrite of
the same file removes every such leftover whose process is gone. A running
process's temporary file is never touched.

:func:`transaction` makes a command's writes all-or-nothing: inside it,
every file or directory created and every file replaced through this module
is recorded, and if the block raises, files it created are removed, files
it replaced get their old bytes and permissions back, and directories it
created are removed again (when empty).
"""

from __future__ import annotations

import contextlib
import errno
import functools
import os
import secrets
import stat
from collections.abc import Callable, Iterator
from pathlib import Path

from sqlitch.errors import SqlitchError

TEMP_SUFFIX = ".sqlitch-tmp"

__all__ = [
    "TEMP_SUFFIX",
    "Transaction",
    "WriteError",
    "create_file",
    "make_dirs",
    "real_path",
    "remove_stale_temps",
    "transaction",
    "write_atomically",
    "write_file",
]


def real_path(path: str | os.PathLike[str]) -> Path:
    """The file ``path`` names once symbolic links are followed (it may not exist)."""
    return Path(os.path.realpath(path))


def _default_mode() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def _temp_name(target: Path) -> Path:
    return target.with_name(f".{target.name}.{os.getpid()}.{secrets.token_hex(4)}{TEMP_SUFFIX}")


def _process_gone(pid: int) -> bool:
    if pid <= 0:
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except OSError:  # exists, but not ours to signal
        return False
    return False


def remove_stale_temps(target: Path) -> list[Path]:
    """Remove the temporary files left beside ``target`` by dead processes."""
    removed: list[Path] = []
    prefix = f".{target.name}."
    try:
        entries = list(os.scandir(target.parent))
    except OSError:
        return removed
    for entry in entries:
        name = entry.name
        if not (name.startswith(prefix) and name.endswith(TEMP_SUFFIX)):
            continue
        middle = name[len(prefix) : -len(TEMP_SUFFIX)].split(".")
        if len(middle) != 2 or not middle[0].isdigit() or len(middle[0]) > 10:
            continue
        if middle[0] != str(os.getpid()) and not _process_gone(int(middle[0])):
            continue
        with contextlib.suppress(OSError):
            os.unlink(entry.path)
            removed.append(Path(entry.path))
    return removed


def _fsync_dir(directory: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


class WriteError(SqlitchError):
    """A file or directory could not be written (as opposed to a refusal)."""


def _raise_write_error(shown: str, exc: OSError) -> WriteError:
    return WriteError(f"Cannot open {shown}: {exc.strerror or exc}", ident="io")


def write_atomically(
    path: str | os.PathLike[str],
    data: bytes,
    *,
    shown: str | None = None,
) -> None:
    """Replace the file at ``path`` (after links) with ``data`` in one step.

    An existing file keeps its permissions (and, where allowed, its owner);
    a new one gets 0666 less the umask. Failures raise ``Cannot open
    <path>: <reason>`` (``shown`` is the name to print, default ``path``).
    """
    name = shown if shown is not None else str(path)
    target = real_path(path)
    try:
        info: os.stat_result | None = os.stat(target)
    except FileNotFoundError:
        info = None
    except OSError as exc:
        raise _raise_write_error(name, exc) from None
    if info is not None and not stat.S_ISREG(info.st_mode):
        # Never rename over a directory, a device (/dev/null) or a pipe.
        reason = os.strerror(errno.EISDIR) if stat.S_ISDIR(info.st_mode) else "Not a regular file"
        raise WriteError(f"Cannot open {name}: {reason}", ident="io")
    if info is not None and not os.access(target, os.W_OK):
        # A rename would replace a read-only file; writing it in place would not.
        raise WriteError(f"Cannot open {name}: Permission denied", ident="io")
    _record_replace(target, info)
    remove_stale_temps(target)
    temp = _temp_name(target)
    try:
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except OSError as exc:
        raise _raise_write_error(name, exc) from None
    try:
        try:
            _write_all(fd, data)
            if info is not None:
                if (info.st_uid, info.st_gid) != (os.geteuid(), os.getegid()):
                    with contextlib.suppress(OSError):  # allowed to root, or for a group
                        os.fchown(fd, info.st_uid, info.st_gid)
                os.fchmod(fd, stat.S_IMODE(info.st_mode))
            else:
                os.fchmod(fd, _default_mode())
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(temp, target)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        if isinstance(exc, OSError):
            raise _raise_write_error(name, exc) from None
        raise
    _fsync_dir(target.parent)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def create_file(path: str | os.PathLike[str], data: bytes) -> None:
    """Write a new file (it must not exist), recorded for :func:`transaction`.

    Raises OSError: callers word the message.
    """
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    _record(functools.partial(_unlink, Path(path)))
    try:
        _write_all(fd, data)
    finally:
        os.close(fd)


def write_file(path: str | os.PathLike[str], data: bytes) -> None:
    """Write a file in place: created, or overwritten keeping its permissions;
    recorded for :func:`transaction`. Raises OSError."""
    target = real_path(path)
    try:
        info = os.stat(target)
    except FileNotFoundError:
        create_file(path, data)
        return
    _record_replace(target, info)
    with open(target, "wb") as handle:
        handle.write(data)


def make_dirs(path: str | os.PathLike[str]) -> list[Path]:
    """Create a directory and its missing parents, recorded for :func:`transaction`.

    Returns the directories created, outermost first. Raises OSError (the
    callers word their own messages).
    """
    target = Path(path)
    missing: list[Path] = []
    current = target
    while not os.path.lexists(current):
        missing.append(current)
        if current.parent == current:
            break
        current = current.parent
    if not missing and not target.is_dir():  # a file (or a dangling link) in the way
        raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), str(target))
    created: list[Path] = []
    for directory in reversed(missing):
        os.mkdir(directory)
        created.append(directory)
        _record(functools.partial(_rmdir, directory))
    return created


# ---------------------------------------------------------------------------
# All-or-nothing


class Transaction:
    """The undo steps of the writes made so far, newest last."""

    def __init__(self) -> None:
        self.undo: list[Callable[[], None]] = []
        self.replaced: set[Path] = set()

    def keep(self) -> None:
        """Keep the writes made so far, whatever happens next."""
        self.undo.clear()
        self.replaced.clear()

    def rollback(self) -> None:
        while self.undo:
            step = self.undo.pop()
            with contextlib.suppress(OSError, SqlitchError):
                step()


_active: list[Transaction] = []


def _record(step: Callable[[], None]) -> None:
    if _active:
        _active[-1].undo.append(step)


def _record_replace(target: Path, info: os.stat_result | None) -> None:
    """Remember what ``target`` held before its first change in this transaction."""
    if not _active or target in _active[-1].replaced:
        return
    _active[-1].replaced.add(target)
    if info is None:
        _record(functools.partial(_unlink, target))
        return
    if not stat.S_ISREG(info.st_mode):
        return  # writing it fails: nothing to restore
    try:
        old = target.read_bytes()
    except OSError as exc:
        raise _raise_write_error(str(target), exc) from None

    def restore() -> None:
        _suspended(lambda: write_atomically(target, old))

    _record(restore)


def _suspended(step: Callable[[], None]) -> None:
    """Run an undo step without recording it."""
    saved = _active[:]
    _active.clear()
    try:
        step()
    finally:
        _active.extend(saved)


def _unlink(path: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        os.unlink(path)


def _rmdir(path: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        os.rmdir(path)  # only if empty: never what someone else put there


@contextlib.contextmanager
def transaction(*, keep_on_refusal: bool = False) -> Iterator[Transaction]:
    """Undo every write made through this module in the block if it raises.

    With ``keep_on_refusal``, a :class:`SqlitchError` that is not a
    :class:`WriteError` (a check that failed, such as init finding the plan
    of another project) keeps what was written, as Sqitch does; failures to
    write, interruptions and bugs still undo it. Nested blocks join the
    outermost one.
    """
    if _active:
        yield _active[-1]
        return
    current = Transaction()
    _active.append(current)
    try:
        yield current
    except BaseException as exc:
        _active.remove(current)
        refusal = isinstance(exc, SqlitchError) and not isinstance(exc, WriteError)
        if not (keep_on_refusal and refusal):
            current.rollback()
        raise
    else:
        _active.remove(current)
