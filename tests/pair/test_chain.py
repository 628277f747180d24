"""Pair -> QA pass -> activate: a phone paired at the warehouse goes through the existing QA
check and the in-store activation unchanged (issue 15)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from kiosk.cli import main
from kiosk.sandbox.seed import PAIRING_IMEIS, PAIRING_STOCK, PLAN_IDS


@pytest.fixture(autouse=True)
def no_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.startswith(("GIGS_", "KIOSK_")):
            monkeypatch.delenv(name)


@pytest.mark.parametrize("imei_key,sim_key,plan", [("pair1", "psim1", "classic"),
                                                   ("pair3", "esim2", "travel")])
def test_pair_then_qa_passes_then_activate(sandbox: Any, tmp_path: Path, imei_key: str,
                                           sim_key: str, plan: str,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    imei = PAIRING_IMEIS[imei_key]
    conn = ["--api-url", sandbox.url]
    journal = ["--journal", str(tmp_path / "journal.sqlite3")]
    pairs = tmp_path / "pairs.csv"
    pairs.write_text(f"{imei},{PAIRING_STOCK[sim_key]}\n", encoding="utf-8")
    qa_input = tmp_path / "imeis.txt"
    qa_input.write_text(imei + "\n", encoding="utf-8")
    assert main(["qa", "--input", str(qa_input), *conn, "--expect-sims", "1"]) == 9  # not yet
    assert main(["pair", "--input", str(pairs), *conn, *journal]) == 0
    assert main(["qa", "--input", str(qa_input), *conn, "--expect-sims", "1"]) == 0
    capsys.readouterr()
    code = main(["activate", imei, "--plan", PLAN_IDS[plan], "--email", "pair@example.com",
                 "--name", "Pair Test", "--json", *conn, *journal])
    out = capsys.readouterr().out
    assert code == 0, out
    data = json.loads(out)
    assert data["status"] == "active" and data["subscriptionId"].startswith("sub_")
