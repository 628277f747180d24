"""The bundle's trimming keeps what remaining binaries need and strips only Python's own files."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "packaging"))
import trim  # noqa: E402

sys.path.pop(0)

QT = Path(sys.prefix) / "lib" / f"python{sys.version_info[0]}.{sys.version_info[1]}" / \
    "site-packages" / "PySide6" / "Qt"
SYSTEM = Path("/usr/lib/x86_64-linux-gnu")


def entry(dest: str, src: Path) -> tuple[str, str, str]:
    if not src.exists():
        pytest.skip(f"{src} is not on this machine")
    return (dest, str(src), "BINARY")


@pytest.mark.skipif(shutil.which("readelf") is None, reason="needs binutils")
def test_dropping_a_plugin_drops_what_only_it_needed() -> None:
    gtk = entry("PySide6/Qt/plugins/platformthemes/libqgtk3.so",
                QT / "plugins" / "platformthemes" / "libqgtk3.so")
    xcb_qpa = entry("PySide6/Qt/lib/libQt6XcbQpa.so.6", QT / "lib" / "libQt6XcbQpa.so.6")
    pango = entry("libpango-1.0.so.0", SYSTEM / "libpango-1.0.so.0")  # only GTK needs it
    xcb = entry("libxcb.so.1", SYSTEM / "libxcb.so.1")  # GTK and Qt's xcb both need it
    zbar_stand_in = ("libzbar.so.0", xcb[1], "BINARY")  # loaded by ctypes: no NEEDED edge
    toc = [gtk, xcb_qpa, pango, xcb, zbar_stand_in]
    assert trim.drop_plugins(toc) == [xcb_qpa, xcb, zbar_stand_in]
    assert trim.drop_plugins([xcb_qpa, pango]) == [xcb_qpa, pango]  # nothing dropped: as is


@pytest.mark.skipif(shutil.which("strip") is None, reason="needs binutils")
def test_only_the_python_installation_is_stripped(tmp_path: Path) -> None:
    wheel_lib = entry("PySide6/Qt/lib/libQt6XcbQpa.so.6", QT / "lib" / "libQt6XcbQpa.so.6")
    ours = [p for p in (Path(sys.base_prefix) / "lib").glob("libpython3*.so.1.0")]
    if not ours or not trim._has_debug_info(str(ours[0])):
        pytest.skip("this Python's libpython has no debug symbols to strip")
    libpython = (ours[0].name, str(ours[0]), "BINARY")
    result = trim.strip_python_debug([wheel_lib, libpython], tmp_path)
    assert result[0] == wheel_lib  # a wheel's library is never touched
    stripped = Path(result[1][1])
    assert stripped.parent == tmp_path and result[1][0] == libpython[0]
    assert stripped.stat().st_size < ours[0].stat().st_size
    assert not trim._has_debug_info(str(stripped))
    out = subprocess.run(["readelf", "-d", str(stripped)], capture_output=True, text=True).stdout
    assert "libpython" in out  # still a shared library with its soname
