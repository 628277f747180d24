"""The warehouse QA station: scan, see a verdict per device within a second, export the batch."""

from __future__ import annotations

import time
from typing import Any
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QBrush, QColor, QImage, QKeyEvent, QPixmap
from PySide6.QtWidgets import (
    QApplication, QBoxLayout, QFileDialog, QHBoxLayout, QHeaderView, QLabel, QMainWindow, QTableWidget,
    QTableWidgetItem, QVBoxLayout, QWidget,
)

from kiosk.exports import Destination, find_destinations
from kiosk.gigs import GigsClient
from kiosk.qa import InView, KeyLine, QaBatch, QaRow, QaRules, Source, Verdict
from kiosk.qa.batch import ICCID_REASON
from kiosk.qa.intake import IN_VIEW_WINDOW
from kiosk.redact import mask_digits
from kiosk.scan.qt_camera import QtCamera
from kiosk.ui.staff_widgets import ExportChooser, file_writer, show_status
from kiosk.ui.widgets import button, label

COLUMNS = ["#", "Verdict", "Why", "IMEI", "Model", "Registered", "SIMs", "Duplicate"]
WHY = 2
WIDTHS = (60, 130, 0, 210, 250, 150, 380, 150)  # the titles may ask for more
WHY_WIDTH = 360
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
        if isinstance(watched, QWidget) and isinstance(watched.window(), QFileDialog):
            return False  # a folder name typed in the export's folder dialog is not a scan
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
        outer.setContentsMargins(24, 16, 24, 16)
        # The buttons in a row of their own with the title, the counts and the rule below, so
        # that no text is cut at 1280 px or in portrait, in German either.
        top = QHBoxLayout()
        self.title = label("", "Title", wrap=False)
        self.new_batch = button("", self.start_new_batch)
        self.export = button("", self.choose_export_place)
        top.addWidget(self.title)
        top.addStretch(1)
        top.addWidget(self.new_batch)
        top.addWidget(self.export)
        outer.addLayout(top)
        self.counts = label("", "Subtitle")
        outer.addWidget(self.counts)
        self.hint = label("", "Hint")
        outer.addWidget(self.hint)
        self.middle = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(False)
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.setStyleSheet("QTableWidget { font-size: 15pt; }")  # staff at a desk
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.installEventFilter(self)
        self.middle.addWidget(self.table, 5)
        # Beside the table on a landscape screen; above it, side by side, on a portrait one.
        self.side = QBoxLayout(QBoxLayout.Direction.TopToBottom)
        self.preview = QLabel()
        self.preview.setObjectName("Preview")
        self.preview.setFixedSize(320, 180)
        self.last = label("", "Big")
        self.status = label("", "Hint")
        info = QVBoxLayout()
        info.addWidget(self.last)
        info.addWidget(self.status)
        info.addStretch(1)
        self.side.addWidget(self.preview, 0, Qt.AlignmentFlag.AlignTop)
        self.side.addLayout(info, 1)
        self.middle.addLayout(self.side, 1)
        outer.addLayout(self.middle, 1)
        self.setCentralWidget(root)
        self.chooser = ExportChooser(root, file_writer("qa-%Y%m%d-%H%M%S.csv", self._write_csv),
                                     self._exported, find=self._destinations)
        self._exported_count = 0
        self.retranslate()
        self.wedge = ScannerKeys(self.on_scan, clock)
        app = QApplication.instance()
        assert app is not None
        app.installEventFilter(self.wedge)
        self.camera = camera
        if camera is not None:
            camera.preview_ready.connect(self._preview)
            camera.codes_detected.connect(self.on_camera_detection)
            camera.imeis_accepted.connect(self.on_camera_imeis)
            camera.state_changed.connect(lambda state, message: show_status(self.status, "",
                                                                            message))
            camera.start()

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("QA station"))
        self.title.setText(self.tr("QA station"))
        self.export.setText(self.tr("Export CSV"))
        self.new_batch.setText(self.tr("New batch"))
        self.table.setHorizontalHeaderLabels([
            self.tr("#"), self.tr("Verdict"), self.tr("Why"), self.tr("IMEI"), self.tr("Model"),
            self.tr("Registered"), self.tr("SIMs"), self.tr("Duplicate")])
        self.table.setAccessibleName(self.tr("Scanned devices"))
        header = self.table.horizontalHeader()
        for column, width in enumerate(WIDTHS):
            header.resizeSection(column, width)
        self._fit_why()
        self._describe_rules()
        self._update_counts()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def resizeEvent(self, event: Any) -> None:
        portrait = self.height() > self.width()
        self.middle.setDirection(QBoxLayout.Direction.BottomToTop if portrait
                                 else QBoxLayout.Direction.LeftToRight)
        self.side.setDirection(QBoxLayout.Direction.LeftToRight if portrait
                               else QBoxLayout.Direction.TopToBottom)
        self.middle.setStretch(1, 0 if portrait else 1)
        super().resizeEvent(event)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.table and event.type() == QEvent.Type.Resize:
            self._fit_why()
        return False

    def _fit_why(self) -> None:
        """No column narrower than its title (in this language and font); "Why" takes the
        width the others leave, at least WHY_WIDTH: on a narrow screen the table scrolls
        sideways (it may) rather than squeezing the reasons."""
        header = self.table.horizontalHeader()
        for column in range(len(COLUMNS)):
            title = header.sectionSizeFromContents(column).width()
            if column != WHY and header.sectionSize(column) < title:
                header.resizeSection(column, title)
        others = sum(header.sectionSize(c) for c in range(len(COLUMNS)) if c != WHY)
        title = header.sectionSizeFromContents(WHY).width()
        header.resizeSection(WHY, max(WHY_WIDTH, title,
                                      self.table.viewport().width() - others))

    def scrollables(self) -> list[QWidget]:
        """What may scroll in the station: the scanned rows and the export's list of places."""
        return [self.table, self.chooser.list]

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

    def choose_export_place(self) -> None:
        """USB sticks, this computer's export folder, another folder: staff tap where."""
        self.chooser.open()

    def _destinations(self) -> list[Destination]:
        return find_destinations(also=[self.export_dir])

    def _write_csv(self, path: Path) -> None:
        self._exported_count = self.batch.export_csv(path, mask_imeis=self.mask_exports)

    def _exported(self, path: Path) -> None:
        show_status(self.status, "ok", self.tr("Exported to %1").replace("%1", str(path)))

    def export_csv(self, folder: Path | None = None) -> Path | None:
        """Write the batch to `folder` (the export folder by default), as a tap on a place in
        the chooser does; None when it could not be written (the chooser says why)."""
        return self.chooser.write(folder or self.export_dir)

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


