"""sqlitch.files: atomic rewrites, leftover temporary files, all-or-nothing."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from sqlitch import files
from sqlitch.errors import SqlitchError


@pytest.fixture
def area(isolated_env: Path) -> Path:
    """An empty directory (the test's project directory)."""
    return isolated_env


def test_write_atomically_creates_and_replaces(area: Path) -> None:
    target = area / "f"
    files.write_atomically(target, b"one")
    assert target.read_bytes() == b"one"
    target.chmod(0o604)
    files.write_atomically(target, b"two")
    assert target.read_bytes() == b"two"
    assert stat.S_IMODE(target.stat().st_mode) == 0o604
    assert sorted(p.name for p in area.iterdir()) == ["f"]


def test_write_atomically_through_a_dangling_link(area: Path) -> None:
    (area / "link").symlink_to("real")
    files.write_atomically(area / "link", b"x")
    assert (area / "link").is_symlink()
    assert (area / "real").read_bytes() == b"x"


def test_write_atomically_into_a_missing_directory(area: Path) -> None:
    with pytest.raises(files.WriteError, match="Cannot open shown: No such file or directory"):
        files.write_atomically(area / "no" / "f", b"x", shown="shown")


def test_stale_temps(area: Path) -> None:
    target = area / "p.plan"
    mine = area / f".p.plan.{os.getpid()}.aa{files.TEMP_SUFFIX}"
    gone = area / f".p.plan.999999999.aa{files.TEMP_SUFFIX}"
    zero = area / f".p.plan.0.aa{files.TEMP_SUFFIX}"
    alive = area / f".p.plan.1.aa{files.TEMP_SUFFIX}"  # init: never ours to remove
    odd = [
        area / f".p.plan.x.aa{files.TEMP_SUFFIX}",
        area / f".p.plan.12{files.TEMP_SUFFIX}",
        area / f".p.plan.{'1' * 11}.aa{files.TEMP_SUFFIX}",
        area / f".other.1.aa{files.TEMP_SUFFIX}",
    ]
    for path in (mine, gone, zero, alive, *odd):
        path.write_text("x")
    removed = files.remove_stale_temps(target)
    assert sorted(removed) == sorted([mine, gone, zero])
    assert alive.exists() and all(p.exists() for p in odd)
    assert files.remove_stale_temps(area / "missing" / "p.plan") == []


def test_create_and_write_file(area: Path) -> None:
    path = area / "a"
    files.create_file(path, b"1")
    with pytest.raises(FileExistsError):
        files.create_file(path, b"2")
    path.chmod(0o600)
    files.write_file(path, b"3")
    assert path.read_bytes() == b"3"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    files.write_file(area / "b", b"4")
    assert (area / "b").read_bytes() == b"4"


def test_make_dirs(area: Path) -> None:
    assert files.make_dirs(area / "a" / "b") == [area / "a", area / "a" / "b"]
    assert files.make_dirs(area / "a") == []
    (area / "f").write_text("")
    with pytest.raises(FileExistsError):
        files.make_dirs(area / "f")
    with pytest.raises(NotADirectoryError):
        files.make_dirs(area / "f" / "g")


def test_transaction_undoes_everything(area: Path) -> None:
    old = area / "old"
    old.write_bytes(b"old")
    old.chmod(0o640)
    kept = area / "kept"
    kept.mkdir()
    with pytest.raises(RuntimeError), files.transaction():
        files.make_dirs(area / "d" / "e")
        files.create_file(area / "d" / "e" / "new", b"new")
        files.write_atomically(old, b"changed")
        files.write_atomically(old, b"changed twice")
        files.write_file(area / "w", b"w")
        files.make_dirs(kept)
        (kept / "theirs").write_text("not recorded")
        raise RuntimeError
    assert sorted(p.name for p in area.iterdir()) == ["kept", "old"]
    assert old.read_bytes() == b"old"
    assert stat.S_IMODE(old.stat().st_mode) == 0o640
    assert (kept / "theirs").exists()


def test_transaction_keeps_a_directory_someone_filled(area: Path) -> None:
    with pytest.raises(RuntimeError), files.transaction():
        files.make_dirs(area / "d")
        (area / "d" / "other").write_text("x")
        raise RuntimeError
    assert (area / "d" / "other").exists()


def test_transaction_commits_and_nests(area: Path) -> None:
    with files.transaction() as outer:
        with files.transaction() as inner:
            files.create_file(area / "a", b"a")
        assert inner is outer
    assert (area / "a").exists()
    with pytest.raises(ValueError), files.transaction():
        files.create_file(area / "b", b"b")
        try:
            with files.transaction():
                raise ValueError
        finally:
            assert (area / "b").exists()  # the inner block joined the outer
    assert not (area / "b").exists()


def test_transaction_keep_on_refusal(area: Path) -> None:
    with pytest.raises(SqlitchError), files.transaction(keep_on_refusal=True):
        files.create_file(area / "a", b"a")
        raise SqlitchError("refused")
    assert (area / "a").exists()
    with pytest.raises(files.WriteError), files.transaction(keep_on_refusal=True):
        files.create_file(area / "b", b"b")
        raise files.WriteError("could not write")
    assert not (area / "b").exists()
    with pytest.raises(KeyboardInterrupt), files.transaction(keep_on_refusal=True):
        files.create_file(area / "c", b"c")
        raise KeyboardInterrupt
    assert not (area / "c").exists()
