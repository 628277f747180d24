"""The pairing station's camera, export and shutdown: box IMEIs and SIM cards' ICCIDs from the camera,
and the session's pairings as the CSV Gigs' device import takes (mixed into `PairStation`)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import QApplication, QWidget

from kiosk.exports import Destination, find_destinations
from kiosk.pair.types import PairResult
from kiosk.ui.pair_rows import session_pairings, write_pairings


class CameraAndExport:
    """Needs from the station: `feed`, `classify`, `in_view`, `sim_session`, `preview`,
    `table`, `chooser`, `export_dir`, `camera`, `tasks` and `wedge`. (No `tr` here: lupdate
    would file the texts under this class, and Qt looks them up under the station's.)"""

    # -- camera -----------------------------------------------------------------------------------

    def on_camera_imeis(self, imeis: list[str]) -> None:
        """The camera agreed on a box's IMEI(s): scans, unless the box is still in view."""
        for imei in imeis:
            if self.in_view.is_new(imei):
                self.feed(self.classify(imei))

    def on_camera_detection(self, detection: Any) -> None:
        """Every decoded frame: keeps boxes in view, and finds SIM cards' ICCIDs (read the same
        in two frames). An ICCID counts after the same frame's IMEIs (queued behind them)."""
        iccids = []
        for code in getattr(detection, "codes", ()):
            scan = self.classify(code.text)
            if scan.kind == "iccid" and not scan.problem:
                iccids.append(scan.value)
        self.in_view.sighted([*detection.imeis, *iccids])
        for iccid in self.sim_session.feed(iccids):
            if self.in_view.is_new(iccid):
                QTimer.singleShot(0, lambda iccid=iccid: self.feed(self.classify(iccid)))

    def _preview(self, image: QImage) -> None:
        self.preview.setPixmap(QPixmap.fromImage(image).scaled(
            self.preview.size(), Qt.AspectRatioMode.KeepAspectRatio))

    # -- export -----------------------------------------------------------------------------------

    def pairings(self) -> list[PairResult]:
        """This session's phones that hold their SIM card now (paired or already), once each."""
        return session_pairings(self.table.rows)

    def choose_export_place(self) -> None:
        self.chooser.open()

    def _destinations(self) -> list[Destination]:
        return find_destinations(also=[self.export_dir])

    def _write_csv(self, path: Path) -> None:
        write_pairings(path, self.pairings())

    def scrollables(self) -> list[QWidget]:
        return [self.table, self.chooser.list]

    async def shutdown(self) -> None:
        """Pairings in flight finish (a few seconds at most: the client has deadlines; what is
        cut short the journal resumes at the next start); then the camera and the keys."""
        import shiboken6

        if self.camera is not None and shiboken6.isValid(self.camera):
            self.camera.stop()
        if self.tasks:
            await asyncio.wait(list(self.tasks), timeout=5.0)
            for task in list(self.tasks):
                task.cancel()
        app = QApplication.instance()
        if app is not None and shiboken6.isValid(self.wedge):
            app.removeEventFilter(self.wedge)
