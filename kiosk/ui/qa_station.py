"""The warehouse QA station: scan, see a verdict per device within a second, export the batch."""

from __future__ import annotations

import time
from typing import Any
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QBrush, QColor, QImage, QKeyEvent, QPixmap
from PySide6.QtWidgets import (
    QApplication, QHBoxLayout, QHeaderView, QLabel, QMainWindow, QTableWidget,
    QTableWidgetItem, QVBoxLayout, QWidget,
)

from kiosk.gigs import GigsClient
from kiosk.qa import InView, KeyLine, QaBatch, QaRow, QaRules, Source, Verdict
from kiosk.qa.batch import ICCID_REASON
from kiosk.qa.intake import IN_VIEW_WINDOW
from kiosk.redact import mask_digits
from kiosk.scan.qt_camera import QtCamera
from kiosk.ui.widgets import button, label

COLUMNS = ["#", "Verdict", "Why", "IMEI", "Model", "Registered", "SIMs", "Duplicate"]
WHY = 2
COLOURS = {Verdict.PASS: "#d7f5dd", Verdict.FAIL: "#fadbd8", Verdict.PENDING: "#ffffff"}
LINE_ENDS = (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Tab)


class ScannerKeys(QObject):
    """Every key typed anywhere in the station goes into a `KeyLine`; Enter/Tab ends an input.

    The station has no text field, so unlike the customer kiosk's wedge filter nothing here
    decides by timing whether keys are a scan: keys are queued in order, never dropped.
    """

    def __init__(self, on_input: Any, clock: Any = time.monotonic) -> None:
        super().__init__()
        self.line = KeyLine()
        self._on_input = on_input
        self._clock = clock

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() != QEvent.Type.KeyPress:
            return False
        assert isinstance(event, QKeyEvent)
        if event.key() in LINE_ENDS:
            text = self.line.end()
            if text is None:
                return False  # a bare Enter or Tab is the operator's, e.g. on a focused button
            self._on_input(text)
            return True
        char = event.text()
        if not char or not char.isprintable() or event.modifiers() & (
                Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier):
            return False
        if char == " " and not self.line.pending:
            return False  # Space presses a focused button
        stale = self.line.key(char, self._clock())
        if stale is not None:
            self._on_input(stale)
        return True


class QaStation(QMainWindow):
    """Fast and calm: every scan is a row at once; lookups run behind it."""

    def __init__(self, client: GigsClient, rules: QaRules, *, export_dir: Path,
                 camera: QtCamera | None = None, mask_exports: bool = False,
                 sound: bool = True, journal: Any = None,
                 in_view_window: float = IN_VIEW_WINDOW, clock: Any = time.monotonic) -> None:
        super().__init__()
        self.setWindowTitle("QA station")
        self.export_dir = export_dir
        self.mask_exports = mask_exports
        self.sound = sound
        self.rules = rules
        self.journal = journal
        self.batch_id = time.strftime("qa-%Y%m%d-%H%M%S")
        self._saved: set[int] = set()
        self.in_view_window = in_view_window
        self.clock = clock
        self.batch = self._new_batch(client)
        self._index: dict[int, int] = {}
        root = QWidget()
        outer = QVBoxLayout(root)
        top = QHBoxLayout()
        self.title = label(self.tr("QA station"), "Title")
        self.counts = label("", "Subtitle", wrap=False)
        self.export = button(self.tr("Export CSV"), self.export_csv)
        self.new_batch = button(self.tr("New batch"), self.start_new_batch)
        top.addWidget(self.title)
        top.addStretch(1)
        top.addWidget(self.counts)
        top.addWidget(self.new_batch)
        top.addWidget(self.export)
        outer.addLayout(top)
        self.hint = label("", "Hint")
        outer.addWidget(self.hint)
        middle = QHBoxLayout()
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels([
            self.tr("#"), self.tr("Verdict"), self.tr("Why"), self.tr("IMEI"), self.tr("Model"),
            self.tr("Registered"), self.tr("SIMs"), self.tr("Duplicate")])
        header = self.table.horizontalHeader()
        for column, width in enumerate((50, 120, 0, 210, 250, 150, 380, 150)):
            if column == WHY:
                header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
            else:
                header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
                self.table.setColumnWidth(column, width)
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.setStyleSheet("QTableWidget { font-size: 15pt; }")  # staff at a desk
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setAccessibleName(self.tr("Scanned devices"))
        middle.addWidget(self.table, 5)
        side = QVBoxLayout()
        self.preview = QLabel()
        self.preview.setObjectName("Preview")
        self.preview.setFixedSize(320, 180)
        self.last = label("", "Big")
        self.status = label("", "Hint")
        side.addWidget(self.preview)
        side.addWidget(self.last)
        side.addWidget(self.status)
        side.addStretch(1)
        middle.addLayout(side, 1)
        outer.addLayout(middle, 1)
        self.setCentralWidget(root)
        self._describe_rules()
        self._update_counts()
        self.wedge = ScannerKeys(self.on_scan, clock)
        app = QApplication.instance()
        assert app is not None
        app.installEventFilter(self.wedge)
        self.camera = camera
        if camera is not None:
            camera.preview_ready.connect(self._preview)
            camera.codes_detected.connect(self.on_camera_detection)
            camera.imeis_accepted.connect(self.on_camera_imeis)
            camera.state_changed.connect(lambda state, message: self.status.setText(message))
            camera.start()

    def _describe_rules(self) -> None:
        r = self.rules
        parts = [self.tr("registered") if r.require_registered else ""]
        if r.expect_sim_count is not None:
            parts.append(self.tr("%1 SIM(s)").replace("%1", str(r.expect_sim_count)))
        if r.expect_sim_types:
            parts.append("/".join(r.expect_sim_types))
        if r.require_inactive:
            parts.append(self.tr("SIM not active"))
        if r.expect_model:
            parts.append(self.tr("model %1").replace("%1", r.expect_model))
        if r.require_pairing:
            parts.append(self.tr("scan the SIM card's ICCID after the IMEI"))
        self.hint.setText(self.tr("Scan IMEIs with the scanner or the camera. Passes if: %1")
                          .replace("%1", ", ".join(p for p in parts if p)))

    def _new_batch(self, client: GigsClient) -> QaBatch:
        return QaBatch(client, self.rules, on_change=self._row_changed,
                       in_view=InView(self.in_view_window, self.clock))

    def on_scan(self, text: str) -> None:
        """One input from the scanner (or typed): always a row, or a pairing."""
        rows = len(self.batch.rows)
        row = self.batch.submit(text, Source.SCANNER)
        if row is None:
            return
        if row.rejected and row.reasons[0].startswith(ICCID_REASON):
            self.last.setText(self.tr("Scan the IMEI first"))
        elif row.rejected:
            self.last.setText(self.tr("✘ Not an IMEI or ICCID: scan again"))
        elif len(self.batch.rows) == rows:
            self.last.setText(self.tr("SIM card paired"))

    def on_camera_imeis(self, imeis: list[str]) -> None:
        for imei in imeis:
            self.batch.submit(imei, Source.CAMERA)  # None while the box is still in view

    def on_camera_detection(self, detection: Any) -> None:
        self.batch.sighted(list(detection.imeis))

    def _row_changed(self, row: QaRow) -> None:
        key = id(row)
        if key not in self._index:
            self._index[key] = self.table.rowCount()
            self.table.insertRow(self.table.rowCount())
            self.table.scrollToBottom()
        n = self._index[key]
        values = [str(n + 1), row.mark, "; ".join(row.reasons), row.imei, row.model,
                  "" if row.registered is None else (self.tr("yes") if row.registered else
                                                     self.tr("no")),
                  "  ".join(f"{t} {i} {s}" for t, i, s in row.sims),
                  self.tr("DUPLICATE") if row.duplicate else ""]
        colour = QBrush(QColor(COLOURS[row.verdict]))
        for column, value in enumerate(values):
            item = QTableWidgetItem(value)
            item.setToolTip(value)  # a long reason is elided in its column, never lost
            item.setBackground(colour)
            self.table.setItem(n, column, item)
        if row.done and self.journal is not None and id(row) not in self._saved:
            self._saved.add(id(row))
            self.journal.record_qa(
                self.batch_id, at=row.scanned_at, imei_masked=mask_digits(row.imei),
                verdict=row.verdict.value, reasons="; ".join(row.reasons), model=row.model,
                registered=row.registered, sims=" ".join(t for t, _, _ in row.sims),
                duplicate=row.duplicate)
        if row.done:
            self.last.setText(f"{row.mark}  {row.model or row.imei}")
            if self.sound:
                QApplication.beep()
                if row.verdict is Verdict.FAIL:
                    QTimer.singleShot(180, QApplication.beep)
        self._update_counts()

    def _update_counts(self) -> None:
        s = self.batch.summary()
        self.counts.setText(self.tr("%1 scanned · %2 passed · %3 failed · %4 duplicates")
                            .replace("%1", str(s["scanned"])).replace("%2", str(s["passed"]))
                            .replace("%3", str(s["failed"])).replace("%4", str(s["duplicates"])))

    def _preview(self, image: QImage) -> None:
        self.preview.setPixmap(QPixmap.fromImage(image).scaled(
            self.preview.size(), Qt.AspectRatioMode.KeepAspectRatio))

    def export_csv(self) -> Path:
        self.export_dir.mkdir(parents=True, exist_ok=True)
        path = self.export_dir / time.strftime("qa-%Y%m%d-%H%M%S.csv")
        self.batch.export_csv(path, mask_imeis=self.mask_exports)
        self.status.setText(self.tr("Exported to %1").replace("%1", str(path)))
        return path

    def start_new_batch(self) -> None:
        self.batch_id = time.strftime("qa-%Y%m%d-%H%M%S")
        self.batch = self._new_batch(self.batch.client)
        self._index.clear()
        self.table.setRowCount(0)
        self._update_counts()

    async def shutdown(self) -> None:
        import shiboken6

        if self.camera is not None and shiboken6.isValid(self.camera):
            self.camera.stop()
        await self.batch.cancel()
        app = QApplication.instance()
        if app is not None and shiboken6.isValid(self.wedge):
            app.removeEventFilter(self.wedge)


