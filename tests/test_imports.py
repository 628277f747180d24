"""Issue 14: the flow and the IMEI rule load without OpenCV or numpy (import time)."""

from __future__ import annotations

import subprocess
import sys

import pytest


def _loaded(module: str, heavy: tuple[str, ...]) -> list[str]:
    code = (f"import sys, {module}; "
            f"print(' '.join(m for m in {heavy!r} if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stdout.split()


@pytest.mark.parametrize("module", ["kiosk.flow", "kiosk.scan.imei", "kiosk.scan"])
def test_no_opencv_at_import(module: str) -> None:
    assert _loaded(module, ("cv2",)) == []


@pytest.mark.parametrize("module", ["kiosk.scan.imei", "kiosk.scan"])
def test_the_imei_rule_loads_no_numpy(module: str) -> None:
    assert _loaded(module, ("numpy", "cv2")) == []


def test_the_decoder_still_loads_on_demand() -> None:
    code = ("import sys, kiosk.scan as s; assert 'cv2' not in sys.modules; "
            "s.find_codes; s.Code; assert s.DEFAULT_BUDGET_MS > 0; "
            "assert 'cv2' in sys.modules")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0, result.stderr
