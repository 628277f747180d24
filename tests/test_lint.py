"""House style as a test: ruff on everything, mypy --strict on the Qt-free core."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parents[1]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=300, check=False)


def test_ruff() -> None:
    result = run("ruff", "check", "--no-cache", "kiosk", "tests")
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_strict_core() -> None:
    result = run("mypy", "--no-incremental", "--cache-dir", "/dev/null")
    assert result.returncode == 0, result.stdout + result.stderr
