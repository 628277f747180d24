"""Decoding real barcode images (rendered, then degraded) through the real decoders."""

from __future__ import annotations

import random

import cv2
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.scan import find_codes, find_imeis, imei_from_code, synth
from kiosk.scan.imei import luhn_valid

FRAMES = synth.frames(140, seed=2024)
# The decoder's work is counted, not timed: `budget_ms` is only a safety net (see
# test_decode_hard). An ample one keeps a very loaded CI machine from ever reaching it.
AMPLE = 2000.0


def frames_of(kind: str) -> list[synth.Frame]:
    return [f for f in FRAMES if f.kind == kind]


@pytest.mark.parametrize("kind,least", [
    ("clean", 1.0), ("blur", 0.6), ("motion", 0.6), ("rotation", 0.8), ("tilt", 0.8),
    ("low_contrast", 0.7), ("glare", 0.9), ("noise", 0.9), ("small", 0.8), ("screen", 0.9),
    ("screen_dark", 0.8), ("multi", 0.9), ("decoy", 0.9),
])
def test_recall_by_degradation_and_never_a_wrong_imei(kind: str, least: float) -> None:
    hits = total = 0
    for frame in frames_of(kind):
        found = find_imeis(frame.image, budget_ms=AMPLE)
        assert set(found) <= set(frame.imeis), f"wrong IMEI read in a {kind} frame"
        hits += len(set(found) & set(frame.imeis))
        total += len(frame.imeis)
    assert total and hits / total >= least


def test_empty_frames_read_nothing() -> None:
    assert all(find_imeis(f.image, budget_ms=AMPLE) == [] for f in frames_of("empty"))


def test_default_budget_reads_clean_frames() -> None:
    assert all(set(find_imeis(f.image)) == set(f.imeis) for f in frames_of("clean"))


def test_decoys_that_fail_luhn_are_never_returned() -> None:
    rng = random.Random(5)
    for _ in range(6):
        decoys = [synth.decoy_number(rng) for _ in range(2)]
        label = synth.label([], rng, decoys=decoys, module=3)
        padded = cv2.copyMakeBorder(label, 40, 40, 40, 40, cv2.BORDER_CONSTANT, value=250)
        texts = {c.text for c in find_codes(padded)}
        assert set(decoys) <= texts  # the codes themselves are read ...
        assert find_imeis(padded) == []  # ... and refused as IMEIs


def test_grey_and_bgr_in_reading_order_with_polygons() -> None:
    rng = random.Random(1)
    imeis = [synth.random_imei(rng), synth.random_imei(rng)]
    label = synth.label(imeis, rng, module=3)
    grey = cv2.copyMakeBorder(label, 60, 60, 60, 60, cv2.BORDER_CONSTANT, value=250)
    assert find_imeis(grey) == imeis  # IMEI1 above IMEI2
    bgr = cv2.cvtColor(grey, cv2.COLOR_GRAY2BGR)
    assert find_imeis(bgr) == imeis
    upside_down = cv2.rotate(bgr, cv2.ROTATE_180)
    assert find_imeis(upside_down) == imeis  # reading order follows the label, not the frame
    codes = find_codes(grey)
    assert {c.symbology for c in codes} == {"CODE128"}
    for code in codes:
        xs = [p[0] for p in code.polygon]
        ys = [p[1] for p in code.polygon]
        assert len(code.polygon) == 4 and 0 <= min(xs) < max(xs) <= grey.shape[1]
        assert 0 <= min(ys) <= max(ys) <= grey.shape[0]


def test_pyzbar_backend_still_works() -> None:
    frame = frames_of("clean")[0]
    codes = find_codes(frame.image, backend="pyzbar")
    assert {imei_from_code(c.text) for c in codes} >= set(frame.imeis)


def test_bad_input_is_refused_clearly() -> None:
    with pytest.raises(ValueError):
        find_imeis(np.zeros((10, 10), np.float32))
    with pytest.raises(ValueError):
        find_imeis(np.zeros((10, 10, 2), np.uint8))


@settings(max_examples=400)
@given(st.text(alphabet=st.sampled_from("0123456789 -:IMEISV12/."), max_size=24) | st.text(max_size=24))
def test_no_payload_ever_yields_an_invalid_imei(text: str) -> None:
    imei = imei_from_code(text)
    if imei is not None:
        assert len(imei) == 15 and imei.isdigit() and luhn_valid(imei)
