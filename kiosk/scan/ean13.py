"""A small EAN-13 renderer, for the decoy retail codes on synthetic phone-box labels.

Phone boxes carry an EAN-13 beside the IMEI barcodes; a reader must never take it for an IMEI.
Every code this module renders is read back by zxing-cpp in the tests.
"""

from __future__ import annotations

import numpy as np

# Left-hand odd (L) digit patterns; G is the reverse of R, R the complement of L.
_L = ("0001101", "0011001", "0010011", "0111101", "0100011",
      "0110001", "0101111", "0111011", "0110111", "0001011")
_R = tuple("".join("1" if c == "0" else "0" for c in p) for p in _L)
_G = tuple(p[::-1] for p in _R)
# Which of the six left digits use G, by the first (implicit) digit.
_PARITY = ("LLLLLL", "LLGLGG", "LLGGLG", "LLGGGL", "LGLLGG",
           "LGGLLG", "LGGGLL", "LGLGLG", "LGLGGL", "LGGLGL")
QUIET_LEFT, QUIET_RIGHT = 11, 7


def check_digit(twelve: str) -> str:
    """The EAN-13 check digit of 12 digits (weights 1, 3 alternating from the left)."""
    if len(twelve) != 12 or not twelve.isascii() or not twelve.isdigit():
        raise ValueError("EAN-13 needs 12 ASCII digits before its check digit")
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(twelve))
    return str((10 - total % 10) % 10)


def complete(digits: str) -> str:
    """12 digits with their check digit appended, or 13 digits checked."""
    if len(digits) == 12:
        return digits + check_digit(digits)
    if len(digits) == 13 and check_digit(digits[:12]) == digits[12]:
        return digits
    raise ValueError("not a valid EAN-13")


def modules(code: str) -> tuple[np.ndarray, np.ndarray]:
    """(row of modules with quiet zones, 1 = bar; mask of the guard bars, drawn longer)."""
    code = complete(code)
    bits = "101"
    guard = "111"
    parity = _PARITY[int(code[0])]
    for digit, which in zip(code[1:7], parity, strict=True):
        bits += (_L if which == "L" else _G)[int(digit)]
        guard += "0" * 7
    bits += "01010"
    guard += "11111"
    for digit in code[7:]:
        bits += _R[int(digit)]
        guard += "0" * 7
    bits += "101"
    guard += "111"
    row = np.array([0] * QUIET_LEFT + [int(b) for b in bits] + [0] * QUIET_RIGHT, np.uint8)
    mask = np.array([0] * QUIET_LEFT + [int(g) for g in guard] + [0] * QUIET_RIGHT, np.uint8)
    return row, mask


def render(code: str, module_px: int = 3, height_px: int = 90, *, digits: bool = True
           ) -> np.ndarray:
    """A greyscale EAN-13 (uint8, white background, quiet zones included), guard bars longer,
    with the human-readable digits below when `digits` (drawn with OpenCV)."""
    code = complete(code)
    row, guard = modules(code)
    text_h = int(module_px * 9) if digits else 0
    img = np.full((height_px + text_h, row.size * module_px), 255, np.uint8)
    bar_h = height_px - (int(module_px * 5) if digits else 0)
    for i, (bar, is_guard) in enumerate(zip(row, guard, strict=True)):
        if bar:
            bottom = height_px if is_guard else bar_h
            img[:bottom, i * module_px:(i + 1) * module_px] = 0
    if digits:
        import cv2

        scale = module_px * 0.33
        y = height_px + text_h - int(module_px * 2)
        cv2.putText(img, code[0], (0, y), cv2.FONT_HERSHEY_SIMPLEX, scale, (0,), max(1, module_px // 2),
                    cv2.LINE_AA)
        for part, start in ((code[1:7], QUIET_LEFT + 3), (code[7:], QUIET_LEFT + 50)):
            cv2.putText(img, part, ((start + 3) * module_px, y), cv2.FONT_HERSHEY_SIMPLEX, scale,
                        (0,), max(1, module_px // 2), cv2.LINE_AA)
    return img
