"""The pairing station through its real window, the real engine and the in-process sandbox:
wedge scans and camera frames become one row per phone with its verdict; mistakes are said."""

from __future__ import annotations

import asyncio
import csv
import random
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from kiosk.pair.types import Verdict
from kiosk.sandbox.seed import PAIRING_IMEIS, PAIRING_STOCK

IMEI, IMEI2, IMEI3 = PAIRING_IMEIS["pair1"], PAIRING_IMEIS["pair2"], PAIRING_IMEIS["pair3"]
DUAL = (PAIRING_IMEIS["pair4"], PAIRING_IMEIS["pair5"])


def make_station(qapp: Any, tmp_path: Path, camera: Any = None) -> Any:
    import qasync

    from kiosk.connect import make_client
    from kiosk.journal import Journal
    from kiosk.pair.engine import Pairer
    from kiosk.sandbox.serve import in_process_transport
    from kiosk.settings import ApiSettings
    from kiosk.ui.pair_station import PairStation

    loop = qasync.QEventLoop(qapp, already_running=True)
    asyncio.set_event_loop(loop)
    transport = in_process_transport()
    client = make_client(ApiSettings(), transport=transport)
    journal = Journal(":memory:")
    window = PairStation(Pairer(client, journal), export_dir=tmp_path, camera=camera,
                         sound=False)
    window.client, window.journal_ = client, journal
    window.sandbox = transport.app.state.sandbox
    return window


def close(qtbot: Any, window: Any) -> None:
    for coro in (window.shutdown(), window.client.aclose()):
        task = asyncio.ensure_future(coro)
        qtbot.waitUntil(task.done, timeout=10_000)
    window.journal_.close()
    loop = asyncio.get_event_loop()
    executor = next((v for k, v in vars(loop).items() if k.endswith("__default_executor")), None)
    if executor is not None:  # the journal's asyncio.to_thread threads: stopped before Qt goes
        executor.shutdown(wait=True)


@pytest.fixture
def station(qtbot: Any, qapp: Any, tmp_path: Path):  # type: ignore[no-untyped-def]
    window = make_station(qapp, tmp_path)
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    window.setFocus()
    yield window
    close(qtbot, window)


def scan(qtbot: Any, window: Any, text: str) -> None:
    """A USB scanner: the digits at machine speed, then Enter."""
    QTest.keyClicks(window, text)
    QTest.keyClick(window, Qt.Key.Key_Return)
    qtbot.wait(10)


def settled(qtbot: Any, window: Any, rows: int) -> None:
    qtbot.waitUntil(lambda: len(window.table.rows) == rows and not window.tasks, timeout=10_000)


def cell(window: Any, row: int, column: int) -> str:
    return window.table.text(row, column)


def test_imei_then_iccid_is_one_row_paired_and_again_already(qtbot: Any, station: Any) -> None:
    scan(qtbot, station, IMEI)
    assert station.table.rowCount() == 1 and cell(station, 0, 1) == "▶ Scan the SIM card"
    assert "now scan the SIM card" in station.banner.text()
    scan(qtbot, station, PAIRING_STOCK["psim1"])
    settled(qtbot, station, 1)
    assert station.table.rowCount() == 1 and cell(station, 0, 1) == "✔ Paired"
    assert cell(station, 0, 3) == IMEI[:8] + "******" + IMEI[-1]  # masked on screen
    assert cell(station, 0, 4).startswith(PAIRING_STOCK["psim1"][:8]) and "*" in cell(station, 0, 4)
    assert "Galaxy A15" in cell(station, 0, 5) and station.banner.objectName() == "Success"
    assert station.undo.isEnabled()
    scan(qtbot, station, IMEI)
    scan(qtbot, station, PAIRING_STOCK["psim1"])
    settled(qtbot, station, 2)
    assert cell(station, 1, 1) == "= Already paired" and cell(station, 1, 2) == "Nothing changed"
    assert station.counts.text().startswith("1 paired · 1 already paired · 0 refused")
    devices = [d for d in station.sandbox.store.devices.values() if d.get("imei") == IMEI]
    assert len(devices) == 1  # one device, created once


def test_scanning_order_mistakes_are_said_and_never_paired(qtbot: Any, station: Any) -> None:
    scan(qtbot, station, PAIRING_STOCK["psim1"])  # the SIM card first
    assert station.table.rowCount() == 0 and station.banner.objectName() == "Error"
    assert "no box is scanned yet" in station.banner.text()
    scan(qtbot, station, "89" + "1" * 30)  # an EID
    assert "EID" in station.banner.text() and "scan the box's IMEI" in station.banner.text()
    scan(qtbot, station, "R58N123ABCD")  # a serial number
    assert "serial number" in station.banner.text()
    scan(qtbot, station, IMEI[:-1] + str((int(IMEI[-1]) + 1) % 10))  # a wrong check digit
    assert "check digit" in station.banner.text() and station.table.rowCount() == 0
    scan(qtbot, station, IMEI)
    scan(qtbot, station, IMEI2)  # another box before the first one's SIM card
    assert "another box" in station.banner.text()
    assert cell(station, 0, 1) == "✘ Not paired" and cell(station, 1, 1) == "▶ Scan the SIM card"
    assert station.table.rows[1].imeis == (IMEI2,)
    assert not station.tasks and station.counts.text().startswith("0 paired")


def test_a_retired_sim_is_refused_with_its_reason(qtbot: Any, station: Any) -> None:
    scan(qtbot, station, IMEI)
    scan(qtbot, station, PAIRING_STOCK["retired"])
    settled(qtbot, station, 1)
    assert cell(station, 0, 1) == "✘ Refused" and "retired" in cell(station, 0, 2)
    assert station.banner.objectName() == "Error" and "retired" in station.banner.text()
    assert not station.undo.isEnabled() and "1 refused" in station.counts.text()


def test_undo_takes_the_last_pairing_back_once(qtbot: Any, station: Any) -> None:
    scan(qtbot, station, IMEI2)
    scan(qtbot, station, PAIRING_STOCK["psim2"])
    settled(qtbot, station, 1)
    assert station.undo.isEnabled()
    QTest.mouseClick(station.undo, Qt.MouseButton.LeftButton)
    assert not station.undo.isEnabled() and station.undo_last() is None  # no second undo
    qtbot.waitUntil(lambda: cell(station, 0, 1) == "↩ Undone", timeout=10_000)
    assert "undone" in station.banner.text() and not station.undo.isEnabled()
    assert station.pairings() == []
    scan(qtbot, station, IMEI2)  # the SIM is free again: it pairs anew
    scan(qtbot, station, PAIRING_STOCK["psim2"])
    settled(qtbot, station, 2)
    assert cell(station, 1, 1) == "✔ Paired"


def test_the_undo_button_disables_itself_after_its_window(qtbot: Any, station: Any) -> None:
    now = [1000.0]
    station.clock = lambda: now[0]  # the station's time: a slow machine cannot miss the window
    station.undo_seconds = 0.3
    scan(qtbot, station, IMEI3)
    scan(qtbot, station, PAIRING_STOCK["psim3"])
    settled(qtbot, station, 1)
    qtbot.wait(500)  # the timer went off, but by the station's clock the window is still open
    assert station.undo.isEnabled()
    now[0] += 0.5
    qtbot.waitUntil(lambda: not station.undo.isEnabled(), timeout=3000)
    assert station.undo_last() is None and cell(station, 0, 1) == "✔ Paired"


def test_a_dual_sim_box_is_one_row(qtbot: Any, station: Any) -> None:
    scan(qtbot, station, DUAL[0])
    scan(qtbot, station, DUAL[1])
    assert station.table.rowCount() == 1 and station.table.rows[0].imeis == DUAL
    assert cell(station, 0, 3).endswith("+1 IMEI")
    scan(qtbot, station, PAIRING_STOCK["psim4"])
    settled(qtbot, station, 1)
    assert cell(station, 0, 1) == "✔ Paired" and station.table.rows[0].result.imeis == DUAL


def test_a_double_scan_while_pairing_starts_nothing_twice(qtbot: Any, station: Any) -> None:
    iccid = PAIRING_STOCK["psim5"]
    station.on_scan(IMEI)
    first = station.on_scan(iccid)
    station.on_scan(IMEI)  # the same box and card again before the verdict
    assert station.on_scan(iccid) is None and first is not None
    assert "being paired right now" in station.banner.text()
    assert station.table.rowCount() == 1
    settled(qtbot, station, 1)
    assert cell(station, 0, 1) == "✔ Paired" and station.counts.text().startswith("1 paired")


def test_export_has_the_sessions_pairings_in_full(qtbot: Any, station: Any) -> None:
    for imei, key in ((IMEI, "psim6"), (IMEI2, "retired"), (DUAL[0], "psim7")):
        scan(qtbot, station, imei)
        scan(qtbot, station, PAIRING_STOCK[key])
    settled(qtbot, station, 3)
    path = station.export_csv()
    assert path is not None and path.parent == station.export_dir
    rows = list(csv.DictReader(path.open()))
    assert [(r["imei"], r["iccid"]) for r in rows] == [(IMEI, PAIRING_STOCK["psim6"]),
                                                       (DUAL[0], PAIRING_STOCK["psim7"])]
    assert rows[0]["brand"] == "Samsung" and "Galaxy A15" in rows[0]["model"]
    assert list(rows[0])[:3] == ["imei", "imei2", "iccid"] and rows[1]["imei2"] == ""
    assert str(path) in station.status.text()


# -- the camera: a box label, then a SIM carrier card ---------------------------------------------

def carrier_card(iccid: str) -> Any:
    import cv2
    import numpy as np

    from kiosk.scan import code128

    code = code128.render(iccid, module_px=3, height_px=100)
    h, w = code.shape
    card = np.full((h + 150, w + 60), 250, np.uint8)
    cv2.putText(card, "SIM card", (30, 45), cv2.FONT_HERSHEY_SIMPLEX, 0.9, (20,), 2)
    card[60:60 + h, 30:30 + w] = code
    cv2.putText(card, "ICCID " + iccid, (40, 100 + h), cv2.FONT_HERSHEY_SIMPLEX, 0.7, (20,), 1)
    return card


def footage(folder: Path, imei: str, iccid: str, frames: int = 24) -> Path:
    """Frames of the box label held up, then of the SIM carrier card (as a camera sees them)."""
    import cv2

    from kiosk.scan import synth

    folder.mkdir()
    rng = random.Random(5)
    scene = synth._background(rng)
    items = [synth.label([imei], rng, module=3), carrier_card(iccid)]
    n = 0
    for item in items:
        scale = synth._fit_scale(item, random.Random(1), 0.5, 0.55)
        for k in range(frames):
            image = synth._place(scene, item, random.Random(1), scale=scale,
                                 angle=-3 + (k % 3), tilt=0.05)
            cv2.imwrite(str(folder / f"frame-{n:04d}.png"), image)
            n += 1
    return folder


def test_camera_frames_of_a_box_then_a_sim_card_pair_one_row(qtbot: Any, qapp: Any,
                                                             tmp_path: Path) -> None:
    from kiosk.scan.camera import FolderSource
    from kiosk.scan.qt_camera import QtCamera

    iccid = PAIRING_STOCK["esim1"]
    folder = footage(tmp_path / "frames", IMEI3, iccid)  # a Fairphone 5 takes an eSIM
    camera = QtCamera(FolderSource(folder, fps=15))
    window = make_station(qapp, tmp_path, camera=camera)
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    try:
        qtbot.waitUntil(lambda: bool(window.table.rows) and window.table.rows[0].result is not None,
                        timeout=30_000)
        camera.stop()  # the folder would play again
        qtbot.waitUntil(lambda: not window.tasks, timeout=10_000)
        assert window.table.rowCount() == 1 and cell(window, 0, 1) == "✔ Paired"
        assert window.table.rows[0].imeis == (IMEI3,) and window.table.rows[0].iccid == iccid
        assert window.table.rows[0].result.verdict is Verdict.PAIRED
        assert window.preview.pixmap() is not None and not window.preview.pixmap().isNull()
    finally:
        close(qtbot, window)


# -- it fits every screen, in both languages --------------------------------------------------

def test_the_station_fits_every_screen_in_both_languages(qtbot: Any, qapp: Any,
                                                         station: Any) -> None:
    from kiosk.app import RESOURCES, Translations
    from tests.ui.conftest import assert_fits

    qapp.setStyleSheet((RESOURCES / "kiosk.qss").read_text())
    pairs = ((IMEI, "psim8"), (IMEI, "psim8"), (IMEI2, "retired"), (IMEI3, "attached"))
    for n, (imei, key) in enumerate(pairs, 1):
        scan(qtbot, station, imei)
        scan(qtbot, station, PAIRING_STOCK[key])
        settled(qtbot, station, n)  # the same pair again only once the first has its verdict
    scan(qtbot, station, DUAL[0])
    scan(qtbot, station, DUAL[1])
    scan(qtbot, station, "R58N123ABCD")  # the longest banner: a mistake
    from types import SimpleNamespace

    station.resumed([SimpleNamespace(status="done", imei_masked="", iccid_masked="")])
    translations = Translations(qapp)
    language = ["en"]

    def toggle() -> None:
        language[0] = "de" if language[0] == "en" else "en"
        translations.set(language[0])
        qtbot.wait(10)

    try:
        assert_fits(qtbot, station, toggle, allowed=tuple(station.scrollables()))
        toggle()
        assert station.export.text() == "CSV exportieren"
        assert cell(station, 0, 1) == "✔ Gekoppelt" and "abgeschlossen" in station.status.text()
    finally:
        translations.set("en")
        qtbot.wait(10)
    assert station.export.text() == "Export CSV" and cell(station, 0, 1) == "✔ Paired"


def test_pairings_left_by_a_crash_are_said_at_start(station: Any) -> None:
    from types import SimpleNamespace

    done = SimpleNamespace(status="done", imei_masked="35460219******0",
                           iccid_masked="89883071***********4")
    cut = SimpleNamespace(status="failed", imei_masked="35209017******6",
                          iccid_masked="89883071***********5")
    station.resumed([done, cut])
    assert station.status.isVisible() and station.status.objectName() == "Warning"
    assert "completed: 1." in station.status.text()
    assert "35209017******6 / 89883071***********5" in station.status.text()


def test_a_box_left_too_long_is_forgotten_and_said(qtbot: Any, station: Any) -> None:
    now = [0.0]
    station.clock = lambda: now[0]
    scan(qtbot, station, IMEI)
    now[0] += 1000.0  # far longer than the intake keeps a box waiting
    scan(qtbot, station, PAIRING_STOCK["psim1"])
    assert "forgotten" in station.banner.text() and station.banner.objectName() == "Error"
    assert cell(station, 0, 1) == "✘ Not paired" and "Forgotten" in cell(station, 0, 2)
    assert not station.tasks and station.table.rowCount() == 1


def test_good_and_bad_sound_different_and_sound_off_is_silent(qtbot: Any, station: Any,
                                                              monkeypatch: Any) -> None:
    from PySide6.QtWidgets import QApplication

    beeps: list[int] = []
    monkeypatch.setattr(QApplication, "beep", staticmethod(lambda: beeps.append(1)))
    station.sound = True
    scan(qtbot, station, IMEI)
    scan(qtbot, station, PAIRING_STOCK["psim1"])
    settled(qtbot, station, 1)
    qtbot.wait(300)
    assert len(beeps) == 1  # paired: one beep
    scan(qtbot, station, IMEI2)
    scan(qtbot, station, PAIRING_STOCK["retired"])
    settled(qtbot, station, 2)
    qtbot.wait(300)
    assert len(beeps) == 3  # refused: two
    station.sound = False
    scan(qtbot, station, PAIRING_STOCK["psim2"])  # a mistake, silently
    qtbot.wait(300)
    assert len(beeps) == 3


def test_export_goes_to_the_place_staff_tap(qtbot: Any, station: Any, tmp_path: Path) -> None:
    from kiosk.exports import Destination

    scan(qtbot, station, IMEI)
    scan(qtbot, station, PAIRING_STOCK["psim1"])
    settled(qtbot, station, 1)
    stick = tmp_path / "media" / "KINGSTON"
    stick.mkdir(parents=True)
    station.chooser.find = lambda: [Destination("usb", "KINGSTON", stick, 10**10)]
    QTest.mouseClick(station.export, Qt.MouseButton.LeftButton)
    assert station.chooser.isVisible()
    rect = station.chooser.list.visualItemRect(station.chooser.list.item(0))
    QTest.mouseClick(station.chooser.list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    written = list(stick.iterdir())
    assert len(written) == 1 and written[0].name.startswith("pairs-")
    assert [r["imei"] for r in csv.DictReader(written[0].open())] == [IMEI]


def test_pair_is_a_mode_of_the_config_and_the_command_line() -> None:
    from kiosk.cli import build_parser
    from kiosk.config import KioskConfig

    assert not KioskConfig(mode="pair").problems()
    assert build_parser().parse_args(["gui", "--mode", "pair"]).mode == "pair"


def test_an_api_outage_is_an_amber_try_again_and_a_failed_undo_is_said(qtbot: Any,
                                                                       station: Any) -> None:
    from kiosk.sandbox.faults import FaultRule

    scan(qtbot, station, IMEI2)
    scan(qtbot, station, PAIRING_STOCK["psim6"])
    settled(qtbot, station, 1)
    station.sandbox.faults.rules.append(FaultRule("status", status=500))  # the API fails
    QTest.mouseClick(station.undo, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not station.tasks, timeout=20_000)
    assert "undo did not go through" in station.banner.text() and station.undo.isEnabled()
    assert cell(station, 0, 1) == "✔ Paired"  # still paired, as it is
    scan(qtbot, station, IMEI3)
    scan(qtbot, station, PAIRING_STOCK["psim7"])
    settled(qtbot, station, 2)
    assert cell(station, 1, 1) == "⚠ Try again" and station.banner.objectName() == "Warning"
    assert "1 to try again" in station.counts.text() and station.pairings()[0].iccid == \
        PAIRING_STOCK["psim6"] and len(station.pairings()) == 1
