"""After a reset, undo and redo must not bring back anything the previous customer typed."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QLineEdit, QPlainTextEdit, QTextEdit

from kiosk.sandbox.seed import DEMO_IMEIS
from kiosk.ui.widgets import wipe
from tests.ui.conftest import Kiosk
from tests.ui.test_kiosk import texts

EMAIL, NAME, STREET = "undo.victim@example.com", "Vic Tim", "Geheimweg 7"
CTRL, SHIFT = Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier.ShiftModifier


def try_undo_redo(edit: QLineEdit) -> list[str]:
    """What the field shows after each way a person (or a script) can undo and redo."""
    edit.setFocus()
    seen = []
    for key, modifiers in ((Qt.Key.Key_Z, CTRL), (Qt.Key.Key_Z, CTRL), (Qt.Key.Key_Z, CTRL | SHIFT),
                           (Qt.Key.Key_Y, CTRL), (Qt.Key.Key_Z, CTRL)):
        QTest.keyClick(edit, key, modifiers)
        seen.append(edit.text())
    edit.undo()
    seen.append(edit.text())
    edit.redo()
    seen.append(edit.text())
    return seen


def type_like_a_person(kiosk: Kiosk, edit: QLineEdit, text: str) -> None:
    """Keys 50 ms apart: faster than that, the window's wedge filter takes them for a scanner."""
    before = edit.text()
    kiosk.qtbot.keyClicks(edit, text, delay=50)
    kiosk.qtbot.waitUntil(lambda: edit.text() == before + text, timeout=2000)


def type_a_visit(kiosk: Kiosk) -> str:
    """Type an IMEI on the keypad and the customer's details, key by key, as a person would."""
    w = kiosk.window
    imei = DEMO_IMEIS["psim"]
    w.welcome.start.click()
    kiosk.wait_page("scan")
    w.stop_camera()  # the virtual camera would read its own box first
    w.scan.toggle_keypad()
    field = w.scan.keypad.field
    typo = imei[:-1] + str((int(imei[-1]) + 1) % 10)
    type_like_a_person(kiosk, field, typo)  # a typo first: the check digit is explained
    QTest.keyClick(field, Qt.Key.Key_Return)
    assert w.scan.keypad.message.text()
    QTest.keyClick(field, Qt.Key.Key_Backspace)
    type_like_a_person(kiosk, field, imei[-1])
    # Every field of the form (the address rows too) gets typed into, whatever the flow's page
    # order is: this is about what the fields remember, not about how a visit gets there.
    w.show_page("customer")
    fields = w.customer.fields
    for key, value in (("email", EMAIL), ("full_name", NAME), ("line1", STREET),
                       ("postal_code", "10115"), ("city", "Berlin"), ("country", "DE")):
        type_like_a_person(kiosk, fields[key], value)
    return imei


@pytest.mark.parametrize("how", ["idle", "restart"])
def test_nothing_comes_back_after_a_reset(kiosk: Kiosk, how: str) -> None:
    w = kiosk.window
    imei = type_a_visit(kiosk)
    if how == "idle":
        w.idle.timer.setInterval(100)
        w.idle.poke()
        kiosk.qtbot.waitUntil(lambda: w.overlay.isVisible(), timeout=5000)
    else:  # "I'm done", "Start again", "Scan another phone"
        w.restart()
    kiosk.wait_page("welcome", timeout=10_000)
    secrets = (EMAIL, NAME, STREET, imei, imei[:-1])
    edits = w.findChildren(QLineEdit)
    assert w.scan.keypad.field in edits and w.customer.fields["email"] in edits
    leaks = {}
    for edit in edits:
        seen = try_undo_redo(edit)
        if any(seen) or edit.isUndoAvailable() or edit.isRedoAvailable():
            leaks[edit.objectName() or edit.accessibleName()] = sorted(set(seen) - {""})
    assert leaks == {}
    everything = texts(w)  # every text and accessible name, hidden widgets included
    for secret in secrets:
        assert secret not in everything


@pytest.mark.parametrize("kind", [QLineEdit, QTextEdit, QPlainTextEdit])
def test_wipe_leaves_no_history(qtbot: object, kind: type) -> None:
    edit = kind()
    qtbot.addWidget(edit)  # type: ignore[attr-defined]
    edit.show()
    qtbot.keyClicks(edit, "private")  # type: ignore[attr-defined]
    text = edit.text if isinstance(edit, QLineEdit) else edit.toPlainText
    wipe(edit)
    for action in (QKeySequence.StandardKey.Undo, QKeySequence.StandardKey.Redo):
        for combo in QKeySequence.keyBindings(action):
            QTest.keySequence(edit, combo)
            assert text() == ""
    edit.undo()
    assert text() == ""
    qtbot.keyClicks(edit, "next")  # type: ignore[attr-defined]
    edit.undo()  # undo still works for the next customer's own typing
    assert "next" not in text() and "private" not in text()
