"""The pairing station's camera and export: box IMEIs and SIM cards' ICCIDs from the camera,
and the session's pairings as the CSV Gigs' device import takes (mixed into `PairStation`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QImage, QPixmap

from kiosk.exports import Destination, find_destinations
from kiosk.pair.types import PairResult
from kiosk.ui.pair_rows import session_pairings, write_pairings


class CameraAndExport:
    """Needs from the station: `feed`, `classify`, `in_view`, `sim_session`, `preview`,
    `table`, `chooser` and `export_dir`. (No `tr` here: lupdate would file the texts under
    this class, and Qt looks them up under the station's.)"""

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

