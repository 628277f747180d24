"""IMEI scanning (Qt-free): parsing, single-frame decoding, agreement across frames.

The stable entry points: `find_imeis(frame)` and `find_codes(frame)`.
"""

from __future__ import annotations

import numpy as np

from kiosk.scan.decode import DEFAULT_BUDGET_MS, Code, find_codes
from kiosk.scan.imei import (
    InvalidIdentifier, luhn_valid, parse_iccid, parse_imei, payload_digits,
)


def imei_from_code(text: str) -> str | None:
    """The IMEI a barcode carries, or None. Only 15 Luhn-valid digits, with or without an
    `IMEI` label: a 16-digit payload is refused here, because recomputing a check digit would
    turn any 16-digit serial into a "valid" IMEI."""
    digits = payload_digits(text)
    if len(digits) != 15 or not digits.isdigit():
        return None
    return digits if luhn_valid(digits) else None


def find_imeis(frame: np.ndarray, *, budget_ms: float = DEFAULT_BUDGET_MS) -> list[str]:
    """The distinct valid IMEIs read in `frame` (BGR HxWx3 or grey HxW, uint8), in reading order."""
    found: list[str] = []
    for code in find_codes(frame, budget_ms=budget_ms):
        imei = imei_from_code(code.text)
        if imei is not None and imei not in found:
            found.append(imei)
    return found


__all__ = ["Code", "InvalidIdentifier", "find_codes", "find_imeis", "imei_from_code",
           "parse_iccid", "parse_imei"]
