"""The tour on a real X display (Xvfb, Qt's xcb platform), not only offscreen.

Offscreen hides platform-plugin problems: a missing xcb library, or the full opencv-python
wheel making Qt look for xcb in OpenCV's own plugin folder, keep a real window from opening.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.apt import apt_install


def ensure_xvfb() -> None:
    if not shutil.which("xvfb-run"):
        apt_install(["xvfb", "xauth"], "the real-display test")


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_tour_on_xcb_under_xvfb(tmp_path: Path) -> None:
    ensure_xvfb()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIGS_", "KIOSK_"))}
    env["QT_QPA_PLATFORM"] = "xcb"
    env.pop("DISPLAY", None)
    result = subprocess.run(
        ["xvfb-run", "-a", "-s", "-screen 0 1920x1080x24", sys.executable, "-m", "kiosk",
         "--demo", "--tour", str(tmp_path)],
        capture_output=True, text=True, env=env, timeout=800)
    assert result.returncode == 0, result.stderr[-3000:]
    shots = sorted((tmp_path / "1920x1080" / "en").glob("*.png"))
    assert len(shots) >= 15
    assert "xcb" not in result.stderr or "Could not load the Qt platform plugin" not in result.stderr


@pytest.mark.slow
@pytest.mark.timeout(600)
def test_a_whole_visit_by_clicks_alone_on_xcb_without_a_window_manager(tmp_path: Path) -> None:
    """1280x800, no window manager: Start, the keypad, a plan that needs the home address, every
    field typed on the on-screen keyboard, Confirm, the code, I'm done; all by real X clicks
    (tests/ui/xdrive.py finds where the buttons are, xdotool clicks there)."""
    ensure_xvfb()
    apt_install(["xdotool"], "the click-only visit")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIGS_", "KIOSK_"))}
    env.update(QT_QPA_PLATFORM="xcb", HOME=str(tmp_path / "home"),
               KIOSK_JOURNAL=str(tmp_path / "journal.sqlite3"))
    env.pop("DISPLAY", None)
    root = Path(__file__).resolve().parents[2]
    result = subprocess.run(
        ["xvfb-run", "-a", "-s", "-screen 0 1280x800x24", sys.executable,
         str(root / "tests" / "ui" / "xdrive.py"), str(tmp_path / "shots")],
        capture_output=True, text=True, env=env, timeout=300, cwd=root)
    out = result.stdout
    assert "VISIT DONE" in out, out[-2000:] + result.stderr[-3000:]
    assert "window 1280x800 covers the 1280x800 screen" in out
    assert result.returncode == 0, result.stderr[-3000:]
