"""IMEI scanning (Qt-free): parsing, single-frame decoding, agreement across frames.

The stable entry points: `find_imeis(frame)` and `find_codes(frame)`. The IMEI rule itself
lives in `kiosk.scan.imei` (one rule for the camera, keypad, wedge, flow and CLI).

Importing this package stays light: the OpenCV/numpy decoder (`Code`, `find_codes`,
`DEFAULT_BUDGET_MS`) is loaded on first use, so `import kiosk.flow` never pays for it.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from kiosk.scan.imei import (
    InvalidIdentifier, code_is_imei, imei_from_code, parse_iccid, parse_imei,
)

if TYPE_CHECKING:
    import numpy as np

    from kiosk.scan.decode import DEFAULT_BUDGET_MS, Code, find_codes

_LAZY = {"Code", "find_codes", "DEFAULT_BUDGET_MS"}

#: OpenCV reads these once, when it is first loaded (checked with the bundled build), and every
#: OpenCV user in the kiosk imports this package first: an image or frame file claiming
#: 60000x60000 pixels is refused instead of allocated (100 megapixels is 300 MB as BGR), and
#: OpenCV's and FFmpeg's own warnings stay out of the terminal and the GUI's log (the camera
#: worker reports its states itself).
MAX_IMAGE_PIXELS = 100_000_000
os.environ.setdefault("OPENCV_IO_MAX_IMAGE_PIXELS", str(MAX_IMAGE_PIXELS))
os.environ.setdefault("OPENCV_LOG_LEVEL", "ERROR")
os.environ.setdefault("OPENCV_FFMPEG_LOGLEVEL", "8")
#: A phone has one IMEI per SIM slot, two at most: once two are read, the rest of a label
#: (ICCID, EID, EAN, serials) is not looked at.
MAX_IMEIS = 2


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        from kiosk.scan import decode
        return getattr(decode, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def find_imeis(frame: np.ndarray, *, budget_ms: float | None = None) -> list[str]:
    """The distinct valid IMEIs read in `frame` (BGR HxWx3 or grey HxW, uint8), in reading order."""
    from kiosk.scan import decode
    found: list[str] = []
    budget = decode.DEFAULT_BUDGET_MS if budget_ms is None else budget_ms
    for code in decode.find_codes(frame, budget_ms=budget, imeis_enough=MAX_IMEIS):
        imei = imei_from_code(code.text)
        if imei is not None and imei not in found:
            found.append(imei)
    return found


__all__ = ["DEFAULT_BUDGET_MS", "Code", "InvalidIdentifier", "code_is_imei", "find_codes",
           "find_imeis", "imei_from_code", "parse_iccid", "parse_imei"]
