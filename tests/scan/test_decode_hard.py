"""The decoder's counted work: determinism, perspective rectification, blur measure, hard frames."""

from __future__ import annotations

import itertools
import multiprocessing
import random
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import cv2
import numpy as np
import pytest

from kiosk.scan import code128, decode, decode_read, find_codes, find_imeis, synth
from kiosk.scan import decode_profile as prof
from kiosk.scan.decode_geometry import Region, rectify
from kiosk.scan.synth_hard import hard_frames

HARD = hard_frames(24, seed=404)


def _texts(frame: np.ndarray, **kwargs: object) -> list[str]:
    return [c.text for c in find_codes(frame, **kwargs)]  # type: ignore[arg-type]


def _clock(step: float) -> Callable[[], float]:
    ticks = itertools.count()
    return lambda: next(ticks) * step


def test_same_frame_same_codes_whatever_the_budget_or_the_clock() -> None:
    """Tiny and huge budgets, and a clock that makes every step look slow, give one answer."""
    for f in HARD[:8]:
        reference = _texts(f.image, budget_ms=10_000.0)
        assert _texts(f.image, budget_ms=0.0) == reference
        slow = _clock(0.002)  # 2 ms a step: a machine ten times slower than this one
        assert _texts(f.image, budget_ms=1.0, clock=slow) == reference


def test_frames_read_from_several_threads_at_once_give_the_same_codes() -> None:
    """The frame pass and the reads run on a shared thread beside the caller's: callers
    reading at once (a camera worker, a benchmark) wait for it, and get the same answers."""
    frames = [f.image for f in HARD[:6]]
    reference = [_texts(frame) for frame in frames]
    with ThreadPoolExecutor(3) as pool:
        answers = list(pool.map(_texts, frames * 3))
    assert answers == reference * 3


def _read_in_child(frame: np.ndarray) -> list[str]:
    return _texts(frame)


def test_a_forked_process_reads_with_a_frame_thread_of_its_own() -> None:
    frame = HARD[2].image
    reference = _texts(frame)  # the parent's frame thread exists before the fork
    context = multiprocessing.get_context("fork")
    with context.Pool(1) as pool:
        assert pool.apply_async(_read_in_child, (frame,)).get(timeout=60) == reference


def test_the_safety_net_still_stops_a_frame() -> None:
    hung = _clock(10.0)  # every step takes 10 s
    frame = HARD[1].image
    codes = find_codes(frame, clock=hung)  # only the whole-frame pass runs
    assert {c.source for c in codes} <= {"frame"}


def test_perspective_rectified_by_the_quadrilateral() -> None:
    imei = synth.random_imei(random.Random(3))
    code = code128.render(imei, module_px=3, height_px=60)
    code = cv2.copyMakeBorder(code, 30, 30, 40, 40, cv2.BORDER_CONSTANT, value=255)
    h, w = code.shape
    bars = np.float32([[40, 30], [w - 40, 30], [w - 40, h - 30], [40, h - 30]])
    # One end of the code much smaller than the other, as a label turned away.
    quad = np.float32([[300, 200], [820, 150], [820, 330], [300, 250]])
    m = cv2.getPerspectiveTransform(bars, quad)
    scene = cv2.warpPerspective(code, m, (1280, 720), borderValue=(200,))
    region = Region((560.0, 240.0), 0.0, 520.0, 130.0, False, 1.0,
                    tuple(map(tuple, quad.astype(float))))  # type: ignore[arg-type]
    crop = rectify(scene, region, 1.0).crop
    # Upright and evenly spaced: every row of the crop crosses the same bars.
    rows = crop[crop.shape[0] // 2 - 10: crop.shape[0] // 2 + 10].astype(np.float32)
    assert float(np.abs(rows - rows.mean(axis=0)).mean()) < 12
    assert imei in find_imeis(scene)


@pytest.mark.parametrize("sigma", [1.0, 2.0, 3.0])
def test_blur_is_measured_from_the_profile(sigma: float) -> None:
    code = code128.render("358507311042123", module_px=4, height_px=40).astype(np.float32)
    blurred = cv2.GaussianBlur(code, (0, 0), sigma).astype(np.uint8)
    line = prof.scan_profile(blurred, 0, 40)
    measured = prof.estimate_blur(line, 0, line.size) / prof.UPSAMPLE
    assert abs(measured - sigma) < 0.35 * sigma + 0.3


def test_deconvolution_reads_a_blurred_code() -> None:
    imei = "358507311042123"
    code = code128.render(imei, module_px=3, height_px=40).astype(np.float32)
    code = cv2.copyMakeBorder(code, 0, 0, 40, 40, cv2.BORDER_CONSTANT, value=255)
    blurred = np.clip(cv2.GaussianBlur(code, (0, 0), 2.0) * 0.6 + 60, 0, 255).astype(np.uint8)
    line = prof.scan_profile(blurred, 0, 40)
    sigma = prof.estimate_blur(line, 0, line.size)
    image = prof.grey_image(prof.deconvolve(line, sigma, snr=3000.0))
    assert imei in [t for t, _, _ in decode_read._zx_read(image, decode.SYMBOLOGIES, rotate=False)]


@pytest.mark.parametrize("kind", ["small", "blur", "perspective", "glare", "multi", "screen_dark"])
def test_hard_frames_never_give_a_wrong_imei(kind: str) -> None:
    frames = hard_frames(4, seed=505, kinds=(kind,))
    hits = total = 0
    for f in frames:
        found = find_imeis(f.image)
        assert set(found) <= set(f.imeis)
        hits += len(set(found) & set(f.imeis))
        total += len(f.imeis)
    assert hits >= total // 3  # most are read; the bench reports the figures


def test_two_texts_read_from_one_place_are_both_dropped() -> None:
    """A misread that passes Code 128's check and the Luhn digit (seen in a clip: zxing-cpp
    read 359254069496503 as 359254301396503 in four frames, beside the right reading) is told
    by its place: two texts from one code. Stacked codes of a label are kept."""
    from kiosk.scan.decode_codes import Code, without_conflicts

    def code(text: str, x: float, y: float, length: float = 250, height: float = 40) -> Code:
        return Code(text, "CODE128", ((x, y), (x + length, y), (x + length, y + height),
                                      (x, y + height)), "crop")

    right = code("359254069496503", 720, 390)
    misread = code("359254301396503", 712, 372, height=38)  # the same code, outlined a bit off
    sibling = code("864129037559616", 700, 270)  # IMEI 1, above IMEI 2 on the label
    iccid = code("89443807936018173928", 690, 520, length=300)
    assert without_conflicts([sibling, right, iccid]) == [sibling, right, iccid]
    assert without_conflicts([sibling, right, misread, iccid]) == [sibling, iccid]
    # A zxing-cpp outline of a linear code can be a line along it: the same rule holds,
    # wherever across the code the line runs (a tall code read near its top).
    line = Code("359254301396503", "CODE128", ((715.0, 394.0), (965.0, 392.0)), "frame")
    assert without_conflicts([right, line]) == []
    # Stacked however close (a 4 px gap), or beside a longer code: kept.
    low = code("356938035643817", 700, 314)
    assert without_conflicts([sibling, low]) == [sibling, low]
    eid = code("89049032000001000000012345678901", 650, 330, length=380)
    assert without_conflicts([sibling, eid]) == [sibling, eid]
    # An outline of no length says nothing of where the code is.
    dot = Code("SN1234567890AB", "CODE128", ((800.0, 290.0),) * 4, "frame")
    assert without_conflicts([dot, sibling]) == [dot, sibling]
