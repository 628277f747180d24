"""The warehouse pairing station (Qt-free): register each packed phone with the SIM inside it.

The seed guide "Activate Physical SIMs Inside Devices" needs every phone in the project as a
device holding its SIM before a shop can activate it. This package is that step:

- `kiosk.pair.scans`: what a scan is (IMEI, ICCID, EID, serial) and the scanning order of a
  station (`PairIntake`): box IMEI(s), then the SIM card's ICCID; mistakes are explained.
- `kiosk.pair.engine`: `Pairer.pair(imeis, iccid)` makes the pairing exactly once (checks,
  create or attach, reconcile a lost answer, journal), `Pairer.undo(result)` takes it back;
  beside it `reconcile` (a write whose answer was lost: looked for, never resent),
  `refusals`, `overlay` (a dry run's memory) and `aftercare` (undo, resume).
- `kiosk.cli.pair`: a whole pallet from a CSV, streaming and concurrent (`kiosk pair`), on
  `Pairer.prefetch()` so each new device costs one request.

The contract between them is in `kiosk.pair.types`.
"""

from kiosk.pair.types import IntakeEvent, PairResult, Scan, Verdict

__all__ = ["IntakeEvent", "PairResult", "Scan", "Verdict"]
