"""The operator's panel behind the PIN: the settings tabs and Save; the other tabs in operator_*."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from PySide6.QtCore import QCoreApplication, QEvent, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QDoubleSpinBox, QGridLayout, QHBoxLayout, QLabel, QLineEdit, QPushButton,
    QTabWidget, QVBoxLayout, QWidget,
)
from shiboken6 import isValid

from kiosk.config import KioskConfig, hash_pin
from kiosk.pinlock import new_pin_problem
from kiosk.connect import connection_secret
from kiosk.ui.operator_check import test_connection
from kiosk.ui.operator_join import join_fleet
from kiosk.ui.operator_payments import PaymentTab
from kiosk.ui.operator_tabs import ActivationsTab, DiagnosticsTab
from kiosk.ui.services import OperatorServices
from kiosk.ui.staff_widgets import show_status
from kiosk.ui.widgets import button, label, wipe

SETTINGS_TABS = 4  # connection, payment, kiosk, camera: Save is for these
PREVIEW_HEIGHT = 240  # a 16:9 picture that leaves the camera tab unscrolled at 768 px


class OperatorPanel(QWidget):
    """The settings in four short tabs (each fits a 1366x768 screen without scrolling), then
    diagnostics and activations. Save and its message sit below the settings tabs."""

    saved = Signal()

    def __init__(self, services: OperatorServices) -> None:
        super().__init__()
        self.services = services
        self.config = services.store.load()
        self.labels: dict[QWidget, QLabel] = {}
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        self.tabs = QTabWidget()
        # Six tabs side by side fit 1080 px (portrait) in German at this size.
        self.tabs.setStyleSheet("QTabBar::tab { padding: 0 14px; font-size: 18pt; }")
        self.tabs.addTab(self._connection_tab(), "")
        # The checks run on the settings as typed, so a shop can check before saving.
        typed = lambda: (self.edited(), self._key())  # noqa: E731
        self.payments = PaymentTab(services, typed, lambda: self.config.payment_method)
        self.payment = self.payments.field
        self.tabs.addTab(self.payments, "")
        self.tabs.addTab(self._kiosk_tab(), "")
        self.tabs.addTab(self._camera_tab(), "")
        self.diagnostics = DiagnosticsTab(services, lambda: self.config, typed)
        self.activations = ActivationsTab(services)
        self.tabs.addTab(self.diagnostics, "")
        self.tabs.addTab(self.activations, "")
        box.addWidget(self.tabs, 1)
        self.footer = QWidget()
        row = QHBoxLayout(self.footer)
        row.setContentsMargins(0, 0, 0, 0)
        self.settings_message = label("", "Hint")
        self.save_button = button("", self.on_save_clicked, primary=True)
        row.addWidget(self.settings_message, 1)
        row.addWidget(self.save_button, 0, Qt.AlignmentFlag.AlignBottom)
        box.addWidget(self.footer)
        self.tabs.currentChanged.connect(self._show_footer)
        self.retranslate()
        self.show_config(self.config)

    # -- tabs ---------------------------------------------------------------------------------

    def _grid(self, tab: QWidget, rows: list[list[tuple[QWidget, int]]]) -> QGridLayout:
        """Label and field pairs, two to a row on every screen the kiosk supports."""
        grid = QGridLayout(tab)
        grid.setHorizontalSpacing(16)
        for r, fields in enumerate(rows):
            column = 0
            for widget, span in fields:
                if widget in self.labels:
                    grid.addWidget(self.labels[widget], r, column)
                    column += 1
                # A button as wide as its text, not as the fields above it.
                align = Qt.AlignmentFlag.AlignLeft if isinstance(widget, QPushButton) else \
                    Qt.AlignmentFlag(0)
                grid.addWidget(widget, r, column, 1, span, align)
                column += span
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 1)
        grid.setRowStretch(len(rows), 1)
        return grid

    def _labelled(self, *widgets: QWidget) -> None:
        for widget in widgets:
            self.labels[widget] = label("", wrap=False)

    def _connection_tab(self) -> QWidget:
        tab = QWidget()
        self.api_mode = QComboBox()
        self.api_mode.addItems(["sandbox", "live", "gateway"])
        self.api_url, self.project = QLineEdit(), QLineEdit()
        self.api_key = QLineEdit()
        self.api_key.setEchoMode(QLineEdit.EchoMode.Password)
        self.idempotency = QCheckBox()
        self.test_button = button("", self.on_test)
        # Joining a fleet: the gateway's URL is the API URL above, the code goes here.
        self.join_code = QLineEdit()
        self.join_code.setMaxLength(40)
        self.join_button = button("", self.on_join)
        self._labelled(self.api_mode, self.project, self.api_url, self.api_key, self.join_code)
        self._grid(tab, [[(self.api_mode, 1), (self.project, 1)], [(self.api_url, 3)],
                         [(self.api_key, 1), (self.idempotency, 2)],
                         [(self.join_code, 1), (self.join_button, 1)], [(self.test_button, 2)]])
        return tab

    def _kiosk_tab(self) -> QWidget:
        tab = QWidget()
        self.idle, self.countdown, self.deadline = QDoubleSpinBox(), QDoubleSpinBox(), QDoubleSpinBox()
        for spin, top in ((self.idle, 3600), (self.countdown, 120), (self.deadline, 3600)):
            spin.setRange(0, top)
            spin.setDecimals(0)
            spin.setProperty("osk", "digits")  # the on-screen keyboard's number pad
        self.language = QComboBox()
        self.language.addItems(["en", "de"])
        self.new_pin, self.confirm_pin = QLineEdit(), QLineEdit()
        for pin in (self.new_pin, self.confirm_pin):
            pin.setEchoMode(QLineEdit.EchoMode.Password)
            pin.setProperty("osk", "digits")
        self._labelled(self.idle, self.countdown, self.deadline, self.language, self.new_pin,
                       self.confirm_pin)
        self._grid(tab, [[(self.idle, 1), (self.countdown, 1)],
                         [(self.deadline, 1), (self.language, 1)],
                         [(self.new_pin, 1), (self.confirm_pin, 1)]])
        return tab

    def _camera_tab(self) -> QWidget:
        tab = QWidget()
        box = QVBoxLayout(tab)
        row = QHBoxLayout()
        self.camera = QComboBox()
        self.camera.setEditable(True)
        self._labelled(self.camera)
        self.preview_button = button("", self.toggle_preview)
        row.addWidget(self.labels[self.camera])
        row.addWidget(self.camera, 1)
        row.addWidget(self.preview_button)
        box.addLayout(row)
        self.camera_preview = label("", "Hint")
        self.camera_preview.setFixedHeight(0)
        self._preview_camera: Any = None
        box.addWidget(self.camera_preview)
        box.addStretch(1)
        return tab

    def retranslate(self) -> None:
        for n, title in enumerate((self.tr("Connection"), self.tr("Payment"), self.tr("Kiosk"),
                                   self.tr("Camera"), self.tr("Diagnostics"),
                                   self.tr("Activations"))):
            self.tabs.setTabText(n, title)
        names = {self.api_mode: self.tr("API"), self.api_url: self.tr("API URL"),
                 self.project: self.tr("Project"), self.api_key: self.tr("API key"),
                 self.idle: self.tr("Idle time (s)"), self.countdown: self.tr("Countdown (s)"),
                 self.deadline: self.tr("Activation deadline (s)"),
                 self.camera: self.tr("Camera"), self.language: self.tr("Language"),
                 self.new_pin: self.tr("New PIN"), self.confirm_pin: self.tr("Repeat the PIN"),
                 self.join_code: self.tr("Enrolment code")}
        for widget, text in names.items():
            self.labels[widget].setText(text)
            widget.setAccessibleName(text)
        self.idempotency.setText(self.tr("Send idempotency keys"))
        self.idempotency.setAccessibleName(self.tr("Idempotency keys"))
        self.test_button.setText(self.tr("Test connection"))
        self.join_button.setText(self.tr("Join a fleet"))
        self.join_button.setAccessibleName(self.tr("Join a fleet"))
        self.join_code.setPlaceholderText(self.tr("from the gateway, e.g. 7K3M-Q9TX-2HPW"))
        self.save_button.setText(self.tr("Save"))
        self.preview_button.setText(self.tr("Preview camera"))
        self.api_key.setPlaceholderText(self.tr("stored (type to replace)")
                                        if self.services.store.api_key() is not None
                                        else self.tr("not set"))
        for tab in (self.payments, self.diagnostics, self.activations):
            tab.retranslate()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def _show_footer(self, index: int) -> None:
        self.footer.setVisible(index < SETTINGS_TABS)

    def setCurrentWidget(self, widget: QWidget) -> None:
        self.tabs.setCurrentWidget(widget)

    def scrollables(self) -> list[QWidget]:
        """The lists that may scroll: payment methods, check results, activations, places."""
        return [*self.payments.scrollables(), *self.diagnostics.scrollables(),
                *self.activations.scrollables()]

    def show_config(self, config: KioskConfig) -> None:
        self.api_mode.setCurrentText(config.api_mode)
        self.api_url.setText(config.api_url or "")
        self.project.setText(config.project or "")
        wipe(self.api_key)  # never shown back, not even by Ctrl+Z
        stored = self.services.store.api_key() is not None
        self.api_key.setPlaceholderText(self.tr("stored (type to replace)") if stored
                                        else self.tr("not set"))
        self.idempotency.setChecked(config.idempotency_keys)
        self.payment.setText(config.payment_method or "")  # marks the list's rows again
        self.idle.setValue(config.idle_seconds)
        self.countdown.setValue(config.countdown_seconds)
        self.deadline.setValue(config.deadline)
        self.camera.clear()
        self.camera.addItems(self.services.cameras())
        self.camera.setCurrentText(config.camera)
        self.language.setCurrentText(config.language)
        wipe(self.new_pin)
        wipe(self.confirm_pin)
        wipe(self.join_code)

    def edited(self) -> KioskConfig:
        return replace(
            self.config, api_mode=self.api_mode.currentText(),
            api_url=self.api_url.text().strip() or None, project=self.project.text().strip() or None,
            idempotency_keys=self.idempotency.isChecked(),
            payment_method=self.payment.text().strip() or None,
            idle_seconds=self.idle.value(), countdown_seconds=self.countdown.value(),
            deadline=self.deadline.value(), camera=self.camera.currentText().strip() or "0",
            language=self.language.currentText())

    def _key(self) -> str | None:
        """The secret for the API as typed: the kiosk token in gateway mode (never the key)."""
        return connection_secret(self.services.store, self.api_mode.currentText(),
                                 self.api_key.text().strip())

    def on_join(self) -> None:
        """Join the fleet at the typed URL with the typed code; the code field is wiped."""
        url, code = self.api_url.text(), self.join_code.text()
        wipe(self.join_code)

        async def go() -> None:
            ok, message = await join_fleet(self.services.store, url, code)
            if not isValid(self):
                return
            if ok:
                self.config = self.services.store.load()
                self.show_config(self.config)
            show_status(self.settings_message, "ok" if ok else "error", message)

        self.services.run(go())

    def on_test(self) -> None:
        async def go() -> None:
            ok, message = await test_connection(self.edited(), self._key())
            if isValid(self):
                show_status(self.settings_message, "ok" if ok else "error", message)

        self.services.run(go())

    def on_load_payments(self) -> None:
        self.payments.load()

    def toggle_preview(self) -> None:
        """A live picture from the chosen camera, to check it before saving."""
        if self._preview_camera is not None:
            self.stop_preview()
            return
        if self.services.open_camera is None:
            return
        from PySide6.QtGui import QPixmap

        camera = self.services.open_camera(self.camera.currentText().strip() or "0")
        self.camera_preview.setFixedHeight(PREVIEW_HEIGHT)
        camera.preview_ready.connect(lambda image: self.camera_preview.setPixmap(
            QPixmap.fromImage(image).scaledToHeight(PREVIEW_HEIGHT,
                                                    Qt.TransformationMode.SmoothTransformation)))
        camera.state_changed.connect(lambda state, message: self.camera_preview.setText(message)
                                     if state != "running" else None)
        camera.start()
        self._preview_camera = camera

    def stop_preview(self) -> None:
        camera, self._preview_camera = self._preview_camera, None
        if camera is not None:
            camera.stop()
            camera.deleteLater()
        self.camera_preview.clear()
        self.camera_preview.setFixedHeight(0)

    def hideEvent(self, event: Any) -> None:
        self.stop_preview()
        super().hideEvent(event)

    def on_save_clicked(self) -> None:
        """Live settings are saved only once the API accepts them (a 401 is said as such)."""
        config = self.edited()
        if config.api_mode != "live" or config.problems():
            self.on_save()
            return

        async def go() -> None:
            ok, message = await test_connection(config, self._key())
            if not isValid(self):
                return
            if not ok:
                show_status(self.settings_message, "error", message + self.tr(": not saved"))
                return
            self.on_save()

        self.services.run(go())

    def on_save(self) -> bool:
        config = self.edited()
        problems = dict(config.problems())
        pin, again = self.new_pin.text(), self.confirm_pin.text()
        if pin or again:
            problem = new_pin_problem(pin, again)  # the rule of the forced change, too
            if problem:
                problems["pin"] = {"differ": self.tr("the two PINs differ"),
                                   "default": self.tr("not the default PIN"),
                                   "one_digit": self.tr("not one digit repeated"),
                                   }.get(problem, self.tr("a PIN has 4 to 12 digits"))
            else:
                config = replace(config, pin_hash=hash_pin(pin))
        if problems:
            show_status(self.settings_message, "error",
                        "; ".join(f"{k}: {v}" for k, v in problems.items()))
            return False
        self.services.store.save(config)
        key = self.api_key.text().strip()
        if key:
            self.services.store.set_api_key(key)
        self.config = config
        self.show_config(config)
        self.payments.mark_rows()
        show_status(self.settings_message, "ok", self.tr("✔ Saved. Restart the kiosk to use the "
                                                         "new API settings."))
        self.saved.emit()
        return True


def panel_for(window: Any) -> OperatorPanel:
    """The panel for a kiosk window: its diagnostics and its task runner."""

    def diagnostics() -> dict[str, Any]:
        stats = window.camera_stats
        camera = (QCoreApplication.translate("OperatorPanel", "%1 frames/s, decoding %2 ms")
                  .replace("%1", f"{stats['fps']:.1f}").replace("%2", f"{stats['decode_ms']:.0f}")
                  if stats else QCoreApplication.translate(
                      "OperatorPanel", "not running (it runs on the scan page only)"))
        return {"camera": camera, "GUI event-loop lag": f"p99 {window.lag.p99():.1f} ms"}

    services = window.services.operator
    services.diagnostics = diagnostics
    services.run = window.run
    panel = OperatorPanel(services)
    panel.activations.refresh()
    return panel
