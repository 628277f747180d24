"""The on-screen keyboard's data: its pages of keys and its style (kiosk/ui/osk.py draws them)."""

from __future__ import annotations

SHIFT, BACKSPACE, ENTER, NEXT, HIDE, SYMBOLS, LETTERS, SPACE = (
    "⇧", "⌫", "⏎", "<next>", "<hide>", "123", "ABC", " ")
DOUBLE_TAP_S = 0.4  # a second tap on Shift within this time locks capitals
GAP_X, GAP_Y = 6, 5  # between keys; GAP_Y keeps five rows of 48 px keys in a 768 px high screen
Key = tuple[str, float, int]  # what the key types or does, its width in key units, rows it spans


def _keys(chars: str) -> list[Key]:
    return [(c, 1.0, 1) for c in chars]


def _bottom(switch: str, space: float) -> list[Key]:
    return [(switch, 1.5, 1), (SPACE, space, 1), (NEXT, 2.0, 1), (HIDE, 1.5, 1)]


# Phone and tablet layouts people know; ß has no long press here, so it has its own key.
PAGES: dict[str, list[list[Key]]] = {
    "en": [[*_keys("qwertyuiop"), (BACKSPACE, 1.5, 1)],
           [("", 0.5, 1), *_keys("asdfghjkl"), (ENTER, 2.0, 1)],
           [(SHIFT, 1.5, 1), *_keys("zxcvbnm,.-")],
           _bottom(SYMBOLS, 6.5)],
    "de": [[*_keys("qwertzuiopü"), (BACKSPACE, 1.5, 1)],
           [*_keys("asdfghjklöä"), (ENTER, 1.5, 1)],
           [(SHIFT, 1.5, 1), *_keys("yxcvbnmß,.-")],
           _bottom(SYMBOLS, 7.5)],
    "symbols": [[*_keys("1234567890"), (BACKSPACE, 1.5, 1)],
                [*_keys("-_.,'/+&()"), (ENTER, 1.5, 1)],
                [("", 0.25, 1), *_keys("@#$%*:;!?\"="), ("", 0.25, 1)],
                _bottom(LETTERS, 6.5)],
    "digits": [[*_keys("123"), (BACKSPACE, 1.0, 1)],
               [*_keys("456"), (NEXT, 1.0, 1)],
               [*_keys("789"), (ENTER, 1.0, 2)],
               [(HIDE, 1.0, 1), ("0", 2.0, 1)]],
    "email": [[*_keys("@.-_"), (".com", 1.0, 1), (".de", 1.0, 1)]],
}
ICONS = {SHIFT, BACKSPACE, ENTER, HIDE}
WORDS = {SYMBOLS, LETTERS, NEXT, ".com", ".de"}
SHARES = {"char": 0.42, "word": 0.3, "icon": 0.5}  # font size per key height, if the label fits

STYLE = """
#OnScreenKeyboard, #OnScreenKeyboard QWidget { background: #d9dee6; border: none; }
#OnScreenKeyboard { border-top: 1px solid #9aa4b2; }
#OnScreenKeyboard QPushButton { min-width: 0; min-height: 0; padding: 0 4px; border-radius: 8px;
    border: 1px solid #6b7785; border-bottom: 2px solid #4f5968; background: #eef1f5;
    color: #111111; font-weight: 400; }
#OnScreenKeyboard QPushButton:pressed { background: #dbe4f0; border-bottom-width: 1px; }
#OnScreenKeyboard QPushButton[kind="special"] { background: #c5cdd8; font-weight: 600; }
#OnScreenKeyboard QPushButton[kind="special"]:pressed { background: #dbe4f0; }
#OnScreenKeyboard QPushButton[on="once"] { background: #ffffff; border: 2px solid #0b1f3a; }
#OnScreenKeyboard QPushButton[on="locked"] { background: #0b1f3a; color: #ffffff; border-color: #0b1f3a; }
#OnScreenKeyboard QPushButton[kind="enter"] { background: #0b5fff; border-color: #0847c2;
    color: #ffffff; font-weight: 600; }
#OnScreenKeyboard QPushButton[kind="enter"]:pressed { background: #0847c2; }
"""
