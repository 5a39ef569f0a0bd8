"""Run SQLitch on a pseudo-terminal, and read what a terminal would show."""

from __future__ import annotations

import contextlib
import fcntl
import os
import struct
import subprocess
import sys
import termios
from collections.abc import Mapping, Sequence
from pathlib import Path


def run_on_terminal(
    argv: Sequence[str], *, env: Mapping[str, str], cwd: Path, columns: int = 100
) -> tuple[int, bytes]:
    """``python -m sqlitch argv`` with stdin, stdout and stderr on one new
    pty of ``columns`` columns; returns the exit code and every byte the
    terminal received."""
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, columns, 0, 0))
    try:
        proc = subprocess.Popen(
            [sys.executable, "-m", "sqlitch", *argv],
            stdin=slave,
            stdout=slave,
            stderr=slave,
            cwd=cwd,
            env=dict(env),
            start_new_session=True,
        )
    finally:
        os.close(slave)
    chunks: list[bytes] = []
    try:
        while True:
            try:
                chunk = os.read(master, 65536)
            except OSError:  # EIO: every writer is gone
                break
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        with contextlib.suppress(OSError):
            os.close(master)
    return proc.wait(timeout=120), b"".join(chunks)


def screen(raw: str) -> list[str]:
    """The lines a terminal shows after receiving ``raw`` (text, CR, LF,
    erase line, erase to the end of the line, cursor up); trailing empty
    lines dropped. Any other escape sequence fails the test."""
    lines = [""]
    row = col = 0
    i = 0
    while i < len(raw):
        if raw.startswith("\x1b[2K", i):
            lines[row] = ""
            i += 4
            continue
        if raw.startswith("\x1b[K", i):
            lines[row] = lines[row][:col]
            i += 3
            continue
        if raw.startswith("\x1b[1A", i):
            row = max(0, row - 1)
            i += 4
            continue
        char = raw[i]
        if char == "\x1b":
            raise AssertionError(f"unexpected escape sequence {raw[i : i + 8]!r}")
        if char == "\r":
            col = 0
        elif char == "\n":
            row += 1
            col = 0
            if row == len(lines):
                lines.append("")
        else:
            line = lines[row].ljust(col)
            lines[row] = line[:col] + char + line[col + 1 :]
            col += 1
        i += 1
    while lines and lines[-1] == "":
        lines.pop()
    return lines
