"""An on-screen keyboard for the touch-only kiosk, and the dock that shows it under a focused field.

Keys never take focus: the field keeps its cursor, and every key reaches it as a real key press
and release, so validators, maxLength, undo and returnPressed behave as with a hardware keyboard.
Nothing here logs what is typed: it is customer data (emails, names, PINs).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import cast

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QFontMetrics, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractScrollArea, QAbstractSpinBox, QApplication, QFrame, QLineEdit, QPlainTextEdit, QPushButton,
    QSizePolicy, QStackedWidget, QTextEdit, QVBoxLayout, QWidget,
)
from shiboken6 import isValid

from kiosk.ui.osk_layouts import (
    BACKSPACE, DOUBLE_TAP_S, ENTER, GAP_X, GAP_Y, HIDE, ICONS, LETTERS, NEXT, PAGES, SHARES,
    SHIFT, SPACE, STYLE, SYMBOLS, WORDS, Key,
)


def keyboard_height(width: int, height: int) -> int:
    """The keyboard's height in a window of this size: the forms get the rest of the screen."""
    return round(min(height * 0.36, 420))


def field_mode(widget: QWidget | None) -> str | None:
    """The layout a focused widget needs ("text", "email" or "digits"), None for no keyboard."""
    if isinstance(widget, QLineEdit) and isinstance(widget.parentWidget(), QAbstractSpinBox):
        widget = widget.parentWidget()  # a spin box's own line edit holds the focus
    if not isinstance(widget, (QLineEdit, QPlainTextEdit, QTextEdit, QAbstractSpinBox)) or (
            widget.isReadOnly() or not widget.isEnabled() or widget.property("osk") == "off"):
        return None
    if widget.property("osk") in ("text", "email", "digits"):
        return str(widget.property("osk"))
    hints = widget.inputMethodHints()
    return ("digits" if hints & Qt.InputMethodHint.ImhDigitsOnly else
            "email" if hints & Qt.InputMethodHint.ImhEmailCharactersOnly else "text")


def _key_code(char: str) -> int:
    # Qt's key codes for printable keys are the Unicode code points of their capitals.
    upper = char.upper()
    return ord(upper) if len(upper) == 1 else ord(char)


class _KeyRow(QWidget):
    """Keys placed by hand on a grid of key units, and their font fitted to the key size."""

    def __init__(self, rows: list[list[Key]], make_key: Callable[[str, QWidget], QPushButton],
                 widest: float) -> None:
        super().__init__()
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        self._rows, self._widest = len(rows), widest
        self._fonts: dict[str, int] = {}
        self.keys: list[tuple[QPushButton, int, float, float, int]] = []
        self._units = max(sum(units for _, units, _ in row) for row in rows)
        for r, row in enumerate(rows):
            x = 0.0
            for token, units, span in row:
                if token:
                    self.keys.append((make_key(token, self), r, x, units, span))
                x += units

    def resizeEvent(self, event: object) -> None:
        self.place()

    def place(self) -> None:
        row_h = self.height() / self._rows
        unit = min(self.width() / self._units, row_h * self._widest)
        left = (self.width() - unit * self._units) / 2
        for button, r, x, units, span in self.keys:
            x0, x1 = round(left + x * unit), round(left + (x + units) * unit)
            y0, y1 = round(r * row_h), round((r + span) * row_h)
            button.setGeometry(x0 + GAP_X // 2, y0 + GAP_Y // 2, x1 - x0 - GAP_X, y1 - y0 - GAP_Y)
        key_h = round(row_h) - GAP_Y
        fonts = {size: self._fit(key_h, share, size) for size, share in SHARES.items()}
        if fonts != self._fonts:
            self._fonts = fonts
            self.setStyleSheet("".join(f'QPushButton[size="{size}"] {{ font-size: {px}px; }}'
                                       for size, px in fonts.items()))

    def _fit(self, key_h: int, share: float, size: str) -> int:
        """The largest font up to `share` of the key height whose every label fits its key."""
        px = max(10, round(key_h * share))
        for button, *_ in self.keys:
            if button.property("size") != size or not button.text():
                continue
            button.ensurePolished()
            font, texts = button.font(), {button.text().replace("&&", "&"), button.text().upper()}
            while px > 10:  # 16: the padding and borders
                font.setPixelSize(px)
                metrics = QFontMetrics(font)
                if (max(metrics.horizontalAdvance(t) for t in texts) + 16 <= button.width()
                        and metrics.height() <= key_h - 4):
                    break
                px -= 1
        return px


class OnScreenKeyboard(QFrame):
    """Keys that type into the focused text field: letters (en, de), symbols, email, digits."""

    hide_requested = Signal()

    def __init__(self, parent: QWidget | None = None, language: str = "en",
                 clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__(parent)
        self.setObjectName("OnScreenKeyboard")
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setStyleSheet(STYLE)
        self._clock, self._shift, self._shift_at = clock, 0, -1.0  # shift: 0 off, 1 once, 2 locked
        self._language, self._mode = "en", "text"
        self._tokens: dict[QPushButton, str] = {}
        self._stack = QStackedWidget()
        self._stack.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        # A number pad stays a pad on a wide screen; letter rows use the whole width, as on tablets.
        self._pages = {name: _KeyRow(PAGES[name], self._make_key, 2.4 if name == "digits" else 9.0)
                       for name in ("en", "de", "symbols", "digits")}
        for page in self._pages.values():
            self._stack.addWidget(page)
        self._email = _KeyRow(PAGES["email"], self._make_key, 9.0)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 2, 4, 2)
        layout.setSpacing(0)
        layout.addWidget(self._email, 1)
        layout.addWidget(self._stack, len(PAGES["en"]))
        self._retranslate()
        self.set_language(language)
        self.set_mode("text")

    def _make_key(self, token: str, parent: QWidget) -> QPushButton:
        button = QPushButton(parent)
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        button.setAutoDefault(False)
        button.setText({SPACE: "", NEXT: "", HIDE: "⌨▾"}.get(token, token.replace("&", "&&")))
        button.setProperty("kind", "enter" if token == ENTER else
                           "special" if token in ICONS | WORDS - {".com", ".de"} else "char")
        button.setProperty("size", "word" if token in WORDS else "icon" if token in ICONS else "char")
        button.setAutoRepeat(token == BACKSPACE)  # hold to delete
        button.clicked.connect(lambda _=False, t=token: self._on_key(t))  # on release inside
        self._tokens[button] = token
        return button

    def _retranslate(self) -> None:
        names = {SHIFT: self.tr("Shift"), BACKSPACE: self.tr("Delete"), ENTER: self.tr("Enter"),
                 NEXT: self.tr("Next field"), HIDE: self.tr("Hide keyboard"), SPACE: self.tr("Space"),
                 SYMBOLS: self.tr("Digits and symbols"), LETTERS: self.tr("Letters")}
        self.setAccessibleName(self.tr("Keyboard"))
        for button, token in self._tokens.items():
            button.setAccessibleName(names.get(token, button.text().replace("&&", "&")))
            if token == NEXT:
                button.setText(self.tr("Next"))
        self._set_shift(self._shift, force=True)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self._retranslate()
        super().changeEvent(event)

    def mode(self) -> str:  # "text", "email" or "digits"
        return self._mode

    def page(self) -> str:
        """The page on show: "en", "de", "symbols" or "digits"."""
        return next(n for n, p in self._pages.items() if p is self._stack.currentWidget())

    def set_language(self, language: str) -> None:
        self._language = "de" if language == "de" else "en"
        if self.page() in ("en", "de"):
            self._show_page(self._language)

    def set_mode(self, mode: str) -> None:
        """Start afresh for a field: "text", "email" or "digits" (see field_mode)."""
        self._mode = mode if mode in ("email", "digits") else "text"
        self._set_shift(0)
        self._show_page("digits" if self._mode == "digits" else self._language)

    def visible_keys(self) -> list[QPushButton]:
        """The keys on show, row by row."""
        rows = [self._email] if self._email.isVisibleTo(self) else []
        return [key for page in [*rows, self._pages[self.page()]] for key, *_ in page.keys]

    def key(self, name: str) -> QPushButton:
        """The key on show with this accessible name (a letter is its own name) or label."""
        for key in self.visible_keys():
            if name in (key.accessibleName(), key.text()):
                return key
        raise KeyError(name)

    def target(self) -> QWidget | None:
        """The field the keys type into: the focused editable text field, if any."""
        widget = QApplication.focusWidget() or self.window().focusWidget()
        return widget if field_mode(widget) else None

    def _show_page(self, name: str) -> None:
        self._stack.setCurrentWidget(self._pages[name])
        self._email.setVisible(self._mode == "email" and name != "digits")

    def _on_key(self, token: str) -> None:
        if token == SHIFT:
            now = self._clock()
            double = self._shift == 1 and now - self._shift_at < DOUBLE_TAP_S
            self._shift_at = now
            self._set_shift(2 if double else 0 if self._shift else 1)
        elif token in (SYMBOLS, LETTERS):
            self._show_page("symbols" if token == SYMBOLS else self._language)
        elif token == HIDE:
            self.hide_requested.emit()
        elif (target := self.target()) is None:
            return
        elif token == BACKSPACE:
            self._send(target, Qt.Key.Key_Backspace, "")
        elif token == ENTER:
            self._send(target, Qt.Key.Key_Return, "\r")
        elif token == NEXT:
            self._focus_next(target)
        else:
            for char in token:
                upper = char.upper()
                text = upper if self._shift and len(upper) == 1 else char
                self._send(target, _key_code(text), text)
            if self._shift == 1:
                self._set_shift(0)

    @staticmethod
    def _send(target: QWidget, key: int, text: str) -> None:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(target, QKeyEvent(kind, key, Qt.KeyboardModifier.NoModifier, text))

    @staticmethod
    def _focus_next(target: QWidget) -> None:
        """Tab's order, without Tab itself: a text edit would type a tab character."""
        window, tab = target.window(), Qt.FocusPolicy.TabFocus.value
        widget = target.nextInFocusChain()
        while widget is not target and widget is not None:
            if (widget.focusPolicy().value & tab == tab and widget.focusProxy() is None
                    and widget.isVisibleTo(window) and widget.isEnabled() and widget is not window
                    and window.isAncestorOf(widget)):
                widget.setFocus(Qt.FocusReason.TabFocusReason)
                return
            widget = widget.nextInFocusChain()

    def _set_shift(self, state: int, force: bool = False) -> None:
        # Every focus change resets Shift: relabelling ~100 keys each time (and re-polishing)
        # cost tens of ms on the GUI thread, so only a real change relabels.
        if state == self._shift and not force:
            return
        self._shift = state
        for button, token in self._tokens.items():
            if len(token) == 1 and token.isalpha() and len(token.upper()) == 1:
                button.setText(token.upper() if state else token)
                button.setAccessibleName(button.text())
        for button in (b for b, t in self._tokens.items() if t == SHIFT):
            button.setText("⇪" if state == 2 else SHIFT)
            button.setAccessibleName(self.tr("Caps lock") if state == 2 else self.tr("Shift"))
            button.setProperty("on", ("off", "once", "locked")[state])
            button.style().unpolish(button)
            button.style().polish(button)


class KeyboardDock(QObject):
    """Shows the keyboard while an editable text field of `window` has the focus, hides it after.

    The window puts the keyboard into its layout (below its pages); the dock only shows, hides and
    sizes it, and calls `ensure_visible(field)` once the layout has made room for it.
    """

    visibility_changed = Signal(bool)

    def __init__(self, window: QWidget, keyboard: OnScreenKeyboard,
                 ensure_visible: Callable[[QWidget], None] | None = None) -> None:
        super().__init__(window)
        self._window, self._keyboard, self._ensure_visible = window, keyboard, ensure_visible
        self._field: QWidget | None = None
        self._watched: list[QWidget] = []  # the field, and a text edit's viewport that gets its taps
        self._shown = False
        keyboard.hide()
        keyboard.setFixedHeight(keyboard_height(window.width(), window.height()))
        keyboard.hide_requested.connect(self.hide_keyboard)
        window.installEventFilter(self)
        cast(QApplication, QApplication.instance()).focusChanged.connect(self._on_focus_changed)

    def is_shown(self) -> bool:
        return self._shown

    def set_language(self, language: str) -> None:
        self._keyboard.set_language(language)

    def hide_keyboard(self) -> None:
        """Hide the keyboard; the field keeps its focus, and a tap on it shows the keyboard again."""
        self._keyboard.hide()
        if self._shown:
            self._shown = False
            self.visibility_changed.emit(False)

    def _on_focus_changed(self, old: QWidget | None, new: QWidget | None) -> None:
        if not (isValid(self._window) and isValid(self._keyboard)) or (
                new is not None and self._keyboard.isAncestorOf(new)):
            return
        mode = field_mode(new) if new is not None and self._window.isAncestorOf(new) else None
        self._follow(new if mode else None)
        if new is not None and mode is not None:
            self._show(new, mode)
        else:
            self.hide_keyboard()

    def _follow(self, field: QWidget | None) -> None:
        for widget in self._watched:
            if isValid(widget):
                widget.removeEventFilter(self)
        self._field = field
        self._watched = [] if field is None else [field]
        if isinstance(field, QAbstractScrollArea):
            self._watched.append(field.viewport())
        for widget in self._watched:
            widget.installEventFilter(self)

    def _show(self, field: QWidget, mode: str) -> None:
        self._keyboard.set_mode(mode)
        height = keyboard_height(self._window.width(), self._window.height())
        if self._shown and self._keyboard.isVisible() and self._keyboard.height() == height:
            if self._ensure_visible is not None:  # already in place: no new layout pass
                self._ensure_visible(field)
            return
        self._keyboard.setFixedHeight(height)
        self._keyboard.show()
        if not self._shown:
            self._shown = True
            self.visibility_changed.emit(True)
        chain, widget = [], self._keyboard.parentWidget()  # lay out now: ensure_visible sees the room
        while widget is not None:
            chain.append(widget)
            widget = None if widget is self._window else widget.parentWidget()
        for widget in reversed(chain):
            if (layout := widget.layout()) is not None:
                layout.activate()
        if self._ensure_visible is not None:
            self._ensure_visible(field)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if watched is self._window and kind == QEvent.Type.Resize:
            self._keyboard.setFixedHeight(keyboard_height(self._window.width(), self._window.height()))
        elif watched is self._field and kind == QEvent.Type.Hide:
            self.hide_keyboard()
        elif (watched in self._watched and kind == QEvent.Type.MouseButtonPress and not self._shown
              and self._field is not None and self._field.hasFocus()):
            mode = field_mode(self._field)
            if mode is not None:
                self._show(self._field, mode)
        return False
