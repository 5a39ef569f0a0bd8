"""A clean copy of the checkout: the project's own files, never build output,
virtual environments, caches or the databases the Quickstart writes."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]

# Outside a Git checkout: what .gitignore keeps out of one.
UNTRACKED = (
    ".git",
    ".venv",
    ".ci-venv",
    "__pycache__",
    "*.py[cod]",
    "*.egg-info",
    ".*_cache",
    ".coverage*",
    ".hypothesis",
    ".tox",
    "build",
    "dist",
    "htmlcov",
    "*.db",
)


def git_files(root: Path) -> list[str] | None:
    """The checkout's files that Git does not ignore (tracked or new); None without Git."""
    git = shutil.which("git")
    if git is None or not (root / ".git").exists():
        return None
    proc = subprocess.run(
        [git, "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=root,
        capture_output=True,
        check=False,
    )
    if proc.returncode != 0:
        return None
    return sorted({name for name in proc.stdout.decode("utf-8").split("\0") if name})


def copy_checkout(dest: Path, root: Path = REPO_ROOT) -> None:
    """Copy the project's files (as Git sees them, uncommitted edits included) to ``dest``."""
    names = git_files(root)
    if names is None:
        shutil.copytree(root, dest, ignore=shutil.ignore_patterns(*UNTRACKED))
        return
    for name in names:
        source = root / name
        target = dest / name
        if source.is_symlink():  # lib/sqlitch/templates: kept a link, as Git keeps it
            target.parent.mkdir(parents=True, exist_ok=True)
            target.symlink_to(source.readlink())
            continue
        if not source.is_file():  # deleted in the working tree, or a submodule
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target)
