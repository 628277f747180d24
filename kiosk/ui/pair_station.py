"""The warehouse pairing station: scan a packed phone's box IMEI, then the SIM card's ICCID;
the station pairs them in the Gigs project (`kiosk.pair.engine.Pairer`) and says so per phone.

Loud about mistakes, never a guess: the order of scans is `kiosk.pair.scans.PairIntake`'s;
a pairing in flight for a SIM card or a box cannot be started again, and undo runs once.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, Qt, QTimer
from PySide6.QtWidgets import (
    QApplication, QBoxLayout, QHBoxLayout, QLabel, QMainWindow, QVBoxLayout, QWidget,
)

from kiosk.pair.types import IntakeEvent, PairResult, Scan, Verdict
from kiosk.qa.intake import IN_VIEW_WINDOW, InView
from kiosk.scan.agreement import ScanSession
from kiosk.scan.qt_camera import QtCamera
from kiosk.ui.pair_banner import banner_text
from kiosk.ui.pair_io import CameraAndExport
from kiosk.ui.pair_rows import (
    ABANDONED, BANNER, PAIRING, WAITING, PairRow, PairTable,
)
from kiosk.ui.qa_station import ScannerKeys
from kiosk.ui.staff_widgets import ExportChooser, file_writer, show_status
from kiosk.ui.widgets import button, label, message

log = logging.getLogger("kiosk.ui.pair_station")
UNDO_SECONDS = 30.0
# A verdict's banner: its look (show_status) and its words (pair_banner).
LOOKS = {Verdict.PAIRED: ("ok", "paired"), Verdict.ALREADY: ("ok", "already"),
         Verdict.REFUSED: ("error", "refused"), Verdict.ERROR: ("warning", "error"),
         Verdict.UNDONE: ("", "undone")}
WIDE = 1600  # px: from this width the camera preview sits beside the table


class PairStation(CameraAndExport, QMainWindow):
    """Every box is a row at once ("scan the SIM card"); its verdict follows the SIM scan."""

    def __init__(self, pairer: Any, *, export_dir: Path, camera: QtCamera | None = None,
                 sound: bool = True, undo_seconds: float = UNDO_SECONDS, intake: Any = None,
                 in_view_window: float = IN_VIEW_WINDOW, clock: Any = time.monotonic) -> None:
        super().__init__()
        from kiosk.pair.scans import PairIntake, classify

        self.pairer = pairer
        self.camera = camera
        self.export_dir = export_dir
        self.sound = sound
        self.undo_seconds = undo_seconds
        self.clock = clock
        self.classify = classify
        self.intake = intake if intake is not None else PairIntake()
        self.in_view = InView(in_view_window, clock)
        self.sim_session = ScanSession()  # the camera's ICCIDs: read alike in two frames
        self.tasks: set[asyncio.Future[Any]] = set()
        self._in_flight: set[str] = set()  # ICCIDs and IMEIs being paired right now
        self._undoable: PairRow | None = None
        self._undo_until = 0.0
        self._undoing = False
        self._last_row: PairRow | None = None
        self._said: tuple[str, Callable[[], str]] | None = None
        root = QWidget()
        outer = QVBoxLayout(root)
        outer.setContentsMargins(24, 16, 24, 16)
        # The title with the buttons beside it, or above them when they do not fit beside it
        # (German at 1280 px, a portrait screen): no text is ever cut.
        self.top = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        self.title = label("", "Title", wrap=False)
        self.undo = button("", self.undo_last)
        self.undo.setEnabled(False)
        self.export = button("", self.choose_export_place)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.undo)
        buttons.addWidget(self.export)
        self.top.addWidget(self.title)
        self.top.addLayout(buttons, 1)
        outer.addLayout(self.top)
        self.counts = label("", "Subtitle")
        outer.addWidget(self.counts)
        self.banner = label("", "Hint")  # what to scan next, or what went wrong
        self.banner.setMinimumHeight(56)
        self.banner.setStyleSheet(BANNER)
        outer.addWidget(self.banner)
        self.middle = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        self.table = PairTable()
        self.middle.addWidget(self.table, 5)
        self.side = QBoxLayout(QBoxLayout.Direction.TopToBottom)
        self.preview = QLabel()
        self.preview.setObjectName("Preview")
        self.preview.setFixedSize(320, 180)
        self.status = label("", "Hint")
        self.status.hide()  # shown with its first text
        self.side.addWidget(self.preview, 0, Qt.AlignmentFlag.AlignTop)
        self.side.addWidget(self.status, 1, Qt.AlignmentFlag.AlignTop)
        self.middle.addLayout(self.side, 1)
        outer.addLayout(self.middle, 1)
        self.setCentralWidget(root)
        self.undo_timer = QTimer(self)
        self.undo_timer.setSingleShot(True)
        self.undo_timer.timeout.connect(self._undo_expired)
        self.chooser = ExportChooser(root, file_writer("pairs-%Y%m%d-%H%M%S.csv", self._write_csv),
                                     self._exported, find=self._destinations)
        self._banner_key: tuple[str, str] = ("", "start")
        self.retranslate()
        self.wedge = ScannerKeys(self.on_scan, clock)
        app = QApplication.instance()
        assert app is not None
        app.installEventFilter(self.wedge)
        self.preview.setVisible(camera is not None)
        if camera is not None:
            camera.preview_ready.connect(self._preview)
            camera.codes_detected.connect(self.on_camera_detection)
            camera.imeis_accepted.connect(self.on_camera_imeis)
            camera.state_changed.connect(self._camera_state)
            camera.start()

    # -- texts ------------------------------------------------------------------------------------

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Pairing station"))
        self.title.setText(self.tr("Pairing station"))
        self.undo.setText(self.tr("Undo last pairing"))
        self.export.setText(self.tr("Export CSV"))
        self.preview.setAccessibleName(self.tr("Camera"))
        self._show_banner(*self._banner_key)
        if self._said is not None:
            self.say(*self._said)
        self._update_counts()
        self._arrange_top()

    def _arrange_top(self) -> None:
        need = (self.title.sizeHint().width() + self.undo.sizeHint().width()
                + self.export.sizeHint().width() + 3 * 12 + 48)
        self.top.setDirection(QBoxLayout.Direction.LeftToRight if need <= self.width()
                              else QBoxLayout.Direction.TopToBottom)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def resizeEvent(self, event: Any) -> None:
        # The camera beside the table when there is room; above it, side by side, on a
        # portrait or a 1280 px screen, where the table needs the whole width.
        portrait = self.height() > self.width() or self.width() < WIDE
        self.middle.setDirection(QBoxLayout.Direction.BottomToTop if portrait
                                 else QBoxLayout.Direction.LeftToRight)
        self.side.setDirection(QBoxLayout.Direction.LeftToRight if portrait
                               else QBoxLayout.Direction.TopToBottom)
        self.middle.setStretch(1, 0 if portrait or self.camera is None else 1)
        self._arrange_top()
        super().resizeEvent(event)

    def _banner_text(self, key: str) -> str:
        pending = bool(self.intake.imeis)
        return banner_text(key, pending, self._last_reason)

    @property
    def _last_reason(self) -> str:
        row = self._last_row
        return self.table.reason(row.result) if row and row.result else ""

    def _show_banner(self, verdict: str, key: str) -> None:
        self._banner_key = (verdict, key)
        show_status(self.banner, verdict, self._banner_text(key))

    def _update_counts(self) -> None:
        states = [r.state for r in self.table.rows]
        self.counts.setText(
            self.tr("%1 paired · %2 already paired · %3 refused · %4 to try again")
            .replace("%1", str(states.count(Verdict.PAIRED.value)))
            .replace("%2", str(states.count(Verdict.ALREADY.value)))
            .replace("%3", str(states.count(Verdict.REFUSED.value)))
            .replace("%4", str(states.count(Verdict.ERROR.value))))

    # -- scans ------------------------------------------------------------------------------------

    def on_scan(self, text: str) -> asyncio.Future[Any] | None:
        """One input from the scanner or the keyboard: the next step, a mistake, or a pairing
        (its task is returned, for tests)."""
        return self.feed(self.classify(text))

    def feed(self, scan: Scan) -> asyncio.Future[Any] | None:
        had = self.intake.imeis
        event: IntakeEvent = self.intake.feed(scan, self.clock())
        if event.kind == "pair":
            assert event.iccid is not None
            return self.start_pair(event.imeis, event.iccid)
        waiting = self._waiting()
        if waiting is not None and not event.imeis:  # the intake forgot the box
            waiting.forgotten = True
        self._sync_waiting(event.imeis)
        if event.kind == "need_iccid":
            self._show_banner("", "need_iccid")
            return None
        log.info("pairing station: scanning order mistake (%s)", scan.kind)
        self._show_banner("error", self._mistake(scan, had))
        self._beep(good=False)
        return None

    @staticmethod
    def _mistake(scan: Scan, had: tuple[str, ...]) -> str:
        if scan.kind == "iccid":  # a box before it, forgotten: it waited too long
            return "iccid_bad" if scan.problem else "expired" if had else "iccid_first"
        if scan.kind == "imei":
            return "imei_bad" if scan.problem else "other_box" if had else "unknown"
        return scan.kind if scan.kind in ("eid", "serial") else "unknown"

    def _waiting(self) -> PairRow | None:
        return next((r for r in reversed(self.table.rows) if r.state == WAITING), None)

    def _sync_waiting(self, pending: tuple[str, ...]) -> None:
        """The waiting row shows the box the intake waits for: the second IMEI of a dual-SIM
        box joins it; another box leaves it "not paired" and gets a row of its own."""
        waiting = self._waiting()
        if waiting is not None and waiting.imeis != pending:
            n = self.table.rows.index(waiting)
            if pending and set(waiting.imeis) <= set(pending):
                waiting.imeis = pending
            else:
                waiting.state = ABANDONED
            self.table.show_row(n)
            if waiting.state == WAITING:
                return
        if pending and (waiting is None or waiting.state != WAITING):
            self.table.add(PairRow(pending))

    def start_pair(self, imeis: tuple[str, ...], iccid: str) -> asyncio.Future[Any] | None:
        """Marks the box and the SIM card as in flight before anything is awaited: a second
        scan of either while it runs is explained, never a second pairing."""
        if iccid in self._in_flight or self._in_flight.intersection(imeis):
            self._show_banner("warning", "in_flight")
            waiting = self._waiting()
            if waiting is not None:  # the intake forgot the box: its row may not wait
                n = self.table.rows.index(waiting)
                if self._in_flight.issuperset(waiting.imeis):  # the same box, scanned again
                    self.table.rows.pop(n)
                    self.table.removeRow(n)
                else:
                    waiting.state = ABANDONED
                    self.table.show_row(n)
            self._beep(good=False)
            return None
        row = self._waiting()
        if row is None or row.imeis != imeis:
            self._sync_waiting(())
            row = PairRow(imeis)
            self.table.add(row)
        row.iccid, row.state = iccid, PAIRING
        self._in_flight.update((iccid, *imeis))
        self.table.show_row(self.table.rows.index(row))
        self._show_banner("", "pairing")
        task = asyncio.ensure_future(self._pair(row))
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)
        return task

    async def _pair(self, row: PairRow) -> None:
        assert row.iccid is not None
        try:
            result = await self.pairer.pair(row.imeis, row.iccid)
        except Exception as exc:  # the row must end with a verdict, whatever happened
            log.exception("pairing failed unexpectedly")
            result = PairResult(Verdict.ERROR, "unexpected", type(exc).__name__, row.imeis,
                                row.iccid)
        finally:
            self._in_flight.difference_update((row.iccid, *row.imeis))
        self._verdict(row, result)

    def _verdict(self, row: PairRow, result: PairResult) -> None:
        row.result, row.state = result, result.verdict.value
        self.table.show_row(self.table.rows.index(row))
        self._last_row = row
        if self._waiting() is None:  # else the next box's "scan the SIM card" stays said
            self._show_banner(*LOOKS[result.verdict])
        self._beep(good=result.ok)
        if result.verdict is Verdict.PAIRED and not result.dry_run:
            self._undoable = row
            self._undo_until = self.clock() + self.undo_seconds
            self.undo.setEnabled(not self._undoing)
            self.undo_timer.start(int(self.undo_seconds * 1000))
        self._update_counts()

    def _beep(self, *, good: bool) -> None:
        """One beep for a pairing that holds, two for anything staff must look at."""
        if not self.sound:
            return
        QApplication.beep()
        if not good:
            QTimer.singleShot(180, QApplication.beep)

    # -- undo -------------------------------------------------------------------------------------

    def undo_last(self) -> asyncio.Future[Any] | None:
        """Take the last pairing back (once; only within `undo_seconds` of its verdict)."""
        row = self._undoable
        if row is None or self._undoing or self.clock() > self._undo_until:
            self.undo.setEnabled(False)
            return None
        self._undoing = True
        self.undo.setEnabled(False)
        task = asyncio.ensure_future(self._undo(row))
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)
        return task

    async def _undo(self, row: PairRow) -> None:
        before = row.result
        assert before is not None
        try:
            result = await self.pairer.undo(before)
        except Exception as exc:
            log.exception("undo failed unexpectedly")
            result = dataclasses.replace(before, verdict=Verdict.ERROR, reason="unexpected",
                                         message=type(exc).__name__)
        self._undoing = False
        n = self.table.rows.index(row)
        if result.verdict is Verdict.UNDONE:
            row.result = dataclasses.replace(result, brand=result.brand or before.brand,
                                             model=result.model or before.model)
            row.state = Verdict.UNDONE.value
            if self._undoable is row:
                self._undoable = None
            self.table.show_row(n)
            self._show_banner("", "undone")
            self._beep(good=True)
        else:
            self._show_banner("warning", "undo_failed")
            self._beep(good=False)
        # Again for what is still (or newly) the last pairing, within its window.
        self.undo.setEnabled(self._undoable is not None and self.clock() <= self._undo_until)
        self._update_counts()

    def _undo_expired(self) -> None:
        if self.clock() >= self._undo_until - 0.05:
            self.undo.setEnabled(False)
        else:  # a clock that runs differently (tests): look again when it says
            self.undo_timer.start(int((self._undo_until - self.clock()) * 1000) + 1)

    def _exported(self, path: Path) -> None:
        self.say("ok", lambda: self.tr("Exported to %1").replace("%1", str(path)))

    def _camera_state(self, state: str, text: str) -> None:
        """The camera's state in words; while it runs, what to hold to it here (the box, then
        the SIM card), not the customer kiosk's "the barcode on the box"."""
        if state == "running":
            self.say("", lambda: self.tr("Hold the box's barcode, then the SIM card's, to the "
                                         "camera."))
        else:
            self.say("", lambda: message(text))

    def resumed(self, settled: list[Any]) -> None:
        """At start: the pairings a crash or a lost answer left, settled by `Pairer.resume`
        (journal rows, masked): the interrupted ones are named, to be scanned again."""
        failed = [p for p in settled if getattr(p, "status", "") != "done"]
        boxes = ", ".join(f"{p.imei_masked} / {p.iccid_masked}" for p in failed[:5])

        def words() -> str:
            text = self.tr("Unfinished pairings of the last run completed: %1.").replace(
                "%1", str(len(settled) - len(failed))) if len(failed) < len(settled) else ""
            if failed:
                text += (" " if text else "") + self.tr(
                    "Interrupted, scan the box and SIM card again: %1").replace("%1", boxes)
            return text

        self.say("warning" if failed else "ok", words)

    def say(self, verdict: str, words: Callable[[], str]) -> None:
        """The status line beside the camera: its state, the export, a resume at start;
        `words` makes the text in the language of the moment (again after a switch)."""
        self._said = (verdict, words)
        text = words()
        show_status(self.status, verdict, text)
        self.status.setVisible(bool(text))

    def export_csv(self, folder: Path | None = None) -> Path | None:
        return self.chooser.write(folder or self.export_dir)
