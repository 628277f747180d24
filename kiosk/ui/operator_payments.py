"""The operator panel's payment tab: the store's payment methods, one chosen explicitly by staff."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView, QHBoxLayout, QLineEdit, QListView, QListWidget, QListWidgetItem,
    QVBoxLayout,
)
from shiboken6 import isValid

from kiosk.gigs import GigsError
from kiosk.payment_choice import MethodChoice
from kiosk.connect import api_settings
from kiosk.ui.operator_check import Connection, refused
from kiosk.ui.operator_tabs import Retranslated
from kiosk.ui.staff_widgets import show_status
from kiosk.ui.widgets import button, label

_UNUSABLE = QColor("#5a5a5a")  # still 6.9:1 on white; the ✘ and the reason say it, not the grey


class PaymentTab(Retranslated):
    """Nothing is chosen for staff: the list starts with no row selected, a tap selects one,
    "Use this one" puts it into the setting (Save keeps it). A method that cannot pay is
    listed with its reason and cannot be used."""

    def __init__(self, services: Any, connection: Connection,
                 saved: Callable[[], str | None]) -> None:
        super().__init__()
        self.services, self.connection, self.saved = services, connection, saved
        self.choices: list[MethodChoice] = []
        box = QVBoxLayout(self)
        top = QHBoxLayout()
        self.field_label = label("", wrap=False)
        self.field = QLineEdit()  # typed by hand where the API has no list (not confirmed)
        self.field.textChanged.connect(lambda _text: self.mark_rows())
        top.addWidget(self.field_label)
        top.addWidget(self.field, 1)
        box.addLayout(top)
        # A list, not a table: each method's card, owner and whether it can pay wrap onto
        # lines of their own, so nothing is cut or scrolled sideways on a portrait screen.
        self.list = QListWidget()
        self.list.setWordWrap(True)
        self.list.setResizeMode(QListView.ResizeMode.Adjust)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.setStyleSheet("QListWidget { font-size: 18pt; } QListWidget::item { "
                                "padding: 8px; border-bottom: 1px solid #c9d0da; }")
        self.list.itemSelectionChanged.connect(self.on_list_selection)
        box.addWidget(self.list, 1)
        row = QHBoxLayout()
        self.load_button = button("", self.load)
        self.use_button = button("", self.use_selected)
        self.use_button.setEnabled(False)
        row.addWidget(self.load_button)
        row.addWidget(self.use_button)
        row.addStretch(1)
        box.addLayout(row)
        self.message = label("", "Hint")
        # In gateway mode, the store's method the note names ("": the gateway's default).
        self._gateway_note: str | None = None
        box.addWidget(self.message)
        self.retranslate()

    def retranslate(self) -> None:
        self.field_label.setText(self.tr("Payment method"))
        self.field.setAccessibleName(self.tr("Payment method"))
        self.field.setPlaceholderText(self.tr("pm_… (load the list, or type it)"))
        self.list.setAccessibleName(self.tr("Payment methods"))
        self.load_button.setText(self.tr("Load payment methods"))
        self.use_button.setText(self.tr("Use this one"))
        self._fill()
        self._show_gateway_note()

    # -- loading ----------------------------------------------------------------------------------

    def _show_gateway_note(self) -> None:
        if self._gateway_note is not None:
            show_status(self.message, "", self.tr(
                "In a fleet, the gateway sets the store's payment method (%1).").replace(
                "%1", self._gateway_note or self.tr("the gateway's default")))

    def load(self) -> None:
        self._gateway_note = None  # the fleet's note, kept in the language shown

        async def go() -> None:
            from kiosk.connect import make_client
            from kiosk.payment_choice import load_choices

            config, key = self.connection()
            why = refused(config)
            if why:
                show_status(self.message, "error", why)
                return
            if config.api_mode == "gateway":
                # The gateway pays with its store's method and refuses any other: nothing to
                # choose here, and a project's methods are not the kiosk's to list.
                self._gateway_note = config.payment_method or ""
                self._show_gateway_note()
                return
            show_status(self.message, "", self.tr("Loading…"))
            client = make_client(api_settings(config, key))
            try:
                choices = await load_choices(client, self.services.journal.activations())
            except GigsError as exc:
                if isValid(self):
                    show_status(self.message, "error", self.tr(
                        "Cannot list payment methods (%1). Type the store's method id above; "
                        "Check this project (Diagnostics) checks it.").replace(
                        "%1", type(exc).__name__))
                return
            finally:
                await client.aclose()
            if isValid(self):  # the page may have been locked (and this tab deleted) meanwhile
                self.show_choices(choices)

        self.services.run(go())

    def show_choices(self, choices: list[MethodChoice]) -> None:
        self.choices = choices
        self._fill()
        usable = sum(c.usable for c in choices)
        current = self.field.text().strip()
        if current and current not in {c.id for c in choices}:
            show_status(self.message, "warning", self.tr(
                "The method set now (%1) is not in this list.").replace("%1", current))
        elif not usable:
            show_status(self.message, "error", self.tr("None of these can pay an order."))
        else:
            show_status(self.message, "", self.tr(
                "%1 of %2 can pay. Tap one, then Use this one.").replace(
                "%1", str(usable)).replace("%2", str(len(choices))))

    def _fill(self) -> None:
        self.list.blockSignals(True)
        self.list.clear()
        for c in self.choices:
            item = QListWidgetItem()
            if not c.usable:
                item.setForeground(QBrush(_UNUSABLE))
            self.list.addItem(item)
        self.list.setCurrentRow(-1)  # no row is suggested, not even the first
        self.list.clearSelection()
        self.list.blockSignals(False)
        self.use_button.setEnabled(False)
        self.mark_rows()

    def mark_rows(self) -> None:
        """Each row's text, with which method is in use (saved) and which is chosen (typed)."""
        saved, chosen = self.saved(), self.field.text().strip()
        for n, c in enumerate(self.choices):
            item = self.list.item(n)
            if item is None:
                continue
            mark = (self.tr("✔ in use") if c.id == saved and c.id == chosen else
                    self.tr("➜ chosen, not saved") if c.id == chosen else
                    self.tr("in use until Save") if c.id == saved else "")
            kind = {"card": self.tr("card"), "applePay": "Apple Pay",
                    "googlePay": "Google Pay"}.get(c.kind, c.kind)
            first = " · ".join(p for p in (mark, self.card(c), kind, self.status(c)) if p)
            can = self.tr("✔ can pay") if c.usable else self.tr("✘ cannot pay: %1").replace(
                "%1", self.reason(c))
            owner = self.tr("Owner: %1").replace("%1", c.owner)
            item.setText(f"{first}\n{owner}\n{can}")

    # -- choosing ---------------------------------------------------------------------------------

    def selected(self) -> MethodChoice | None:
        items = self.list.selectedItems()
        return self.choices[self.list.row(items[0])] if len(items) == 1 else None

    def on_list_selection(self) -> None:
        choice = self.selected()
        self.use_button.setEnabled(choice is not None and choice.usable)
        if choice is not None and not choice.usable:
            show_status(self.message, "error", self.tr("%1 cannot be used: %2").replace(
                "%1", self.card(choice)).replace("%2", self.reason(choice)))
        elif choice is not None:
            show_status(self.message, "", self.tr("%1 (%2): tap Use this one to pay with it.")
                        .replace("%1", self.card(choice)).replace("%2", choice.owner))

    def use_selected(self) -> bool:
        choice = self.selected()
        return choice is not None and self.choose(choice.id)

    def choose(self, method_id: str) -> bool:
        """Put a listed method into the setting; one that cannot pay is refused, with why."""
        choice = next((c for c in self.choices if c.id == method_id), None)
        if choice is None:
            return False
        if not choice.usable:
            show_status(self.message, "error", self.tr("%1 cannot be used: %2").replace(
                "%1", self.card(choice)).replace("%2", self.reason(choice)))
            return False
        self.field.setText(choice.id)
        show_status(self.message, "ok", self.tr("%1 chosen. Save to pay with it.").replace(
            "%1", f"{self.card(choice)} ({choice.id})"))
        return True

    # -- words ------------------------------------------------------------------------------------

    def card(self, c: MethodChoice) -> str:
        kind = c.brand.capitalize() if c.brand else c.kind
        return f"{kind} ••{c.last4}" if c.last4 else kind

    def status(self, c: MethodChoice) -> str:
        return {"available": self.tr("available"),
                "requiresConfirmation": self.tr("needs confirmation")}.get(c.status, c.status)

    def reason(self, c: MethodChoice) -> str:
        text = {
            "requires_confirmation": self.tr("it must be confirmed before it can pay"),
            "status": self.tr("its status is %1"),
            "test_declines": self.tr("the sandbox's test card that every payment declines"),
            "test_customer": self.tr("a customer's own card: it pays only that customer's "
                                     "orders"),
            "declined": self.tr("its last payment from this kiosk was declined"),
            "refused": self.tr("the API refused it for an order (%1)"),
            "owner_blocked": self.tr("its owner is blocked"),
            "owner_deleted": self.tr("its owner is deleted"),
        }.get(c.problem or "", c.problem or "")
        return text.replace("%1", c.params.get("status") or c.params.get("code") or "")

    def scrollables(self) -> list[Any]:
        return [self.list]

