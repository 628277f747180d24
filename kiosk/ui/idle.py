"""Leaving a kiosk unattended: an idle timer, and the countdown before a full reset."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtWidgets import QFrame, QVBoxLayout, QWidget

from kiosk.ui.widgets import button, label


class CountdownOverlay(QFrame):
    """"Are you still there?" over the whole window, counting down to a reset."""

    def __init__(self, parent: QWidget, still_here: Callable[[], None],
                 expired: Callable[[], None]) -> None:
        super().__init__(parent)
        self.setObjectName("Overlay")
        self._expired = expired
        box = QVBoxLayout(self)
        box.addStretch(1)
        self.text = label("", "Title")
        self.text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.still_here = button("", still_here, primary=True)
        box.addWidget(self.text)
        box.addWidget(self.still_here, 0, Qt.AlignmentFlag.AlignCenter)
        box.addStretch(1)
        self.hide()
        self.timer = QTimer(self)
        self.timer.setInterval(1000)
        self.timer.timeout.connect(self._tick)
        self.remaining = 0

    def start(self, seconds: int) -> None:
        self.remaining = seconds
        self.setGeometry(self.parentWidget().rect())
        self.raise_()
        self.show()
        self.still_here.setText(self.tr("I'm still here"))
        self.still_here.setFocus()
        self._show_remaining()
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()
        self.hide()

    def _tick(self) -> None:
        self.remaining -= 1
        if self.remaining <= 0:
            self.stop()
            self._expired()
            return
        self._show_remaining()

    def _show_remaining(self) -> None:
        self.text.setText(self.tr("Are you still there?\nStarting over in %1 s to protect your "
                                  "details.").replace("%1", str(self.remaining)))


class IdleWatch(QObject):
    """Restarts a timer on every touch, click or key; calls `expired` when it runs out."""

    ACTIVITY = (QEvent.Type.MouseButtonPress, QEvent.Type.KeyPress, QEvent.Type.TouchBegin,
                QEvent.Type.Wheel)

    def __init__(self, parent: QObject, seconds: float, expired: Callable[[], None]) -> None:
        super().__init__(parent)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(int(seconds * 1000))
        self.timer.timeout.connect(expired)
        self.timer.start()

    def poke(self) -> None:
        self.timer.start()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in self.ACTIVITY:
            self.timer.start()
        return False


