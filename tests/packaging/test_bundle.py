"""The self-contained bundle builds from a clean checkout and its own binary passes the self-test."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kiosk.sandbox.seed import DEMO_IMEIS

ROOT = Path(__file__).resolve().parents[2]
BUILD_TOOLS = {"c++": "g++", "cmake": "cmake", "ninja": "ninja-build"}


def ensure_build_tools() -> None:
    """What the slim OpenCV build needs; installed as scripts/package.sh would."""
    missing = [pkg for tool, pkg in BUILD_TOOLS.items() if shutil.which(tool) is None]
    if not missing:
        return
    if os.geteuid() != 0:
        pytest.skip(f"{' '.join(missing)} missing, and installing them needs root (CI runs as root)")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env, capture_output=True)
    subprocess.run(["apt-get", "install", "-y", "-qq", "--no-install-recommends", *missing],
                   check=True, env=env, capture_output=True)


@pytest.mark.slow
@pytest.mark.timeout(1800)  # a first build compiles OpenCV: about 12 minutes on 2 cores
def test_bundle_builds_from_a_clean_checkout_and_self_tests(tmp_path: Path) -> None:
    ensure_build_tools()
    checkout = tmp_path / "checkout"
    subprocess.run(["git", "clone", "-q", str(ROOT), str(checkout)], check=True)
    for ts in (ROOT / "resources" / "i18n").glob("*.ts"):  # set-up's build step
        qm = checkout / "resources" / "i18n" / ts.with_suffix(".qm").name
        subprocess.run([str(Path(sys.executable).with_name("pyside6-lrelease")), "-silent",
                        str(checkout / "resources" / "i18n" / ts.name), "-qm", str(qm)],
                       check=True)
    started = time.monotonic()
    # The slim OpenCV: built once (about 12 minutes on 2 cores), then taken from the cache.
    slim = subprocess.run([sys.executable, "packaging/opencv_slim.py"], cwd=checkout,
                          capture_output=True, text=True, timeout=1500)
    assert slim.returncode == 0, slim.stderr[-3000:]
    opencv_in = time.monotonic() - started
    started = time.monotonic()
    build = subprocess.run(
        [str(Path(sys.executable).with_name("pyinstaller")), "packaging/kiosk.spec", "-y",
         "--distpath", str(tmp_path / "dist"), "--workpath", str(tmp_path / "build"),
         "--log-level", "ERROR"], cwd=checkout, capture_output=True, text=True, timeout=900,
        env={**os.environ, "KIOSK_OPENCV_DIR": slim.stdout.strip()})
    assert build.returncode == 0, build.stderr[-3000:]
    built_in = time.monotonic() - started
    binary = tmp_path / "dist" / "kiosk" / "kiosk"
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
    print(f"\nbundle: {size / 1e6:.0f} MB ({size / 2**20:.0f} MiB), OpenCV ready in {opencv_in:.0f} s, "
          f"built in {built_in:.0f} s, self-test {took:.1f} s")
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
