"""The last pages: activating, ready (eSIM QR or SIM card), pending, errors, operator."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QVBoxLayout

from kiosk.flow.errors import KioskError
from kiosk.flow.states import PendingInBackground, Provisioning, Ready, Step
from kiosk.gigs.models import ESimProfileStatus, SimType
from kiosk.ui.qr import qr_image
from kiosk.ui.widgets import message
from kiosk.ui.widgets import Page, Timeline, button, label
# The staff page moved to pages_staff; kept importable from here for the window.
from kiosk.ui.pages_staff import OperatorPage  # noqa: F401

STEPS = [Step.ORDER_PLACED, Step.SUBSCRIPTION_CREATED, Step.SIM_PROVISIONING, Step.ACTIVE]


class ActivatingPage(Page):
    def __init__(self) -> None:
        super().__init__()
        self.timeline = Timeline(["", "", "", ""])
        self.words = label("", "Subtitle")
        self.elapsed = label("", "Hint")
        self.outer.addWidget(self.timeline)
        self.outer.addWidget(self.words)
        self.outer.addWidget(self.elapsed)
        self.outer.addStretch(1)

    def render(self, state: object, seconds: float) -> None:
        self.title.setText(self.tr("Activating your SIM"))
        self.subtitle.setText(self.tr("Please keep the kiosk open. This usually takes under "
                                      "a minute."))
        names = [self.tr("Order placed"), self.tr("Subscription created"),
                 self.tr("SIM being set up by the network"), self.tr("Active")]
        self.timeline.names = names
        done = len(state.done) if isinstance(state, Provisioning) else 0
        current = min(done, 3) if isinstance(state, Provisioning) else 0
        self.timeline.show(done, current)
        self.words.setText([self.tr("Sending your order…"),
                            self.tr("Your order is placed; the subscription is being created…"),
                            self.tr("The network is setting up your SIM…"),
                            self.tr("Almost there…")][min(done, 3)])
        self.elapsed.setText(self.tr("%1 s").replace("%1", str(int(seconds))))


class ReadyPage(Page):
    done_requested = Signal()

    def __init__(self) -> None:
        super().__init__()
        row = QHBoxLayout()
        self.qr = QLabel()
        self.qr.setAccessibleName(self.tr("eSIM QR code"))
        self.qr.setAlignment(Qt.AlignmentFlag.AlignCenter)
        row.addWidget(self.qr)
        side = QVBoxLayout()
        self.steps = label("", "Subtitle")
        self.manual_title = label("", "Big")
        grid = QGridLayout()
        self.smdp_label, self.code_label = label("", "Hint"), label("", "Hint")
        self.smdp, self.code = label("", "Mono"), label("", "Mono")
        self.smdp.setAccessibleName(self.tr("SM-DP+ address"))
        self.code.setAccessibleName(self.tr("Activation code"))
        for n, w in enumerate((self.smdp_label, self.smdp, self.code_label, self.code)):
            grid.addWidget(w, n, 0)
        self.warning = label("", "Error")
        self.profile = label("", "Hint")
        side.addWidget(self.steps)
        side.addWidget(self.manual_title)
        side.addLayout(grid)
        side.addWidget(self.warning)
        side.addWidget(self.profile)
        side.addStretch(1)
        self.done = button("", self.done_requested.emit, primary=True)
        side.addWidget(self.done, 0, Qt.AlignmentFlag.AlignRight)
        row.addLayout(side, 1)
        self.outer.addLayout(row, 1)
        self._code: tuple[QPixmap, str, str] | None = None  # QR, SM-DP+, matching id
        self._concealed = False

    def render(self, state: Ready) -> None:
        self.done.setText(self.tr("I'm done"))
        if state.sim_type is SimType.ESIM and state.code is not None:
            code = state.code
            self.title.setText(self.tr("Your eSIM is ready"))
            self.subtitle.setText(self.tr("Scan this code with the new phone's camera. It works "
                                          "once: keep it to yourself."))
            side = max(300, min(620, int(self.window().height() * 0.42)))
            self._code = (QPixmap.fromImage(qr_image(code.text, side)), code.smdp_address,
                          code.matching_id)
            self._put_code()
            self.steps.setText(self.tr("iPhone: Settings → Mobile Service → Add eSIM → Use QR "
                                       "Code.\nAndroid: Settings → Network → SIMs → Add eSIM → "
                                       "Scan QR code."))
            self.manual_title.setText(self.tr("Can't scan? Enter it by hand:"))
            self.smdp_label.setText(self.tr("SM-DP+ address"))
            self.code_label.setText(self.tr("Activation code"))
            self.warning.setText(self.tr("⚠ Your phone will ask for a confirmation code: staff "
                                         "will give it to you.")
                                 if code.confirmation_code_required else "")
            if state.activates_on_first_use:
                self.profile.setText(self.tr("Your plan starts when you first use it."))
            elif state.profile in (ESimProfileStatus.INSTALLED, ESimProfileStatus.ENABLED):
                self.profile.setText(self.tr("✔ The eSIM is installed on the phone."))
            else:
                self.profile.setText("")
        else:
            self.title.setText(self.tr("Your SIM is active"))
            self.subtitle.setText(self.tr("Your phone is ready to use."))
            self._code = None
            self._put_code()
            self.steps.setText(self.tr("1. Make sure the SIM card is in the phone.\n"
                                       "2. Restart the phone.\n3. After a minute you should see "
                                       "the network name at the top."))
            self.warning.setText("")
            self.profile.setText(self.tr("Your number: %1").replace("%1", state.phone_number)
                                 if state.phone_number else "")

    def conceal(self) -> None:
        """Take the QR and the code off the page, before the idle countdown is drawn over it.

        Holds until `reveal()` or `clear()`, also for a `render()` meanwhile: a Ready that
        arrives during the countdown is not shown to whoever walks up to the kiosk.
        """
        self._concealed = True
        self._put_code()

    def reveal(self) -> None:
        """The customer is still here: show the code again, if this visit still has one."""
        self._concealed = False
        self._put_code()

    def _put_code(self) -> None:
        # Emptied as well as hidden: nothing of the code stays in a label's text or pixmap.
        code = None if self._concealed else self._code
        if code is not None:
            pixmap, smdp, matching_id = code
            self.qr.setPixmap(pixmap)
            self.smdp.setText(smdp)
            self.code.setText(matching_id)
        else:
            self.qr.clear()
            self.smdp.setText("")
            self.code.setText("")
        for w in (self.qr, self.manual_title, self.smdp_label, self.code_label, self.smdp,
                  self.code):
            w.setVisible(code is not None)

    def clear(self) -> None:
        self._code = None
        self._concealed = False
        self._put_code()
        for w in (self.warning, self.profile):
            w.setText("")


class PendingPage(Page):
    done_requested = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.reference = label("", "Mono")
        self.reference.setAccessibleName(self.tr("Your reference"))
        self.outer.addWidget(self.reference)
        self.outer.addStretch(1)
        self.done = button("", self.done_requested.emit, primary=True)
        self.outer.addWidget(self.done, 0, Qt.AlignmentFlag.AlignRight)

    def render(self, state: PendingInBackground) -> None:
        self.title.setText(self.tr("We'll finish this in the background"))
        self.subtitle.setText(self.tr("The network is taking longer than usual. Your SIM will "
                                      "activate by itself; nothing more is charged. If it is "
                                      "not working within an hour, show staff this reference:"))
        self.reference.setText(state.reference)
        self.done.setText(self.tr("OK"))

    def clear(self) -> None:
        self.reference.setText("")


class ErrorPage(Page):
    retry_requested = Signal()
    restart_requested = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.what_to_do = label("", "Big")
        self.outer.addWidget(self.what_to_do)
        self.outer.addStretch(1)
        row = QHBoxLayout()
        self.restart = button("", self.restart_requested.emit)
        self.retry = button("", self.retry_requested.emit, primary=True)
        row.addWidget(self.restart)
        row.addStretch(1)
        row.addWidget(self.retry)
        self.outer.addLayout(row)

    def render(self, error: KioskError, can_retry: bool) -> None:
        self.title.setText(self.tr("Sorry, something went wrong"))
        self.subtitle.setText(message(error.user_message))
        self.what_to_do.setText(message(error.what_to_do))
        self.restart.setText(self.tr("Start again"))
        self.retry.setText(self.tr("Try again"))
        self.retry.setVisible(can_retry)

