"""The staff page behind the hidden gesture: a PIN keypad, the back-off, the forced PIN change.

The rules (how many tries, how long a lock, what a new PIN must be) live in `kiosk.pinlock`;
this page only shows them.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QRegularExpression, Qt, QTimer, Signal
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import (
    QFrame, QGridLayout, QHBoxLayout, QLineEdit, QPushButton, QVBoxLayout, QWidget,
)

from kiosk.pinlock import PinGuard, new_pin_problem
from kiosk.ui.widgets import Page, button, label, wipe

log = logging.getLogger("kiosk.staff")

PIN_LENGTH = 12


def clock_text(seconds: float) -> str:
    """45.2 -> "0:46": a wait is never shown shorter than it is."""
    whole = max(int(-(-seconds // 1)), 0)
    return f"{whole // 60}:{whole % 60:02d}"


class PinPad(QFrame):
    """Digits, delete and OK, big enough for a finger; typing goes into `field`."""

    def __init__(self, field: QLineEdit, on_ok: Callable[[], None]) -> None:
        super().__init__()
        self.setObjectName("Panel")
        self.field = field
        grid = QGridLayout(self)
        grid.setSpacing(8)
        self.keys: dict[str, QPushButton] = {}
        for n, key in enumerate(["1", "2", "3", "4", "5", "6", "7", "8", "9", "⌫", "0", "OK"]):
            b = button(key, primary=key == "OK", name="Key")
            b.setMinimumSize(96, 64)
            # A tap must not take the focus from the field (a keyboard still reaches it by Tab).
            b.setFocusPolicy(Qt.FocusPolicy.TabFocus)
            if key == "OK":
                b.clicked.connect(lambda _=False: on_ok())
            else:
                b.clicked.connect(lambda _=False, k=key: self._press(k))
            grid.addWidget(b, n // 3, n % 3)
            self.keys[key] = b
        self.ok = self.keys["OK"]
        self.retranslate()

    def retranslate(self) -> None:
        self.keys["⌫"].setAccessibleName(self.tr("Delete"))

    def _press(self, key: str) -> None:
        if key == "⌫":
            self.field.backspace()
        elif len(self.field.text()) < PIN_LENGTH:
            self.field.insert(key)


class OperatorPage(Page):
    """The PIN (typed or tapped), then the operator's panel and the way out of the kiosk.

    `check_pin` is a `PinGuard` (back-off, default-PIN change) or a plain `pin -> bool`, which
    gets an in-memory guard: no PIN page is ever without a back-off.
    """

    exit_requested = Signal()
    close_requested = Signal()

    def __init__(self, check_pin: Callable[[str], bool] | PinGuard,
                 panel: Callable[[], Any] | None = None) -> None:
        super().__init__()
        self.guard = check_pin if isinstance(check_pin, PinGuard) else PinGuard(check_pin)
        self._panel_factory = panel
        self.panel: Any = None
        self.mode = "pin"  # "pin", "new" (choose a new PIN), "repeat" (the new one again), "open"
        self._new_pin = ""

        # One row on top: the title (and what to do) beside the way back, so the keypad below
        # starts high and all of it fits a 768 px screen, in German too. Once open, that row
        # holds only Back and Exit (the tabs say where staff are): the panel gets the rest.
        self.outer.setContentsMargins(32, 16, 32, 16)
        self.outer.setSpacing(12)
        for widget in (self.title, self.subtitle):
            self.outer.removeWidget(widget)
        top = QHBoxLayout()
        top.setSpacing(16)
        self.heading = QWidget()  # hidden once open: Back then stands at the left
        heading = QVBoxLayout(self.heading)
        heading.setContentsMargins(0, 0, 0, 0)
        heading.setSpacing(4)
        heading.addWidget(self.title)
        heading.addWidget(self.subtitle)
        top.addWidget(self.heading, 1)
        self.back = button("", self.close_requested.emit)
        self.exit = button("", self.exit_requested.emit)
        self.exit.hide()
        top.addWidget(self.back, 0, Qt.AlignmentFlag.AlignTop)
        top.addStretch(0)  # Exit apart from Back: a slip of the finger must not quit the kiosk
        top.addWidget(self.exit, 0, Qt.AlignmentFlag.AlignTop)
        self.outer.addLayout(top)

        self.entry = QWidget()
        row = QHBoxLayout(self.entry)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(32)
        column = QWidget()  # a PIN field as wide as the screen would look like a form to fill
        column.setMaximumWidth(560)
        left = QVBoxLayout(column)
        left.setContentsMargins(0, 0, 0, 0)
        self.prompt = label("", "Big")
        self.pin = QLineEdit()
        self.pin.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin.setMaxLength(PIN_LENGTH)
        self.pin.setValidator(QRegularExpressionValidator(QRegularExpression("[0-9]*"), self.pin))
        self.pin.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.pin.setMinimumWidth(320)
        self.pin.setProperty("osk", "off")  # the keypad beside it is its keyboard
        self.pin.returnPressed.connect(self._unlock)
        self.message = label("", "Error")
        self.message.setMinimumWidth(320)
        left.addWidget(self.prompt)
        left.addWidget(self.pin)
        left.addWidget(self.message)
        left.addStretch(1)
        self.pad = PinPad(self.pin, self._unlock)
        self.unlock = self.pad.ok  # the page's OK: the keypad's
        row.addWidget(column, 1)
        row.addWidget(self.pad, 0, Qt.AlignmentFlag.AlignTop)
        row.addStretch(0)

        self.actions = QWidget()  # the panel, once the PIN is right
        box = QVBoxLayout(self.actions)
        box.setContentsMargins(0, 0, 0, 0)
        self.actions.hide()
        self.outer.addWidget(self.entry)
        self.outer.addWidget(self.actions, 1)
        self.outer.addStretch(0)
        self.ticker = QTimer(self)
        self.ticker.setInterval(500)
        self.ticker.timeout.connect(self.show_lock)

    # -- texts ------------------------------------------------------------------------------

    def render(self) -> None:
        self.exit.setText(self.tr("Exit the kiosk"))
        self.back.setText(self.tr("Back to the kiosk"))
        self.pin.setAccessibleName(self.tr("Operator PIN"))
        self.pad.retranslate()
        self.exit.setVisible(self.mode == "open")
        if self.mode == "open":
            self.title.setText(self.tr("Operator"))
            self.subtitle.setText("")
            self.heading.hide()
            self.back.setToolTip(self.tr("Settings, diagnostics and activations. The kiosk "
                                         "locks again when you go back."))
            if self.panel is not None and hasattr(self.panel, "retranslate"):
                self.panel.retranslate()
            return
        self.heading.show()
        if self.mode == "pin":
            self.title.setText(self.tr("Staff only"))
            self.subtitle.setText(self.tr("Enter the operator PIN."))
            self.prompt.setText(self.tr("PIN"))
            self.unlock.setAccessibleName(self.tr("Unlock"))
        else:
            self.title.setText(self.tr("Choose a new PIN"))
            self.subtitle.setText(self.tr("This kiosk still has the default PIN. Choose your "
                                          "own before the settings open: 4 to 12 digits."))
            self.prompt.setText(self.tr("New PIN") if self.mode == "new"
                                else self.tr("The new PIN again"))
            self.unlock.setAccessibleName(self.tr("Next") if self.mode == "new"
                                          else self.tr("Save the new PIN"))
        self.show_lock()
        self.pin.setFocus()

    def show_lock(self) -> None:
        """The countdown while wrong PINs have locked the page; OK waits for its end."""
        wait = self.guard.wait() if self.mode == "pin" else 0.0
        self.unlock.setEnabled(wait <= 0)
        if wait > 0:
            self.message.setText(self.tr("Too many wrong PINs. Try again in %1.").replace(
                "%1", clock_text(wait)))
            if not self.ticker.isActive():
                self.ticker.start()
        elif self.ticker.isActive():
            self.ticker.stop()
            self.message.setText("")

    # -- OK -----------------------------------------------------------------------------------

    def _unlock(self) -> None:
        """OK on the keypad or Enter: what it does depends on the step."""
        typed = self.pin.text()
        self._forget_typed()
        if self.mode == "pin":
            self._check(typed)
        elif self.mode == "new":
            problem = new_pin_problem(typed)
            if problem:
                self.message.setText(self._explain(problem))
                return
            self._new_pin, self.mode = typed, "repeat"
            self.message.setText("")
            self.render()
        elif self.mode == "repeat":
            self._save_new_pin(typed)

    def _check(self, typed: str) -> None:
        result = self.guard.attempt(typed)
        if result.accepted:
            self.message.setText("")
            if self.guard.is_default:
                self.mode = "new"
                self.render()
            else:
                self._open()
        elif result.checked and not result.wait:
            self.message.setText(self.tr("Wrong PIN."))
        self.show_lock()

    def _save_new_pin(self, again: str) -> None:
        first, self._new_pin = self._new_pin, ""
        problem = new_pin_problem(first, again)
        if problem:
            self.mode = "new"
            self.render()
            self.message.setText(self._explain(problem))
            return
        try:
            self.guard.set_pin(first)
        except (OSError, ValueError) as exc:
            log.error("the new staff PIN could not be saved: %s", type(exc).__name__)
            self.mode = "new"
            self.render()
            self.message.setText(self.tr("The new PIN could not be saved. Please try again or "
                                         "call support."))
            return
        self._open()

    def _explain(self, problem: str) -> str:
        return {"digits": self.tr("A PIN has digits only."),
                "length": self.tr("A PIN has 4 to 12 digits."),
                "default": self.tr("Not the default PIN: choose your own."),
                "one_digit": self.tr("Not one digit repeated: choose a harder PIN."),
                "differ": self.tr("The two PINs differ. Please choose the new PIN again."),
                }.get(problem, problem)

    def _open(self) -> None:
        self.mode = "open"
        self.message.setText("")
        if self._panel_factory is not None and self.panel is None:
            self.panel = self._panel_factory()
            self.actions.layout().insertWidget(0, self.panel, 1)
        self.entry.hide()
        self.actions.show()
        self.render()

    def _forget_typed(self) -> None:
        wipe(self.pin)  # not clear(): that is undoable, and Ctrl+Z would bring the digits back

    def scrollables(self) -> list[QWidget]:
        """The lists that may scroll on this page (the kiosk window asks): the panel's."""
        scrollables = getattr(self.panel, "scrollables", None)
        return list(scrollables()) if scrollables is not None else []

    def clear(self) -> None:
        self.mode, self._new_pin = "pin", ""
        self._forget_typed()
        self.entry.show()
        self.actions.hide()
        self.exit.hide()
        self.message.setText("")
        self.ticker.stop()
        if self.panel is not None:  # rebuilt on the next unlock: nothing lingers
            self.panel.setParent(None)
            self.panel.deleteLater()
            self.panel = None
