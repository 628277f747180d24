"""Exports go where staff tap: a USB stick, this computer, another folder; a failure loses nothing."""

from __future__ import annotations

import csv
import errno
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QFileDialog

from kiosk.exports import Destination
from tests.ui.test_operator import panel  # noqa: F401 (the fixture)


def places(tmp_path: Path) -> list[Destination]:
    stick, home = tmp_path / "media" / "pat" / "KINGSTON", tmp_path / "home"
    stick.mkdir(parents=True)
    home.mkdir()
    return [Destination("usb", "KINGSTON", stick, 14_200_000_000),
            Destination("usb", "OLD", tmp_path / "media" / "pat" / "OLD", 1000, "read_only"),
            Destination("downloads", "home", home, 50_000_000_000)]


def tap(chooser: Any, row: int) -> None:
    rect = chooser.list.visualItemRect(chooser.list.item(row))
    QTest.mouseClick(chooser.list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def journal_with_one(panel: Any) -> Any:  # noqa: F811
    journal = panel.services.journal
    act = journal.begin(target="t", mode="orders", sim_type="eSIM", imei_masked="35850731******3")
    journal.update(act.id, status="active", order_id="ord_1")
    return act


def test_export_offers_the_sticks_and_writes_where_tapped(panel: Any, tmp_path: Path) -> None:  # noqa: F811
    act = journal_with_one(panel)
    tab = panel.activations
    panel.setCurrentWidget(tab)
    found = places(tmp_path)
    tab.chooser.find = lambda: found
    QTest.mouseClick(tab.export_button, Qt.MouseButton.LeftButton)
    chooser = tab.chooser
    assert chooser.isVisible() and chooser.list.count() == 3
    assert chooser.list.item(0).text().startswith("USB stick KINGSTON · 14.2 GB free")
    assert "cannot be written to" in chooser.list.item(1).text()
    assert not chooser.list.item(1).flags() & Qt.ItemFlag.ItemIsEnabled
    tap(chooser, 1)  # the read-only stick: nothing happens
    assert chooser.isVisible() and not list(found[0].path.iterdir())
    tap(chooser, 0)
    assert not chooser.isVisible()
    written = list(found[0].path.iterdir())
    assert len(written) == 1 and written[0].name.startswith("activations-")
    assert [r["reference"] for r in csv.DictReader(written[0].open())] == [act.reference]
    assert str(written[0]) in tab.message.text() and tab.message.objectName() == "Success"


def test_a_full_stick_is_one_line_and_nothing_is_lost(panel: Any, tmp_path: Path,  # noqa: F811
                                                      monkeypatch: Any) -> None:
    act = journal_with_one(panel)
    tab = panel.activations
    panel.setCurrentWidget(tab)
    found = places(tmp_path)
    tab.chooser.find = lambda: found
    journal = panel.services.journal
    real = journal.export_csv

    def full(path: Path, rows: Any = None) -> int:
        real(path)  # half a file, then the stick is full
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(journal, "export_csv", full)
    tab.choose_export_place()
    tap(tab.chooser, 0)
    assert tab.chooser.isVisible()  # still open: choose another place
    line = tab.chooser.error.text()
    assert line.startswith("✘ Not exported to") and "disk is full" in line and "\n" not in line
    assert list(found[0].path.iterdir()) == []  # no half file left on the stick
    monkeypatch.setattr(journal, "export_csv", real)
    tap(tab.chooser, 2)  # this computer: the same data, whole
    written = list(found[2].path.iterdir())
    assert [r["reference"] for r in csv.DictReader(written[0].open())] == [act.reference]


def test_another_folder_by_a_touch_dialog_that_does_not_block(panel: Any, tmp_path: Path,  # noqa: F811
                                                              qtbot: Any) -> None:
    journal_with_one(panel)
    tab = panel.activations
    panel.setCurrentWidget(tab)
    tab.chooser.find = lambda: places(tmp_path)
    tab.choose_export_place()
    QTest.mouseClick(tab.chooser.other, Qt.MouseButton.LeftButton)  # returns at once: no exec()
    dialog = tab.chooser.dialog
    assert isinstance(dialog, QFileDialog) and dialog.isVisible()
    assert dialog.testOption(QFileDialog.Option.DontUseNativeDialog)
    assert dialog.fileMode() == QFileDialog.FileMode.Directory
    other = tmp_path / "elsewhere"
    other.mkdir()
    dialog.fileSelected.emit(str(other))
    assert [p.suffix for p in other.iterdir()] == [".csv"]
    assert not tab.chooser.isVisible() and str(other) in tab.message.text()
    qtbot.waitUntil(lambda: tab.chooser.dialog is None, timeout=2000)


def test_cancel_writes_nothing(panel: Any, tmp_path: Path) -> None:  # noqa: F811
    tab = panel.activations
    panel.setCurrentWidget(tab)
    found = places(tmp_path)
    tab.chooser.find = lambda: found
    tab.choose_export_place()
    QTest.mouseClick(tab.chooser.cancel, Qt.MouseButton.LeftButton)
    assert not tab.chooser.isVisible()
    assert all(not d.path.exists() or not list(d.path.iterdir()) for d in found)


def test_no_stick_says_so(panel: Any) -> None:  # noqa: F811
    tab = panel.activations
    tab.chooser.find = lambda: [Destination("downloads", "Downloads", Path.home(), None)]
    tab.choose_export_place()
    assert tab.chooser.list.count() == 2 and "Downloads" in tab.chooser.list.item(0).text()
    assert "No USB stick found" in tab.chooser.list.item(1).text()


def test_the_support_bundle_goes_through_the_same_chooser(panel: Any, tmp_path: Path) -> None:  # noqa: F811
    tab = panel.diagnostics
    panel.setCurrentWidget(tab)
    found = places(tmp_path)
    tab.chooser.find = lambda: found
    QTest.mouseClick(tab.bundle_button, Qt.MouseButton.LeftButton)
    tap(tab.chooser, 0)
    written = list(found[0].path.iterdir())
    assert len(written) == 1 and written[0].suffix == ".zip"
    assert str(written[0]) in tab.bundle_message.text()
