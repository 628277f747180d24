"""Where a code lies in its band (`decode_plan.code_span`): a region merged with its label is
wider than its code; the module, the blur and the soft reader go by the code's own span."""

from __future__ import annotations

import cv2
import numpy as np

from kiosk.scan import code128, decode_soft
from kiosk.scan.decode_plan import code_span

IMEI = "353918116189958"


def _code(module: int = 3) -> np.ndarray:
    return code128.render(IMEI, module_px=module, height_px=60)  # 10 quiet modules each side


def _bars(module: int) -> tuple[int, int]:
    """The first bar's left edge and the last bar's right edge in `_code(module)`."""
    dark = np.flatnonzero(_code(module)[30] < 128)
    return int(dark[0]), int(dark[-1]) + 1


def test_a_code_in_a_wide_blank_region_spans_its_bars() -> None:
    code = _code()
    crop = cv2.copyMakeBorder(code, 0, 0, 200, 300, cv2.BORDER_CONSTANT, value=255)
    a, b = _bars(3)
    x0, x1 = code_span(crop, 0, crop.shape[0], 40.0, crop.shape[1] - 40.0)
    assert abs(x0 - (200 + a)) < 2 and abs(x1 - (200 + b)) < 2


def test_a_code_beside_its_caption_spans_its_bars_not_the_caption() -> None:
    crop = cv2.copyMakeBorder(_code(), 0, 0, 10, 330, cv2.BORDER_CONSTANT, value=255)
    cv2.putText(crop, "S/N", (crop.shape[1] - 200, 40), cv2.FONT_HERSHEY_SIMPLEX, 1.0, 0, 2)
    a, b = _bars(3)
    x0, x1 = code_span(crop, 0, crop.shape[0], 5.0, crop.shape[1] - 5.0)
    assert abs(x0 - (10 + a)) < 2 and abs(x1 - (10 + b)) < 2


def test_the_region_span_is_kept_when_it_fits_or_holds_more_than_one_code() -> None:
    code = _code()
    a, b = _bars(3)
    assert code_span(code, 0, code.shape[0], a - 3.0, b + 3.0) == (a - 3.0, b + 3.0)  # about as wide
    pair = np.hstack([code, code])  # two codes side by side: which one is not for this to say
    assert code_span(pair, 0, pair.shape[0], 10.0, pair.shape[1] - 10.0) == (10.0, pair.shape[1] - 10.0)
    blank = np.full((60, 400), 255, np.uint8)
    assert code_span(blank, 0, 60, 20.0, 380.0) == (20.0, 380.0)  # no edges at all


def test_the_soft_reader_reads_a_blurred_code_in_a_wide_region_by_its_span() -> None:
    # Heavily blurred, in a region twice its width: by the region's span the soft reader
    # takes the module for twice what it is and reads nothing.
    crop = cv2.copyMakeBorder(_code(), 0, 0, 250, 250, cv2.BORDER_CONSTANT, value=255)
    crop = cv2.GaussianBlur(crop, (0, 0), 3.2)
    x0, x1 = 20.0, crop.shape[1] - 20.0
    assert decode_soft.read_band(crop, 0, crop.shape[0], x0, x1) is None
    a, b = code_span(crop, 0, crop.shape[0], x0, x1)
    assert decode_soft.read_band(crop, 0, crop.shape[0], a, b) == IMEI
