"""Keyboard-wedge scanners: tell a scanner's burst of keystrokes from a person typing.

A USB barcode scanner "types" the code at machine speed and ends with Enter (or Tab).
`BurstDetector` is the Qt-free rule; `WedgeFilter` applies it to every key press of the
application, whatever has focus: it holds printable keys back for `max_gap` seconds, and
either swallows them as a scan or replays them to the widget they were meant for.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

MAX_GAP = 0.035  # scanners send a key every few ms; people rarely type faster than 60 ms
MIN_LENGTH = 8


@dataclass
class BurstDetector:
    """Feed it characters with their times; `end()` on Enter/Tab returns the burst or None."""

    max_gap: float = MAX_GAP
    min_length: int = MIN_LENGTH
    _chars: list[str] = field(default_factory=list)
    _last: float | None = None

    def key(self, char: str, at: float) -> bool:
        """Add a character; False when the gap since the last one was too long (it starts anew)."""
        fast = self._last is None or at - self._last <= self.max_gap
        if not fast:
            self._chars = []
        self._chars.append(char)
        self._last = at
        return fast

    def end(self, at: float) -> str | None:
        """Enter or Tab arrived: the scanned text if it was a burst, else None; resets."""
        burst = (len(self._chars) >= self.min_length and self._last is not None
                 and at - self._last <= self.max_gap)
        text = "".join(self._chars) if burst else None
        self.reset()
        return text

    def stale(self, now: float) -> bool:
        return self._last is not None and now - self._last > self.max_gap

    def reset(self) -> None:
        self._chars = []
        self._last = None


def make_filter(on_scan: Callable[[str], None]):  # type: ignore[no-untyped-def]
    """A QObject event filter for the QApplication (built lazily: this module stays Qt-free)."""
    import time

    from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, QTimer
    from PySide6.QtGui import QKeyEvent

    class WedgeFilter(QObject):
        def __init__(self) -> None:
            super().__init__()
            self.detector = BurstDetector()
            self._held: list[tuple[QObject, QKeyEvent]] = []
            self._replaying = False
            self._timer = QTimer(self)
            self._timer.setSingleShot(True)
            self._timer.timeout.connect(self._flush)

        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if self._replaying or event.type() != QEvent.Type.KeyPress:
                return False
            assert isinstance(event, QKeyEvent)
            now = time.monotonic()
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Tab):
                text = self.detector.end(now)
                if text is not None:
                    self._held.clear()
                    self._timer.stop()
                    on_scan(text)
                    return True  # the scanner's Enter is not a click on anything
                self._flush()
                return False
            char = event.text()
            if not char or not char.isprintable() or event.modifiers() & (
                    Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier):
                self._flush()
                return False
            if not self.detector.key(char, now):
                self._flush(keep_last=True)
            self._held.append((watched, QKeyEvent(event.type(), event.key(), event.modifiers(),
                                                  event.text(), event.isAutoRepeat(),
                                                  event.count())))
            self._timer.start(int(self.detector.max_gap * 1000) + 5)
            return True

        def _flush(self, keep_last: bool = False) -> None:
            """Not a scan: deliver the held keys to where they were going, in order."""
            held, self._held = self._held, []
            if not keep_last:
                self.detector.reset()
            self._replaying = True
            try:
                for target, event in held:
                    QCoreApplication.sendEvent(target, event)
            finally:
                self._replaying = False

    return WedgeFilter()
