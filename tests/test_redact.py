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


def test_the_api_key_is_masked_even_without_bearer_once_settings_hold_it() -> None:
    from kiosk.settings import ApiSettings

    key = "sk_test_redact0123456789abcdef"
    ApiSettings(token=key)
    assert key not in redact(f"invalid request: key={key}, token {key}")


def test_log_lines_cannot_carry_terminal_escapes(caplog) -> None:
    import logging

    from kiosk.redact import install_redaction

    install_redaction()
    with caplog.at_level(logging.WARNING):
        logging.getLogger("kiosk.test").warning("step failed: %s", "x\x1b]0;pwned\x07\x1b[2J y")
    text = caplog.records[-1].getMessage()
    assert "\x1b" not in text and "\x07" not in text and "x" in text and "y" in text
