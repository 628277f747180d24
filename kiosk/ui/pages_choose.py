"""The middle pages: the device (or why it cannot be activated), plans, customer, review."""

from __future__ import annotations

import html
from typing import ClassVar

from PySide6.QtCore import QEvent, QLocale, QObject, QRect, Qt, Signal
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import (
    QFrame, QGridLayout, QHBoxLayout, QLabel, QLineEdit, QPushButton, QScrollArea, QStyle,
    QStyleOption, QVBoxLayout, QWidget,
)

from kiosk.flow.catalog import DeviceKind, display_name, kind_of, summary
from kiosk.flow.customer import Address, CustomerInput
from kiosk.flow.states import (
    AlreadySubscribed, ChoosingPlan, DeviceFound, EnteringCustomer, ExistingStatus,
    NotRegistered, NoUsableSim, Review, SimChoice,
)
from kiosk.gigs.models import Device, DeviceModel, DeviceType, Plan, SimType, SubscriptionStatus
from kiosk.redact import mask_digits
from kiosk.ui import formatting as fmt
from kiosk.ui.widgets import message as message_tr
from kiosk.ui.widgets import Page, button, label, wipe


def _model_type(model: DeviceModel | None) -> DeviceType:
    return model.type if model is not None else DeviceType.UNKNOWN


def _kind(device: Device) -> DeviceKind:
    return kind_of(_model_type(device.model))


def masked_iccid(iccid: str | None) -> str:
    """`89014104…6`: the digits `mask_digits` keeps (the first 8 and the last), the rest one
    ellipsis, so a customer can match it to the card in the box."""
    masked = mask_digits(iccid or "")
    return f"{masked[:8]}…{masked[-1]}" if len(masked) > 9 else masked


class DevicePage(Page):
    next_requested = Signal()
    rescan_requested = Signal()
    show_existing_requested = Signal()
    #: The customer chose which SIM to activate (`SimChoice.ref`: a SIM id, or "auto").
    sim_chosen = Signal(str)

    def __init__(self) -> None:
        super().__init__()
        self.panel = QFrame()
        self.panel.setObjectName("Panel")
        box = QVBoxLayout(self.panel)
        self.device = label("", "Big")
        self.detail = label("", "Subtitle")
        box.addWidget(self.device)
        box.addWidget(self.detail)
        self.outer.addWidget(self.panel)
        # One big button per SIM, for a device with more than one to activate.
        self.sim_row = QHBoxLayout()
        self.sim_row.setSpacing(20)
        self.outer.addLayout(self.sim_row)
        self.sim_buttons: list[QPushButton] = []
        self.outer.addStretch(1)
        row = QHBoxLayout()
        self.back = button("", self.rescan_requested.emit)
        self.action = button("", self._act, primary=True)
        row.addWidget(self.back)
        row.addStretch(1)
        row.addWidget(self.action)
        self.outer.addLayout(row)
        self._mode = "device"

    def _act(self) -> None:
        (self.show_existing_requested if self._mode == "existing" else self.next_requested).emit()

    def _texts(self, kind: DeviceKind) -> dict[str, str]:
        """Whole sentences per kind of device: German nouns change the words around them."""
        return {
            DeviceKind.PHONE: {
                "found": self.tr("We found your phone"),
                "rescan": self.tr("Scan another phone"),
                "new_esim": self.tr("A new eSIM will be created for this phone."),
                "unregistered": self.tr("This phone is not registered here"),
                "refused": self.tr("This phone cannot be activated here"),
            },
            DeviceKind.TABLET: {
                "found": self.tr("We found your tablet"),
                "rescan": self.tr("Scan another device"),
                "new_esim": self.tr("A new eSIM will be created for this tablet."),
                "unregistered": self.tr("This tablet is not registered here"),
                "refused": self.tr("This tablet cannot be activated here"),
            },
            DeviceKind.WATCH: {
                "found": self.tr("We found your watch"),
                "rescan": self.tr("Scan another device"),
                "new_esim": self.tr("A new eSIM will be created for this watch."),
                "unregistered": self.tr("This watch is not registered here"),
                "refused": self.tr("This watch cannot be activated here"),
            },
            DeviceKind.OTHER: {
                "found": self.tr("We found your device"),
                "rescan": self.tr("Scan another device"),
                "new_esim": self.tr("A new eSIM will be created for this device."),
                "unregistered": self.tr("This device is not registered here"),
                "refused": self.tr("This device cannot be activated here"),
            },
        }[kind]

    def _type_name(self, model: DeviceModel | None) -> str:
        kind = _model_type(model)
        return {DeviceType.SMARTWATCH: self.tr("Smartwatch"), DeviceType.TABLET: self.tr("Tablet"),
                DeviceType.FEATURE_PHONE: self.tr("Mobile phone"),
                DeviceType.SMARTPHONE: self.tr("Smartphone"),
                DeviceType.UNKNOWN: self.tr("Smartphone")}.get(kind, self.tr("Device"))

    def sim_text(self, choice: SimChoice) -> str:
        """What the SIM button and the review say: "SIM card 89014104…6", "New eSIM"."""
        if choice.sim is None:
            return self.tr("New eSIM")
        kind = self.tr("eSIM") if choice.type is SimType.ESIM else self.tr("SIM card")
        return f"{kind} {masked_iccid(choice.sim.iccid)}"

    def render(self, state: object) -> None:
        self._clear_sims()
        self.back.setText(self.tr("Scan another phone"))
        self.action.show()
        if isinstance(state, DeviceFound):
            self._mode = "device"
            d = state.device
            words = self._texts(_kind(d))
            self.back.setText(words["rescan"])
            self.title.setText(words["found"])
            self.subtitle.setText(self._type_name(d.model))
            self.device.setText(display_name(d.model) or self._type_name(d.model))
            if state.needs_sim_choice:
                self.detail.setText(self.tr("Which SIM do you want to activate?"))
                for choice in state.choices:
                    self._add_sim(choice)
                self.action.hide()
            else:
                choice = state.choices[0]
                self.detail.setText(words["new_esim"] if choice.sim is None else
                                    self.tr("To activate: %1").replace("%1",
                                                                       self.sim_text(choice)))
                self.action.setText(self.tr("Choose a plan"))
        elif isinstance(state, AlreadySubscribed):
            # What a stranger holding the box may learn: the status, never the code.
            self._mode = "existing"
            self.back.setText(self._texts(_kind(state.device))["rescan"])
            sub = state.subscription
            self.title.setText(self.tr("This SIM already has a plan") if sub is None else
                               self.tr("This SIM is already active")
                               if sub.status is SubscriptionStatus.ACTIVE
                               else self.tr("This SIM is being activated"))
            self.subtitle.setText(self.tr("Nothing new will be ordered."))
            self.device.setText(self.tr("It already has a plan."))
            self.detail.setText(self.tr("For its eSIM code or any change, please ask a member "
                                        "of staff."))
            self.action.setText(self.tr("Show its status"))
            self.action.show()
        elif isinstance(state, ExistingStatus):
            self._mode = "none"
            self.title.setText(self.tr("This SIM is being activated")
                               if state.status is not SubscriptionStatus.ACTIVE
                               else self.tr("This SIM is already active"))
            self.subtitle.setText(self.tr("Nothing new will be ordered."))
            lines = []
            if state.plan_name:
                lines.append(self.tr("Plan: %1").replace("%1", state.plan_name))
            if state.since is not None:
                when = QLocale(self.locale()).toString(state.since.date(),
                                                       QLocale.FormatType.LongFormat)
                lines.append((self.tr("Active since %1") if state.status is
                              SubscriptionStatus.ACTIVE else self.tr("Ordered on %1")
                              ).replace("%1", when))
            self.device.setText("\n".join(lines) or self.tr("It already has a plan."))
            # No reference either: whoever holds the box may not be whoever ordered.
            detail = [self.tr("For its eSIM code or any change, please ask a member of staff.")]
            if state.finishing:
                detail.insert(0, self.tr("Its activation is being finished."))
            self.detail.setText("\n".join(detail))
            self.action.hide()
        elif isinstance(state, NotRegistered):
            kind = kind_of(state.models[0].type) if state.models else DeviceKind.PHONE
            words = self._texts(kind)
            self.back.setText(words["rescan"])
            self.title.setText(words["unregistered"])
            self.subtitle.setText(self.tr("Please ask a member of staff to help you."))
            if state.supports_esim is True:
                self.device.setText(self.tr("It supports eSIM: staff can register it."))
            elif state.supports_esim is False:
                self.device.setText(self.tr("It has no eSIM, so it needs a SIM card from staff."))
            else:
                self.device.setText(self.tr("We do not know this phone model."))
            self.detail.setText("")
            self.action.hide()
        elif isinstance(state, NoUsableSim):
            words = self._texts(_kind(state.device))
            self.back.setText(words["rescan"])
            self.title.setText(words["refused"])
            self.subtitle.setText(self.tr("Please ask a member of staff to help you."))
            self.device.setText({"no_sim": self.tr("It has no SIM and does not support eSIM."),
                                 "retired": self.tr("Its SIM can no longer be used."),
                                 "no_plans": self.tr("There is no plan for this SIM right now."),
                                 "plans_need_details": self.tr(
                                     "Its plans need details this kiosk cannot take.")
                                 }.get(state.reason, ""))
            self.detail.setText("")
            self.action.hide()

    def _add_sim(self, choice: SimChoice) -> None:
        if choice.sim is None:
            text = self.tr("New eSIM") + "\n" + self.tr("made for you now")
        else:
            kind = self.tr("eSIM") if choice.type is SimType.ESIM else self.tr("SIM card")
            text = f"{kind}\n{masked_iccid(choice.sim.iccid)}"
        ref = choice.ref
        pick = button(text, lambda: self.sim_chosen.emit(ref))
        pick.setObjectName("SimChoice")
        pick.setMinimumHeight(96)
        pick.setAccessibleName(self.tr("Activate: %1").replace("%1", self.sim_text(choice)))
        self.sim_buttons.append(pick)
        self.sim_row.addWidget(pick, 1)

    def _clear_sims(self) -> None:
        for pick in self.sim_buttons:
            self.sim_row.removeWidget(pick)
            pick.hide()
            pick.deleteLater()
        self.sim_buttons = []

    def clear(self) -> None:
        self.device.setText("")
        self.detail.setText("")
        self._clear_sims()


class PlanCard(QObject):
    """One plan's widgets. They sit in the plan page's grid, one grid row per kind of fact, so
    every card in a row shows its name, price, facts and Choose button at the same heights; the
    page draws the card's box around them."""

    chosen = Signal(str)
    ROWS = 5  # name, price, facts, note, button

    def __init__(self, plan: Plan, locale: QLocale, parent: QWidget) -> None:
        super().__init__(parent)
        s = summary(plan)
        self.summary = s
        self.name = label(s.name, "Big")
        self.price = label(fmt.price_period(s, locale), "Subtitle")
        self.facts = label(fmt.allowances(s, locale), "Hint")
        self.note = label(self.tr("Starts when you first use it") if s.starts_on_first_use
                          else "", "Hint")
        self.pick = button(self.tr("Choose"), lambda: self.chosen.emit(s.id), primary=True)
        self.pick.setAccessibleName(self.tr("Choose %1, %2").replace("%1", s.name).replace(
            "%2", self.price.text()))
        for widget in self.widgets():
            widget.setParent(parent)
            if isinstance(widget, QLabel):  # a short text starts where its neighbours' do
                widget.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)

    def widgets(self) -> list[QWidget]:
        return [self.name, self.price, self.facts, self.note, self.pick]

    def dispose(self) -> None:
        for widget in self.widgets():
            widget.hide()
            widget.deleteLater()
        self.deleteLater()


class PlanPage(Page):
    plan_chosen = Signal(str)
    back_requested = Signal()
    PAD = 12  # inside a card's box, around its texts
    GAP = 14  # between two boxes
    #: On a low screen the buttons lose some padding (56 px high, still a large target), so
    #: two rows of cards fit 768 px.
    LOW_QSS = "QPushButton { min-height: 42px; padding: 4px 24px; }"

    def __init__(self) -> None:
        super().__init__()
        # Back sits beside the title: the grid gets the whole height of small screens.
        self.outer.removeWidget(self.title)
        top = QHBoxLayout()
        self.back = button("", self.back_requested.emit)
        top.addWidget(self.title, 1)
        top.addWidget(self.back)
        self.outer.insertLayout(0, top)
        self.grid = QGridLayout()
        self.grid.setContentsMargins(self.PAD, self.PAD, self.PAD, self.PAD)
        self.grid.setHorizontalSpacing(2 * self.PAD + self.GAP)
        self.grid.setVerticalSpacing(2)
        self.outer.addLayout(self.grid)
        self.outer.addStretch(1)
        self.cards: list[PlanCard] = []
        self._columns = 0
        self._low: bool | None = None

    def render(self, state: ChoosingPlan, locale: QLocale) -> None:
        choice = state.choices[0] if len(state.choices) == 1 else None
        self.title.setText(self.tr("Choose a plan") if choice is None
                           else self.tr("Choose a plan for your new eSIM") if choice.sim is None
                           else self.tr("Choose a plan for your eSIM")
                           if choice.type is SimType.ESIM
                           else self.tr("Choose a plan for your SIM card"))
        withheld = self.tr("%n more plan(s) need details this kiosk cannot take: please ask "
                           "staff.", "", state.withheld) if state.withheld else ""
        self.subtitle.setText("\n".join(filter(None, [
            self.tr("Prices include everything. You pay at the counter."), withheld])))
        self.back.setText(self.tr("Back"))
        self.clear()
        for plan in state.plans:
            card = PlanCard(plan, locale, self)
            card.chosen.connect(self.plan_chosen.emit)
            self.cards.append(card)
        self._lay_out(force=True)

    def columns(self) -> int:
        """Three cards a row on a landscape screen (two for four plans: a square), two upright."""
        top = self.window()
        count = len(self.cards)
        if top.height() > top.width():
            return 2
        return 2 if count in (1, 2, 4) else 3

    def _lay_out(self, force: bool = False) -> None:
        columns = self.columns()
        if columns == self._columns and not force:
            return
        self._columns = columns
        for card in self.cards:
            for widget in card.widgets():
                self.grid.removeWidget(widget)
        for row in range(self.grid.rowCount()):
            self.grid.setRowMinimumHeight(row, 0)
        for column in range(self.grid.columnCount()):
            self.grid.setColumnStretch(column, 0)
        for n, card in enumerate(self.cards):
            band, column = divmod(n, columns)
            base = band * (PlanCard.ROWS + 1)
            for offset, widget in enumerate(card.widgets()):
                self.grid.addWidget(widget, base + offset, column)
                widget.show()
            if band:  # the gap between two rows of boxes
                self.grid.setRowMinimumHeight(base - 1, max(  # an empty row: one spacing
                    0, 2 * self.PAD + self.GAP - self.grid.verticalSpacing()))
        for column in range(columns):
            self.grid.setColumnStretch(column, 1)
        self.update()

    def card_rect(self, card: PlanCard) -> QRect:
        """The box around a card: its widgets' cells and a margin."""
        rect = QRect()
        for widget in card.widgets():
            rect = rect.united(widget.geometry())
        return rect.adjusted(-self.PAD, -self.PAD, self.PAD, self.PAD)

    def resizeEvent(self, event: object) -> None:  # type: ignore[override]
        super().resizeEvent(event)  # type: ignore[arg-type]
        low = self.window().height() < 900
        if low != self._low:
            self._low = low
            self.setStyleSheet(self.LOW_QSS if low else "")
            self.grid.setVerticalSpacing(2 if low else 10)
            self._columns = 0  # lay out again, with the new spacing
        if self.cards:
            self._lay_out()

    def paintEvent(self, event: object) -> None:  # type: ignore[override]
        option = QStyleOption()
        option.initFrom(self)
        painter = QPainter(self)
        self.style().drawPrimitive(QStyle.PrimitiveElement.PE_Widget, option, painter, self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(QColor("#9aa4b2"), 3))
        for card in self.cards:
            if card.pick.isVisible():
                painter.drawRoundedRect(self.card_rect(card), 14, 14)
        painter.end()

    def clear(self) -> None:
        for card in self.cards:
            for widget in card.widgets():
                self.grid.removeWidget(widget)
            card.dispose()
        self.cards = []
        self._columns = 0


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
    SHORT_QSS = """
        QLineEdit { min-height: 44px; max-height: 44px; font-size: 18pt; padding: 0 10px; }
        QLabel#FieldLabel { font-size: 16pt; }
        QLabel#Error { font-size: 16pt; }
        QPushButton { min-height: 42px; padding: 4px 24px; }
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
            self._place(columns, short=False)
            if self.needed_height() > self.available_height():
                self._place(columns, short=True)
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
            self.setStyleSheet(self.SHORT_QSS if short else "")
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


class ReviewPage(Page):
    confirmed = Signal()
    back_requested = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.panel = QFrame()
        self.panel.setObjectName("Panel")
        self.lines = label("", "Subtitle")
        self.lines.setTextFormat(Qt.TextFormat.RichText)
        QVBoxLayout(self.panel).addWidget(self.lines)
        self.outer.addWidget(self.panel)
        self.outer.addStretch(1)
        row = QHBoxLayout()
        self.back = button("", self.back_requested.emit)
        self.confirm = button("", self.confirmed.emit, primary=True)
        row.addWidget(self.back)
        row.addStretch(1)
        row.addWidget(self.confirm)
        self.outer.addLayout(row)

    def facts(self, state: Review, locale: QLocale) -> list[tuple[str, str]]:
        """(what, value) for each line the customer confirms, in the order they read it."""
        s = summary(state.plan)
        model = state.device.model
        kind = kind_of(_model_type(model))
        what = {DeviceKind.PHONE: self.tr("Phone"), DeviceKind.TABLET: self.tr("Tablet"),
                DeviceKind.WATCH: self.tr("Watch"), DeviceKind.OTHER: self.tr("Device")}[kind]
        choice = state.choice
        if choice.sim is None:
            sim = self.tr("a new eSIM")
        else:
            sim = (self.tr("eSIM") if choice.type is SimType.ESIM else self.tr("SIM card")) + (
                " " + masked_iccid(choice.sim.iccid) if choice.sim.iccid else "")
        rows = [(what, display_name(model)), (self.tr("SIM"), sim), (self.tr("Plan"), s.name),
                (self.tr("Price"), fmt.price_period(s, locale)), (self.tr("Terms"), fmt.terms(s))]
        customer, owner = state.customer, state.owner
        # The owner's account is theirs, not the visitor's to read: only a hint of it, unless
        # the visitor typed it here.
        if customer is not None and (owner is None or customer.full_name):
            name = customer.full_name
        else:
            name = _name_hint(owner.full_name) if owner is not None else ""
        email = _hint(owner.email) if owner is not None else customer.email if customer else ""
        rows += [(self.tr("Name"), name), (self.tr("Email"), email)]
        address = customer.address if customer is not None else None
        if address is not None:
            rows.append((self.tr("Address"), _address(address)))
        return [(k, v) for k, v in rows if v]

    def render(self, state: Review, locale: QLocale) -> None:
        s = summary(state.plan)
        self.title.setText(self.tr("Check and confirm"))
        self.subtitle.setText(self.tr("Nothing is ordered until you confirm."))
        cells = "".join(
            f'<tr><td style="padding: 3px 24px 3px 0; color: #3a3a3a;">{html.escape(k)}</td>'
            f'<td style="padding: 3px 0; font-weight: 600;">{html.escape(v)}</td></tr>'
            for k, v in self.facts(state, locale))
        self.lines.setText(f"<table cellspacing='0'>{cells}</table>")
        price = fmt.money(s.price, s.currency, locale)
        self.back.setText(self.tr("Back"))
        self.confirm.setText(self.tr("Confirm and activate (%1)").replace("%1", price))
        self._label = self.confirm.text()

    def set_busy(self, busy: bool) -> None:
        """While the order is placed: no second tap, no way back, and say what is happening."""
        self.confirm.setEnabled(not busy)
        self.back.setEnabled(not busy)
        self.confirm.setText(self.tr("Placing your order…") if busy
                             else getattr(self, "_label", self.confirm.text()))

    def clear(self) -> None:
        self.lines.setText("")
        self.set_busy(False)


def _hint(email: str | None) -> str:
    """`jerry@example.com` -> `j…@example.com`: enough to recognise, not to learn."""
    if not email or "@" not in email:
        return ""
    local, _, domain = email.partition("@")
    return f"{local[:1]}…@{domain}"


def _name_hint(name: str | None) -> str:
    """`Jerry Seinfeld` -> `J… S…`: the owner recognises it, a stranger learns nothing."""
    return " ".join(f"{part[:1]}…" for part in (name or "").split())


def _address(address: Address) -> str:
    place = " ".join(filter(None, [address.postal_code, address.city]))
    return ", ".join(filter(None, [address.line1, address.line2, place, address.state,
                                   address.country]))
