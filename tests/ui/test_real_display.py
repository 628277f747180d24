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
def test_tour_on_xcb_under_xvfb(tmp_path: Path) -> None:
    ensure_xvfb()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIGS_", "KIOSK_"))}
    env["QT_QPA_PLATFORM"] = "xcb"
    env.pop("DISPLAY", None)
    result = subprocess.run(
        ["xvfb-run", "-a", "-s", "-screen 0 1920x1080x24", sys.executable, "-m", "kiosk",
         "--demo", "--tour", str(tmp_path)],
        capture_output=True, text=True, env=env, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    shots = sorted((tmp_path / "1920x1080" / "en").glob("*.png"))
    assert len(shots) >= 15
    assert "xcb" not in result.stderr or "Could not load the Qt platform plugin" not in result.stderr
