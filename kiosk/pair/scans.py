"""What a scan at the pairing station is, and the scanning order: box IMEI(s), then the ICCID.

`classify` uses the one IMEI/ICCID rule (`kiosk.scan.imei`: ASCII digits only, Luhn), so the
station, the CLI and the QA station agree on what an IMEI is. `PairIntake` turns a stream of
scans into events; it never guesses: anything out of order is a "mistake" saying what was
scanned and what to scan instead.
"""

from __future__ import annotations

import re

from kiosk.pair.types import IntakeEvent, Scan
from kiosk.redact import mask_digits
from kiosk.scan.imei import InvalidIdentifier, ascii_digits, parse_iccid, parse_imei

EID_LENGTH = 32
#: Seconds without a scan after which a pending box IMEI is forgotten.
PENDING_SECONDS = 120.0
#: Two IMEIs are one dual-SIM box when their TAC is the same and their serial numbers are
#: at most this far apart (manufacturers number the two IMEIs of a phone consecutively).
SAME_BOX_SERIALS = 20
_EID_LABEL = re.compile(r"^\s*EID\s*[:#]?\s*", re.IGNORECASE | re.ASCII)
_SEPARATORS = re.compile(r"[\s\-./]", re.ASCII)
_ALNUM = re.compile(r"[A-Za-z0-9][A-Za-z0-9\s\-./:#]*", re.ASCII)
_MAX_TEXT = 64

WHAT_TO_SCAN = "scan the barcode labelled IMEI on the box"
SIM_TO_SCAN = "scan the SIM card's ICCID (19-20 digits starting 89)"


def classify(text: str) -> Scan:
    """The kind of a scanned or typed text. Never raises."""
    raw = text.strip()[: _MAX_TEXT * 4]
    if not raw:
        return Scan("unknown", "", "Nothing was scanned.")
    imei_error: InvalidIdentifier | None = None
    try:
        return Scan("imei", parse_imei(raw))
    except InvalidIdentifier as exc:
        imei_error = exc
    try:
        return Scan("iccid", parse_iccid(raw))
    except InvalidIdentifier as exc:
        iccid_error = exc
    digits = _SEPARATORS.sub("", _EID_LABEL.sub("", raw, count=1))
    if len(digits) == EID_LENGTH and ascii_digits(digits) and digits.startswith("89"):
        return Scan("eid", digits)
    if imei_error.kind == "check_digit":
        return Scan("imei", _digits_of(raw, 15), imei_error.reason)
    if iccid_error.kind == "check_digit":
        return Scan("iccid", _digits_of(raw, 20), iccid_error.reason)
    if ascii_digits(digits):
        if len(digits) in (14, 16, 17):  # an IMEI with a digit missing or one too many
            return Scan("unknown", digits[:_MAX_TEXT], imei_error.reason)
        if len(digits) in (18, 21):
            return Scan("unknown", digits[:_MAX_TEXT], iccid_error.reason)
        return Scan("unknown", digits[:_MAX_TEXT],
                    f"{len(digits)} digits: neither an IMEI (15) nor an ICCID (19-20).")
    if _ALNUM.fullmatch(raw) and any(c.isalpha() for c in raw) and any(c.isdigit() for c in raw):
        return Scan("serial", raw[:_MAX_TEXT])
    return Scan("unknown", raw[:_MAX_TEXT], "Not an IMEI, an ICCID or a serial number.")


def _digits_of(text: str, limit: int) -> str:
    return "".join(c for c in text if "0" <= c <= "9")[-limit:]


def same_box(first: str, second: str) -> bool:
    """Whether two IMEIs are the two of one dual-SIM phone: same TAC, serials close."""
    return (first[:8] == second[:8]
            and abs(int(first[8:14]) - int(second[8:14])) <= SAME_BOX_SERIALS)


class PairIntake:
    """The scanning order of one station: IMEI (or both of a dual-SIM box), then ICCID."""

    def __init__(self, pending_seconds: float = PENDING_SECONDS) -> None:
        self.pending_seconds = pending_seconds
        self.imeis: tuple[str, ...] = ()
        self._last: float | None = None

    def reset(self) -> None:
        self.imeis, self._last = (), None

    def feed(self, scan: Scan, now: float) -> IntakeEvent:
        expired = ""
        if self.imeis and self._last is not None and now - self._last > self.pending_seconds:
            expired = (f"The IMEI scanned before ({mask_digits(self.imeis[0])}) was forgotten "
                       f"after {self.pending_seconds:g} s without a scan. ")
            self.imeis = ()
        self._last = now
        event = self._event(scan)
        if expired and event.kind == "mistake":
            return IntakeEvent("mistake", event.imeis, None, expired + event.message)
        return event

    def _need(self, message: str) -> IntakeEvent:
        return IntakeEvent("need_iccid", self.imeis, None, message)

    def _mistake(self, message: str) -> IntakeEvent:
        return IntakeEvent("mistake", self.imeis, None, message)

    def _next(self) -> str:
        return SIM_TO_SCAN if self.imeis else WHAT_TO_SCAN

    def _event(self, scan: Scan) -> IntakeEvent:
        if scan.kind == "imei":
            return self._imei(scan)
        if scan.kind == "iccid":
            if scan.problem:
                return self._mistake(f"That ICCID is not valid: {scan.problem} "
                                     f"Nothing was paired; {self._next()} again.")
            if not self.imeis:
                return self._mistake("That is a SIM card's ICCID, but no box is scanned yet: "
                                     "scan the box's IMEI first, then the SIM card.")
            event = IntakeEvent("pair", self.imeis, scan.value,
                                f"Pairing {mask_digits(self.imeis[0])} with SIM "
                                f"{mask_digits(scan.value)}.")
            self.reset()
            return event
        if scan.kind == "eid":
            return self._mistake("That is an EID (32 digits: the eSIM chip's id), not the SIM "
                                 f"card's ICCID or an IMEI: {self._next()}.")
        if scan.kind == "serial":
            return self._mistake("That looks like a serial number (letters and digits), not "
                                 f"an IMEI or an ICCID: {self._next()}.")
        reason = f" {scan.problem}" if scan.problem else ""
        return self._mistake(f"Not an IMEI or an ICCID.{reason} {self._next().capitalize()}.")

    def _imei(self, scan: Scan) -> IntakeEvent:
        imei = scan.value
        if scan.problem:
            return self._mistake(f"That IMEI is not valid: {scan.problem} Scan it again.")
        if not self.imeis:
            self.imeis = (imei,)
            return self._need(f"Box {mask_digits(imei)}: now {SIM_TO_SCAN}.")
        if imei in self.imeis:
            return self._need(f"Box {mask_digits(imei)} again: now {SIM_TO_SCAN}.")
        if len(self.imeis) == 1 and same_box(self.imeis[0], imei):
            self.imeis = (self.imeis[0], imei)
            return self._need(f"Second IMEI of the same box ({mask_digits(imei)}): now "
                              f"{SIM_TO_SCAN}.")
        before = mask_digits(self.imeis[0])
        self.imeis = (imei,)
        return self._mistake(
            f"IMEI {mask_digits(imei)} is from another box than {before}, and no SIM card was "
            f"scanned for {before}: nothing was paired. {mask_digits(imei)} is now the current "
            f"box: {SIM_TO_SCAN}.")
