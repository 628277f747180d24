"""The QA station through its real window: wedge scans, verdicts, duplicates, pairing, export."""

from __future__ import annotations

import asyncio
import csv
from pathlib import Path
from typing import Any

import pytest
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
    rows = list(csv.DictReader(path.open()))
    assert [r["imei"] for r in rows] == [DEMO_IMEIS["psim"], DEMO_IMEIS["unknown"]]
    assert [r["verdict"] for r in rows] == ["PASS", "FAIL"]
    assert str(path) in station.status.text()
