"""The details page: email, name and, when the plan needs it, the home address."""

from __future__ import annotations
from typing import ClassVar

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QLineEdit, QScrollArea, QWidget

from kiosk.flow.customer import Address, CustomerInput
from kiosk.flow.states import EnteringCustomer
from kiosk.ui.widgets import message as message_tr
from kiosk.ui.widgets import Page, button, label, wipe


class _AreaWatch(QObject):
    """Tells the customer page when its area changes (a keyboard docked below it, a rotation),
    and shows a field's own error when the field gets the focus."""

    def __init__(self, page: CustomerPage) -> None:
        super().__init__(page)
        self.page = page

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind == QEvent.Type.Resize and not isinstance(watched, QLineEdit):
            self.page.lay_out()
        elif kind in (QEvent.Type.FocusIn, QEvent.Type.FocusOut):
            self.page.show_errors()
        return False


class CustomerPage(Page):
    submitted = Signal(object)
    back_requested = Signal()
    ORDER = ("email", "full_name", "line1", "postal_code", "city", "country")
    #: Where the full form does not fit the page's area (a keyboard docked under it, a low
    #: screen) it goes short: no subtitle, the buttons beside the title, labels beside their
    #: fields, 48 px fields, and one error message at a time (the focused field's).
    HINTS: ClassVar[dict[str, Qt.InputMethodHint]] = {
        "email": Qt.InputMethodHint.ImhEmailCharactersOnly | Qt.InputMethodHint.ImhNoAutoUppercase,
        "full_name": Qt.InputMethodHint.ImhNone,
        "line1": Qt.InputMethodHint.ImhNone,
        "postal_code": Qt.InputMethodHint.ImhPreferNumbers | Qt.InputMethodHint.ImhPreferUppercase,
        "city": Qt.InputMethodHint.ImhNone,
        "country": Qt.InputMethodHint.ImhPreferUppercase | Qt.InputMethodHint.ImhLatinOnly,
    }
    # Set once; the short sizes apply while the page's `short` property is true. Switching a
    # property and re-polishing the form is cheaper than a new style sheet (which re-parses it
    # and re-polishes every child), and the keyboard switches it on every visit.
    SHORT_QSS = """
        #Page[short="true"] QLineEdit { min-height: 44px; max-height: 44px; font-size: 18pt;
                                        padding: 0 10px; }
        #Page[short="true"] QLabel#FieldLabel { font-size: 16pt; }
        #Page[short="true"] QLabel#Error { font-size: 16pt; }
        #Page[short="true"] QPushButton { min-height: 42px; padding: 4px 24px; }
    """

    def __init__(self) -> None:
        super().__init__()
        # The title shares its row with the buttons in the short layout.
        self.outer.removeWidget(self.title)
        self.top = QHBoxLayout()
        self.top.setSpacing(16)
        self.top.addWidget(self.title, 1)
        self.outer.insertLayout(0, self.top)
        self.form = QGridLayout()
        self.form.setHorizontalSpacing(16)
        self.form.setVerticalSpacing(6)
        self.fields: dict[str, QLineEdit] = {}
        self.errors: dict[str, QLabel] = {}
        self.labels: dict[str, QLabel] = {}
        self._watch = _AreaWatch(self)
        for key in self.ORDER:
            edit = QLineEdit(self)
            edit.setObjectName(key)
            # Personal data: no input method may learn it, nor suggest it to the next person.
            edit.setInputMethodHints(self.HINTS[key] | Qt.InputMethodHint.ImhNoPredictiveText
                                     | Qt.InputMethodHint.ImhSensitiveData)
            edit.returnPressed.connect(lambda key=key: self._return_pressed(key))
            edit.installEventFilter(self._watch)
            self.fields[key] = edit
            name = label("", "FieldLabel")
            name.setParent(self)
            name.setBuddy(edit)
            self.labels[key] = name
            error = label("", "Error")
            error.setParent(self)
            error.hide()
            self.errors[key] = error
        self.fields["country"].setMaxLength(2)
        self.outer.addLayout(self.form)
        self.outer.addStretch(1)
        self.bottom = QHBoxLayout()
        self.back = button("", self.back_requested.emit)
        self.next = button("", self._submit, primary=True)
        self.bottom.addWidget(self.back)
        self.bottom.addStretch(1)
        self.bottom.addWidget(self.next)
        self.outer.addLayout(self.bottom)
        self._needs_address = False
        self._owner = False
        self._needs_name = True
        self._visible: tuple[str, ...] = self.ORDER
        self._short = False
        self._full_heights: dict[tuple[object, ...], int] = {}
        self.setProperty("short", False)
        self.setStyleSheet(self.SHORT_QSS)
        self._placed: tuple[object, ...] | None = None
        self._laying_out = False
        self._area: QWidget | None = None
        self.lay_out()

    def _labels(self) -> dict[str, str]:
        return {"email": self.tr("Email"), "full_name": self.tr("Full name"),
                "line1": self.tr("Street and number"), "postal_code": self.tr("Postcode"),
                "city": self.tr("Town or city"), "country": self.tr("Country (e.g. DE)")}

    # -- layout ---------------------------------------------------------------------------------

    def available_height(self) -> int:
        """The height the page is shown in: its scroll area's, else its own."""
        parent = self.parentWidget()
        while parent is not None and not isinstance(parent, QScrollArea):
            parent = parent.parentWidget()
        if isinstance(parent, QScrollArea):
            if self._area is not parent.viewport():  # follow its size from now on
                self._area = parent.viewport()
                self._area.installEventFilter(self._watch)
            return parent.viewport().height()
        return self.height()

    def is_short(self) -> bool:
        return self._short

    def lay_out(self) -> None:
        """Fields two a row on a landscape screen, one upright; the short layout only where
        the full one would not fit the page's area (a keyboard docked below, a low screen)."""
        if self._laying_out:
            return
        top = self.window()
        columns = 1 if top.height() > top.width() else 2
        problems = tuple(k for k in self._visible if self.errors[k].text())
        placed = (self._visible, columns, problems, self.available_height(), self.width())
        if placed == self._placed:
            return
        self._placed = placed
        self._laying_out = True
        try:
            # The full form's height is measured once per arrangement: a keyboard coming and
            # going then re-styles the page once, not twice (a style sheet change re-polishes
            # every field: tens of ms on the GUI thread).
            key = (self._visible, columns, problems, self.width(), self.title.text(),
                   top.styleSheet())  # the language and the window's compact sizes
            full = self._full_heights.get(key)
            if full is None:
                self._place(columns, short=False)
                full = self._full_heights[key] = self.needed_height()
            self._place(columns, short=full > self.available_height())
        finally:
            self._laying_out = False

    def needed_height(self) -> int:
        """The height the page's content needs at its width, as laid out now."""
        layout = self.outer
        layout.invalidate()
        if layout.hasHeightForWidth():
            return layout.totalHeightForWidth(self.width())
        return layout.totalMinimumSize().height()

    def _place(self, columns: int, *, short: bool) -> None:
        if short != self._short:
            self._short = short
            self.setProperty("short", short)
            style = self.style()
            for widget in self.findChildren(QWidget):
                style.unpolish(widget)
                style.polish(widget)
            for widget in (self.back, self.next):
                self.top.removeWidget(widget)
                self.bottom.removeWidget(widget)
            if short:
                self.top.addWidget(self.back)
                self.top.addWidget(self.next)
            else:
                self.bottom.insertWidget(0, self.back)
                self.bottom.addWidget(self.next)
            self.subtitle.setVisible(not short and bool(self.subtitle.text()))
        for key in self.ORDER:
            for widget in (self.labels[key], self.fields[key], self.errors[key]):
                self.form.removeWidget(widget)
        for column in range(4):
            self.form.setColumnStretch(column, 0)
        for row in range(self.form.rowCount()):
            self.form.setRowMinimumHeight(row, 0)
        for key in self.ORDER:
            shown = key in self._visible
            self.labels[key].setVisible(shown)
            self.fields[key].setVisible(shown)
        for n, key in enumerate(self._visible):
            band, column = divmod(n, columns)
            if short:  # label | field, the error under both (one line where it can)
                self.form.addWidget(self.labels[key], 2 * band, 2 * column,
                                    Qt.AlignmentFlag.AlignVCenter)
                self.form.addWidget(self.fields[key], 2 * band, 2 * column + 1)
                self.form.addWidget(self.errors[key], 2 * band + 1, 2 * column, 1, 2)
            else:  # label, field, error, one above the other
                self.form.addWidget(self.labels[key], 3 * band, column)
                self.form.addWidget(self.fields[key], 3 * band + 1, column)
                self.form.addWidget(self.errors[key], 3 * band + 2, column)
                self.form.setRowMinimumHeight(3 * band + 2, 8)  # between two fields
        for column in range(columns):
            self.form.setColumnStretch(2 * column + 1 if short else column, 1)
        self.show_errors()

    def resizeEvent(self, event: object) -> None:  # type: ignore[override]
        super().resizeEvent(event)  # type: ignore[arg-type]
        self.lay_out()

    def showEvent(self, event: object) -> None:  # type: ignore[override]
        super().showEvent(event)  # type: ignore[arg-type]
        self.lay_out()

    def show_errors(self) -> None:
        """Every field's error under it; in the short layout only the focused field's (or, with
        none focused, the first one's), so the form still fits above a keyboard."""
        shown = [k for k in self._visible if self.errors[k].text()]
        if self._short and shown:
            focused = next((k for k in shown if self.fields[k].hasFocus()), None)
            shown = [focused or shown[0]]
        for key, error in self.errors.items():
            error.setVisible(key in shown)

    # -- rendering -------------------------------------------------------------------------------

    def render(self, state: EnteringCustomer) -> None:
        self._needs_address, self._owner = state.needs_address, state.owner is not None
        self._needs_name = state.needs_name
        owner_name = self._owner and self._needs_name
        self.title.setText(self.tr("Your address") if self._owner and not owner_name
                           else self.tr("Your details"))
        self.subtitle.setText(
            self.tr("We send your receipt and SIM details to your email.") if not self._owner
            else self.tr("This plan needs your full name and home address.")
            if owner_name and self._needs_address
            else self.tr("This plan needs your full name.") if owner_name
            else self.tr("This plan needs your home address."))
        self.subtitle.setVisible(not self._short)
        self.back.setText(self.tr("Back"))
        self.next.setText(self.tr("Continue"))
        names = self._labels()
        self._visible = tuple(key for key in self.ORDER if (
            key in ("email", "full_name") and not self._owner) or (
            key == "full_name" and self._needs_name) or (
            key not in ("email", "full_name") and self._needs_address))
        problems = dict(state.problems)
        if "address" in problems:
            problems.setdefault("line1", problems["address"])
        for key, edit in self.fields.items():
            message = problems.get(key, "")
            self.errors[key].setText(message_tr(message) if message else "")
            # Marked in words too, not by the red border alone.
            self.labels[key].setText(("⚠ " if message else "") + names[key])
            edit.setAccessibleName(names[key])
            edit.setAccessibleDescription(self.errors[key].text())
            edit.setProperty("invalid", bool(message))
            edit.style().polish(edit)
        self.lay_out()
        first = next((self.fields[k] for k in self._visible if problems.get(k)), None)
        (first or self.fields[self._visible[0]]).setFocus()
        self.show_errors()

    def _return_pressed(self, key: str) -> None:
        """Return moves to the next field, as on a paper form; in the last one it submits."""
        later = self._visible[self._visible.index(key) + 1:] if key in self._visible else ()
        if later:
            self.fields[later[0]].setFocus()
        else:
            self._submit()

    def _submit(self) -> None:
        f = {k: e.text() for k, e in self.fields.items()}
        address = None
        if self._needs_address:
            address = Address(line1=f["line1"], city=f["city"], country=f["country"],
                              postal_code=f["postal_code"] or None)
        self.submitted.emit(CustomerInput(f["email"], f["full_name"], address))

    def clear(self) -> None:
        for edit in self.fields.values():
            wipe(edit)
            edit.setAccessibleDescription("")
        for error in self.errors.values():
            error.setText("")
        self.show_errors()
