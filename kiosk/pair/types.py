"""The pairing station's data: what was scanned, what the station makes of the order of
scans, and the verdict of one pairing. Shared by the engine, the CLI and the Qt screen."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Literal

from kiosk.redact import mask_digits

ScanKind = Literal["imei", "iccid", "eid", "serial", "unknown"]


@dataclass(frozen=True)
class Scan:
    """One scan or typed line, classified. `value` is the normalised number (digits only for
    an IMEI, ICCID or EID); `problem` is a one-line reason when the text looked like one kind
    but failed its check (an IMEI with a wrong check digit), else None."""

    kind: ScanKind
    value: str = field(repr=False)
    problem: str | None = None

    @property
    def masked(self) -> str:
        return mask_digits(self.value) if self.kind in ("imei", "iccid", "eid") else "…"


@dataclass(frozen=True)
class IntakeEvent:
    """What the station does after a scan.

    kind:
    - "need_iccid": the box's IMEI(s) are known (`imeis`); now scan the SIM card.
    - "pair": `imeis` and `iccid` are complete: pair them.
    - "mistake": nothing is paired; `message` says what went wrong and what to scan next
      (ICCID first, two IMEIs of different boxes, an EID, a serial number, a bad check digit).
    """

    kind: Literal["need_iccid", "pair", "mistake"]
    imeis: tuple[str, ...] = field(default=(), repr=False)
    iccid: str | None = field(default=None, repr=False)
    message: str = ""


class Verdict(str, Enum):  # noqa: UP042 (str() stays the member's name)
    PAIRED = "paired"  # the device now holds the SIM (created, or the SIM attached)
    ALREADY = "already"  # it already did: nothing changed
    REFUSED = "refused"  # a check failed (SIM unknown, retired, in another phone, wrong type...)
    ERROR = "error"  # the API could not be reached or answered unexpectedly: try again
    UNDONE = "undone"  # an undo took the pairing back


@dataclass(frozen=True)
class PairResult:
    """The outcome of one pairing (or undo). `message` is one line for staff, with IMEIs and
    ICCIDs masked; `reason` a stable machine code (e.g. "sim_unknown", "sim_retired",
    "sim_in_other_device", "sim_type_unsupported", "imei_unknown_model", "device_has_sim",
    "api_unavailable"). `imeis`/`iccid` are full (the export for Gigs' import needs them);
    never log them unmasked."""

    verdict: Verdict
    reason: str
    message: str
    imeis: tuple[str, ...] = field(repr=False)
    iccid: str = field(repr=False)
    device_id: str | None = None
    sim_id: str | None = None
    sim_type: str | None = None
    brand: str | None = None
    model: str | None = None
    created: bool = False  # the device was created by this pairing (undo deletes it)
    previous_sims: tuple[str, ...] | None = None  # the device's SIM ids before (undo restores)
    dry_run: bool = False
    extra: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def ok(self) -> bool:
        return self.verdict in (Verdict.PAIRED, Verdict.ALREADY)
