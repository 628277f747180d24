"""The operator's page behind the PIN: settings here; diagnostics and activations in operator_tabs."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QDoubleSpinBox, QFormLayout, QHBoxLayout, QLineEdit, QTabWidget, QWidget,
)

from kiosk.config import KioskConfig, hash_pin
from kiosk.gigs import GigsError
from kiosk.pinlock import new_pin_problem
from kiosk.ui.services import OperatorServices
from kiosk.ui.operator_tabs import (
    ActivationsTab, DiagnosticsTab, api_settings, refused, test_connection,
)
from kiosk.ui.widgets import button, label, wipe


class OperatorPanel(QTabWidget):
    saved = Signal()

    def __init__(self, services: OperatorServices) -> None:
        super().__init__()
        self.services = services
        self.config = services.store.load()
        self.addTab(self._settings_tab(), self.tr("Settings"))
        # The project check runs on the settings as typed, so a shop can check before saving.
        self.diagnostics = DiagnosticsTab(services, lambda: self.config,
                                          lambda: (self.edited(), self._key()))
        self.activations = ActivationsTab(services)
        self.addTab(self.diagnostics, self.tr("Diagnostics"))
        self.addTab(self.activations, self.tr("Activations"))
        self.show_config(self.config)

    # -- settings ---------------------------------------------------------------------------

    def _settings_tab(self) -> QWidget:
        tab = QWidget()
        form = QFormLayout(tab)
        self.api_mode = QComboBox()
        self.api_mode.addItems(["sandbox", "live"])
        self.api_url, self.project = QLineEdit(), QLineEdit()
        self.api_key = QLineEdit()
        self.api_key.setEchoMode(QLineEdit.EchoMode.Password)
        self.idempotency = QCheckBox(self.tr("Send idempotency keys"))
        self.payment = QComboBox()
        self.payment.setEditable(True)
        self.idle, self.countdown, self.deadline = QDoubleSpinBox(), QDoubleSpinBox(), QDoubleSpinBox()
        for spin, top in ((self.idle, 3600), (self.countdown, 120), (self.deadline, 3600)):
            spin.setRange(0, top)
            spin.setDecimals(0)
        self.camera = QComboBox()
        self.camera.setEditable(True)
        self.camera_preview = label("", "Hint")
        self.camera_preview.setFixedHeight(0)
        self._preview_camera: Any = None
        self.language = QComboBox()
        self.language.addItems(["en", "de"])
        self.new_pin, self.confirm_pin = QLineEdit(), QLineEdit()
        for pin in (self.new_pin, self.confirm_pin):
            pin.setEchoMode(QLineEdit.EchoMode.Password)
        rows = [(self.tr("API"), self.api_mode), (self.tr("API URL"), self.api_url),
                (self.tr("Project"), self.project), (self.tr("API key"), self.api_key),
                ("", self.idempotency), (self.tr("Payment method"), self.payment),
                (self.tr("Idle seconds"), self.idle), (self.tr("Countdown seconds"), self.countdown),
                (self.tr("Provisioning deadline (s)"), self.deadline),
                (self.tr("Camera"), self.camera), ("", self.camera_preview),
                (self.tr("Language"), self.language),
                (self.tr("New PIN"), self.new_pin), (self.tr("Repeat the PIN"), self.confirm_pin)]
        for text, widget in rows:
            widget.setAccessibleName(text or self.tr("Idempotency keys"))
            form.addRow(text, widget)
        self.settings_message = label("", "Error")
        form.addRow(self.settings_message)
        row = QHBoxLayout()
        self.test_button = button(self.tr("Test connection"), self.on_test)
        self.load_payments = button(self.tr("Load payment methods"), self.on_load_payments)
        self.save_button = button(self.tr("Save"), self.on_save_clicked, primary=True)
        self.preview_button = button(self.tr("Preview camera"), self.toggle_preview)
        row.addWidget(self.test_button)
        row.addWidget(self.preview_button)
        row.addWidget(self.load_payments)
        row.addStretch(1)
        row.addWidget(self.save_button)
        form.addRow(row)
        return tab

    def show_config(self, config: KioskConfig) -> None:
        self.api_mode.setCurrentText(config.api_mode)
        self.api_url.setText(config.api_url or "")
        self.project.setText(config.project or "")
        wipe(self.api_key)  # never shown back, not even by Ctrl+Z
        stored = self.services.store.api_key() is not None
        self.api_key.setPlaceholderText(self.tr("stored (type to replace)") if stored
                                        else self.tr("not set"))
        self.idempotency.setChecked(config.idempotency_keys)
        self.payment.setCurrentText(config.payment_method or "")
        self.idle.setValue(config.idle_seconds)
        self.countdown.setValue(config.countdown_seconds)
        self.deadline.setValue(config.deadline)
        self.camera.clear()
        self.camera.addItems(self.services.cameras())
        self.camera.setCurrentText(config.camera)
        self.language.setCurrentText(config.language)
        wipe(self.new_pin)
        wipe(self.confirm_pin)

    def edited(self) -> KioskConfig:
        return replace(
            self.config, api_mode=self.api_mode.currentText(),
            api_url=self.api_url.text().strip() or None, project=self.project.text().strip() or None,
            idempotency_keys=self.idempotency.isChecked(),
            payment_method=self.payment.currentText().split(" ")[0].strip() or None,
            idle_seconds=self.idle.value(), countdown_seconds=self.countdown.value(),
            deadline=self.deadline.value(), camera=self.camera.currentText().strip() or "0",
            language=self.language.currentText())

    def _key(self) -> str | None:
        return self.api_key.text().strip() or self.services.store.api_key()

    def on_test(self) -> None:
        async def go() -> None:
            ok, message = await test_connection(self.edited(), self._key())
            self.settings_message.setText(("✔ " if ok else "✘ ") + message)

        self.services.run(go())

    def on_load_payments(self) -> None:
        async def go() -> None:
            from kiosk.connect import make_client

            config = self.edited()
            why = refused(config)
            if why:
                self.settings_message.setText("✘ " + why)
                return
            client = make_client(api_settings(config, self._key()))
            try:
                methods = await client.list_payment_methods()
            except GigsError as exc:
                self.settings_message.setText(f"✘ {type(exc).__name__}")
                return
            finally:
                await client.aclose()
            self.payment.clear()
            self.payment.addItems([f"{m.id} ({m.brand or m.type.value} {m.last4 or ''})".strip()
                                   for m in methods])

        self.services.run(go())

    def toggle_preview(self) -> None:
        """A live picture from the chosen camera, to check it before saving."""
        if self._preview_camera is not None:
            self.stop_preview()
            return
        if self.services.open_camera is None:
            return
        from PySide6.QtCore import Qt
        from PySide6.QtGui import QPixmap

        camera = self.services.open_camera(self.camera.currentText().strip() or "0")
        self.camera_preview.setFixedHeight(270)
        camera.preview_ready.connect(lambda image: self.camera_preview.setPixmap(
            QPixmap.fromImage(image).scaledToHeight(270, Qt.TransformationMode.SmoothTransformation)))
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
            if not ok:
                self.settings_message.setText("✘ " + message + self.tr(": not saved"))
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
            self.settings_message.setText("✘ " + "; ".join(f"{k}: {v}" for k, v in problems.items()))
            return False
        self.services.store.save(config)
        key = self.api_key.text().strip()
        if key:
            self.services.store.set_api_key(key)
        self.config = config
        self.show_config(config)
        self.settings_message.setText(self.tr("✔ Saved. Restart the kiosk to use the new API "
                                              "settings."))
        self.saved.emit()
        return True


def panel_for(window: Any) -> OperatorPanel:
    """The panel for a kiosk window: its diagnostics and its task runner."""

    def diagnostics() -> dict[str, Any]:
        stats = window.camera_stats
        camera = (f"{stats['fps']:.1f} frames/s, decoding {stats['decode_ms']:.0f} ms"
                  if stats else "not running (it runs on the scan page only)")
        return {"camera": camera, "GUI event-loop lag": f"p99 {window.lag.p99():.1f} ms"}

    services = window.services.operator
    services.diagnostics = diagnostics
    services.run = window.run
    panel = OperatorPanel(services)
    panel.activations.refresh()
    return panel
