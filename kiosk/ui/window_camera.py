"""The kiosk window's camera and scanner handling (a part of KioskWindow, kept apart for size).

The camera runs only while the scan page shows; an accepted code, a typed IMEI or a scanner
burst on the welcome or scan page all end in `submit()`.
"""

from __future__ import annotations

import time
from typing import Any

from kiosk.scan.qt_camera import QtCamera


class CameraControl:
    """Mixed into KioskWindow: uses its services, scan page, flow and `run()`."""

    camera: QtCamera | None
    camera_stats: dict[str, float]
    services: Any
    scan: Any
    flow: Any
    current: str
    # and KioskWindow's run() and show_page()

    def start_camera(self) -> None:
        if self.camera is None:
            self.camera = self.services.make_camera()
            if self.camera is None:
                self.scan.show_camera_state("no_camera", "No camera found. Trying again... "
                                                         "You can also type the IMEI.")
                return
            self.camera.preview_ready.connect(self.scan.show_preview)
            self.camera.codes_detected.connect(self.scan.show_detection)
            self.camera.state_changed.connect(self.scan.show_camera_state)
            self.camera.imeis_accepted.connect(self._accepted)
            self.camera.codes_detected.connect(self._camera_stats)
            self._camera_started = time.monotonic()
            self.camera.start()

    def _camera_stats(self, detection: Any) -> None:
        camera = self.camera
        if camera is None:
            return
        seconds = max(0.001, time.monotonic() - self._camera_started)
        self.camera_stats = {"fps": camera.worker.frames_grabbed / seconds,
                             "decode_ms": detection.decode_ms}

    def stop_camera(self) -> None:
        camera, self.camera = self.camera, None
        if camera is not None:
            camera.stop()
            camera.deleteLater()

    def _accepted(self, imeis: list[str]) -> None:
        if self.current != "scan" or self.scan.typing():
            return
        self.scan.accepted()
        self.submit(imeis)

    def submit(self, imeis: list[str]) -> None:
        self.stop_camera()
        self.run(self.flow.submit_imei(*imeis))

    def on_wedge_scan(self, text: str) -> None:
        if self.current in ("welcome", "scan"):
            self.show_page("scan")
            self.scan.accepted()
            self.submit([text])

