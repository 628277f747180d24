"""`scripts/kiosk.sh ARGS` runs the kiosk in the caller's folder, like `.venv/bin/kiosk ARGS`."""

from __future__ import annotations

import csv
import hashlib
import os
import subprocess
from pathlib import Path

import pytest

from kiosk.sandbox.seed import DEMO_IMEIS

REPO = Path(__file__).resolve().parents[1]
SCRIPT = REPO / "scripts" / "kiosk.sh"


def set_up_already() -> bool:
    """The script's set-up would otherwise run pip into the virtualenv: not a unit test's job."""
    venv = Path(os.environ.get("KIOSK_VENV", REPO / ".venv"))
    stamp = venv / ".kiosk-installed"
    want = hashlib.sha256((REPO / "pyproject.toml").read_bytes()).hexdigest()
    return (venv / "bin" / "kiosk").exists() and stamp.exists() and \
        stamp.read_text().strip() == want


pytestmark = pytest.mark.skipif(not set_up_already(),
                                reason="run scripts/kiosk.sh once to set up the virtualenv")


def run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIGS_", "KIOSK_"))}
    return subprocess.run([str(SCRIPT), *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=120)


def test_relative_input_and_export_are_in_the_callers_folder(tmp_path: Path) -> None:
    (tmp_path / "rel.txt").write_text(f"{DEMO_IMEIS['psim']}\nnot an imei\n")
    done = run(["qa", "--input", "rel.txt", "--export", "rel.csv"], tmp_path)
    assert done.returncode == 9, done.stderr  # a line was no IMEI
    rows = list(csv.DictReader((tmp_path / "rel.csv").open()))
    assert [r["imei"] for r in rows] == [DEMO_IMEIS["psim"]]
    assert not (REPO / "rel.csv").exists()


def test_a_folder_named_kiosk_in_the_callers_folder_does_not_shadow_the_package(
        tmp_path: Path) -> None:
    (tmp_path / "kiosk").mkdir()
    (tmp_path / "kiosk" / "__init__.py").write_text("raise SystemExit('the wrong kiosk')\n")
    done = run(["--version"], tmp_path)
    assert done.returncode == 0 and done.stdout.startswith("kiosk "), done.stderr
