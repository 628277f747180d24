"""The device page: the device found (and which SIM), or why it cannot be activated."""

from __future__ import annotations

from PySide6.QtCore import QLocale, Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout

from kiosk.flow.catalog import DeviceKind, display_name, kind_of
from kiosk.flow.states import (
    AlreadySubscribed, DeviceFound, ExistingStatus,
    NotRegistered, NoUsableSim, SimChoice,
)
from kiosk.gigs.models import Device, DeviceModel, DeviceType, SimType, SubscriptionStatus
from kiosk.redact import mask_digits
from kiosk.ui.icons import icon
from kiosk.ui.widgets import Page, button, label


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
        outer = QHBoxLayout(self.panel)
        self.picture = QLabel()  # a phone, tablet or watch: what the customer holds, at a glance
        self.picture.setFixedSize(84, 84)
        self.picture.hide()
        outer.addWidget(self.picture, 0, Qt.AlignmentFlag.AlignTop)
        box = QVBoxLayout()
        outer.addLayout(box, 1)
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
        self.picture.hide()
        self.back.setText(self.tr("Scan another phone"))
        self.action.show()
        if isinstance(state, DeviceFound):
            self._mode = "device"
            d = state.device
            words = self._texts(_kind(d))
            self.picture.setPixmap(icon({DeviceKind.TABLET: "tablet", DeviceKind.WATCH: "watch"}
                                        .get(_kind(d), "phone"), 80))
            self.picture.show()
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
        self.picture.clear()
        self.device.setText("")
        self.detail.setText("")
        self._clear_sims()
