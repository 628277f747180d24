"""Keyboard-wedge scanners: tell a scanner's burst of keystrokes from a person typing.

A USB barcode scanner "types" the code at machine speed (a key every 1-8 ms) and ends with
Enter (or Tab); a person, even a fast one, leaves 30 ms or more between most keys. The
Qt-free `BurstDetector` holds that rule; `WedgeFilter` applies it to every key press of the
application, whatever has focus, in one of two ways:

- Focus in a text field (the customer's email, the keypad's IMEI field...): every key goes
  to the field at once, never held back, so typing can never be eaten, reordered or land in
  another field. Only on Enter/Tab, and only when what came before is unmistakably a scanned
  IMEI (15-20 digits, every key well under 15 ms apart), is it taken as a scan: the field is
  put back as it was before the burst and the scanner's Enter is swallowed. No person types
  15 digits at over 66 keys a second, so this never takes typing for a scan, and a scan on
  the IMEI field or anywhere else still works.
- Focus elsewhere (buttons, the welcome page): printable keys are held back for a few
  milliseconds, then either swallowed as a scan or replayed to the widget they were for.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from kiosk.scan.imei import ICCID_LENGTHS, IMEI_LENGTH, ascii_digits

MAX_GAP = 0.015  # scanners send a key every few ms; people rarely type faster than 30-60 ms
MIN_LENGTH = 8
# What a scan into a text field must be: an IMEI up to an ICCID (the QA station pairs SIMs),
# 15 to 20 ASCII digits. Whether it *is* a valid IMEI is `kiosk.scan.imei`'s rule, applied by
# whoever receives the scan; this only tells a scanner's burst from a person typing.
IMEI_LENGTHS = range(IMEI_LENGTH, max(ICCID_LENGTHS) + 1)


def is_imei_scan(text: str | None) -> bool:
    """A burst that can only be a scanned IMEI (or ICCID): ASCII digits only, 15 to 20 of them."""
    return text is not None and ascii_digits(text) and len(text) in IMEI_LENGTHS


@dataclass
class BurstDetector:
    """Feed it characters with their times; `end()` on Enter/Tab returns the burst or None."""

    max_gap: float = MAX_GAP
    min_length: int = MIN_LENGTH
    _chars: list[str] = field(default_factory=list)
    _last: float | None = None

    def key(self, char: str, at: float) -> bool:
        """Add a character; False when the gap since the last one was too long (it starts anew)."""
        fast = self._last is None or 0 <= at - self._last <= self.max_gap
        if not fast:
            self._chars = []
        self._chars.append(char)
        self._last = at
        return fast

    @property
    def count(self) -> int:
        """Characters in the current burst (1 right after a key that started a new one)."""
        return len(self._chars)

    def end(self, at: float) -> str | None:
        """Enter or Tab arrived: the scanned text if it was a burst, else None; resets."""
        burst = (len(self._chars) >= self.min_length and self._last is not None
                 and 0 <= at - self._last <= self.max_gap)
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
    from PySide6.QtGui import QKeyEvent, QTextCursor
    from PySide6.QtWidgets import (
        QAbstractSpinBox, QApplication, QLineEdit, QPlainTextEdit, QTextEdit, QWidget,
    )

    ends = (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Tab)

    def is_text_field(widget: QWidget) -> bool:
        return isinstance(widget, (QLineEdit, QTextEdit, QPlainTextEdit, QAbstractSpinBox)) or (
            widget.testAttribute(Qt.WidgetAttribute.WA_InputMethodEnabled))

    def first_delivery(watched: QObject) -> bool:
        """The key's first stop at a widget: not the QWindow that hands it on, nor a parent of
        the focus widget that sees it again when a child ignored it."""
        if not isinstance(watched, QWidget):
            return False
        focus = QApplication.focusWidget()
        return focus is None or watched is focus or not watched.isAncestorOf(focus)

    class WedgeFilter(QObject):
        def __init__(self) -> None:
            super().__init__()
            self.detector = BurstDetector()
            self._held: list[tuple[QObject, QKeyEvent]] = []
            self._replaying = False
            self._before: tuple[QWidget, str, int] | None = None  # a text field before the burst
            self._timer = QTimer(self)
            self._timer.setSingleShot(True)
            self._timer.timeout.connect(self._flush)

        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if self._replaying or event.type() != QEvent.Type.KeyPress:
                return False
            if not first_delivery(watched):
                return False
            assert isinstance(event, QKeyEvent) and isinstance(watched, QWidget)
            # The window system's time of the key press (ms) tells a scanner's pace even when
            # the event loop was busy; synthetic events have none and take the time now.
            stamp = event.timestamp()
            now = stamp / 1000 if stamp else time.monotonic()
            if is_text_field(watched):
                return self._typed(watched, event, now)
            if event.key() in ends:
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

        def _typed(self, widget: QWidget, event: QKeyEvent, now: float) -> bool:
            """A key for a text field: it always goes there now; Enter may close a scan."""
            if self._held:
                self._flush(keep_last=True)  # keys held for a button go first, in order
            if event.key() in ends:
                text = self.detector.end(now)
                before, self._before = self._before, None
                if not is_imei_scan(text):
                    return False
                assert text is not None
                self._undo(widget, text, before)
                on_scan(text)
                return True
            char = event.text()
            if not char or not char.isprintable() or event.modifiers() & (
                    Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier):
                self.detector.reset()
                self._before = None
                return False
            self.detector.key(char, now)
            if self.detector.count == 1:  # a new burst may start here: remember the field
                self._before = ((widget, widget.text(), widget.cursorPosition())
                                if isinstance(widget, QLineEdit) else None)
            return False

        @staticmethod
        def _undo(widget: QWidget, text: str, before: tuple[QWidget, str, int] | None) -> None:
            """Take a scan's digits back out of the text field they were typed into."""
            if before is not None and before[0] is widget and isinstance(widget, QLineEdit):
                widget.setText(before[1])
                widget.setCursorPosition(before[2])
            elif isinstance(widget, (QTextEdit, QPlainTextEdit)):
                cursor = widget.textCursor()
                cursor.movePosition(QTextCursor.MoveOperation.Left,
                                    QTextCursor.MoveMode.KeepAnchor, len(text))
                if cursor.selectedText() == text:
                    cursor.removeSelectedText()

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
