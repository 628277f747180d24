"""The on-screen keyboard types into the focused field as a hardware keyboard would, shows for
text fields only, and fits (48 px keys, no clipped label) at every kiosk screen size."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QRect, QTranslator, Qt
from PySide6.QtWidgets import (
    QApplication, QLineEdit, QMainWindow, QPlainTextEdit, QPushButton, QVBoxLayout, QWidget,
)

from kiosk.ui.layout_check import problems
from kiosk.ui.osk import KeyboardDock, OnScreenKeyboard, field_mode, keyboard_height

ROOT = Path(__file__).resolve().parents[2]
SIZES = [(1280, 800), (1366, 768), (1920, 1080), (1080, 1920)]


@dataclass
class Form:
    window: QMainWindow
    keyboard: OnScreenKeyboard
    dock: KeyboardDock
    fields: dict[str, QLineEdit]
    done: QPushButton
    qtbot: Any
    seen: list[tuple[QWidget, QRect]] = field(default_factory=list)  # ensure_visible's calls
    shown: list[bool] = field(default_factory=list)  # visibility_changed's

    def focus(self, name: str) -> QLineEdit:
        edit = self.fields[name]
        edit.setFocus()
        self.qtbot.waitUntil(edit.hasFocus, timeout=2000)
        return edit

    def tap(self, name: str) -> None:
        target = QApplication.focusWidget()
        self.qtbot.mouseClick(self.keyboard.key(name), Qt.MouseButton.LeftButton)
        assert QApplication.focusWidget() is target or name in ("Next field", "Enter")

    def names(self) -> set[str]:
        return {key.accessibleName() for key in self.keyboard.visible_keys()}

    def type(self, text: str) -> None:
        """Tap each character's key, as a person would: Shift for a capital, and the symbols page
        (then back to the letters) for a character the letters page lacks."""
        for char in text:
            switched = not {char, char.lower()} & (self.names() | {" "})
            if switched:
                self.tap("Digits and symbols")
            if char != char.lower():
                self.tap("Shift")
            self.tap("Space" if char == " " else char)
            if switched:
                self.tap("Letters")
            assert self.keyboard.isVisible() and QApplication.focusWidget() in self.fields.values()


@pytest.fixture
def form(qtbot: Any, qapp: Any) -> Iterator[Form]:
    qapp.setStyleSheet((ROOT / "resources" / "kiosk.qss").read_text())
    window = QMainWindow()
    central = QWidget()
    window.setCentralWidget(central)
    layout = QVBoxLayout(central)
    layout.setContentsMargins(0, 0, 0, 0)
    page = QWidget()
    page_layout = QVBoxLayout(page)
    fields = {name: QLineEdit(objectName=name) for name in ("name", "email", "pin", "imei", "note")}
    fields["email"].setInputMethodHints(Qt.InputMethodHint.ImhEmailCharactersOnly)
    fields["pin"].setInputMethodHints(Qt.InputMethodHint.ImhDigitsOnly)
    fields["imei"].setProperty("osk", "off")
    for edit in fields.values():
        page_layout.addWidget(edit)
    done = QPushButton("Continue")
    page_layout.addWidget(done)
    page_layout.addStretch()
    layout.addWidget(page, 1)
    keyboard = OnScreenKeyboard()
    layout.addWidget(keyboard)
    made = Form(window, keyboard, None, fields, done, qtbot)  # type: ignore[arg-type]
    made.dock = KeyboardDock(window, keyboard, lambda w: made.seen.append((w, keyboard.geometry())))
    made.dock.visibility_changed.connect(made.shown.append)
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    window.activateWindow()
    qtbot.waitActive(window)
    yield made
    qapp.setStyleSheet("")


def test_keyboard_height_is_a_share_of_the_window_with_a_cap() -> None:
    assert [keyboard_height(w, h) for w, h in SIZES] == [288, 276, 389, 420]


def test_typing_a_name_with_shift_and_the_symbols_page(form: Form) -> None:
    name = form.focus("name")
    form.type("Pat O'Neil")
    assert name.text() == "Pat O'Neil" and name.hasFocus()
    form.tap("Delete")
    form.tap("Delete")
    assert name.text() == "Pat O'Ne"
    name.undo()  # real key events: the field's own undo works as with a hardware keyboard
    assert name.text() != "Pat O'Ne"


def test_shift_capitalises_one_letter_and_a_double_tap_locks_capitals(form: Form) -> None:
    name = form.focus("name")
    form.tap("Shift")
    form.tap("A")
    form.tap("b")
    assert name.text() == "Ab"
    form.tap("Shift")
    form.tap("Shift")  # a second tap, at once: capitals stay
    for letter in "CD":
        form.tap(letter)
    form.tap("Caps lock")
    form.tap("e")
    assert name.text() == "AbCDe"


def test_a_slow_second_tap_on_shift_turns_it_off(qtbot: Any) -> None:
    now = [0.0]
    keyboard = OnScreenKeyboard(clock=lambda: now[0])
    qtbot.addWidget(keyboard)
    keyboard.show()
    keyboard.key("Shift").click()
    now[0] = 1.0
    keyboard.key("Shift").click()
    assert keyboard.key("a").text() == "a" and keyboard.key("Shift").property("on") == "off"


def test_an_email_with_the_email_row_and_dot_com(form: Form) -> None:
    email = form.focus("email")
    assert form.keyboard.mode() == "email" and form.keyboard.key(".com").isVisible()
    form.type("pat.o-neil_1@example")
    form.tap(".com")
    assert email.text() == "pat.o-neil_1@example.com"


def test_german_layout_types_umlauts_and_sharp_s(form: Form) -> None:
    form.dock.set_language("de")
    name = form.focus("name")
    assert form.keyboard.page() == "de"
    form.type("Jürgen Groß")
    assert name.text() == "Jürgen Groß"


def test_digits_field_gets_a_number_pad(form: Form) -> None:
    pin = form.focus("pin")
    assert form.keyboard.page() == "digits"
    names = {k.accessibleName() for k in form.keyboard.visible_keys()}
    assert set("0123456789") <= names and "q" not in names and "Shift" not in names
    form.type("2468")
    form.tap("Delete")
    form.tap("8")
    assert pin.text() == "2468"


def test_enter_emits_return_pressed_and_next_moves_on(form: Form) -> None:
    form.focus("name")
    form.tap("Next field")
    assert form.fields["email"].hasFocus() and form.keyboard.mode() == "email"
    note = form.focus("note")
    with form.qtbot.waitSignal(note.returnPressed, timeout=1000):
        form.tap("Enter")
    form.tap("Next field")  # past the last field: the button, which needs no keyboard
    assert form.done.hasFocus() and not form.keyboard.isVisible()


def test_holding_delete_repeats(form: Form) -> None:
    name = form.focus("name")
    name.setText("a" * 30)
    key = form.keyboard.key("Delete")
    form.qtbot.mousePress(key, Qt.MouseButton.LeftButton)
    form.qtbot.wait(1000)
    form.qtbot.mouseRelease(key, Qt.MouseButton.LeftButton)
    assert len(name.text()) <= 28 and name.hasFocus()


def test_a_plain_text_edit_gets_lines_and_next_leaves_it(qtbot: Any) -> None:
    window = QWidget()
    layout = QVBoxLayout(window)
    text, after = QPlainTextEdit(), QLineEdit()
    keyboard = OnScreenKeyboard()
    for widget in (text, after, keyboard):
        layout.addWidget(widget)
    dock = KeyboardDock(window, keyboard)
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    window.activateWindow()
    qtbot.waitActive(window)
    text.setFocus()
    qtbot.waitUntil(lambda: keyboard.isVisible() and dock.is_shown(), timeout=2000)
    for name in ("h", "i", "Enter", "o", "Next field"):
        qtbot.mouseClick(keyboard.key(name), Qt.MouseButton.LeftButton)
    assert text.toPlainText() == "hi\no" and after.hasFocus() and keyboard.isVisible()


def test_max_length_sees_the_keys(form: Form) -> None:
    name = form.focus("name")
    name.setMaxLength(3)
    form.type("abcd")
    assert name.text() == "abc"


def test_shows_for_text_fields_and_hides_for_the_rest(form: Form) -> None:
    name = form.fields["name"]
    # The window gave its first field the focus: ensure_visible ran once the layout had made
    # room, with the keyboard already in its final place.
    assert form.keyboard.isVisible() and form.shown == [True] and name.hasFocus()
    assert form.seen == [(name, QRect(0, 800 - 288, 1280, 288))] == [(name, form.keyboard.geometry())]
    form.done.setFocus()
    form.qtbot.waitUntil(lambda: not form.keyboard.isVisible(), timeout=2000)
    assert form.shown == [True, False]
    form.focus("imei")
    assert not form.keyboard.isVisible()
    form.focus("name")
    form.tap("Hide keyboard")
    assert not form.keyboard.isVisible() and name.hasFocus() and form.shown == [True, False, True, False]
    form.qtbot.mouseClick(name, Qt.MouseButton.LeftButton)  # a tap on the field brings it back
    assert form.keyboard.isVisible()
    name.hide()  # Qt moves the focus on, to the email field: the keyboard follows it
    assert form.fields["email"].hasFocus() and form.keyboard.mode() == "email"
    assert form.shown[-2:] == [False, True]
    name.parentWidget().hide()  # the page goes, and the focus with it
    assert not form.keyboard.isVisible() and form.shown[-1] is False


def test_read_only_and_other_widgets_need_no_keyboard(qtbot: Any) -> None:
    edit, text = QLineEdit(), QPlainTextEdit()
    qtbot.addWidget(edit)
    qtbot.addWidget(text)
    assert field_mode(edit) == "text" and field_mode(text) == "text"
    edit.setReadOnly(True)
    assert field_mode(edit) is None and field_mode(QPushButton()) is None and field_mode(None) is None
    text.setProperty("osk", "digits")
    assert field_mode(text) == "digits"


def test_the_window_resize_resizes_the_keyboard(form: Form) -> None:
    form.focus("name")
    form.window.resize(1080, 1920)
    form.qtbot.waitUntil(lambda: form.keyboard.height() == 420, timeout=2000)


@pytest.mark.parametrize(("width", "height"), SIZES)
def test_every_key_fits_at_every_size(form: Form, qapp: Any, width: int, height: int,
                                      tmp_path: Path) -> None:
    shots = Path(os.environ.get("OSK_SHOTS", tmp_path))
    shots.mkdir(parents=True, exist_ok=True)
    german = QTranslator()
    assert german.load(str(ROOT / "resources" / "i18n" / "kiosk_de.qm"))
    form.window.resize(width, height)
    try:
        for language in ("en", "de"):
            if language == "de":
                qapp.installTranslator(german)
            form.dock.set_language(language)
            for view, name, page in (("letters", "name", None), ("symbols", "name", "123"),
                                     ("email", "email", None), ("digits", "pin", None)):
                form.done.setFocus()
                form.focus(name)
                if page:
                    form.tap(page)
                form.qtbot.waitUntil(lambda: form.keyboard.height() == keyboard_height(width, height),
                                     timeout=2000)
                qapp.processEvents()
                assert problems(form.window) == [], (language, view)
                keys = form.keyboard.visible_keys()
                assert all(min(k.width(), k.height()) >= 48 for k in keys)
                assert all(k.accessibleName() and k.focusPolicy() == Qt.FocusPolicy.NoFocus for k in keys)
                assert all(k.geometry().bottom() < form.keyboard.height() for k in keys)
                form.window.grab().save(str(shots / f"{view}-{language}-{width}x{height}.png"))
    finally:
        qapp.removeTranslator(german)
