"""Keyboard-wedge scanners: a burst is a scan, wherever focus is; people typing are not."""

from __future__ import annotations

from kiosk.scan.wedge import BurstDetector, make_filter

IMEI = "358507311042123"


def test_burst_detector() -> None:
    d = BurstDetector(max_gap=0.035, min_length=8)
    for i, ch in enumerate(IMEI):
        assert d.key(ch, i * 0.005)
    assert d.end(len(IMEI) * 0.005) == IMEI
    for i, ch in enumerate(IMEI):  # a person: 120 ms between keys
        d.key(ch, i * 0.12)
    assert d.end(len(IMEI) * 0.12) is None
    for i, ch in enumerate("1234"):  # fast, but too short to be a scan
        d.key(ch, i * 0.005)
    assert d.end(0.03) is None


def test_wedge_filter_scans_into_any_focus_and_leaves_typing_alone(qtbot) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication, QLineEdit

    scans: list[str] = []
    wedge = make_filter(scans.append)
    app = QApplication.instance()
    app.installEventFilter(wedge)
    try:
        field = QLineEdit()
        qtbot.addWidget(field)
        field.show()
        field.setFocus()
        QTest.keyClicks(field, IMEI)  # machine speed, as a scanner types
        QTest.keyClick(field, Qt.Key.Key_Return)
        qtbot.wait(60)
        assert scans == [IMEI] and field.text() == ""
        QTest.keyClicks(field, "Anna", delay=90)  # a person typing their name
        qtbot.waitUntil(lambda: field.text() == "Anna", timeout=2000)
        QTest.keyClick(field, Qt.Key.Key_Return)
        assert scans == [IMEI]
    finally:
        app.removeEventFilter(wedge)
