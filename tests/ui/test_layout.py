"""Every page of the tour fits every kiosk screen, in English and German.

The tour (`kiosk --demo --tour DIR`) walks a whole visit and the pages beside it, and at each
page renders 1280x800, 1366x768, 1920x1080 and portrait 1080x1920 in both languages. At each
one, kiosk.ui.layout_check lists what a customer would see as broken: a visible widget outside
the window, a clipped button text (Qt clips, it does not add "..."), a label cut short, a
touch target under 48 px, a page that needs scrolling. This test fails on any such line.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk.ui.tour import LANGUAGES, SIZES


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_every_tour_page_fits_every_screen_in_both_languages(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIGS_", "KIOSK_"))}
    env["QT_QPA_PLATFORM"] = "offscreen"
    env["HOME"] = str(tmp_path / "home")
    result = subprocess.run([sys.executable, "-m", "kiosk", "--demo", "--tour", str(tmp_path)],
                            capture_output=True, text=True, env=env, timeout=600)
    problems = (tmp_path / "layout-problems.txt").read_text() if (
        tmp_path / "layout-problems.txt").exists() else "no layout report: " + result.stderr[-2000:]
    assert problems == "", problems[:6000]
    assert result.returncode == 0, result.stderr[-3000:]
    for width, height in SIZES:
        for language in LANGUAGES:
            shots = list((tmp_path / f"{width}x{height}" / language).glob("*.png"))
            assert len(shots) >= 18, f"{width}x{height} {language}: {len(shots)} pages"


def test_the_checker_sees_a_clipped_button_and_a_widget_past_the_edge(qtbot: object) -> None:
    """The checker itself can fail: a narrow button and a widget outside its window."""
    from PySide6.QtWidgets import QPushButton, QWidget

    from kiosk.ui.layout_check import problems

    top = QWidget()
    qtbot.addWidget(top)  # type: ignore[attr-defined]
    top.resize(300, 200)
    top.setStyleSheet("QPushButton { min-width: 0; min-height: 0; padding: 0; }")  # whatever the app's
    narrow = QPushButton("A rather long button text", top)
    narrow.setGeometry(10, 10, 60, 60)
    outside = QPushButton("Off", top)
    outside.setGeometry(280, 150, 80, 80)
    small = QPushButton("", top)
    small.setGeometry(100, 100, 30, 30)
    top.show()
    found = "\n".join(problems(top))
    assert "needs" in found and "A rather long" in found
    assert "outside the 300x200 window" in found and "'Off'" in found
    assert "touch target" in found
