"""A QA batch: every input becomes a row at once (or says why not); lookups run behind it."""

from __future__ import annotations

import asyncio
import csv
import time
from array import array
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from kiosk.gigs import GigsClient, GigsError
from kiosk.gigs.models import Device, DeviceModel
from kiosk.qa.intake import InView, Source
from kiosk.qa.rules import QaRules, Verdict
from kiosk.redact import mask_digits
from kiosk.scan.imei import InvalidIdentifier, parse_iccid, parse_imei

SHOWN_INPUT = 40  # characters of an unreadable input a row shows
ICCID_REASON = "a SIM card's ICCID"  # how the reasons for an unpairable ICCID begin


@dataclass
class QaRow:
    imei: str
    scanned_at: float
    verdict: Verdict = Verdict.PENDING
    model: str = ""
    registered: bool | None = None
    sims: list[tuple[str, str, str]] = field(default_factory=list)  # (type, ICCID, status)
    reasons: list[str] = field(default_factory=list)
    duplicate: bool = False
    paired_iccid: str | None = None
    error: str | None = None
    rejected: bool = False  # not an IMEI at all: `imei` holds what arrived, `reasons` why
    _device: Device | None = field(default=None, repr=False)
    _models: list[DeviceModel] = field(default_factory=list, repr=False)

    @property
    def done(self) -> bool:
        return self.verdict is not Verdict.PENDING

    @property
    def mark(self) -> str:
        """A text mark, so no verdict is told by colour alone."""
        return {"PASS": "✔ PASS", "FAIL": "✘ FAIL"}.get(self.verdict.value, "… checking")


Listener = Callable[[QaRow], None]

CSV_COLUMNS = ["scanned_at", "imei", "verdict", "reasons", "model", "registered", "sims",
               "sim_iccids", "sim_statuses", "paired_iccid", "duplicate"]


def csv_row(r: QaRow, mask_imeis: bool = False) -> list[str]:
    """A row of the export (`CSV_COLUMNS`), as the station and `kiosk qa` write it."""
    return [time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(r.scanned_at)),
            mask_digits(r.imei) if mask_imeis else r.imei, r.verdict.value,
            "; ".join(r.reasons), r.model,
            "" if r.registered is None else ("yes" if r.registered else "no"),
            " ".join(t for t, _, _ in r.sims),
            " ".join(mask_digits(i) if mask_imeis else i for _, i, _ in r.sims),
            " ".join(s for _, _, s in r.sims), r.paired_iccid or "",
            "yes" if r.duplicate else "no"]


class ImeiSet:
    """The IMEIs seen so far, 8 bytes each (an open-addressing table of their numbers).

    A `set` of strings costs over 100 bytes an IMEI: 100 MB for a million-line batch.
    """

    def __init__(self) -> None:
        self._table = array("q", bytes(8 * 64))
        self._used = 0

    def _slot(self, key: int) -> int:
        mask = len(self._table) - 1
        slot = (key * 0x9E3779B97F4A7C15 >> 20) & mask
        while self._table[slot] not in (0, key):
            slot = (slot + 1) & mask
        return slot

    def __contains__(self, imei: object) -> bool:
        return (isinstance(imei, str) and imei.isascii() and imei.isdigit()
                and self._table[self._slot(int(imei) + 1)] != 0)

    def add(self, imei: str) -> None:
        key = int(imei) + 1  # 0 marks an empty slot; an IMEI is below 10**15
        slot = self._slot(key)
        if self._table[slot]:
            return
        self._table[slot] = key
        self._used += 1
        if self._used * 2 > len(self._table):
            old, self._table = self._table, array("q", bytes(16 * len(self._table)))
            for k in old:
                if k:
                    self._table[self._slot(k)] = k

    def __len__(self) -> int:
        return self._used


class QaBatch:
    """Rows in scan order. `add` never waits for the network; `wait` waits for all lookups.

    With `keep_rows=False` (`kiosk qa` on a file of any length) rows are not kept: `on_change`
    hands each one over, and `rows`, `summary`, `pair` and `export_csv` see none of them.
    """

    def __init__(self, client: GigsClient, rules: QaRules | None = None, *,
                 concurrency: int = 16, on_change: Listener = lambda row: None,
                 in_view: InView | None = None, keep_rows: bool = True) -> None:
        self.client = client
        self.rules = rules or QaRules()
        self.rows: list[QaRow] = []
        self._keep_rows = keep_rows
        self._seen = ImeiSet()
        self._limit = asyncio.Semaphore(concurrency)
        self._tasks: set[asyncio.Task[None]] = set()
        self._on_change = on_change
        self.in_view = in_view or InView()
        self.started = time.monotonic()

    def add(self, imei: str) -> QaRow:
        row = QaRow(imei, time.time(), duplicate=imei in self._seen)
        self._seen.add(imei)
        if self._keep_rows:
            self.rows.append(row)
        self._on_change(row)
        task = asyncio.ensure_future(self._look_up(row))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return row

    def submit(self, text: str, source: Source = Source.SCANNER) -> QaRow | None:
        """The station's one entry point: any input, from the scanner or the camera.

        An IMEI becomes a row, except a camera sighting of a box still in view (None). An ICCID
        pairs with the newest device when the rules pair SIM cards. Anything else becomes a
        failed row that says why, so no input disappears without a trace.
        """
        try:
            imei = parse_imei(text)
        except InvalidIdentifier as exc:
            not_imei = exc.reason
        else:
            new = self.in_view.is_new(imei)  # a scan refreshes it too: the camera won't add it again
            if source is Source.CAMERA and not new:
                return None
            return self.add(imei)
        try:
            iccid = parse_iccid(text)
        except InvalidIdentifier:
            return self.reject(text, f"not an IMEI: {not_imei}")
        if not self.rules.require_pairing:
            return self.reject(iccid, f"{ICCID_REASON}, but this batch does not pair SIM "
                                      "cards: scan the device's IMEI")
        return self.pair(iccid) or self.reject(
            iccid, f"{ICCID_REASON} with no device to pair it with: scan the IMEI first")

    def sighted(self, imeis: list[str]) -> None:
        """Every decoded camera frame: boxes still in view are not counted again."""
        self.in_view.sighted(imeis)

    def reject(self, text: str, reason: str) -> QaRow:
        shown = "".join(c if c.isprintable() else "?" for c in text.strip()) or "(empty)"
        if len(shown) > SHOWN_INPUT:
            shown = shown[:SHOWN_INPUT - 1] + "…"
        row = QaRow(shown, time.time(), verdict=Verdict.FAIL, reasons=[reason], rejected=True)
        self.rows.append(row)
        self._on_change(row)
        return row

    def pair(self, iccid: str) -> QaRow | None:
        """A SIM card's ICCID scanned after an IMEI: it belongs to the newest unpaired row."""
        row = next((r for r in reversed(self.rows)
                    if r.paired_iccid is None and not r.rejected), None)
        if row is None:
            return None
        row.paired_iccid = iccid
        if row.done:
            self._judge(row)
        self._on_change(row)
        return row

    async def wait(self) -> None:
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    async def cancel(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*list(self._tasks), return_exceptions=True)

    async def _look_up(self, row: QaRow) -> None:
        async with self._limit:
            try:
                devices = await self.client.search_devices(row.imei)
                models = [] if devices else await self.client.search_device_models(row.imei)
            except Exception as exc:  # never a row left "checking" for ever
                row.error = type(exc).__name__ if isinstance(exc, GigsError) \
                    else f"unexpected {type(exc).__name__}"
                row.verdict = Verdict.FAIL
                row.reasons = [f"lookup failed ({row.error}): scan again"]
                self._on_change(row)
                return
        device = devices[0] if devices else None
        row._device, row._models = device, models
        model = device.model if device else (models[0] if models else None)
        row.model = f"{model.brand} {model.name}" if model else ""
        row.registered = device is not None
        row.sims = [(s.type.value, s.iccid or "", s.status.value) for s in device.sims] \
            if device else []
        self._judge(row)
        self._on_change(row)

    def _judge(self, row: QaRow) -> None:
        reasons = self.rules.evaluate(row._device, row._models, row.paired_iccid)
        if row.duplicate:
            reasons.append("duplicate in this batch")
        row.reasons = reasons
        row.verdict = Verdict.FAIL if reasons else Verdict.PASS

    def summary(self) -> dict[str, int]:
        done = [r for r in self.rows if r.done]
        return {"scanned": len(self.rows), "passed": sum(r.verdict is Verdict.PASS for r in done),
                "failed": sum(r.verdict is Verdict.FAIL for r in done),
                "duplicates": sum(r.duplicate for r in self.rows)}

    def export_csv(self, path: str | Path, *, mask_imeis: bool = False) -> int:
        with open(path, "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(CSV_COLUMNS)
            for r in self.rows:
                writer.writerow(csv_row(r, mask_imeis))
        return len(self.rows)
