"""`kiosk activate` and `kiosk journal` as a user runs them (in-process sandbox)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from kiosk.sandbox.seed import DEMO_IMEIS, PLAN_IDS
from tests.test_cli import kiosk

CUSTOMER = ["--email", "cli@example.com", "--name", "Cli User"]


def test_activate_esim_prints_json_without_the_code_by_default() -> None:
    result = kiosk("activate", DEMO_IMEIS["esim"], "--plan", PLAN_IDS["travel"], *CUSTOMER,
                   "--json", "-v")  # progress: on a terminal, or with -v
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["status"] == "active" and data["simType"] == "eSIM"
    assert data["orderId"].startswith("ord_") and data["subscriptionId"].startswith("sub_")
    assert "activationCode" not in data and "LPA:" not in result.stdout + result.stderr
    assert "[activate] provisioning" in result.stderr


def test_show_code_prints_code_and_terminal_qr() -> None:
    result = kiosk("activate", DEMO_IMEIS["tablet"], "--plan", PLAN_IDS["travel"], *CUSTOMER,
                   "--json", "--show-code")
    data = json.loads(result.stdout)
    assert data["activationCode"].startswith("LPA:1$") and data["confirmationCodeRequired"]
    assert "█" in result.stderr  # the QR, on stderr so stdout stays JSON


def test_psim_and_subscription_mode() -> None:
    result = kiosk("activate", DEMO_IMEIS["psim"], "--plan", PLAN_IDS["classic"], *CUSTOMER,
                   "--mode", "subscriptions", "--json")
    data = json.loads(result.stdout)
    assert result.returncode == 0 and data["status"] == "active" and data["orderId"] is None


def test_deadline_leaves_it_pending_with_a_reference() -> None:
    result = kiosk("activate", DEMO_IMEIS["delayed"], "--plan", PLAN_IDS["classic"], *CUSTOMER,
                   "--deadline", "0.5", "--json")
    data = json.loads(result.stdout)
    assert result.returncode == 6 and data["status"] == "pending" and data["reference"]


@pytest.mark.parametrize("args,code,says", [
    ([DEMO_IMEIS["active"], "--plan", PLAN_IDS["travel"]], 7, "alreadySubscribed"),
    ([DEMO_IMEIS["unknown"], "--plan", PLAN_IDS["travel"]], 3, "notRegistered"),
    ([DEMO_IMEIS["esim"], "--plan", PLAN_IDS["classic"]], 2, "not on sale for this SIM"),
    ([DEMO_IMEIS["esim"], "--plan", PLAN_IDS["travel"], "--email", "nope"], 2, "email"),
    ([DEMO_IMEIS["psim"], "--plan", PLAN_IDS["resident"], *CUSTOMER], 2, "address"),
    (["358507311042120", "--plan", PLAN_IDS["travel"]], 2, "check digit"),
])
def test_activate_exit_codes(args: list[str], code: int, says: str) -> None:
    result = kiosk("activate", *args, "--json")
    assert result.returncode == code, result.stdout + result.stderr
    assert says in result.stdout + result.stderr


def test_resident_plan_with_address_flags() -> None:
    result = kiosk("activate", DEMO_IMEIS["psim"], "--plan", PLAN_IDS["resident"], *CUSTOMER,
                   "--line1", "Hauptstr. 1", "--city", "Berlin", "--postal-code", "10115",
                   "--country", "DE", "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["status"] == "active"


def test_journal_lists_and_exports(tmp_path: Path) -> None:
    journal = tmp_path / "journal.sqlite3"
    done = kiosk("activate", DEMO_IMEIS["esim"], "--plan", PLAN_IDS["travel"], *CUSTOMER,
                 "--journal", str(journal), "--json")
    reference = json.loads(done.stdout)["reference"]
    listed = kiosk("journal", "--journal", str(journal), "--json")
    [row] = json.loads(listed.stdout)
    assert row["reference"] == reference and row["status"] == "active"
    assert row["imei"] == DEMO_IMEIS["esim"][:8] + "******" + DEMO_IMEIS["esim"][-1]
    assert kiosk("journal", "--journal", str(journal), "--pending", "--json").stdout.strip() == "[]"
    out = tmp_path / "journal.csv"
    kiosk("journal", "--journal", str(journal), "--export", str(out))
    rows = list(csv.DictReader(out.open()))
    assert rows[0]["reference"] == reference and DEMO_IMEIS["esim"] not in out.read_text()


def test_qa_batch_command(tmp_path: Path) -> None:
    source = tmp_path / "imeis.txt"
    source.write_text("\n".join([DEMO_IMEIS["psim"], "12345", DEMO_IMEIS["active"],
                                 DEMO_IMEIS["psim"], ""]) + "\n")
    out = tmp_path / "out.csv"
    result = kiosk("qa", "--input", str(source), "--export", str(out), "--json")
    assert result.returncode == 9, result.stderr  # a device failed: scripts must notice
    summary = json.loads(result.stdout)
    assert summary["scanned"] == 3 and summary["skipped"] == 1 and summary["duplicates"] == 1
    assert "line 2" in result.stderr
    rows = list(csv.DictReader(out.open()))
    assert [r["verdict"] for r in rows] == ["PASS", "FAIL", "FAIL"]
