"""The self-contained bundle builds from a clean checkout and its own binary passes the self-test."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from kiosk.sandbox.seed import DEMO_IMEIS

if TYPE_CHECKING:
    from tests.packaging.conftest import Bundle

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
@pytest.mark.timeout(1800)  # a first build compiles OpenCV: about 12 minutes on 2 cores
def test_bundle_builds_from_a_clean_checkout_and_self_tests(bundle: Bundle, tmp_path: Path) -> None:
    binary = bundle.binary
    files = [f for f in binary.parent.rglob("*") if f.is_file() and not f.is_symlink()]
    size = sum(f.stat().st_size for f in files)  # links would count twice
    assert size < 300e6, f"bundle is {size / 1e6:.0f} MB"
    assert not [f.name for f in files if f.name.startswith(("libavcodec", "libopenblas"))]
    started = time.monotonic()
    result = subprocess.run([str(binary), "--self-test"], capture_output=True, text=True,
                            env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path / "home"),
                                 "LANG": "C.UTF-8"}, timeout=60)
    took = time.monotonic() - started
    assert result.returncode == 0, result.stdout + result.stderr
    assert "self-test passed" in result.stdout and took < 30
    print(f"\nbundle: {size / 1e6:.0f} MB ({size / 2**20:.0f} MiB), OpenCV ready in "
          f"{bundle.opencv_seconds:.0f} s, built in {bundle.build_seconds:.0f} s, self-test {took:.1f} s")
    version = subprocess.run([str(binary), "--version"], capture_output=True, text=True)
    assert version.stdout.startswith("kiosk ")
    # The slim OpenCV end to end: the demo footage is written as JPEG, played through the
    # camera worker and decoded (the self-test reads a PNG).
    scan = subprocess.run([str(binary), "scan", "--camera", "demo", "--once", "--seconds", "30"],
                          capture_output=True, text=True, timeout=90,
                          env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path / "home")})
    assert scan.returncode == 0 and DEMO_IMEIS["esim"] in scan.stdout, scan.stderr[-2000:]


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="no systemd-analyze")
def test_systemd_unit_verifies(tmp_path: Path) -> None:
    unit = (ROOT / "packaging" / "linux" / "sim-kiosk.service").read_text()
    assert "ExecStart=/usr/bin/cage -s -- /opt/sim-kiosk/kiosk gui" in unit
    assert "WatchdogSec=" in unit and "Restart=always" in unit and "Type=notify" in unit
    # verify wants the programs to exist: stand-ins at other paths, every other line as is.
    for name in ("cage", "kiosk"):
        stub = tmp_path / name
        stub.write_text("#!/bin/sh\n")
        stub.chmod(0o755)
    copy = tmp_path / "sim-kiosk.service"
    copy.write_text(unit.replace("/usr/bin/cage", str(tmp_path / "cage"))
                    .replace("/opt/sim-kiosk/kiosk", str(tmp_path / "kiosk")))
    result = subprocess.run(["systemd-analyze", "verify", str(copy)], capture_output=True,
                            text=True, env={**os.environ, "SYSTEMD_LOG_LEVEL": "notice"})
    assert result.returncode == 0 and result.stderr.strip() == "", result.stderr
