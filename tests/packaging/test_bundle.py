"""The self-contained bundle builds from a clean checkout and its own binary passes the self-test."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_bundle_builds_from_a_clean_checkout_and_self_tests(tmp_path: Path) -> None:
    checkout = tmp_path / "checkout"
    subprocess.run(["git", "clone", "-q", str(ROOT), str(checkout)], check=True)
    for ts in (ROOT / "resources" / "i18n").glob("*.ts"):  # set-up's build step
        qm = checkout / "resources" / "i18n" / ts.with_suffix(".qm").name
        subprocess.run([str(Path(sys.executable).with_name("pyside6-lrelease")), "-silent",
                        str(checkout / "resources" / "i18n" / ts.name), "-qm", str(qm)],
                       check=True)
    started = time.monotonic()
    build = subprocess.run(
        [str(Path(sys.executable).with_name("pyinstaller")), "packaging/kiosk.spec", "-y",
         "--distpath", str(tmp_path / "dist"), "--workpath", str(tmp_path / "build"),
         "--log-level", "ERROR"], cwd=checkout, capture_output=True, text=True, timeout=900)
    assert build.returncode == 0, build.stderr[-3000:]
    built_in = time.monotonic() - started
    binary = tmp_path / "dist" / "kiosk" / "kiosk"
    size = sum(f.stat().st_size for f in binary.parent.rglob("*")
               if f.is_file() and not f.is_symlink()) / 2**20  # links would count twice
    started = time.monotonic()
    result = subprocess.run([str(binary), "--self-test"], capture_output=True, text=True,
                            env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path / "home"),
                                 "LANG": "C.UTF-8"}, timeout=60)
    took = time.monotonic() - started
    assert result.returncode == 0, result.stdout + result.stderr
    assert "self-test passed" in result.stdout and took < 30
    print(f"\nbundle: {size:.0f} MiB, built in {built_in:.0f} s, self-test {took:.1f} s")
    version = subprocess.run([str(binary), "--version"], capture_output=True, text=True)
    assert version.stdout.startswith("kiosk ")


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
