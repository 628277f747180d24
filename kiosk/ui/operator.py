"""The operator's page behind the PIN: settings, diagnostics, activations."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QDoubleSpinBox, QFormLayout, QHBoxLayout, QLineEdit, QTableWidget,
    QTableWidgetItem, QTabWidget, QVBoxLayout, QWidget,
)

from kiosk import __version__
from kiosk.config import ConfigStore, KioskConfig, api_url_problem, hash_pin
from kiosk.gigs import AuthenticationError, GigsClient, GigsError
from kiosk.journal import OPEN, Journal
from kiosk.pinlock import new_pin_problem
from kiosk.settings import ApiSettings
from kiosk.ui.widgets import button, label, wipe


@dataclass
class OperatorServices:
    store: ConfigStore
    journal: Journal
    resume: Callable[[Any], None] = lambda activation: None
    diagnostics: Callable[[], dict[str, Any]] = dict
    cameras: Callable[[], list[str]] = lambda: ["demo", "0"]
    #: Opens a camera by its setting ("demo", an index, a file): for the live preview.
    open_camera: Callable[[str], Any] | None = None
    bundle_dir: Path = field(default_factory=Path.home)
    run: Callable[[Awaitable[Any]], Any] = asyncio.ensure_future


def api_settings(config: KioskConfig, key: str | None) -> ApiSettings:
    """The connection these (possibly unsaved) settings describe."""
    if config.api_mode == "sandbox":
        return ApiSettings()
    return ApiSettings(api_url=config.api_url, project=config.project, token=key,
                       idempotency_keys=config.idempotency_keys)


def refused(config: KioskConfig) -> str | None:
    """The one line to show when these settings' URL may not have the key (Save's own rule)."""
    problem = api_url_problem(config.api_url)
    return f"Nothing sent, the key stays here: {problem}" if problem else None


async def test_connection(config: KioskConfig, key: str | None) -> tuple[bool, str]:
    """Reach the configured API once; a 401 is reported as such. A URL Save refuses gets nothing."""
    why = refused(config)
    if why:
        return False, why
    from kiosk.connect import make_client

    client: GigsClient = make_client(api_settings(config, key))
    started = time.perf_counter()
    try:
        plans = await client.list_plans(status="available")
        ms = (time.perf_counter() - started) * 1000
        return True, f"Connected: {len(plans)} plans on sale ({ms:.0f} ms)"
    except AuthenticationError:
        return False, "API key rejected (401)"
    except GigsError as exc:
        return False, f"Cannot use the API: {type(exc).__name__}"
    finally:
        await client.aclose()


class OperatorPanel(QTabWidget):
    saved = Signal()

    def __init__(self, services: OperatorServices) -> None:
        super().__init__()
        self.services = services
        self.config = services.store.load()
        self.addTab(self._settings_tab(), self.tr("Settings"))
        self.addTab(self._diagnostics_tab(), self.tr("Diagnostics"))
        self.addTab(self._activations_tab(), self.tr("Activations"))
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

    # -- diagnostics ----------------------------------------------------------------------------

    def _diagnostics_tab(self) -> QWidget:
        tab = QWidget()
        box = QVBoxLayout(tab)
        self.diagnostics = label("", "Hint")
        box.addWidget(self.diagnostics)
        row = QHBoxLayout()
        row.addWidget(button(self.tr("Refresh"), self.refresh_diagnostics))
        row.addWidget(button(self.tr("Make a support bundle"), self.make_bundle))
        row.addStretch(1)
        box.addLayout(row)
        self.bundle_message = label("", "Hint")
        box.addWidget(self.bundle_message)
        box.addStretch(1)
        return tab

    def refresh_diagnostics(self) -> None:
        facts = {"version": __version__,
                 "journal": f"{self.services.journal.size_bytes() / 1024:.0f} KiB, "
                            f"{len(self.services.journal.unfinished())} unfinished",
                 **self.services.diagnostics()}

        async def api() -> None:
            _, message = await test_connection(self.config, self.services.store.api_key())
            facts["API"] = message
            self.diagnostics.setText("\n".join(f"{k}: {v}" for k, v in facts.items()))

        self.diagnostics.setText("\n".join(f"{k}: {v}" for k, v in facts.items()))
        self.services.run(api())

    def make_bundle(self) -> Path:
        from kiosk.support import make_bundle

        path = self.services.bundle_dir / time.strftime("kiosk-support-%Y%m%d-%H%M%S.zip")
        make_bundle(path, config=self.config, journal=self.services.journal,
                    diagnostics=self.services.diagnostics())
        self.bundle_message.setText(self.tr("Support bundle written to %1").replace("%1", str(path)))
        return path

    # -- activations ----------------------------------------------------------------------------

    def _activations_tab(self) -> QWidget:
        tab = QWidget()
        box = QVBoxLayout(tab)
        self.table = QTableWidget(0, 6)
        self.table.setHorizontalHeaderLabels([
            self.tr("Reference"), self.tr("Status"), self.tr("IMEI"), self.tr("SIM"),
            self.tr("Order / subscription"), self.tr("Updated")])
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setStyleSheet("QTableWidget { font-size: 15pt; }")
        box.addWidget(self.table, 1)
        row = QHBoxLayout()
        row.addWidget(button(self.tr("Refresh"), self.refresh_activations))
        row.addWidget(button(self.tr("Resume pending"), self.resume_pending))
        row.addWidget(button(self.tr("Export CSV"), self.export_activations))
        row.addStretch(1)
        box.addLayout(row)
        self.activations_message = label("", "Hint")
        box.addWidget(self.activations_message)
        return tab

    def refresh_activations(self) -> None:
        rows = self.services.journal.activations()
        rows.sort(key=lambda a: (a.status not in OPEN, -a.created_at))  # pending first
        self.table.setRowCount(len(rows))
        for n, a in enumerate(rows):
            values = [a.reference, a.status, a.imei_masked or "", a.sim_type or "",
                      a.order_id or a.subscription_id or "",
                      time.strftime("%Y-%m-%d %H:%M", time.localtime(a.updated_at))]
            for column, value in enumerate(values):
                self.table.setItem(n, column, QTableWidgetItem(value))

    def resume_pending(self) -> None:
        pending = self.services.journal.unfinished()
        for activation in pending:
            self.services.resume(activation)
        self.activations_message.setText(self.tr("Resuming %1 activation(s)").replace(
            "%1", str(len(pending))))

    def export_activations(self) -> Path:
        path = self.services.bundle_dir / time.strftime("activations-%Y%m%d-%H%M%S.csv")
        count = self.services.journal.export_csv(path)
        self.activations_message.setText(self.tr("Exported %1 activation(s) to %2").replace(
            "%1", str(count)).replace("%2", str(path)))
        return path


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
    panel.refresh_activations()
    return panel
