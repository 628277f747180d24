"""Parsing and validation of IMEIs (and ICCIDs) from barcodes, screens and typed input."""

from __future__ import annotations

import re
from dataclasses import dataclass


class InvalidIdentifier(ValueError):
    """A payload that is not a valid IMEI/ICCID; `reason` says why, for the person in front of us."""

    def __init__(self, reason: str, *, kind: str = "length", expected: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.kind = kind  # "empty", "characters", "length", "check_digit", "prefix"
        self.expected = expected


def luhn_check_digit(payload: str) -> str:
    total = 0
    for i, ch in enumerate(reversed(payload)):
        d = ord(ch) - 48
        if i % 2 == 0:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return str((10 - total % 10) % 10)


def luhn_valid(digits: str) -> bool:
    return len(digits) >= 2 and digits.isdigit() and luhn_check_digit(digits[:-1]) == digits[-1]


# Labels seen on boxes and *#06# screens: "IMEI", "IMEI1:", "IMEI 2", "IMEI/MEID", "IMEISV".
_LABEL = re.compile(r"^\s*(?:IMEI\s*(?:SV)?(?:/MEID)?\s*[12]?|MEID)\s*[:#.=\-]?\s*", re.IGNORECASE)
_SEPARATORS = re.compile(r"[\s\-./]")


def payload_digits(text: str) -> str:
    """The characters of a payload once its label (`IMEI1:` ...) and separators are removed."""
    return _SEPARATORS.sub("", _LABEL.sub("", text.strip(), count=1))


@dataclass(frozen=True)
class ParsedImei:
    imei: str
    from_imeisv: bool = False


def parse_imei(text: str) -> str:
    """The 15-digit IMEI in `text`, or `InvalidIdentifier` saying what is wrong.

    Accepts labels and separators (`IMEI1: 35-850731-104212-7`); a 16-digit IMEISV gives the
    IMEI (the 2-digit software version is dropped and the check digit recomputed).
    """
    return parse_imei_detail(text).imei


def parse_imei_detail(text: str) -> ParsedImei:
    digits = payload_digits(text)
    if not digits:
        raise InvalidIdentifier("No IMEI was entered.", kind="empty")
    if not digits.isdigit():
        raise InvalidIdentifier("An IMEI has digits only.", kind="characters")
    if len(digits) == 16:
        body = digits[:14]
        return ParsedImei(body + luhn_check_digit(body), from_imeisv=True)
    if len(digits) != 15:
        raise InvalidIdentifier(
            f"An IMEI has 15 digits; this has {len(digits)}.", kind="length")
    expected = luhn_check_digit(digits[:14])
    if digits[14] != expected:
        raise InvalidIdentifier(
            f"The last digit of an IMEI is a check digit: it should be {expected}, not "
            f"{digits[14]}. One of the digits was probably mistyped.",
            kind="check_digit", expected=expected)
    return ParsedImei(digits)


#: Gigs' test SIMs: the reference's own placeholder ICCID 89424242424242424242 fails Luhn,
#: so this documented test range is accepted without the check.
TEST_ICCID_PREFIX = "8942424242"


def parse_iccid(text: str) -> str:
    """A 19- or 20-digit ICCID starting with 89 and passing Luhn (a trailing F is dropped)."""
    digits = _SEPARATORS.sub("", re.sub(r"^\s*ICCID\s*[:#]?\s*", "", text.strip(), flags=re.I))
    if digits[-1:] in ("F", "f"):
        digits = digits[:-1]
    if not digits:
        raise InvalidIdentifier("No ICCID was entered.", kind="empty")
    if not digits.isdigit():
        raise InvalidIdentifier("An ICCID has digits only.", kind="characters")
    if len(digits) not in (19, 20):
        raise InvalidIdentifier(f"An ICCID has 19 or 20 digits; this has {len(digits)}.")
    if not digits.startswith("89"):
        raise InvalidIdentifier("An ICCID starts with 89.", kind="prefix")
    if not luhn_valid(digits) and not digits.startswith(TEST_ICCID_PREFIX):
        raise InvalidIdentifier("The ICCID's check digit does not match.", kind="check_digit",
                                expected=luhn_check_digit(digits[:-1]))
    return digits
