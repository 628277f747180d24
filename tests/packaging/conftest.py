"""The bundle, built once per test run from a clean clone, for the tests that run it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.apt import apt_install

ROOT = Path(__file__).resolve().parents[2]
BUILD_TOOLS = {"c++": "g++", "cmake": "cmake", "ninja": "ninja-build"}


@dataclass(frozen=True)
class Bundle:
    binary: Path
    opencv_seconds: float
    build_seconds: float


@pytest.fixture(scope="session")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Bundle:
    if any(shutil.which(tool) is None for tool in BUILD_TOOLS):
        apt_install(list(BUILD_TOOLS.values()), "the slim OpenCV build")
    tmp = tmp_path_factory.mktemp("bundle")
    checkout = tmp / "checkout"
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
    opencv_seconds = time.monotonic() - started
    started = time.monotonic()
    build = subprocess.run(
        [str(Path(sys.executable).with_name("pyinstaller")), "packaging/kiosk.spec", "-y",
         "--distpath", str(tmp / "dist"), "--workpath", str(tmp / "build"),
         "--log-level", "ERROR"], cwd=checkout, capture_output=True, text=True, timeout=900,
        env={**os.environ, "KIOSK_OPENCV_DIR": slim.stdout.strip()})
    assert build.returncode == 0, build.stderr[-3000:]
    return Bundle(tmp / "dist" / "kiosk" / "kiosk", opencv_seconds, time.monotonic() - started)
