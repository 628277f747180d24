"""Where staff can put an export (USB sticks, this computer), and writing it there safely."""

from __future__ import annotations

import contextlib
import errno
import getpass
import os
import re
import shutil
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

#: Read at most this much of the mount table (a few hundred lines on a busy machine).
MOUNTS_LIMIT = 1 << 20
_ESCAPE = re.compile(r"\\([0-7]{3})")


@dataclass(frozen=True)
class Destination:
    """A folder an export can go to. `problem` (a key of `ExportError.KINDS`) when it cannot."""

    kind: str  # "usb", "downloads", "folder"
    name: str  # the stick's label or the folder's name, for the list
    path: Path
    free_bytes: int | None = None
    problem: str | None = None

    @property
    def usable(self) -> bool:
        return self.problem is None


class ExportError(Exception):
    """One line for staff: why the file is not there. Nothing else was touched."""

    KINDS = ("full", "read_only", "gone", "failed")

    def __init__(self, kind: str, folder: Path, detail: str = "") -> None:
        super().__init__(f"{kind}: {folder}{': ' + detail if detail else ''}")
        self.kind, self.folder, self.detail = kind, folder, detail


def default_roots(user: str | None = None) -> list[Path]:
    """Where desktops and `udisks` mount removable media, and where people mount by hand."""
    user = user or _user()
    return [Path("/media") / user, Path("/run/media") / user, Path("/media"), Path("/mnt")]


def _user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return str(os.getuid())


def mount_points(mounts: Path = Path("/proc/self/mounts")) -> dict[Path, bool]:
    """Every mount point and whether it is mounted read-only (`/proc/self/mounts` format)."""
    try:
        with mounts.open("r", encoding="utf-8", errors="replace") as handle:
            text = handle.read(MOUNTS_LIMIT)
    except OSError:
        return {}
    out: dict[Path, bool] = {}
    for line in text.splitlines():
        fields = line.split()
        if len(fields) < 4:
            continue
        # Spaces and tabs in a stick's label are written as octal escapes (\040).
        where = _ESCAPE.sub(lambda m: chr(int(m.group(1), 8)), fields[1])
        out[Path(where)] = "ro" in fields[3].split(",")
    return out


def removable_media(roots: Iterable[Path], mounts: dict[Path, bool],
                    writable: Callable[[Path], bool] | None = None) -> list[Destination]:
    """Mounted folders directly under one of `roots` (a stick at /media/pat/KINGSTON), in
    `roots` order; a read-only or unwritable one is listed with its problem, not left out, so
    staff see that the stick was found."""
    roots = list(roots)
    can_write = writable or _writable
    found: list[Destination] = []
    seen: set[Path] = set(roots)  # /media/pat is a root of its own, not a stick in /media
    for root in roots:
        for point in sorted(p for p in mounts if p.parent == root):
            if point in seen or not point.is_dir():
                continue
            seen.add(point)
            problem = "read_only" if mounts[point] or not can_write(point) else None
            found.append(Destination("usb", point.name, point, free_space(point), problem))
    return found


def _writable(path: Path) -> bool:
    return os.access(path, os.W_OK | os.X_OK)


def free_space(path: Path) -> int | None:
    try:
        return shutil.disk_usage(path).free
    except OSError:
        return None


def downloads_folder(home: Path) -> Path:
    """The desktop's Downloads folder (its localised name from user-dirs.dirs), else home."""
    config = home / ".config" / "user-dirs.dirs"
    try:
        text = config.read_text(encoding="utf-8", errors="replace")[:65536]
    except OSError:
        text = ""
    for line in text.splitlines():
        if line.startswith("XDG_DOWNLOAD_DIR="):
            value = line.split("=", 1)[1].strip().strip('"').replace("$HOME", str(home))
            if Path(value).is_dir():
                return Path(value)
    return home / "Downloads" if (home / "Downloads").is_dir() else home


def find_destinations(*, roots: Iterable[Path] | None = None, home: Path | None = None,
                      mounts: Path = Path("/proc/self/mounts"), also: Iterable[Path] = (),
                      writable: Callable[[Path], bool] | None = None) -> list[Destination]:
    """USB sticks first (what staff plug in to take a file away), then this computer's
    Downloads (or home) folder and any folder the caller names (`also`), without repeats."""
    roots = list(roots) if roots is not None else default_roots()
    home = home or Path.home()
    found = removable_media(roots, mount_points(mounts), writable)
    can_write = writable or _writable
    places = [(p, "folder") for p in also] + [(downloads_folder(home), "downloads")]
    for path, kind in places:
        if path in {d.path for d in found}:
            continue
        existing = next((p for p in (path, *path.parents) if p.exists()), None)
        problem = None if existing is not None and can_write(existing) else "read_only"
        found.append(Destination(kind, path.name or str(path), path,
                                 free_space(existing) if existing else None, problem))
    return found


def write_export(folder: Path, name: str, write: Callable[[Path], object]) -> Path:
    """Write a file as `folder/name` (or `name-2`...) through `write(temporary_path)`, and
    sync it, so that the file is there whole or not at all: a full stick, a read-only folder
    or a stick pulled out raise `ExportError` and leave no half file behind."""
    temporary: Path | None = None
    try:
        folder.mkdir(parents=True, exist_ok=True)
        target = _unused(folder / name)
        temporary = target.with_name(f".{target.name}.part")
        write(temporary)
        with temporary.open("rb") as handle:
            os.fsync(handle.fileno())  # on a stick, the data is on it before we say so
        os.replace(temporary, target)
        _sync_folder(folder)
        return target
    except OSError as exc:
        if temporary is not None:
            with contextlib.suppress(OSError):
                temporary.unlink(missing_ok=True)
        raise ExportError(_kind(exc), folder, exc.strerror or type(exc).__name__) from exc


def _unused(path: Path) -> Path:
    n = 2
    candidate = path
    while candidate.exists():
        candidate = path.with_name(f"{path.stem}-{n}{path.suffix}")
        n += 1
    return candidate


def _sync_folder(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        # Some file systems (vfat on old kernels) refuse a folder fsync; the file is synced.
        with contextlib.suppress(OSError):
            os.fsync(fd)
    finally:
        os.close(fd)


def _kind(exc: OSError) -> str:
    if exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
        return "full"
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return "read_only"
    if exc.errno in (errno.ENOENT, errno.ENODEV, errno.ENXIO, errno.EIO):
        return "gone"
    return "failed"

