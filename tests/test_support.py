"""The support bundle holds no secret and no full IMEI."""

from __future__ import annotations

import zipfile
from pathlib import Path

from kiosk.config import KioskConfig, hash_pin
from kiosk.journal import Journal
from kiosk.support import make_bundle

IMEI, ICCID, KEY = "358507311042123", "89490123456789012342", "sk_live_abcdef123"


def test_bundle_has_no_secrets_and_no_full_imeis(tmp_path: Path) -> None:
    log = tmp_path / "kiosk.log"
    log.write_text(f"scanned {IMEI} sim {ICCID}\nAuthorization: Bearer {KEY}\n"
                   "code LPA:1$smdp.example$SECRET-CODE\n")
    journal = Journal(tmp_path / "j.sqlite3")
    journal.begin(target="t", mode="orders", imei_masked="35850731******3",
                  idempotency_key="key-123")
    config = KioskConfig(pin_hash=hash_pin("8642"), payment_method="pm_1")
    out = make_bundle(tmp_path / "support.zip", config=config, journal=journal, logs=[log],
                      diagnostics={"api": {"latency_ms": 12}, "last_imei": IMEI})
    with zipfile.ZipFile(out) as bundle:
        names = set(bundle.namelist())
        text = "\n".join(bundle.read(n).decode() for n in names)
    assert {"about.json", "config.json", "diagnostics.json", "logs/kiosk.log", "journal.csv"} <= names
    for secret in (IMEI, ICCID, KEY, "SECRET-CODE", "pbkdf2", "key-123"):
        assert secret not in text
    assert "35850731******3" in text and "pm_1" in text
