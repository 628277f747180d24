"""Masking of IMEIs, ICCIDs and secrets in logs."""

from __future__ import annotations

import logging

from kiosk.logs import configure
from kiosk.redact import mask_digits, redact


def test_mask_keeps_tac_and_last_digit() -> None:
    assert mask_digits("358507311042123") == "35850731******3"
    assert mask_digits("89424242424242424242") == "89424242***********2"


def test_redact_scrubs_identifiers_and_secrets() -> None:
    text = ("imei=358507311042123 iccid 8949012345678901234F code LPA:1$smdp.example$AB-CDEFG "
            "Authorization: Bearer sk_live_abc token=xyz {\"activationCode\": \"LPA:1$a$b\"} "
            "https://esimsetup.apple.com/x?carddata=LPA:1$a$b")
    out = redact(text)
    for secret in ("358507311042123", "8949012345678901234", "smdp.example", "sk_live_abc",
                   "xyz", "AB-CDEFG", "LPA:1$a$b"):
        assert secret not in out
    assert "35850731******3" in out and "89490123**********4F" in out


def test_short_numbers_and_ids_survive() -> None:
    assert redact("order ord_0SNlurA049 took 1234 ms, 2021-01-21") == \
        "order ord_0SNlurA049 took 1234 ms, 2021-01-21"


def test_every_handler_sees_redacted_records(caplog) -> None:
    configure(2)
    with caplog.at_level(logging.INFO):
        logging.getLogger("kiosk.test").info("scanned %s", "358507311042123")
        try:
            raise ValueError("bad IMEI 358507311042123")
        except ValueError:
            logging.getLogger("kiosk.test").exception("lookup failed")
    assert "358507311042123" not in caplog.text
    assert "35850731******3" in caplog.text
