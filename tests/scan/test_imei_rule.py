"""Issue 14: one IMEI rule for every caller, ASCII digits only, checked with random input."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.scan import imei_from_code as package_imei_from_code
from kiosk.scan.imei import (
    InvalidIdentifier, code_is_imei, imei_from_code, luhn_check_digit, luhn_valid, parse_iccid,
    parse_imei,
)
from kiosk.scan.wedge import is_imei_scan

VALID = "358507311042123"
UNICODE_DIGITS = st.characters(categories=["Nd"])


def _ascii(text: str) -> str:
    """`text` with every Unicode decimal digit replaced by its ASCII digit."""
    return "".join(str(unicodedata.digit(c)) if unicodedata.category(c) == "Nd" else c
                   for c in text)


@settings(max_examples=300)
@given(st.text(max_size=40))
def test_random_text_raises_only_invalid_identifier(text: str) -> None:
    try:
        imei = parse_imei(text)
    except InvalidIdentifier as exc:
        assert exc.reason and exc.kind in {"empty", "digits", "length", "check_digit"}
        assert (exc.expected is not None) == (exc.kind == "check_digit")
    else:
        assert len(imei) == 15 and imei.isascii() and imei.isdigit() and luhn_valid(imei)


@settings(max_examples=300)
@given(st.text(alphabet=UNICODE_DIGITS, min_size=1, max_size=20))
def test_unicode_digit_strings_parse_only_when_ascii(text: str) -> None:
    try:
        imei = parse_imei(text)
    except InvalidIdentifier as exc:
        if not text.isascii():
            assert exc.kind == "digits"
    else:
        assert text.isascii() and imei == text


@settings(max_examples=300)
@given(st.from_regex(r"\A[0-9]{14}\Z"), st.sampled_from(["", "IMEI ", "IMEI:", "IMEI1: ", "imei 2 "]))
def test_every_luhn_valid_15_digits_parse_and_their_unicode_twins_do_not(body: str,
                                                                        label: str) -> None:
    imei = body + luhn_check_digit(body)
    assert parse_imei(label + imei) == imei == imei_from_code(label + imei)
    for zero in ("٠", "０", "०", "߀"):  # Arabic-Indic, full-width, Devanagari, NKo
        twin = "".join(chr(ord(zero) + int(d)) for d in imei)
        assert _ascii(twin) == imei
        with pytest.raises(InvalidIdentifier) as info:
            parse_imei(twin)
        assert info.value.kind == "digits"
        assert imei_from_code(twin) is None and not is_imei_scan(twin)


@pytest.mark.parametrize("text", ["³⁵⁸⁵⁰⁷³¹¹⁰⁴²¹²³", "٣٥٨٥٠٧٣١١٠٤٢١٢٠١", "３５８５０７３１１０４２１２３４"])
def test_the_issues_unicode_digits_are_not_digits(text: str) -> None:
    with pytest.raises(InvalidIdentifier) as info:
        parse_imei(text)
    assert info.value.kind == "digits"
    with pytest.raises(InvalidIdentifier):
        parse_iccid(text + "1234")


@settings(max_examples=200)
@given(st.text(alphabet=st.sampled_from("0123456789 -:IMEISV12/."), max_size=24) | st.text(max_size=24))
def test_every_caller_shares_the_rule(text: str) -> None:
    try:
        expected: str | None = parse_imei(text)
    except InvalidIdentifier:
        expected = None
    assert imei_from_code(text) == expected == package_imei_from_code(text)
    assert code_is_imei(text, VALID) == (expected == VALID)


@pytest.mark.parametrize("text,ok", [
    (VALID, True), (f"IMEI {VALID}", True), (f"IMEI:{VALID}", True), (f"IMEI1: {VALID}", True),
    ("IMEISV 35850731104212 07", True), ("3585073110421201", False),
    ("99" + VALID, False), ("1" + VALID, False), ("358507311042124", False), ("", False),
])
def test_code_is_imei_replaces_the_endswith_guess(text: str, ok: bool) -> None:
    assert code_is_imei(text, VALID) is ok


def test_the_wedge_takes_ascii_digit_bursts_only() -> None:
    assert is_imei_scan(VALID) and is_imei_scan("8949012345678901234")
    assert not is_imei_scan("٣٥٨٥٠٧٣١١٠٤٢١٢٣") and not is_imei_scan("12345") and not is_imei_scan(None)


def test_a_slot_number_is_a_label_only_when_a_non_digit_follows() -> None:
    imei = "10000000000000" + luhn_check_digit("10000000000000")
    assert parse_imei(f"IMEI {imei}") == imei and parse_imei(f"IMEI1 {VALID}") == VALID
    assert parse_imei(f"IMEI 2: {VALID}") == VALID
