"""The kiosk window: header, pages, routing of flow states, idle reset, operator entry."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Coroutine
from typing import Any, ClassVar

from PySide6.QtCore import QLocale, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QApplication, QFrame, QMainWindow, QScrollArea, QStackedWidget, QVBoxLayout,
    QWidget,
)

from kiosk.flow import Flow
from kiosk.flow.errors import KioskError
from kiosk.flow.states import (
    AlreadySubscribed, Cancelled, ChoosingPlan, DeviceFound, EnteringCustomer, ExistingStatus,
    Failed, FlowState, Idle, LookingUp, NotRegistered, NoUsableSim, PendingInBackground, Placing,
    Provisioning, Ready, Review,
)
from kiosk.scan.qt_camera import QtCamera
from kiosk.scan.wedge import make_filter
from kiosk.ui.pages_choose import CustomerPage, DevicePage, PlanPage, ReviewPage
from kiosk.ui.pages_finish import ActivatingPage, ErrorPage, PendingPage, ReadyPage
from kiosk.ui.pages_staff import OperatorPage
from kiosk.ui.pages_start import ScanPage, WelcomePage
from kiosk.ui.header import Header, fit
from kiosk.ui.window_camera import CameraControl
from kiosk.ui.idle import CountdownOverlay, IdleWatch
from kiosk.ui.osk import KeyboardDock, OnScreenKeyboard
from kiosk.ui.services import Services
from kiosk.ui.probe import LagProbe
from kiosk.ui.widgets import Page

log = logging.getLogger("kiosk.ui")


class KioskWindow(CameraControl, QMainWindow):
    page_shown = Signal(str)
    exit_requested = Signal()

    def __init__(self, services: Services) -> None:
        super().__init__()
        self.services = services
        self.setWindowTitle("SIM kiosk")
        self._tasks: set[asyncio.Task[Any]] = set()
        self.flow = services.make_flow()
        self._unsubscribe = self.flow.subscribe(self.on_flow_state)
        self.camera: QtCamera | None = None
        self._intents: dict[str, asyncio.Task[Any]] = {}  # one running task per intent
        self.language = "en"

        root = QWidget()
        layout = QVBoxLayout(root)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        self.header = Header(self.toggle_language)
        layout.addWidget(self.header)
        self.stack = QStackedWidget()
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(root)
        self._root_layout = layout

        self.welcome, self.scan = WelcomePage(), ScanPage()
        self.device, self.plans = DevicePage(), PlanPage()
        self.customer, self.review = CustomerPage(), ReviewPage()
        self.activating, self.ready = ActivatingPage(), ReadyPage()
        self.pending, self.error = PendingPage(), ErrorPage()
        self.operator = OperatorPage(services.check_pin, self._operator_panel
                                     if services.operator is not None else None)
        self.lag = LagProbe()
        self.camera_stats: dict[str, float] = {}
        self.pages: dict[str, Page] = {
            "welcome": self.welcome, "scan": self.scan, "device": self.device, "plan": self.plans,
            "customer": self.customer, "review": self.review, "activating": self.activating,
            "ready": self.ready, "pending": self.pending, "error": self.error,
            "operator": self.operator}
        # Each page scrolls on its own: the stack then no longer takes the tallest page's size,
        # and a page that cannot fit a small screen scrolls instead of pushing the window out.
        self.scrolls: dict[str, QScrollArea] = {}
        for name, page in self.pages.items():
            scroll = QScrollArea()
            scroll.setWidget(page)
            scroll.setWidgetResizable(True)
            scroll.setFrameShape(QFrame.Shape.NoFrame)
            scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
            self.scrolls[name] = scroll
            self.stack.addWidget(scroll)
        self.scan.sound = services.sound
        # The on-screen keyboard (130 keys) is built once the window is on screen (showEvent):
        # the welcome page shows sooner, and nobody types before the details page.
        self.keyboard: OnScreenKeyboard | None = None
        self.osk: KeyboardDock | None = None
        self._wire()
        self.overlay = CountdownOverlay(self, self._still_here, self.restart)
        self.current = ""
        self.show_page("welcome")

    # -- wiring -------------------------------------------------------------------------------

    def _wire(self) -> None:
        f = self.flow_call
        self.welcome.start_requested.connect(lambda: self.show_page("scan"))
        self.scan.imei_typed.connect(lambda imei: self.submit([imei]))
        self.scan.back_requested.connect(self.restart)
        self.device.rescan_requested.connect(self.restart)
        self.device.next_requested.connect(lambda: f("next", lambda fl: fl.confirm_device()))
        self.device.sim_chosen.connect(lambda ref: f("next", lambda fl: fl.choose_sim(ref)))
        self.device.show_existing_requested.connect(
            lambda: f("existing", lambda fl: fl.show_existing()))
        self.plans.plan_chosen.connect(lambda pid: f("plan", lambda fl: fl.choose_plan(pid)))
        self.plans.back_requested.connect(lambda: f("back", lambda fl: fl.back()))
        self.customer.submitted.connect(lambda c: f("customer", lambda fl: fl.enter_customer(c)))
        self.customer.back_requested.connect(lambda: f("back", lambda fl: fl.back()))
        self.review.confirmed.connect(self._confirmed)
        self.review.back_requested.connect(lambda: f("back", lambda fl: fl.back()))
        self.ready.done_requested.connect(self.restart)
        self.pending.done_requested.connect(self.restart)
        self.error.retry_requested.connect(lambda: f("retry", lambda fl: fl.retry()))
        self.error.restart_requested.connect(self.restart)
        self.operator.exit_requested.connect(self._operator_exit)
        self.operator.close_requested.connect(self.restart)
        self.wedge = make_filter(self.on_wedge_scan)
        app = QApplication.instance()
        assert app is not None
        app.installEventFilter(self.wedge)
        self.idle = IdleWatch(self, self.services.idle_seconds, self._idle_expired)
        app.installEventFilter(self.idle)
        self.elapsed_timer = QTimer(self)
        self.elapsed_timer.setInterval(1000)
        self.elapsed_timer.timeout.connect(self._tick_activating)
        self._ready_timer = QTimer(self)
        self._ready_timer.setSingleShot(True)
        self._ready_timer.timeout.connect(self._ready_due)
        self._taps: list[float] = []

    def run(self, coro: Coroutine[Any, Any, Any]) -> asyncio.Task[Any]:
        """Schedule a coroutine on the qasync loop, holding a reference until it ends."""
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    def flow_call(self, name: str, intent: Callable[[Flow], Coroutine[Any, Any, Any]]) -> None:
        """Send an intent, unless the same one is still running (a double tap is one tap).

        The flow itself ignores an intent its page does not accept (a second Confirm meets
        the Placing page the first one made synchronously); this keeps the task count flat.
        """
        running = self._intents.get(name)
        if running is not None and not running.done():
            return
        self._intents[name] = self.run(intent(self.flow))

    def _confirmed(self) -> None:
        self.review.set_busy(True)  # no second tap while the order is being placed
        self.flow_call("confirm", lambda fl: fl.confirm())

    # -- pages ------------------------------------------------------------------------------------

    STEP_OF: ClassVar[dict[str, int]] = {
        "scan": 0, "device": 1, "plan": 2, "customer": 3, "review": 4, "activating": 5,
               "ready": 5, "pending": 5}

    def show_page(self, name: str) -> None:
        if name != "scan" and self.current == "scan":
            self.stop_camera()
        page = self.pages[name]
        page.retranslate()
        self.stack.setCurrentWidget(self.scrolls[name])
        self.current = name
        self.setWindowTitle(self.tr("SIM kiosk"))
        self.header.show_step(self.STEP_OF.get(name), self.language)
        if name == "scan":
            self.start_camera()
        if name == "operator":
            self.operator.render()
        (self.elapsed_timer.start if name == "activating" else self.elapsed_timer.stop)()
        self.page_shown.emit(name)

    def on_flow_state(self, state: FlowState) -> None:
        locale = QLocale(self.language)
        if isinstance(state, (Idle, Cancelled)):
            return
        if isinstance(state, LookingUp):
            self.scan.guidance.setText(self.tr("Looking up your phone…"))
            return
        if isinstance(state, ChoosingPlan):
            self.plans.render(state, locale)
            self.show_page("plan")
        elif isinstance(state, (DeviceFound, AlreadySubscribed, ExistingStatus, NotRegistered,
                                NoUsableSim)):
            if isinstance(state, DeviceFound):  # the ready page tells how to install on it
                model = state.device.model
                self._device_kind = model.type if model is not None else None
            self.device.render(state)
            self.show_page("device")
        elif isinstance(state, EnteringCustomer):
            self.customer.render(state)
            self.show_page("customer")
        elif isinstance(state, Review):
            self.review.render(state, locale)
            self.review.set_busy(False)
            self.show_page("review")
        elif isinstance(state, (Placing, Provisioning)):
            self._activating_state = state
            self._activating_since = getattr(self, "_activating_since", None) or time.monotonic()
            self.activating.render(state, time.monotonic() - self._activating_since)
            if self.current != "activating":
                self.show_page("activating")
        elif isinstance(state, Ready):
            if self.current == "activating" and self._activating_since is not None:
                # The finished timeline stays a moment: a fast eSIM no longer flashes past.
                shown = time.monotonic() - self._activating_since
                self._activating_state = state
                self.activating.render(state, shown)
                if not self._ready_timer.isActive():
                    wait = max(self.MIN_ACTIVATING_S - shown, self.DONE_MOMENT_S)
                    self._ready_timer.start(int(wait * 1000))
                return
            self._show_ready(state)
        elif isinstance(state, PendingInBackground):
            self.pending.render(state)
            self.show_page("pending")
        elif isinstance(state, Failed):
            self.show_error(state.error, state.can_retry)

    MIN_ACTIVATING_S = 2.5  # the activating page, at least, so its steps can be read
    DONE_MOMENT_S = 0.8  # every step ticked, before the code shows

    def _show_ready(self, state: Ready) -> None:
        self._activating_since = None
        self.ready.render(state, self._device_kind)
        if self.current != "ready":
            self.show_page("ready")

    def _ready_due(self) -> None:
        state = self.flow.state
        if isinstance(state, Ready) and self.current == "activating":
            self._show_ready(state)

    def show_error(self, error: KioskError, can_retry: bool = False) -> None:
        self.error.render(error, can_retry)
        self.show_page("error")

    def _tick_activating(self) -> None:
        state = getattr(self, "_activating_state", None)
        if state is not None and self._activating_since is not None:
            self.activating.render(state, time.monotonic() - self._activating_since)

    # -- resets, idle, language, operator ------------------------------------------------------------

    def restart(self) -> None:
        """Back to the welcome page: the session's flow is cancelled, every page forgets it."""
        self.run(self.reset())

    async def reset(self) -> None:
        self.stop_camera()
        self.overlay.stop()
        self._ready_timer.stop()
        await self.flow.reset()  # an activation still provisioning goes on in the background
        for page in self.pages.values():
            page.clear()
        self._activating_since = None
        self._activating_state = None
        self._device_kind = None
        self.show_page("welcome")
        # The next customer meets the kiosk's own language, not the last customer's.
        if self.services.default_language not in (None, self.language):
            self.toggle_language()

    def build_keyboard(self) -> None:
        """Dock the on-screen keyboard below the page, for whichever text field has focus."""
        if self.keyboard is not None:
            return
        self.keyboard = OnScreenKeyboard()
        self.keyboard.hide()
        self._root_layout.addWidget(self.keyboard)
        for key in self.keyboard.findChildren(QWidget):  # styled now, not when first shown
            key.ensurePolished()
        self.osk = KeyboardDock(self, self.keyboard, ensure_visible=self._keep_in_view)
        self.osk.set_language(self.language)

    def _keep_in_view(self, field: QWidget) -> None:
        scroll = self.scrolls.get(self.current)
        if scroll is not None:
            scroll.ensureWidgetVisible(field, 0, 24)

    def allowed_scrolls(self) -> tuple[QWidget, ...]:
        """Lists that may scroll (the operator's tables); never a customer's page."""
        scrollables = getattr(self.operator, "scrollables", None)
        return tuple(scrollables()) if scrollables is not None else ()

    def _operator_panel(self) -> Any:
        from kiosk.ui.operator import panel_for

        return panel_for(self)

    def _operator_exit(self) -> None:
        self.allow_close = True
        self.exit_requested.emit()

    def _still_here(self) -> None:
        self.overlay.stop()
        self.ready.reveal()
        self.idle.poke()

    def _idle_expired(self) -> None:
        if self.current == "welcome" or self.overlay.isVisible():
            return
        self.ready.conceal()  # the code and QR go before the countdown is drawn over them
        self.overlay.start(int(self.services.countdown_seconds))

    def toggle_language(self) -> None:
        self.language = "de" if self.language == "en" else "en"
        self.services.set_language(self.language)
        if self.osk is not None:
            self.osk.set_language(self.language)
        self.show_page(self.current)
        if self.current not in ("welcome", "scan", "operator"):
            self.on_flow_state(self.flow.state)

    def mousePressEvent(self, event: Any) -> None:
        """Five taps in the top-left corner within 3 s open the operator page."""
        if event.position().x() < 80 and event.position().y() < 80:
            now = time.monotonic()
            self._taps = [t for t in self._taps if now - t < 3.0] + [now]
            if len(self._taps) >= 5:
                self._taps = []
                self.stop_camera()
                self.show_page("operator")
        super().mousePressEvent(event)

    allow_close = False

    def closeEvent(self, event: Any) -> None:
        """No way out without the operator PIN (Alt+F4 under a window manager included)."""
        if self.allow_close or self.services.windowed:
            event.accept()
        else:
            event.ignore()

    _compact: bool | None = None
    _device_kind: Any = None  # the DeviceType of this visit's device

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        if self.keyboard is None:
            QTimer.singleShot(50, self.build_keyboard)

    def resizeEvent(self, event: Any) -> None:
        compact = self.height() < 900
        if compact != self._compact:
            self._compact = compact
            fit(self, self.pages.values(), compact)
        self.overlay.setGeometry(self.rect())
        super().resizeEvent(event)

    async def shutdown(self) -> None:
        """Stop the camera, cancel the session and its tasks; safe if Qt deleted widgets first."""
        import shiboken6

        camera, self.camera = self.camera, None
        if camera is not None and shiboken6.isValid(camera):
            camera.stop()
        await self.flow.cancel()
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        app = QApplication.instance()
        if app is not None:
            for event_filter in (self.wedge, self.idle):
                if shiboken6.isValid(event_filter):
                    app.removeEventFilter(event_filter)
