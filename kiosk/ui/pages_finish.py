"""The last pages: activating, ready (eSIM QR or SIM card), pending, errors, operator."""

from __future__ import annotations

from PySide6.QtCore import QEasingCurve, QLocale, QPropertyAnimation, Qt, Signal
from PySide6.QtGui import QImage
from PySide6.QtWidgets import (
    QBoxLayout, QGridLayout, QHBoxLayout, QLabel, QProgressBar, QVBoxLayout,
)

from kiosk.flow.errors import KioskError
from kiosk.flow.states import PendingInBackground, Provisioning, Ready, Step
from kiosk.gigs.models import DeviceType, ESimProfileStatus, SimType
from kiosk.ui import formatting as fmt
from kiosk.ui.icons import icon
from kiosk.ui.qr import QrView, qr_image
from kiosk.ui.widgets import message
from kiosk.ui.widgets import Page, Timeline, button, label

STEPS = [Step.ORDER_PLACED, Step.SUBSCRIPTION_CREATED, Step.SIM_PROVISIONING, Step.ACTIVE]


class ActivatingPage(Page):
    def __init__(self) -> None:
        super().__init__()
        self.timeline = Timeline(len(STEPS))
        self.progress = QProgressBar()
        self.progress.setRange(0, 100 * len(STEPS))
        # The bar glides to each new step: movement that says something happened.
        self.glide = QPropertyAnimation(self.progress, b"value", self)
        self.glide.setDuration(450)
        self.glide.setEasingCurve(QEasingCurve.Type.OutCubic)
        self.progress.setTextVisible(False)
        self.progress.setAccessibleName(self.tr("Progress"))
        self.words = label("", "Subtitle")
        self.elapsed = label("", "Hint")
        self.outer.addWidget(self.progress)
        self.outer.addWidget(self.timeline)
        self.outer.addWidget(self.words)
        self.outer.addWidget(self.elapsed)
        self.outer.addStretch(1)

    def render(self, state: object, seconds: float) -> None:
        self.title.setText(self.tr("Activating your SIM"))
        self.subtitle.setText(self.tr("Please stay here. This usually takes under a minute."))
        # What each step is while it runs, and once it is done: never ticked before it is.
        steps = [(self.tr("Placing your order…"), self.tr("Order placed")),
                 (self.tr("Setting up your plan…"), self.tr("Plan set up")),
                 (self.tr("Assigning your SIM…"), self.tr("SIM assigned")),
                 (self.tr("The network is activating your SIM…"), self.tr("SIM active"))]
        done = 0
        if isinstance(state, Provisioning):
            done = next((n for n, step in enumerate(STEPS) if step not in state.done), len(STEPS))
        if isinstance(state, Ready):
            done = len(STEPS)
        self.timeline.show_steps(steps, done)
        if self.glide.endValue() != 100 * done:
            self.glide.stop()
            self.glide.setStartValue(self.progress.value())
            self.glide.setEndValue(100 * done)
            self.glide.start()
        self.words.setText([self.tr("Sending your order to the network…"),
                            self.tr("Your order is placed. Your plan is being set up…"),
                            self.tr("Your plan is set up. A SIM is being assigned to it…"),
                            self.tr("Your SIM is assigned. The network is switching it on…"),
                            self.tr("Done. Your SIM is active.")][done])
        self.elapsed.setText(self.tr("Time so far: %1 s").replace("%1", str(int(seconds))))

    def clear(self) -> None:
        self.glide.stop()
        self.glide.setEndValue(0)
        self.progress.setValue(0)


class ReadyPage(Page):
    done_requested = Signal()

    def __init__(self) -> None:
        super().__init__()
        row = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        self.body = row
        self.qr = QrView()
        self.qr.setAccessibleName(self.tr("eSIM QR code"))
        row.addWidget(self.qr, 1)
        side = QVBoxLayout()
        self.steps = label("", "Hint")
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
        self._code: tuple[QImage, str, str] | None = None  # QR, SM-DP+, matching id
        self._concealed = False

    def _how_to_install(self, kind: DeviceType | None) -> tuple[str, str]:
        """(Where to scan, the menu path) for the device in the customer's hands."""
        if kind in (DeviceType.SMARTWATCH, DeviceType.WEARABLE):
            # A watch has no camera for this: its paired phone adds the plan.
            return (self.tr("Scan this code with the phone your watch is paired with. It works "
                            "once: keep it to yourself."),
                    self.tr("Apple Watch: on the paired iPhone, Watch app → Mobile Service → Add "
                            "plan.\nOther watches: in the watch's app on the phone, add a mobile "
                            "plan and scan the code."))
        if kind is DeviceType.TABLET:
            return (self.tr("Scan this code with the new tablet's camera. It works once: keep "
                            "it to yourself."),
                    self.tr("iPad: Settings → Mobile Data → Add eSIM → Use QR Code.\nAndroid "
                            "tablet: Settings → Network → SIMs → Add eSIM → Scan QR code."))
        return (self.tr("Scan this code with the new phone's camera. It works once: keep it to "
                        "yourself."),
                self.tr("iPhone: Settings → Mobile Service → Add eSIM → Use QR Code.\nAndroid: "
                        "Settings → Network → SIMs → Add eSIM → Scan QR code."))

    def render(self, state: Ready, kind: DeviceType | None = None) -> None:
        self.done.setText(self.tr("I'm done"))
        if state.sim_type is SimType.ESIM and state.code is not None:
            code = state.code
            self.title.setText(self.tr("Your eSIM is ready"))
            where, steps = self._how_to_install(kind)
            self.subtitle.setText(where)
            self._code = (qr_image(code.text, 0), code.smdp_address, code.matching_id)
            self._put_code()
            self.steps.setText(steps)
            self.manual_title.setText(self.tr("Can't scan? Enter it by hand:"))
            self.smdp_label.setText(self.tr("SM-DP+ address"))
            self.code_label.setText(self.tr("Activation code"))
            # The API gives no confirmation code: promise nothing the kiosk cannot show.
            self.warning.setText(self.tr("⚠ It will ask for a confirmation code, which this "
                                         "kiosk cannot show. Please ask staff before you scan.")
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
            self.profile.setText(self.tr("Your number: %1").replace(
                "%1", fmt.phone_number(state.phone_number, QLocale(self.locale())))
                                 if state.phone_number else "")
        for w in (self.warning, self.profile):  # an empty line takes no room on a small screen
            w.setVisible(bool(w.text()))

    def resizeEvent(self, event: object) -> None:  # type: ignore[override]
        portrait = self.height() > self.width()
        self.body.setDirection(QBoxLayout.Direction.TopToBottom if portrait
                               else QBoxLayout.Direction.LeftToRight)
        super().resizeEvent(event)  # type: ignore[arg-type]

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
            image, smdp, matching_id = code
            self.qr.set_image(image)
            self.smdp.setText(smdp)
            self.code.setText(matching_id)
        else:
            self.qr.set_image(None)
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
        row = QHBoxLayout()
        mark = QLabel()
        mark.setPixmap(icon("warning", 72, "#8a0000"))
        mark.setFixedSize(76, 76)
        mark.setAccessibleName(self.tr("Problem"))
        row.addWidget(mark, 0, Qt.AlignmentFlag.AlignTop)
        row.addWidget(self.what_to_do, 1)
        self.outer.addLayout(row)
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

