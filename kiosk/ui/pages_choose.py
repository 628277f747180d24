"""The middle pages: the device (or why it cannot be activated), plans, customer, review."""

from __future__ import annotations

from PySide6.QtCore import QLocale, Qt, Signal
from PySide6.QtWidgets import QFormLayout, QFrame, QGridLayout, QHBoxLayout, QLineEdit, QVBoxLayout

from kiosk.flow.catalog import summary
from kiosk.flow.customer import Address, CustomerInput
from kiosk.flow.states import (
    AlreadySubscribed, ChoosingPlan, DeviceFound, EnteringCustomer, ExistingStatus,
    NotRegistered, NoUsableSim, Review,
)
from kiosk.gigs.models import DeviceType, Plan, SimType, SubscriptionStatus
from kiosk.redact import mask_digits
from kiosk.ui import formatting as fmt
from kiosk.ui.widgets import message as message_tr
from kiosk.ui.widgets import Page, button, label, wipe



class DevicePage(Page):
    next_requested = Signal()
    rescan_requested = Signal()
    show_existing_requested = Signal()

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

    def render(self, state: object) -> None:
        self.back.setText(self.tr("Scan another phone"))
        self.action.show()
        if isinstance(state, DeviceFound):
            self._mode = "device"
            d = state.device
            model = d.model
            kind = {DeviceType.SMARTWATCH: self.tr("Smartwatch"), DeviceType.TABLET:
                    self.tr("Tablet"), DeviceType.FEATURE_PHONE: self.tr("Mobile phone")}.get(
                        model.type if model else DeviceType.SMARTPHONE, self.tr("Smartphone"))
            self.title.setText(self.tr("We found your phone"))
            self.subtitle.setText(kind)
            self.device.setText(f"{model.brand} {model.name}" if model else kind)
            lines = []
            for choice in state.choices:
                if choice.sim is None:
                    lines.append(self.tr("A new eSIM will be created for this phone."))
                else:
                    kind = self.tr("eSIM") if choice.type is SimType.ESIM else self.tr("SIM card")
                    lines.append(self.tr("%1 to activate: %2").replace("%1", kind).replace(
                        "%2", mask_digits(choice.sim.iccid or "")))
            self.detail.setText("\n".join(lines))
            self.action.setText(self.tr("Choose a plan"))
        elif isinstance(state, AlreadySubscribed):
            # What a stranger holding the box may learn: the status, never the code.
            self._mode = "existing"
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
            self.title.setText(self.tr("This phone is not registered here"))
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
            self.title.setText(self.tr("This phone cannot be activated here"))
            self.subtitle.setText(self.tr("Please ask a member of staff to help you."))
            self.device.setText({"no_sim": self.tr("It has no SIM and does not support eSIM."),
                                 "retired": self.tr("Its SIM can no longer be used."),
                                 "no_plans": self.tr("There is no plan for this SIM right now."),
                                 "plans_need_details": self.tr(
                                     "Its plans need details this kiosk cannot take.")
                                 }.get(state.reason, ""))
            self.detail.setText("")
            self.action.hide()

    def clear(self) -> None:
        self.device.setText("")
        self.detail.setText("")


class PlanCard(QFrame):
    chosen = Signal(str)

    def __init__(self, plan: Plan, locale: QLocale) -> None:
        super().__init__()
        self.setObjectName("Card")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        s = summary(plan)
        layout = QVBoxLayout(self)
        name = label(s.name, "Big")
        price = label(fmt.money(s.price, s.currency, locale) + (
            " / " + fmt.validity(s, locale) if fmt.validity(s, locale) else ""), "Subtitle")
        facts = label(" · ".join([fmt.data(s.data_bytes, locale), fmt.minutes(s.voice_minutes, locale),
                                  fmt.texts(s.sms, locale)]), "Hint")
        layout.addWidget(name)
        layout.addWidget(price)
        layout.addWidget(facts)
        if s.starts_on_first_use:
            layout.addWidget(label(self.tr("Starts when you first use it"), "Hint"))
        pick = button(self.tr("Choose"), lambda: self.chosen.emit(s.id), primary=True)
        pick.setAccessibleName(self.tr("Choose %1").replace("%1", s.name))
        layout.addWidget(pick)
        self.setAccessibleName(f"{s.name}, {price.text()}")


class PlanPage(Page):
    plan_chosen = Signal(str)
    back_requested = Signal()

    def __init__(self) -> None:
        super().__init__()
        # Back sits beside the subtitle: the grid gets the whole height of small screens.
        self.outer.removeWidget(self.subtitle)
        top = QHBoxLayout()
        self.back = button("", self.back_requested.emit)
        top.addWidget(self.subtitle, 1)
        top.addWidget(self.back)
        self.outer.addLayout(top)
        self.grid = QGridLayout()
        self.grid.setSpacing(16)
        for column in range(3):
            self.grid.setColumnStretch(column, 1)
        self.outer.addLayout(self.grid, 1)

    def render(self, state: ChoosingPlan, locale: QLocale) -> None:
        self.title.setText(self.tr("Choose a plan"))
        withheld = self.tr("%n more plan(s) need details this kiosk cannot take: please ask "
                           "staff.", "", state.withheld) if state.withheld else ""
        self.subtitle.setText("\n".join(filter(None, [
            self.tr("Prices include everything. You pay at the counter."), withheld])))
        self.back.setText(self.tr("Back"))
        self.clear()
        columns = 3 if len(state.plans) > 4 else 2
        for n, plan in enumerate(state.plans):
            card = PlanCard(plan, locale)
            card.chosen.connect(self.plan_chosen.emit)
            self.grid.addWidget(card, n // columns, n % columns)

    def clear(self) -> None:
        while self.grid.count():
            item = self.grid.takeAt(0)
            if item.widget():
                item.widget().deleteLater()


class CustomerPage(Page):
    submitted = Signal(object)
    back_requested = Signal()

    def __init__(self) -> None:
        super().__init__()
        form = QFormLayout()
        form.setVerticalSpacing(14)
        self.fields: dict[str, QLineEdit] = {}
        self.errors: dict[str, object] = {}
        for key in ("email", "full_name", "line1", "postal_code", "city", "country"):
            edit = QLineEdit()
            edit.setObjectName(key)
            edit.returnPressed.connect(self._submit)
            self.fields[key] = edit
            error = label("", "Error")
            self.errors[key] = error
            box = QVBoxLayout()
            box.addWidget(edit)
            box.addWidget(error)
            form.addRow(label(""), box)
        self.form = form
        self.fields["email"].setInputMethodHints(Qt.InputMethodHint.ImhEmailCharactersOnly)
        self.fields["country"].setMaxLength(2)
        self.outer.addLayout(form)
        self.outer.addStretch(1)
        row = QHBoxLayout()
        self.back = button("", self.back_requested.emit)
        self.next = button("", self._submit, primary=True)
        row.addWidget(self.back)
        row.addStretch(1)
        row.addWidget(self.next)
        self.outer.addLayout(row)
        self._needs_address = False
        self._owner = False
        self._needs_name = True

    def _labels(self) -> dict[str, str]:
        return {"email": self.tr("Email"), "full_name": self.tr("Full name"),
                "line1": self.tr("Street and number"), "postal_code": self.tr("Postcode"),
                "city": self.tr("Town or city"), "country": self.tr("Country (e.g. DE)")}

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
        self.back.setText(self.tr("Back"))
        self.next.setText(self.tr("Continue"))
        names = self._labels()
        for row in range(self.form.rowCount()):
            key = list(self.fields)[row]
            visible = (key in ("email", "full_name") and not self._owner) or (
                key == "full_name" and self._needs_name) or (
                key not in ("email", "full_name") and self._needs_address)
            self.form.setRowVisible(row, visible)
            self.form.itemAt(row, QFormLayout.ItemRole.LabelRole).widget().setText(names[key])
            self.fields[key].setAccessibleName(names[key])
        problems = dict(state.problems)
        if "address" in problems:
            problems.setdefault("line1", problems["address"])
        for key, edit in self.fields.items():
            message = problems.get(key, "")
            self.errors[key].setText(message_tr(message) if message else "")  # type: ignore[attr-defined]
            edit.setProperty("invalid", bool(message))
            edit.style().polish(edit)
        first = next((self.fields[k] for k in self.fields if problems.get(k)), None)
        start = "email" if not self._owner else "full_name" if self._needs_name else "line1"
        (first or self.fields[start]).setFocus()

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
        for error in self.errors.values():
            error.setText("")  # type: ignore[attr-defined]


class ReviewPage(Page):
    confirmed = Signal()
    back_requested = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.panel = QFrame()
        self.panel.setObjectName("Panel")
        self.lines = label("", "Subtitle")
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

    def render(self, state: Review, locale: QLocale) -> None:
        s = summary(state.plan)
        self.title.setText(self.tr("Check and confirm"))
        self.subtitle.setText(self.tr("Nothing is ordered until you confirm."))
        model = state.device.model
        sim = self.tr("a new eSIM") if state.choice.sim is None else (
            self.tr("eSIM") if state.choice.type is SimType.ESIM else self.tr("SIM card"))
        # The owner's address is theirs, not the visitor's to read: only a hint of it.
        who = _hint(state.owner.email) if state.owner else (
            state.customer.email if state.customer else "")
        price = fmt.money(s.price, s.currency, locale)
        self.lines.setText("\n".join([
            self.tr("Phone: %1").replace("%1", f"{model.brand} {model.name}" if model else ""),
            self.tr("SIM: %1").replace("%1", sim),
            self.tr("Plan: %1").replace("%1", s.name),
            self.tr("Price: %1").replace("%1", price),
            self.tr("Email: %1").replace("%1", who or ""),
        ]))
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
