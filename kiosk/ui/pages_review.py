"""The review page: everything the customer is about to confirm, and nothing more."""

from __future__ import annotations

import html

from PySide6.QtCore import QLocale, Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QVBoxLayout

from kiosk.flow.catalog import DeviceKind, display_name, kind_of, summary
from kiosk.flow.customer import Address
from kiosk.flow.states import Review
from kiosk.gigs.models import SimType
from kiosk.redact import mask_email, mask_name
from kiosk.ui import formatting as fmt
from kiosk.ui.pages_device import _model_type, masked_iccid
from kiosk.ui.widgets import Page, button, label


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
            name = mask_name(owner.full_name) if owner is not None else ""
        email = mask_email(owner.email) if owner is not None else customer.email if customer else ""
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


def _address(address: Address) -> str:
    place = " ".join(filter(None, [address.postal_code, address.city]))
    return ", ".join(filter(None, [address.line1, address.line2, place, address.state,
                                   address.country]))
