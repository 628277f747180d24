"""The staff PIN page: a keypad a finger can use, a lock that shows its wait, the default PIN replaced."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QLabel, QPushButton

from kiosk.config import DEFAULT_PIN, ConfigStore
from kiosk.pinlock import STATE_FILE, PinGuard, staff_guard
from tests.test_pinlock import Clock, CountingCheck


@pytest.fixture
def make_page(qtbot: Any, qapp: Any) -> Any:
    from kiosk.app import RESOURCES
    from kiosk.ui.pages_staff import OperatorPage

    qapp.setStyleSheet((RESOURCES / "kiosk.qss").read_text())

    def make(check: Any) -> OperatorPage:
        page = OperatorPage(check, lambda: QLabel("the operator panel"))
        qtbot.addWidget(page)
        page.resize(1280, 740)
        page.show()
        page.render()
        return page

    return make


def tap(page: Any, digits: str, ok: bool = True) -> None:
    """Mouse clicks only, as a finger on the touch screen would."""
    for key in digits:
        QTest.mouseClick(page.pad.keys[key], Qt.MouseButton.LeftButton)
    if ok:
        QTest.mouseClick(page.unlock, Qt.MouseButton.LeftButton)


def test_unlock_by_tapping_the_keypad(make_page: Any, tmp_path: Path) -> None:
    check = CountingCheck("8642")
    page = make_page(PinGuard(check, tmp_path / STATE_FILE))
    tap(page, "86421", ok=False)
    QTest.mouseClick(page.pad.keys["⌫"], Qt.MouseButton.LeftButton)
    assert page.pin.text() == "8642"
    tap(page, "")
    assert check.calls == 1 and page.mode == "open"
    assert page.actions.isVisible() and not page.entry.isVisible()
    assert page.panel.text() == "the operator panel"
    assert page.title.text() == "Operator"
    page.clear()  # back to the kiosk: locked again
    assert page.entry.isVisible() and not page.actions.isVisible() and page.panel is None


def test_the_sixth_wrong_pin_is_refused_unchecked_and_the_wait_is_shown(make_page: Any,
                                                                        tmp_path: Path) -> None:
    check, clock = CountingCheck("8642"), Clock()
    page = make_page(PinGuard(check, tmp_path / STATE_FILE, clock=clock))
    for _ in range(4):
        tap(page, "0000")
        assert page.message.text() == "Wrong PIN." and page.unlock.isEnabled()
    tap(page, "0000")
    assert page.message.text() == "Too many wrong PINs. Try again in 0:30."
    assert not page.unlock.isEnabled() and page.ticker.isActive()
    page.pin.setText("8642")  # the right PIN, by keyboard and Enter: still not looked at
    QTest.keyClick(page.pin, Qt.Key.Key_Return)
    assert check.calls == 5 and page.mode == "pin" and page.pin.text() == ""
    clock.now += 15.5
    page.show_lock()  # what the ticker does every half second
    assert page.message.text() == "Too many wrong PINs. Try again in 0:15."
    clock.now += 15
    page.show_lock()
    assert page.unlock.isEnabled() and page.message.text() == "" and not page.ticker.isActive()
    tap(page, "8642")
    assert check.calls == 6 and page.mode == "open"


def test_a_lock_from_before_a_restart_shows_at_once(make_page: Any, tmp_path: Path) -> None:
    clock = Clock()
    before = PinGuard(CountingCheck(), tmp_path / STATE_FILE, clock=clock)
    for _ in range(5):
        before("0000")
    clock.now += 30
    before("0000")  # the sixth: a minute
    page = make_page(PinGuard(CountingCheck(), tmp_path / STATE_FILE, clock=clock))
    assert page.message.text() == "Too many wrong PINs. Try again in 1:00."
    assert not page.unlock.isEnabled()


def test_the_default_pin_must_be_changed_before_the_panel_opens(make_page: Any,
                                                                tmp_path: Path) -> None:
    store = ConfigStore(tmp_path / "kiosk.toml")
    guard = staff_guard(store, store.load(env={}), clock=Clock())
    page = make_page(guard)
    tap(page, DEFAULT_PIN)
    assert page.mode == "new" and page.title.text() == "Choose a new PIN"
    assert not page.actions.isVisible() and page.panel is None
    for bad, why in (("1111", "Not one digit repeated"), ("123", "4 to 12 digits"),
                     (DEFAULT_PIN, "Not the default PIN")):
        tap(page, bad)
        assert why in page.message.text() and page.mode == "new"
    tap(page, "8642")
    assert page.mode == "repeat" and page.prompt.text() == "The new PIN again"
    tap(page, "8624")
    assert page.mode == "new" and "differ" in page.message.text()
    tap(page, "8642")
    tap(page, "8642")
    assert page.mode == "open" and page.actions.isVisible()
    assert store.load(env={}).check_pin("8642") and not guard.is_default
    assert "8642" not in store.path.read_text()
    page.clear()
    tap(page, DEFAULT_PIN)  # the default is gone at once, no restart needed
    assert page.message.text() == "Wrong PIN." and page.mode == "pin"
    tap(page, "8642")
    assert page.mode == "open"


def test_a_pin_that_cannot_be_saved_keeps_the_panel_shut(make_page: Any, tmp_path: Path) -> None:
    def broken(pin: str) -> None:
        raise OSError("read-only file system")

    page = make_page(PinGuard(lambda pin: pin == DEFAULT_PIN, is_default=lambda: True,
                              set_pin=broken))
    tap(page, DEFAULT_PIN)
    tap(page, "8642")
    tap(page, "8642")
    assert page.mode == "new" and "could not be saved" in page.message.text()
    assert not page.actions.isVisible()


def test_undo_brings_no_digit_back(make_page: Any) -> None:
    from PySide6.QtWidgets import QLineEdit

    page = make_page(lambda pin: pin == "8642")
    # Qt keeps no undo in password mode; in normal mode it would, and a "show the digits" option
    # must not bring the hole back: the page empties the field so that no mode can undo.
    page.pin.setEchoMode(QLineEdit.EchoMode.Normal)
    QTest.keyClicks(page.pin, "1357")
    QTest.keyClick(page.pin, Qt.Key.Key_Return)  # wrong: the field is emptied
    tap(page, "9753", ok=False)
    page.clear()  # the idle reset
    assert not page.pin.isUndoAvailable()
    for _ in range(6):  # each Ctrl+Z, not only the last, finds nothing to bring back
        QTest.keyClick(page.pin, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
        assert page.pin.text() == ""


def test_keys_are_finger_sized_and_named(make_page: Any) -> None:
    page = make_page(lambda pin: False)
    keys = [b for b in page.findChildren(QPushButton) if b.isVisible()]
    assert len(keys) >= 13
    for b in keys:
        assert b.height() >= 56 and b.width() >= 56, b.text()
        assert b.accessibleName(), b.text()
    assert page.pad.keys["⌫"].accessibleName() == "Delete"
    assert page.unlock.accessibleName() == "Unlock"


def test_the_page_in_german(make_page: Any, qapp: Any, tmp_path: Path) -> None:
    from kiosk.app import Translations

    translations = Translations(qapp)
    translations.set("de")
    try:
        clock = Clock()
        guard = PinGuard(lambda pin: False, tmp_path / STATE_FILE, clock=clock)
        for _ in range(5):
            guard("0000")
        page = make_page(guard)
        assert page.title.text() == "Nur für Mitarbeiter"
        assert page.message.text() == "Zu viele falsche PINs. Nächster Versuch in 0:30."
        assert page.pad.keys["⌫"].accessibleName() == "Löschen"
    finally:
        translations.set("en")
