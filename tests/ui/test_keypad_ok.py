"""The keypad's OK explains a wrong IMEI exactly as Enter does (#13)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QPushButton

from kiosk.ui.widgets import Keypad

WRONG = "358507311042124"  # the check digit should be 3


def ok_button(keypad: Keypad) -> QPushButton:
    return next(b for b in keypad.findChildren(QPushButton) if b.text() == "OK")


def tap(keypad: Keypad, digits: str) -> None:
    keys = {b.text(): b for b in keypad.findChildren(QPushButton)}
    for d in digits:
        QTest.mouseClick(keys[d], Qt.MouseButton.LeftButton)


def test_ok_explains_a_wrong_check_digit_as_enter_does(qtbot) -> None:  # type: ignore[no-untyped-def]
    by_ok, by_enter = Keypad(), Keypad()
    for keypad in (by_ok, by_enter):
        qtbot.addWidget(keypad)
        keypad.show()
    submitted: list[str] = []
    by_ok.submitted.connect(submitted.append)
    tap(by_ok, WRONG)
    QTest.mouseClick(ok_button(by_ok), Qt.MouseButton.LeftButton)
    by_enter.field.setText(WRONG)
    QTest.keyClick(by_enter.field, Qt.Key.Key_Return)
    assert "should be 3" in by_ok.message.text()
    assert by_ok.message.text() == by_enter.message.text()
    assert by_ok.field.property("invalid") is True and submitted == []
    for digits, words in (("", "15 digits"), ("35850731104", "15 digits")):
        by_ok.field.setText(digits)
        QTest.mouseClick(ok_button(by_ok), Qt.MouseButton.LeftButton)
        assert words in by_ok.message.text()
    tap(by_ok, "1")  # typing again clears the explanation
    assert by_ok.message.text() == ""


def test_ok_submits_a_good_imei(qtbot) -> None:  # type: ignore[no-untyped-def]
    keypad = Keypad()
    qtbot.addWidget(keypad)
    keypad.show()
    with qtbot.waitSignal(keypad.submitted) as sent:
        tap(keypad, "358507311042123")
        QTest.mouseClick(ok_button(keypad), Qt.MouseButton.LeftButton)
    assert sent.args == ["358507311042123"] and keypad.message.text() == ""
