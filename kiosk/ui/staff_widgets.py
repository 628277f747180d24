"""Widgets of the staff screens (operator panel, QA station): status lines and the export chooser."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QEvent, QLocale, QObject, Qt
from PySide6.QtWidgets import (
    QFileDialog, QFrame, QHBoxLayout, QLabel, QListWidget, QListWidgetItem, QVBoxLayout, QWidget,
)

from kiosk.exports import Destination, ExportError, find_destinations, write_export
from kiosk.ui.formatting import data_size
from kiosk.ui.widgets import button, label

_LOOK = {"ok": ("✔ ", "Success"), "warning": ("⚠ ", "Warning"), "error": ("✘ ", "Error"),
         "": ("", "Hint")}


def show_status(widget: QLabel, verdict: str, text: str) -> None:
    """A status line in its colour *and* with its mark: "ok" (✔ green), "warning" (⚠ amber),
    "error" (✘ red) or "" (a plain hint). A text that already has its mark keeps it."""
    mark, name = _LOOK[verdict]
    if widget.objectName() != name:
        widget.setObjectName(name)
        widget.style().unpolish(widget)
        widget.style().polish(widget)
    widget.setText(text if not mark or text.startswith(mark.strip()) else mark + text)


def verdict_of(label_: QLabel) -> str:
    return next((v for v, (_, name) in _LOOK.items() if name == label_.objectName()), "")


#: (folder) -> the written file; raises ExportError. What an export writes is the caller's.
Writer = Callable[[Path], Path]


def file_writer(name_pattern: str, write: Callable[[Path], object]) -> Writer:
    """A writer for `kiosk.exports.write_export`: `name_pattern` goes through strftime."""
    return lambda folder: write_export(folder, time.strftime(name_pattern), write)


class ExportChooser(QFrame):
    """Where an export goes, chosen with a finger: each USB stick, this computer's folder,
    another folder (a non-native, non-blocking file dialog). It covers its host until a file
    is written or staff cancel; a failure is one line in it, and nothing is lost (the data is
    still in the journal or batch; choose another place)."""

    def __init__(self, host: QWidget, writer: Writer, on_written: Callable[[Path], None], *,
                 find: Callable[[], list[Destination]] | None = None) -> None:
        super().__init__(host)
        self.setObjectName("ExportBackdrop")
        self.setStyleSheet("#ExportBackdrop { background: rgba(11, 31, 58, 150); }")
        self.host, self.writer, self.on_written = host, writer, on_written
        self.find = find or find_destinations
        self.destinations: list[Destination] = []
        self.dialog: QFileDialog | None = None
        self.box = QVBoxLayout(self)
        panel = QFrame()
        panel.setObjectName("Panel")
        inner = QVBoxLayout(panel)
        self.title = label("", "Big")
        self.list = QListWidget()
        self.list.setWordWrap(True)
        self.list.setStyleSheet("QListWidget { font-size: 18pt; } "
                                "QListWidget::item { padding: 12px; min-height: 56px; }")
        self.list.itemClicked.connect(self._on_item)
        self.error = label("", "Error")
        row = QHBoxLayout()
        self.other = button("", self.choose_folder)
        self.cancel = button("", self.close_chooser)
        row.addWidget(self.other)
        row.addStretch(1)
        row.addWidget(self.cancel)
        inner.addWidget(self.title)
        inner.addWidget(self.list, 1)
        inner.addWidget(self.error)
        inner.addLayout(row)
        self.box.addWidget(panel, 1)
        host.installEventFilter(self)
        self.retranslate()
        self.hide()

    def retranslate(self) -> None:
        self.title.setText(self.tr("Where should the file go?"))
        self.other.setText(self.tr("Another folder…"))
        self.cancel.setText(self.tr("Cancel"))
        self.list.setAccessibleName(self.tr("Places to save to"))
        if not self.isHidden():
            self._fill()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.host and event.type() == QEvent.Type.Resize:
            self._cover()
        return False

    def _cover(self) -> None:
        """The whole host, with the list at most 1000 px wide in its middle."""
        self.setGeometry(self.host.rect())
        side = max(24, (self.host.width() - 1000) // 2)
        self.box.setContentsMargins(side, 16, side, 16)

    # -- choosing -------------------------------------------------------------------------------

    def open(self) -> None:
        self.error.setText("")
        self.destinations = self.find()
        self._fill()
        self._cover()
        self.show()
        self.raise_()

    def _fill(self) -> None:
        self.list.clear()
        for d in self.destinations:
            item = QListWidgetItem(self.describe(d))
            item.setData(Qt.ItemDataRole.UserRole, str(d.path))
            if not d.usable:
                item.setFlags(Qt.ItemFlag.NoItemFlags)  # shown (the stick was found), not offered
            self.list.addItem(item)
        if not any(d.kind == "usb" for d in self.destinations):
            hint = QListWidgetItem(self.tr("No USB stick found: plug one in and tap Export "
                                           "again, or choose a folder."))
            hint.setFlags(Qt.ItemFlag.NoItemFlags)
            self.list.addItem(hint)

    def describe(self, d: Destination) -> str:
        kind = {"usb": self.tr("USB stick %1"), "downloads": self.tr("This computer: %1"),
                "folder": self.tr("This computer: %1")}.get(d.kind, "%1").replace("%1", d.name)
        free = (self.tr("%1 free").replace("%1", data_size(d.free_bytes, QLocale()))
                if d.free_bytes is not None else "")
        first = " · ".join(p for p in (kind, free) if p)
        if not d.usable:
            first += " · " + self.tr("✘ cannot be written to")
        return f"{first}\n{d.path}"

    def _on_item(self, item: QListWidgetItem) -> None:
        path = item.data(Qt.ItemDataRole.UserRole)
        if path and item.flags() & Qt.ItemFlag.ItemIsEnabled:
            self.write(Path(path))

    def choose_folder(self) -> None:
        """A folder picker that works by touch and does not block the event loop (open(), not
        exec(): the kiosk's coroutines keep running)."""
        start = next((d.path for d in self.destinations if d.usable), Path.home())
        dialog = QFileDialog(self.window(), self.tr("Choose a folder for the export"), str(start))
        dialog.setFileMode(QFileDialog.FileMode.Directory)
        dialog.setOption(QFileDialog.Option.ShowDirsOnly, True)
        dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.fileSelected.connect(lambda folder: self.write(Path(folder)))
        dialog.finished.connect(lambda _result: setattr(self, "dialog", None))
        window = self.window().size()
        dialog.resize(max(window.width() - 80, 640), max(window.height() - 80, 480))
        self.dialog = dialog
        dialog.open()

    def write(self, folder: Path) -> Path | None:
        try:
            path = self.writer(folder)
        except ExportError as exc:
            if self.isHidden():
                self.open()  # staff choose another place from here
            self.error.setText(self.failure(exc))
            return None
        self.close_chooser()
        self.on_written(path)
        return path

    def failure(self, exc: ExportError) -> str:
        why = {"full": self.tr("the disk is full"),
               "read_only": self.tr("this folder cannot be written to"),
               "gone": self.tr("the folder is gone (was the stick pulled out?)"),
               }.get(exc.kind, exc.detail or self.tr("the file could not be written"))
        return self.tr("✘ Not exported to %1: %2. Nothing is lost: choose another place.").replace(
            "%1", str(exc.folder)).replace("%2", why)

    def close_chooser(self) -> None:
        if self.dialog is not None:
            self.dialog.reject()
        self.hide()

