"""Fast typing reaches the focused field, key by key; a scanner's burst is still a scan (#13)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from kiosk.sandbox.seed import DEMO_IMEIS
from tests.ui.conftest import Kiosk

EMAIL = "bob@example.com"


def scanner(target: Any, text: str, gap_ms: int = 2) -> None:
    """A USB scanner: key presses 2 ms apart by the window system's clock, then Enter.

    The events carry their timestamps as X or Wayland gives them, so a busy test machine
    cannot stretch the scanner's pace (QTest's events have none: the filter then times them).
    """
    stamp = 1_000_000
    keys = [(Qt.Key(ord(ch)), ch) for ch in text] + [(Qt.Key.Key_Return, "\r")]
    for key, char in keys:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            event = QKeyEvent(kind, key, Qt.KeyboardModifier.NoModifier, char)
            event.setTimestamp(stamp)
            QApplication.sendEvent(target, event)
        stamp += gap_ms


def to_customer(kiosk: Kiosk) -> dict:  # type: ignore[type-arg]
    kiosk.to_plan(DEMO_IMEIS["esim"])
    kiosk.choose("Travel 5 GB")
    kiosk.wait_page("customer")
    w = kiosk.window
    w.activateWindow()
    fields = w.customer.fields
    fields["email"].setFocus()
    kiosk.qtbot.waitUntil(lambda: fields["email"].hasFocus(), timeout=5000)
    return fields


def test_typing_an_email_at_20ms_a_key_gets_every_character(kiosk: Kiosk) -> None:
    fields = to_customer(kiosk)
    kiosk.qtbot.keyClicks(fields["email"], EMAIL, delay=20)
    QTest.keyClick(fields["email"], Qt.Key.Key_Tab, Qt.KeyboardModifier.NoModifier, 20)
    kiosk.qtbot.wait(100)  # past any hold-back: nothing may arrive late, nor elsewhere
    assert fields["email"].text() == EMAIL
    assert all(f.text() == "" for k, f in fields.items() if k != "email")
    assert kiosk.window.current == "customer"


def test_typing_through_the_window_as_a_keyboard_does(kiosk: Kiosk) -> None:
    """Key presses enter at the QWindow, as from X or Wayland, and Tab moves to the name field."""
    fields = to_customer(kiosk)
    handle = kiosk.window.windowHandle()
    for ch in EMAIL:
        QTest.keyClick(handle, ch, Qt.KeyboardModifier.NoModifier, 20)
    QTest.keyClick(handle, Qt.Key.Key_Tab, Qt.KeyboardModifier.NoModifier, 20)
    for ch in "Bob Roe":
        QTest.keyClick(handle, ch, Qt.KeyboardModifier.NoModifier, 20)
    kiosk.qtbot.wait(100)
    assert fields["email"].text() == EMAIL
    assert fields["full_name"].text() == "Bob Roe"
    assert all(f.text() == "" for k, f in fields.items() if k not in ("email", "full_name"))


def test_a_scanner_burst_on_the_welcome_page_submits(kiosk: Kiosk) -> None:
    assert kiosk.window.current == "welcome"
    scanner(kiosk.window.windowHandle(), DEMO_IMEIS["esim"])
    kiosk.wait_page("device")
    assert kiosk.window.flow.state.device.imei == DEMO_IMEIS["esim"]


def test_a_scan_into_the_keypad_field_submits_and_leaves_it_empty(kiosk: Kiosk) -> None:
    w = kiosk.window
    w.welcome.start.click()
    kiosk.wait_page("scan")
    w.stop_camera()  # the demo camera would find the box itself
    w.scan.toggle_keypad()
    field = w.scan.keypad.field
    kiosk.qtbot.waitUntil(field.hasFocus, timeout=5000)
    scanner(kiosk.window.windowHandle(), DEMO_IMEIS["psim"])
    kiosk.wait_page("device")
    assert field.text() == "" and w.flow.state.device.imei == DEMO_IMEIS["psim"]


def test_a_scan_in_the_email_field_is_taken_back_out(kiosk: Kiosk) -> None:
    """Clearly an IMEI scan (not typing): its digits and Enter never reach the form."""
    fields = to_customer(kiosk)
    kiosk.qtbot.keyClicks(fields["email"], "bo", delay=30)
    scanner(kiosk.window.windowHandle(), DEMO_IMEIS["psim"])
    assert fields["email"].text() == "bo" and kiosk.window.current == "customer"
