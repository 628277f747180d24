"""Export destinations found under fake mount roots, and a write that fails losing nothing."""

from __future__ import annotations

import errno
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk.exports import (
    ExportError, find_destinations, mount_points, removable_media, write_export,
)


def fake_machine(tmp_path: Path) -> tuple[list[Path], Path, Path]:
    """/media/pat with two sticks (one read-only, one with a space in its label), /mnt with a
    mounted disk and an empty folder nothing is mounted on, and a home with Downloads."""
    media, run_media, mnt = tmp_path / "media", tmp_path / "run" / "media", tmp_path / "mnt"
    roots = [media / "pat", run_media / "pat", media, mnt]
    sticks = [media / "pat" / "KINGSTON", media / "pat" / "OLD STICK", mnt / "backup"]
    for folder in [*roots, *sticks, mnt / "empty"]:
        folder.mkdir(parents=True, exist_ok=True)
    mounts = tmp_path / "mounts"
    mounts.write_text(
        "proc /proc proc rw,nosuid 0 0\n"
        f"/dev/sda1 {sticks[0]} vfat rw,nosuid,nodev,uid=1000 0 0\n"
        f"/dev/sdb1 {str(sticks[1]).replace(' ', chr(92) + '040')} vfat ro,nosuid 0 0\n"
        f"/dev/sdc1 {sticks[2]} ext4 rw,relatime 0 0\n"
        "garbage line\n")
    home = tmp_path / "home" / "pat"
    (home / "Downloads").mkdir(parents=True)
    return roots, mounts, home


def test_sticks_first_then_this_computer(tmp_path: Path) -> None:
    roots, mounts, home = fake_machine(tmp_path)
    found = find_destinations(roots=roots, home=home, mounts=mounts)
    assert [(d.kind, d.name, d.usable) for d in found] == [
        ("usb", "KINGSTON", True), ("usb", "OLD STICK", False), ("usb", "backup", True),
        ("downloads", "Downloads", True)]
    assert found[1].problem == "read_only"  # found, shown, not offered
    assert found[0].free_bytes is not None and found[0].free_bytes > 0
    assert not any(d.path.name == "empty" for d in found)  # nothing mounted there


def test_a_folder_the_caller_names_and_a_localised_downloads(tmp_path: Path) -> None:
    _, mounts, home = fake_machine(tmp_path)
    (home / "Heruntergeladen").mkdir()
    (home / ".config").mkdir()
    (home / ".config" / "user-dirs.dirs").write_text(
        '# written by xdg-user-dirs-update\nXDG_DOWNLOAD_DIR="$HOME/Heruntergeladen"\n')
    exports = home / "qa-exports"  # not there yet: made on the first export
    found = find_destinations(roots=[], home=home, mounts=mounts, also=[exports])
    assert [(d.kind, d.path) for d in found] == [("folder", exports),
                                                 ("downloads", home / "Heruntergeladen")]
    assert all(d.usable for d in found)


def test_an_unwritable_stick_is_listed_with_its_problem(tmp_path: Path) -> None:
    roots, mounts, _ = fake_machine(tmp_path)
    found = removable_media(roots, mount_points(mounts), writable=lambda p: p.name != "backup")
    assert [(d.name, d.problem) for d in found] == [
        ("KINGSTON", None), ("OLD STICK", "read_only"), ("backup", "read_only")]


def test_no_mount_table_no_sticks(tmp_path: Path) -> None:
    assert mount_points(tmp_path / "missing") == {}
    found = find_destinations(roots=[tmp_path], home=tmp_path, mounts=tmp_path / "missing")
    assert [d.kind for d in found] == ["downloads"]


def test_write_export_names_syncs_and_never_overwrites(tmp_path: Path) -> None:
    first = write_export(tmp_path / "stick", "a.csv", lambda p: p.write_text("one"))
    second = write_export(tmp_path / "stick", "a.csv", lambda p: p.write_text("two"))
    assert (first.name, second.name) == ("a.csv", "a-2.csv")
    assert first.read_text() == "one" and second.read_text() == "two"
    assert sorted(p.name for p in (tmp_path / "stick").iterdir()) == ["a-2.csv", "a.csv"]


@pytest.mark.parametrize(("code", "kind"), [(errno.ENOSPC, "full"), (errno.EROFS, "read_only"),
                                            (errno.EACCES, "read_only"), (errno.EIO, "gone"),
                                            (errno.EINVAL, "failed")])
def test_a_failed_write_is_one_reason_and_leaves_no_half_file(tmp_path: Path, code: int,
                                                              kind: str) -> None:
    def full(path: Path) -> None:
        path.write_text("half of it")
        raise OSError(code, "simulated")

    with pytest.raises(ExportError) as caught:
        write_export(tmp_path, "a.csv", full)
    assert caught.value.kind == kind and caught.value.folder == tmp_path
    assert list(tmp_path.iterdir()) == []


def test_a_folder_that_cannot_be_made(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("not a folder")
    with pytest.raises(ExportError) as caught:
        write_export(tmp_path / "file" / "sub", "a.csv", lambda p: p.write_text("x"))
    assert caught.value.kind in {"failed", "gone", "read_only"}


@pytest.mark.parametrize("module", ["kiosk.exports", "kiosk.payment_choice"])
def test_core_modules_do_not_import_qt(module: str) -> None:
    code = f"import sys, {module}; sys.exit('PySide6' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0
