"""The Qt adapter of the camera worker: its callbacks (from worker threads) as Qt signals.

The only module of `kiosk.scan` that imports Qt. Preview frames cross threads as copied
QImages (a QImage over a numpy buffer would point into memory the worker reuses).
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QImage

from kiosk.scan.camera import CameraState, CameraWorker, Detection, FrameSource


def to_qimage(frame: np.ndarray) -> QImage:
    """A QImage that owns its pixels (BGR or grey numpy in; copied, safe to send anywhere)."""
    frame = np.ascontiguousarray(frame)
    h, w = frame.shape[:2]
    if frame.ndim == 2:
        return QImage(frame.data, w, h, frame.strides[0], QImage.Format.Format_Grayscale8).copy()
    return QImage(frame.data, w, h, frame.strides[0], QImage.Format.Format_BGR888).copy()


class QtCamera(QObject):
    """Signals: `preview_ready(QImage)`, `codes_detected(object)` (a Detection),
    `imeis_accepted(list)`, `state_changed(str, str)` (state, message for people)."""

    preview_ready = Signal(QImage)
    codes_detected = Signal(object)
    imeis_accepted = Signal(list)
    state_changed = Signal(str, str)

    def __init__(self, source: FrameSource, parent: QObject | None = None, **options: object) -> None:
        super().__init__(parent)
        self.worker = CameraWorker(
            source,
            on_state=self._state, on_preview=self._preview, on_detection=self._detection,
            on_accepted=self._accepted, **options,  # type: ignore[arg-type]
        )

    def start(self) -> None:
        self.worker.start()

    def stop(self) -> bool:
        return self.worker.stop()

    # Called in the worker's threads: emitting from there queues the signal to the GUI thread.
    def _state(self, state: CameraState, message: str) -> None:
        self.state_changed.emit(state.value, message)

    def _preview(self, frame: np.ndarray) -> None:
        self.preview_ready.emit(to_qimage(frame))

    def _detection(self, detection: Detection) -> None:
        self.codes_detected.emit(detection)

    def _accepted(self, imeis: list[str]) -> None:
        self.imeis_accepted.emit(list(imeis))
