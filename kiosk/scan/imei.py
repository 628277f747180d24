"""The one IMEI (and ICCID) rule: typed input, the keypad, a wedge scanner, the camera, the CLI.

Qt-free and free of OpenCV/numpy: `import kiosk.scan.imei` is cheap and safe everywhere.

The rule, shared by every caller:

- Digits are the ASCII digits 0-9 only. Arabic-Indic, full-width, Devanagari, superscript...
  digits are `str.isdigit()` too, but no IMEI is written with them and the API refuses them:
  they are "digits" errors here, never an IMEI.
- An IMEI is 15 digits whose last one is the Luhn check digit of the first 14.
- A label and separators are allowed around it, as on box labels and *#06# screens:
  "IMEI 35…", "IMEI:35…", "IMEI1: 35-850731-104212-3", "IMEI/MEID 35 850731 104212 3".
  Separators are ASCII spaces, "-", "." and "/"; labels are matched in ASCII only.
- 16 digits (an IMEISV: 14 IMEI digits and a 2-digit software version, no check digit) are
  accepted only when the text says so with an "IMEISV" label ("IMEISV 35850731104212 01", as
  printed on some box labels): the IMEI is its first 14 digits and their recomputed check
  digit. Bare 16 digits are refused ("length"): with no check digit, recomputing one would
  turn any 16-digit serial number on a box, or a 15-digit IMEI typed with one digit too many,
  into a "valid" IMEI of somebody else's phone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

IMEI_LENGTH = 15
IMEISV_LENGTH = 16
ICCID_LENGTHS = (19, 20)

_ASCII_DIGITS = re.compile(r"[0-9]+")


def ascii_digits(text: str) -> bool:
    """True when `text` is one or more of the ASCII digits 0-9 and nothing else."""
    return _ASCII_DIGITS.fullmatch(text) is not None


class InvalidIdentifier(ValueError):
    """A payload that is not a valid IMEI/ICCID; `reason` says why, for the person in front of us.

    `kind` is "empty", "digits" (something other than the ASCII digits 0-9), "length",
    "check_digit" (then `expected` is the right check digit) or, for an ICCID, "prefix".
    The reason never repeats the input, so it can be shown or logged as it is."""

    def __init__(self, reason: str, *, kind: str = "length", expected: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.kind = kind
        self.expected = expected


def luhn_check_digit(payload: str) -> str:
    """The Luhn check digit of `payload` (ASCII digits)."""
    total = 0
    for i, ch in enumerate(reversed(payload)):
        d = ord(ch) - 48
        if i % 2 == 0:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return str((10 - total % 10) % 10)


def luhn_valid(digits: str) -> bool:
    return len(digits) >= 2 and ascii_digits(digits) and luhn_check_digit(digits[:-1]) == digits[-1]


# Labels seen on boxes and *#06# screens: "IMEI", "IMEI1:", "IMEI 2", "IMEI/MEID", "IMEISV".
# A slot number (1 or 2) is a label's only when a non-digit follows it: "IMEI 135…" is the
# IMEI 135…, not slot 1's IMEI 35….
_LABEL = re.compile(r"^\s*(?:IMEI\s*(?P<sv>SV)?(?:/MEID)?(?:\s*[12](?![0-9]))?|MEID)"
                    r"\s*[:#.=\-]?\s*",
                    re.IGNORECASE | re.ASCII)
_SEPARATORS = re.compile(r"[\s\-./]", re.ASCII)


def payload_digits(text: str) -> str:
    """The characters of a payload once its label (`IMEI1:` ...) and separators are removed."""
    return _SEPARATORS.sub("", _LABEL.sub("", text.strip(), count=1))


@dataclass(frozen=True)
class ParsedImei:
    imei: str
    from_imeisv: bool = False


def parse_imei(text: str) -> str:
    """The 15-digit IMEI in `text`, or `InvalidIdentifier` saying what is wrong (module rule)."""
    return parse_imei_detail(text).imei


def parse_imei_detail(text: str) -> ParsedImei:
    stripped = text.strip()
    label = _LABEL.match(stripped)
    labelled_sv = bool(label and label.group("sv"))
    digits = payload_digits(stripped)
    if not digits:
        raise InvalidIdentifier("No IMEI was entered.", kind="empty")
    if not ascii_digits(digits):
        raise InvalidIdentifier("An IMEI has digits only.", kind="digits")
    if len(digits) == IMEISV_LENGTH and labelled_sv:
        body = digits[:14]
        return ParsedImei(body + luhn_check_digit(body), from_imeisv=True)
    if len(digits) == IMEISV_LENGTH:
        raise InvalidIdentifier(
            "An IMEI has 15 digits; this has 16, like an IMEISV, which has no check digit: "
            "use the 15-digit IMEI (dial *#06#).", kind="length")
    if len(digits) != IMEI_LENGTH:
        raise InvalidIdentifier(
            f"An IMEI has 15 digits; this has {len(digits)}.", kind="length")
    expected = luhn_check_digit(digits[:14])
    if digits[14] != expected:
        raise InvalidIdentifier(
            f"The last digit of an IMEI is a check digit: it should be {expected}, not "
            f"{digits[14]}. One of the digits was probably mistyped.",
            kind="check_digit", expected=expected)
    return ParsedImei(digits)


def imei_from_code(text: str) -> str | None:
    """The IMEI a barcode (or a scanner's burst) carries, or None: `parse_imei`'s rule."""
    try:
        return parse_imei(text)
    except InvalidIdentifier:
        return None


def code_is_imei(text: str, imei: str) -> bool:
    """Whether a barcode whose text is `text` carries the IMEI `imei` (for outlining it)."""
    return imei_from_code(text) == imei


#: Gigs' test SIMs: the reference's own placeholder ICCID 89424242424242424242 fails Luhn,
#: so this documented test range is accepted without the check.
TEST_ICCID_PREFIX = "8942424242"

_ICCID_LABEL = re.compile(r"^\s*ICCID\s*[:#]?\s*", re.IGNORECASE | re.ASCII)


def parse_iccid(text: str) -> str:
    """A 19- or 20-digit ICCID starting with 89 and passing Luhn (a trailing F is dropped)."""
    digits = _SEPARATORS.sub("", _ICCID_LABEL.sub("", text.strip()))
    padded = digits[-1:] in ("F", "f")
    if padded:  # the SIM's 10-byte field pads a 19-digit ICCID with F, and only that one
        digits = digits[:-1]
        if len(digits) != 19 and ascii_digits(digits):
            raise InvalidIdentifier("Only a 19-digit ICCID ends in F.")
    if not digits:
        raise InvalidIdentifier("No ICCID was entered.", kind="empty")
    if not ascii_digits(digits):
        raise InvalidIdentifier("An ICCID has digits only.", kind="digits")
    if len(digits) not in ICCID_LENGTHS:
        raise InvalidIdentifier(f"An ICCID has 19 or 20 digits; this has {len(digits)}.")
    if not digits.startswith("89"):
        raise InvalidIdentifier("An ICCID starts with 89.", kind="prefix")
    if not luhn_valid(digits) and not digits.startswith(TEST_ICCID_PREFIX):
        raise InvalidIdentifier("The ICCID's check digit does not match.", kind="check_digit",
                                expected=luhn_check_digit(digits[:-1]))
    return digits
