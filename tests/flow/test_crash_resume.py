"""The process is killed with SIGKILL while provisioning; the restart finishes the job once."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kiosk.sandbox.config import SandboxConfig
from kiosk.sandbox.seed import DEMO_IMEIS, PLAN_IDS
from kiosk.sandbox.serve import ThreadedSandbox


def activate(url: str, journal: Path) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIGS_", "KIOSK_"))}
    env |= {"GIGS_API_URL": url, "GIGS_PROJECT": "demo"}
    return subprocess.Popen(
        [sys.executable, "-m", "kiosk", "activate", DEMO_IMEIS["delayed"],
         "--plan", PLAN_IDS["classic"], "--email", "kill@example.com", "--name", "Kill Nine",
         "--journal", str(journal), "--json", "-v"],  # -v: the progress lines
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)


def journal_rows(path: Path) -> list[tuple[str, str]]:
    with sqlite3.connect(path) as conn:
        return conn.execute("SELECT reference, status FROM activations").fetchall()


@pytest.mark.slow
def test_sigkill_while_provisioning_then_restart(tmp_path: Path) -> None:
    journal = tmp_path / "journal.sqlite3"
    with ThreadedSandbox(SandboxConfig(delayed_sim_seconds=4.0)) as server:
        first = activate(server.url, journal)
        deadline = time.monotonic() + 30
        for line in first.stderr:  # type: ignore[union-attr]
            if "provisioning" in line:
                break
            assert time.monotonic() < deadline, "never reached provisioning"
        time.sleep(0.3)  # well inside the 4 s the SIM takes
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
        assert first.returncode == -signal.SIGKILL
        [(reference, status)] = journal_rows(journal)
        assert status == "provisioning"
        assert server.sandbox.store.requests["POST /orders"] == 1

        second = activate(server.url, journal)
        out, err = second.communicate(timeout=60)
        assert second.returncode == 0, err
        result = json.loads(out)
        assert result["status"] == "active" and result["reference"] == reference
        assert "resuming" in err
        assert journal_rows(journal) == [(reference, "active")]
        store = server.sandbox.store
        assert store.requests["POST /orders"] == 1 and len(store.orders) == 1
        assert sum(1 for s in store.subscriptions.values()
                   if s["sim"] == result["simId"]) == 1
