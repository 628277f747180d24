"""The QA station through its real window: wedge scans, verdicts, duplicates, pairing, export."""

from __future__ import annotations

import asyncio
import csv
from pathlib import Path
from typing import Any

import pytest
from PySide6 import QtWidgets
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from kiosk.qa import QaRules
from kiosk.sandbox.seed import DEMO_IMEIS


@pytest.fixture
def station(qtbot: Any, qapp: Any, tmp_path: Path):  # type: ignore[no-untyped-def]
    import qasync

    from kiosk.connect import make_client
    from kiosk.settings import ApiSettings
    from kiosk.ui.qa_station import QaStation

    loop = qasync.QEventLoop(qapp, already_running=True)
    asyncio.set_event_loop(loop)
    client = make_client(ApiSettings())
    from kiosk.journal import Journal

    window = QaStation(client, QaRules(expect_sim_count=1, require_pairing=False),
                       export_dir=tmp_path, sound=False, journal=Journal(":memory:"))
    qtbot.addWidget(window)
    window.resize(1400, 800)
    window.show()
    window.setFocus()
    yield window
    task = asyncio.ensure_future(window.shutdown())
    qtbot.waitUntil(task.done)
    task = asyncio.ensure_future(client.aclose())
    qtbot.waitUntil(task.done)


def scan(qtbot: Any, window: Any, text: str) -> None:
    """A USB scanner: the digits at machine speed, then Enter."""
    QTest.keyClicks(window, text)
    QTest.keyClick(window, Qt.Key.Key_Return)
    qtbot.wait(10)


def cell(window: Any, row: int, column: int) -> str:
    item = window.table.item(row, column)
    return item.text() if item else ""


def test_wedge_scans_become_rows_with_verdicts(qtbot: Any, station: Any) -> None:
    kinds = ["psim", "esim", "active", "unregistered_psim", "nosim", "dual1", "psim"]
    for key in kinds:
        scan(qtbot, station, DEMO_IMEIS[key])
    qtbot.waitUntil(lambda: all(r.done for r in station.batch.rows) and
                    len(station.batch.rows) == len(kinds), timeout=10_000)
    marks = [cell(station, n, 1) for n in range(len(kinds))]
    assert marks == ["✔ PASS", "✔ PASS", "✘ FAIL", "✘ FAIL", "✘ FAIL", "✘ FAIL", "✘ FAIL"]
    assert "already active" in cell(station, 2, 2) and "not registered" in cell(station, 3, 2)
    assert cell(station, 6, 7) == "DUPLICATE" and "duplicate" in cell(station, 6, 2)
    assert "7 scanned" in station.counts.text() and "2 passed" in station.counts.text()
    saved = station.journal.qa_rows(station.batch_id)  # the batch is in the journal, masked
    assert len(saved) == 7 and saved[0]["imei_masked"] == DEMO_IMEIS["psim"][:8] + "******" + \
        DEMO_IMEIS["psim"][-1] and saved[6]["duplicate"] == 1


def test_every_seeded_device_kind_gets_its_verdict(qtbot: Any, station: Any) -> None:
    from kiosk.sandbox.seed import DEMO_DEVICES

    expected = {"esim": "PASS", "psim": "PASS", "dual1": "FAIL", "dual2": "FAIL",
                "active": "FAIL", "pending": "PASS", "delayed": "PASS", "watch": "PASS",
                "tablet": "PASS", "profile": "PASS", "nosim": "FAIL",
                "unregistered_esim": "FAIL", "unregistered_psim": "FAIL", "unknown": "FAIL"}
    assert set(expected) == {d.key for d in DEMO_DEVICES}
    for device in DEMO_DEVICES:
        scan(qtbot, station, device.imei)
    qtbot.waitUntil(lambda: len(station.batch.rows) == len(DEMO_DEVICES) and
                    all(r.done for r in station.batch.rows), timeout=10_000)
    got = {d.key: station.batch.rows[n].verdict.value for n, d in enumerate(DEMO_DEVICES)}
    assert got == expected


def test_iccid_scan_pairs_with_the_last_device(qtbot: Any, station: Any) -> None:
    station.rules = QaRules(require_pairing=True)
    station.start_new_batch()
    scan(qtbot, station, DEMO_IMEIS["psim"])
    qtbot.waitUntil(lambda: station.batch.rows and station.batch.rows[0].done, timeout=5000)
    assert cell(station, 0, 1) == "✘ FAIL"
    iccid = station.batch.rows[0].sims[0][1]
    scan(qtbot, station, iccid)
    qtbot.waitUntil(lambda: cell(station, 0, 1) == "✔ PASS", timeout=5000)
    assert station.last.text() == "SIM card paired" or "PASS" in station.last.text()
    scan(qtbot, station, "12345678")
    assert "Not an IMEI or ICCID" in station.last.text()


def test_export_content(qtbot: Any, station: Any) -> None:
    for key in ("psim", "unknown"):
        scan(qtbot, station, DEMO_IMEIS[key])
    qtbot.waitUntil(lambda: len(station.batch.rows) == 2 and all(r.done for r in station.batch.rows),
                    timeout=5000)
    path = station.export_csv()
    assert path is not None and path.parent == station.export_dir
    rows = list(csv.DictReader(path.open()))
    assert [r["imei"] for r in rows] == [DEMO_IMEIS["psim"], DEMO_IMEIS["unknown"]]
    assert [r["verdict"] for r in rows] == ["PASS", "FAIL"]
    assert str(path) in station.status.text()


def some_imeis(count: int) -> list[str]:
    """Valid IMEIs nobody registered: each is still a row (FAIL: not registered)."""
    from kiosk.scan.imei import luhn_check_digit

    payloads = [f"35{n:012d}" for n in range(1, count + 1)]
    return [p + luhn_check_digit(p) for p in payloads]


def test_twenty_scanner_imeis_200_ms_apart_give_twenty_rows(qtbot: Any, station: Any) -> None:
    imeis = some_imeis(20)
    for imei in imeis:
        QTest.keyClicks(station, imei)  # real key events through the station's key filter
        QTest.keyClick(station, Qt.Key.Key_Return)
        qtbot.wait(200)  # lookups complete and the table updates between scans
    qtbot.waitUntil(lambda: len(station.batch.rows) == 20 and
                    all(r.done for r in station.batch.rows), timeout=10_000)
    assert [cell(station, n, 3) for n in range(20)] == imeis
    assert station.table.rowCount() == 20


def test_a_slow_scanner_or_typing_by_hand_still_counts(qtbot: Any, station: Any) -> None:
    QTest.keyClicks(station, DEMO_IMEIS["psim"], Qt.KeyboardModifier.NoModifier, 60)
    QTest.keyClick(station, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: len(station.batch.rows) == 1 and station.batch.rows[0].done,
                    timeout=5000)
    assert cell(station, 0, 1) == "✔ PASS"


def test_garbage_gets_a_row_that_says_why(qtbot: Any, station: Any) -> None:
    scan(qtbot, station, "SHIPMENT-42 box")
    assert station.table.rowCount() == 1 and cell(station, 0, 1) == "✘ FAIL"
    assert "not an IMEI" in cell(station, 0, 2) and cell(station, 0, 3) == "SHIPMENT-42 box"
    assert "Not an IMEI or ICCID" in station.last.text()


def test_a_box_held_in_front_of_the_camera_for_20_s_is_one_row(qtbot: Any, station: Any) -> None:
    from types import SimpleNamespace

    now = [0.0]
    station.clock = lambda: now[0]
    station.start_new_batch()
    imei = DEMO_IMEIS["esim"]
    frame = SimpleNamespace(imeis=(imei,))
    for n in range(20 * 30):  # 20 s of frames; the camera's agreement accepts it every 3 s
        station.on_camera_detection(frame)
        if n % 90 == 0:
            station.on_camera_imeis([imei])
        now[0] += 1 / 30
    assert station.table.rowCount() == 1
    now[0] += 11.0  # put away and brought back after the window: a duplicate row
    station.on_camera_imeis([imei])
    assert station.table.rowCount() == 2 and cell(station, 1, 7) == "DUPLICATE"
    qtbot.waitUntil(lambda: all(r.done for r in station.batch.rows), timeout=5000)


# -- #13: the station fits every screen, and exports go where staff tap ---------------------------

def test_the_station_fits_every_screen_in_both_languages(qtbot: Any, qapp: Any,
                                                         station: Any) -> None:
    from kiosk.app import RESOURCES, Translations
    from tests.ui.conftest import assert_fits

    qapp.setStyleSheet((RESOURCES / "kiosk.qss").read_text())
    for key in ("psim", "unknown", "active"):  # long reasons, and the table's own scrolling
        scan(qtbot, station, DEMO_IMEIS[key])
    qtbot.waitUntil(lambda: all(r.done for r in station.batch.rows), timeout=10_000)
    translations = Translations(qapp)
    language = ["en"]

    def toggle() -> None:
        language[0] = "de" if language[0] == "en" else "en"
        translations.set(language[0])
        qtbot.wait(10)  # the LanguageChange event re-sets every text

    try:
        assert_fits(qtbot, station, toggle, allowed=tuple(station.scrollables()))
        toggle()
        assert station.export.text() == "CSV exportieren"
        assert station.table.horizontalHeaderItem(1).text() == "Ergebnis"
    finally:
        translations.set("en")
        qtbot.wait(10)
    assert station.export.text() == "Export CSV"


def test_export_goes_to_the_stick_staff_tap(qtbot: Any, station: Any, tmp_path: Path) -> None:
    from kiosk.exports import Destination

    scan(qtbot, station, DEMO_IMEIS["psim"])
    qtbot.waitUntil(lambda: station.batch.rows and station.batch.rows[0].done, timeout=5000)
    stick = tmp_path / "media" / "KINGSTON"
    stick.mkdir(parents=True)
    station.chooser.find = lambda: [Destination("usb", "KINGSTON", stick, 10**10),
                                    Destination("folder", "qa-exports", station.export_dir)]
    QTest.mouseClick(station.export, Qt.MouseButton.LeftButton)
    assert station.chooser.isVisible() and station.chooser.list.count() == 2
    rect = station.chooser.list.visualItemRect(station.chooser.list.item(0))
    QTest.mouseClick(station.chooser.list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    written = list(stick.iterdir())
    assert len(written) == 1 and written[0].name.startswith("qa-")
    assert [r["imei"] for r in csv.DictReader(written[0].open())] == [DEMO_IMEIS["psim"]]
    assert str(written[0]) in station.status.text() and station.status.objectName() == "Success"


def test_an_unwritable_folder_is_said_and_the_batch_stays(qtbot: Any, station: Any,
                                                          tmp_path: Path) -> None:
    scan(qtbot, station, DEMO_IMEIS["psim"])
    qtbot.waitUntil(lambda: station.batch.rows and station.batch.rows[0].done, timeout=5000)
    blocked = tmp_path / "a-file"
    blocked.write_text("a file where the folder should be")
    station.chooser.find = list
    assert station.export_csv(blocked / "sub") is None
    assert station.chooser.isVisible() and "Not exported to" in station.chooser.error.text()
    assert len(station.batch.rows) == 1  # nothing lost: export again elsewhere
    path = station.export_csv(tmp_path / "elsewhere")
    assert path is not None and path.exists()


def test_keys_typed_in_the_folder_dialog_are_not_scans(qtbot: Any, station: Any) -> None:
    station.chooser.find = list
    station.choose_export_place()
    station.chooser.choose_folder()
    dialog = station.chooser.dialog
    field = dialog.findChild(QtWidgets.QLineEdit)
    field.setFocus()
    QTest.keyClicks(field, "backup")
    assert field.text() == "backup" and station.batch.rows == []
    station.chooser.close_chooser()
