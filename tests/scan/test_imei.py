"""IMEI/ICCID parsing for typed input and the CLI (the scanning issue extends this)."""

from __future__ import annotations

import pytest

from kiosk.scan.imei import (
    InvalidIdentifier, luhn_check_digit, luhn_valid, parse_iccid, parse_imei,
)

VALID = "358507311042123"


@pytest.mark.parametrize("text", [
    VALID, f"IMEI {VALID}", f"IMEI1: {VALID}", f"imei 2 {VALID}", "35-850731-104212-3",
    "35 850731 104212 3", f"IMEI/MEID: {VALID}", " 358507311042123\n",
])
def test_accepted_forms(text: str) -> None:
    assert parse_imei(text) == VALID


def test_imeisv_is_accepted_only_when_labelled() -> None:
    assert parse_imei("IMEISV 35850731104212 07") == VALID
    assert parse_imei("IMEISV: 3585073110421201") == VALID
    assert parse_imei("imei sv 3585073110421201") == VALID


@pytest.mark.parametrize("text", ["3585073110421201", "IMEI 3585073110421201",
                                  "3585073110421234", "IMEI1: 35-850731-104212-07"])
def test_bare_16_digits_are_refused_as_a_length_error(text: str) -> None:
    with pytest.raises(InvalidIdentifier) as info:
        parse_imei(text)
    assert info.value.kind == "length" and "16" in info.value.reason


@pytest.mark.parametrize("text,kind", [
    ("", "empty"), ("IMEI", "empty"), ("35850731104212", "length"), ("3585073110421234", "length"),
    ("35850731104212a", "digits"), ("358507311042124", "check_digit"),
    ("٣٥٨٥٠٧٣١١٠٤٢١٢٣", "digits"), ("３５８５０７３１１０４２１２３", "digits"),
])
def test_rejected_with_a_reason(text: str, kind: str) -> None:
    with pytest.raises(InvalidIdentifier) as info:
        parse_imei(text)
    assert info.value.kind == kind and info.value.reason


def test_check_digit_error_names_the_expected_digit() -> None:
    with pytest.raises(InvalidIdentifier) as info:
        parse_imei("358507311042124")
    assert info.value.expected == "3" and "should be 3" in info.value.reason


def test_iccid() -> None:
    body = "8949012345678901234"
    good = body + luhn_check_digit(body)
    assert luhn_valid(good) and parse_iccid(f"ICCID: {good}") == good
    short = body[:18] + luhn_check_digit(body[:18])  # 19 digits, padded with F on the card
    assert parse_iccid(short + "F") == short
    with pytest.raises(InvalidIdentifier) as info:
        parse_iccid(body + str((int(luhn_check_digit(body)) + 1) % 10))
    assert info.value.kind == "check_digit"
    with pytest.raises(InvalidIdentifier):
        parse_iccid("12345678901234567890")
    with pytest.raises(InvalidIdentifier):
        parse_iccid("8901")


from hypothesis import given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


@given(st.text(max_size=30))
def test_random_text_never_gives_an_invalid_imei(text: str) -> None:
    try:
        imei = parse_imei(text)
    except InvalidIdentifier as exc:
        assert exc.reason
    else:
        assert len(imei) == 15 and imei.isdigit() and luhn_valid(imei)


@given(st.from_regex(r"\A[0-9]{14}\Z"))
def test_every_imei_body_has_exactly_one_valid_check_digit(body: str) -> None:
    valid = [d for d in "0123456789" if luhn_valid(body + d)]
    assert valid == [luhn_check_digit(body)]
    assert parse_imei(body + valid[0]) == body + valid[0]


def test_gigs_test_iccids_parse_though_the_reference_placeholder_fails_luhn() -> None:
    assert not luhn_valid("89424242424242424242")
    assert parse_iccid("89424242424242424242") == "89424242424242424242"
