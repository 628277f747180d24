"""Building blocks of the kiosk's pages: page base, buttons, step indicator, keypad, timeline."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPen
from PySide6.QtWidgets import (
    QFrame, QGridLayout, QLabel, QLineEdit, QPlainTextEdit, QPushButton, QTextEdit, QVBoxLayout,
    QWidget,
)

from kiosk.scan.imei import InvalidIdentifier, parse_imei


def message(text: str) -> str:
    """A text from the Qt-free core (errors, camera states, form checks), translated."""
    return QCoreApplication.translate("Messages", text)


def wipe(edit: QLineEdit | QTextEdit | QPlainTextEdit) -> None:
    """Empty a text field so that Ctrl+Z cannot bring the text back for the next person.

    `QLineEdit.clear()` is an undoable edit; `setText()` drops the whole undo history (checked
    in tests/ui/test_undo.py). A text edit's history goes when undo is switched off.
    """
    if isinstance(edit, QLineEdit):
        edit.setText("")
        edit.setModified(False)
        return
    undo = edit.isUndoRedoEnabled()
    edit.setUndoRedoEnabled(False)
    edit.clear()
    edit.setUndoRedoEnabled(undo)


def label(text: str = "", name: str = "", wrap: bool = True) -> QLabel:
    widget = QLabel(text)
    if name:
        widget.setObjectName(name)
    widget.setWordWrap(wrap)
    widget.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
    return widget


class KioskButton(QPushButton):
    """A button whose accessible name follows its text, whatever language it is in."""

    def setText(self, text: str) -> None:
        super().setText(text)
        self.setAccessibleName(text.replace("&", ""))


def button(text: str, on_click: Callable[[], object] | None = None, *, primary: bool = False,
           name: str = "") -> QPushButton:
    widget = KioskButton(text)
    widget.setObjectName("Primary" if primary else name)
    widget.setAccessibleName(text.replace("&", ""))
    widget.setCursor(Qt.CursorShape.PointingHandCursor)
    widget.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
    if on_click is not None:
        widget.clicked.connect(lambda: on_click())
    return widget


class Page(QWidget):
    """A wizard page: a title, a subtitle and a body; `clear()` forgets customer data."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("Page")
        self.outer = QVBoxLayout(self)
        self.outer.setContentsMargins(64, 40, 64, 40)
        self.outer.setSpacing(20)
        self.title = label("", "Title")
        self.subtitle = label("", "Subtitle")
        self.outer.addWidget(self.title)
        self.outer.addWidget(self.subtitle)

    def clear(self) -> None:
        """Drop everything the page showed about a customer, a device or a code."""

    def retranslate(self) -> None:
        """Set every fixed text again (after a language switch)."""


class StepIndicator(QWidget):
    """Where the customer is: numbered dots joined by a line, done ones ticked, the current
    one filled and named (`Step 3 of 6 · Plan` for screen readers). Drawn, so it fits the
    header at any width and in any language: only the current step's name takes room."""

    DOT = 30
    GAP = 22

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("StepIndicator")
        self.steps: list[str] = []
        self.index: int | None = None
        self._text = ""

    def text(self) -> str:
        return self._text

    def show_step(self, index: int | None) -> None:
        self.index = index if self.steps else None
        if self.index is None:
            self._text = ""
        else:
            self._text = self.tr("Step %1 of %2 · %3").replace("%1", str(self.index + 1)).replace(
                "%2", str(len(self.steps))).replace("%3", self.steps[self.index])
        self.setAccessibleName(self._text)
        self.setToolTip(self._text)
        self.updateGeometry()
        self.update()

    def _name_width(self) -> int:
        if self.index is None:
            return 0
        bold = QFont(self.font())
        bold.setBold(True)
        return QFontMetrics(bold).horizontalAdvance(self.steps[self.index]) + 12

    def sizeHint(self) -> QSize:
        count = len(self.steps)
        if self.index is None or not count:
            return QSize(0, self.DOT)
        return QSize(count * self.DOT + (count - 1) * self.GAP + self._name_width(),
                     max(self.DOT, self.fontMetrics().height()) + 4)

    def minimumSizeHint(self) -> QSize:
        return self.sizeHint()

    def paintEvent(self, event: object) -> None:
        if self.index is None or not self.steps:
            return
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        white, dim, navy = QColor("#ffffff"), QColor("#8da2c0"), QColor("#0b1f3a")
        y = self.height() / 2
        x = 0.0
        small = QFont(self.font())
        small.setPointSizeF(max(9.0, self.font().pointSizeF() * 0.7))
        small.setBold(True)
        for n, name in enumerate(self.steps):
            dot = QRectF(x, y - self.DOT / 2, self.DOT, self.DOT)
            if n < self.index:
                painter.setPen(QPen(white, 2))
                painter.setBrush(white)
                painter.drawEllipse(dot)
                painter.setPen(QPen(navy, 3))
                painter.drawPolyline([QPointF(x + 8, y), QPointF(x + 13, y + 5),
                                      QPointF(x + 22, y - 5)])
            elif n == self.index:
                painter.setPen(QPen(white, 2))
                painter.setBrush(QColor("#0b5fff"))
                painter.drawEllipse(dot)
                painter.setPen(white)
                painter.setFont(small)
                painter.drawText(dot, Qt.AlignmentFlag.AlignCenter, str(n + 1))
            else:
                painter.setPen(QPen(dim, 2))
                painter.setBrush(Qt.BrushStyle.NoBrush)
                painter.drawEllipse(dot)
                painter.setFont(small)
                painter.drawText(dot, Qt.AlignmentFlag.AlignCenter, str(n + 1))
            x += self.DOT
            if n == self.index:
                bold = QFont(self.font())
                bold.setBold(True)
                painter.setFont(bold)
                painter.setPen(white)
                width = self._name_width()
                painter.drawText(QRectF(x + 6, 0, width, self.height()),
                                 Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, name)
                x += width
            if n < len(self.steps) - 1:
                painter.setPen(QPen(white if n < self.index else dim, 2))
                painter.drawLine(QPointF(x + 3, y), QPointF(x + self.GAP - 3, y))
                x += self.GAP
        painter.end()


class Keypad(QFrame):
    """A large number pad to type an IMEI, with the check digit explained when it is wrong."""

    submitted = Signal(str)

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("Panel")
        layout = QVBoxLayout(self)
        self.field = QLineEdit()
        self.field.setAccessibleName(self.tr("IMEI"))
        self.field.setMaxLength(20)
        self.field.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.field.setProperty("osk", "off")  # the keypad below is its keyboard
        self.field.returnPressed.connect(self._submit)
        self.message = label("", "Error")
        self.message.setAccessibleName(self.tr("IMEI check"))
        layout.addWidget(self.field)
        layout.addWidget(self.message)
        grid = QGridLayout()
        keys = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "⌫", "0", "OK"]
        for n, key in enumerate(keys):
            b = button(key, name="Key", primary=key == "OK")
            b.setObjectName("Primary" if key == "OK" else "Key")
            b.setAccessibleName({"⌫": self.tr("Delete"), "OK": self.tr("Check the IMEI")}.get(key, key))
            b.clicked.connect(lambda _=False, k=key: self._press(k))
            grid.addWidget(b, n // 3, n % 3)
        layout.addLayout(grid)

    def _press(self, key: str) -> None:
        if key == "OK":
            self._submit()  # the same check and explanation as Enter on a keyboard
            return
        if key == "⌫":
            self.field.backspace()
        else:
            self.field.insert(key)
        self.message.setText("")

    def _submit(self) -> None:
        text = self.field.text()
        try:
            imei = parse_imei(text)
        except InvalidIdentifier as exc:
            self.message.setText(self.explain(exc))
            self.field.setProperty("invalid", True)
            self.field.style().polish(self.field)
            return
        self.field.setProperty("invalid", False)
        self.field.style().polish(self.field)
        self.submitted.emit(imei)

    def explain(self, exc: InvalidIdentifier) -> str:
        if exc.kind == "check_digit":
            return self.tr("The last digit is a check digit: with these first 14 digits it "
                           "should be %1. Please check each digit.").replace("%1", exc.expected or "")
        if exc.kind == "length":
            return self.tr("An IMEI has 15 digits. Dial *#06# on the phone to see it.")
        if exc.kind == "empty":
            return self.tr("Please type the 15 digits of the IMEI.")
        return self.tr("An IMEI has digits only.")

    def clear(self) -> None:
        wipe(self.field)
        self.message.setText("")


class Timeline(QFrame):
    """The activation's steps as they really stand, each with a text mark (never colour alone).

    Each step has three wordings: waiting ("SIM assigned"), in progress ("Assigning your
    SIM…") and done ("SIM assigned"), so the page never ticks a step it is still waiting for.
    """

    def __init__(self, count: int) -> None:
        super().__init__()
        self.setObjectName("Panel")
        self.rows: list[QLabel] = []
        layout = QVBoxLayout(self)
        for _ in range(count):
            row = label("", "Big")
            self.rows.append(row)
            layout.addWidget(row)

    def show_steps(self, steps: list[tuple[str, str]], done: int) -> None:
        """`steps`: (in progress, done) wordings; the first `done` are done, the next runs."""
        for n, (row, (doing, finished)) in enumerate(zip(self.rows, steps, strict=True)):
            if n < done:
                row.setText(f"✔  {finished}")
                row.setAccessibleName(self.tr("%1: done").replace("%1", finished))
                row.setEnabled(True)
            elif n == done:
                row.setText(f"➜  {doing}")
                row.setAccessibleName(self.tr("%1: in progress").replace("%1", doing))
                row.setEnabled(True)
            else:
                row.setText(f"○  {finished}")
                row.setAccessibleName(self.tr("%1: waiting").replace("%1", finished))
                row.setEnabled(False)  # greyed: not yet
