"""The operator panel's diagnostics tab (with "Check this project") and its activations tab."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import (
    QHBoxLayout, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget,
)

from kiosk import __version__
from kiosk.config import KioskConfig
from kiosk.journal import OPEN
from kiosk.connect import connection_secret
from kiosk.ui.operator_check import Connection, ProjectCheck, test_connection
from kiosk.ui.staff_widgets import ExportChooser, file_writer, show_status
from kiosk.ui.widgets import button, label


class Retranslated(QWidget):
    """A tab that sets its texts again when the language changes."""

    def retranslate(self) -> None:
        """Set every fixed text (in the language installed now)."""

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)


class DiagnosticsTab(Retranslated):
    """What the kiosk knows about itself (left) and what it learns from the API (right)."""

    def __init__(self, services: Any, config: Callable[[], KioskConfig],
                 connection: Connection) -> None:
        super().__init__()
        self.services, self.config = services, config
        self._facts: dict[str, str] = {}
        row = QHBoxLayout(self)
        row.setSpacing(24)
        left = QVBoxLayout()
        self.facts = label("", "Hint")
        self.refresh_button = button("", self.refresh)
        self.bundle_button = button("", self.choose_bundle_place)
        self.bundle_message = label("", "Hint")
        left.addWidget(self.facts)
        left.addWidget(self.refresh_button, 0, Qt.AlignmentFlag.AlignLeft)
        left.addWidget(self.bundle_button, 0, Qt.AlignmentFlag.AlignLeft)
        left.addWidget(self.bundle_message)
        left.addStretch(1)
        self.project = ProjectCheck(services, connection)
        row.addLayout(left, 1)
        row.addWidget(self.project, 1)
        self.chooser = ExportChooser(self, file_writer(
            "kiosk-support-%Y%m%d-%H%M%S.zip", self._write_bundle), self._bundle_written)
        self.retranslate()

    def retranslate(self) -> None:
        self.refresh_button.setText(self.tr("Refresh"))
        self.bundle_button.setText(self.tr("Make a support bundle"))
        self._show_facts()

    def refresh(self) -> None:
        journal = self.services.journal
        self._facts = {"version": __version__,
                       "journal": self.tr("%1 KiB, %2 unfinished").replace(
                           "%1", f"{journal.size_bytes() / 1024:.0f}").replace(
                           "%2", str(len(journal.unfinished()))),
                       **self.services.diagnostics()}

        async def api() -> None:
            config = self.config()
            _, message = await test_connection(config, connection_secret(
                self.services.store, config.api_mode))
            self._facts["API"] = message
            self._show_facts()

        self._show_facts()
        self.services.run(api())

    def _show_facts(self) -> None:
        names = {"version": self.tr("Version"), "journal": self.tr("Journal"),
                 "camera": self.tr("Camera"), "GUI event-loop lag": self.tr("Screen lag"),
                 "API": self.tr("API")}
        self.facts.setText("\n".join(f"{names.get(k, k)}: {v}" for k, v in self._facts.items()))

    def choose_bundle_place(self) -> None:
        self.chooser.open()

    def _write_bundle(self, path: Path) -> None:
        from kiosk.support import make_bundle

        make_bundle(path, config=self.config(), journal=self.services.journal,
                    diagnostics=self.services.diagnostics())

    def _bundle_written(self, path: Path) -> None:
        show_status(self.bundle_message, "ok", self.tr("Support bundle written to %1").replace(
            "%1", str(path)))

    def make_bundle(self, folder: Path | None = None) -> Path | None:
        """Write a bundle to `folder` (the services' bundle folder by default), as a tap on a
        place in the chooser does; None when it could not be written (the line says why)."""
        return self.chooser.write(folder or self.services.bundle_dir)

    def scrollables(self) -> list[QWidget]:
        return [self.project.results, self.chooser.list]


class ActivationsTab(Retranslated):
    COLUMNS = 6

    def __init__(self, services: Any) -> None:
        super().__init__()
        self.services = services
        box = QVBoxLayout(self)
        self.table = QTableWidget(0, self.COLUMNS)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setStyleSheet("QTableWidget { font-size: 15pt; }")
        self.table.verticalHeader().setVisible(False)
        box.addWidget(self.table, 1)
        row = QHBoxLayout()
        self.refresh_button = button("", self.refresh)
        self.resume_button = button("", self.resume_pending)
        self.export_button = button("", self.choose_export_place)
        for b in (self.refresh_button, self.resume_button, self.export_button):
            row.addWidget(b)
        row.addStretch(1)
        box.addLayout(row)
        self.message = label("", "Hint")
        box.addWidget(self.message)
        self.chooser = ExportChooser(self, file_writer(
            "activations-%Y%m%d-%H%M%S.csv", self._write_csv), self._exported)
        self._exported_count = 0
        self.retranslate()

    def retranslate(self) -> None:
        self.table.setHorizontalHeaderLabels([
            self.tr("Reference"), self.tr("Status"), self.tr("IMEI"), self.tr("SIM"),
            self.tr("Order / subscription"), self.tr("Updated")])
        self.fit_columns()
        self.refresh_button.setText(self.tr("Refresh"))
        self.resume_button.setText(self.tr("Resume pending"))
        self.export_button.setText(self.tr("Export CSV"))

    def refresh(self) -> None:
        rows = self.services.journal.activations()
        rows.sort(key=lambda a: (a.status not in OPEN, -a.created_at))  # pending first
        self.table.setRowCount(len(rows))
        for n, a in enumerate(rows):
            values = [a.reference, a.status, a.imei_masked or "", a.sim_type or "",
                      a.order_id or a.subscription_id or "",
                      time.strftime("%Y-%m-%d %H:%M", time.localtime(a.updated_at))]
            for column, value in enumerate(values):
                self.table.setItem(n, column, QTableWidgetItem(value))
        self.fit_columns()

    def fit_columns(self) -> None:
        """Each column as wide as its title and its values: never "eferenc" for "Reference";
        a wide journal scrolls sideways instead (this table may scroll)."""
        self.table.resizeColumnsToContents()

    def resume_pending(self) -> None:
        pending = self.services.journal.unfinished()
        for activation in pending:
            self.services.resume(activation)
        show_status(self.message, "", self.tr("Resuming %1 activation(s)").replace(
            "%1", str(len(pending))))

    def choose_export_place(self) -> None:
        self.chooser.open()

    def _write_csv(self, path: Path) -> None:
        self._exported_count = self.services.journal.export_csv(path)

    def _exported(self, path: Path) -> None:
        show_status(self.message, "ok", self.tr("Exported %1 activation(s) to %2").replace(
            "%1", str(self._exported_count)).replace("%2", str(path)))

    def export(self, folder: Path | None = None) -> Path | None:
        """Write the CSV to `folder` (the services' bundle folder by default), as a tap on a
        place in the chooser does; None when it could not be written (the chooser says why)."""
        return self.chooser.write(folder or self.services.bundle_dir)

    def scrollables(self) -> list[QWidget]:
        return [self.table, self.chooser.list]
