"""Running the sqlitch command line in-process, as a user types it."""

from __future__ import annotations

import io
import sys

import pytest

from sqlitch.cli.main import run


def run_captured(
    capsys: pytest.CaptureFixture[str], *args: str, stdin: str = ""
) -> tuple[int, str, str]:
    """``sqlitch args`` with ``stdin`` as its input: (exit, stdout, stderr)."""
    saved = sys.stdin
    sys.stdin = io.StringIO(stdin)
    try:
        code = run(list(args))
    finally:
        sys.stdin = saved
    out, err = capsys.readouterr()
    return code, out, err
