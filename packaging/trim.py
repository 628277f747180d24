"""Trimming the PyInstaller bundle: plugins the kiosk never loads, and debug symbols.

Used by kiosk.spec. Two rules, both safe by construction:

- Dropping a plugin also drops the shared libraries only it needed (the GTK platform
  theme alone pulled in about 9 MiB of GTK, cairo and pango). A library any other
  collected binary still needs stays.
- Debug symbols are stripped only from binaries of the Python installation itself
  (libpython and lib-dynload are often built with -g, e.g. by pyenv). Wheels' libraries
  are left alone: auditwheel rewrites them with patchelf, and `strip` corrupts those.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

# Qt plugins a kiosk never loads: desktop platform themes (GTK, the XDG portal over D-Bus).
UNUSED_PLUGINS = ("/platformthemes/",)


def _needed(path: str) -> list[str]:
    out = subprocess.run(["readelf", "-d", path], capture_output=True, text=True).stdout
    return re.findall(r"\(NEEDED\).*\[(.+)\]", out)


def drop_plugins(binaries: list, patterns: tuple[str, ...] = UNUSED_PLUGINS) -> list:
    """The TOC without the matching plugins and the libraries only they needed."""
    dropped = [b for b in binaries if any(p in b[0].replace("\\", "/") for p in patterns)]
    if not dropped:
        return binaries
    kept = [b for b in binaries if b not in dropped]
    if shutil.which("readelf") is None:  # no ELF tools (Windows): keep every library
        return kept
    by_name = {Path(b[0]).name: b for b in kept}
    # Libraries at the bundle's top level are dependencies; anything else is a root
    # (Python extensions, Qt plugins, packages' own libraries). ctypes-loaded libraries
    # (libzbar) have no NEEDED edge, so they are roots too.
    def is_dependency(entry: tuple) -> bool:
        name = entry[0]
        return "/" not in name and "python" not in name and not name.startswith("libzbar")

    reachable: set[str] = set()
    stack = [b for b in kept if not is_dependency(b)]
    while stack:
        entry = stack.pop()
        if entry[0] in reachable:
            continue
        reachable.add(entry[0])
        stack.extend(by_name[n] for n in _needed(entry[1]) if n in by_name)
    return [b for b in kept if not is_dependency(b) or b[0] in reachable]


def _has_debug_info(path: str) -> bool:
    out = subprocess.run(["readelf", "-S", "--wide", path], capture_output=True, text=True).stdout
    return ".debug_info" in out


def strip_python_debug(binaries: list, workdir: Path) -> list:
    """The TOC with Python's own binaries replaced by copies without debug symbols."""
    if shutil.which("strip") is None:
        return binaries
    base = str(Path(sys.base_prefix).resolve())
    workdir.mkdir(parents=True, exist_ok=True)
    result = []
    for dest, src, kind in binaries:
        if str(Path(src).resolve()).startswith(base) and _has_debug_info(src):
            copy = workdir / dest.replace("/", "__")
            shutil.copy2(src, copy)
            subprocess.run(["strip", "--strip-debug", str(copy)], check=True)
            src = str(copy)
        result.append((dest, src, kind))
    return result
