"""The hard synthetic frames and clips (issue 16): sane ground truth, reproducible, readable."""

from __future__ import annotations

import itertools
import random

import cv2
import numpy as np
import pytest
import zxingcpp

from kiosk.scan import ean13, find_imeis, imei_from_code
from kiosk.scan.imei import luhn_valid
from kiosk.scan.synth_hard import HARD_KINDS, HardFrame, hard_frames, iter_hard_frames

PER_KIND = 2
FRAMES = hard_frames(PER_KIND * len(HARD_KINDS), seed=16)
AMPLE = 2000.0  # ms: what the passes can read, whatever the machine's load


def of_kind(kind: str) -> list[HardFrame]:
    return [f for f in FRAMES if f.kind == kind]


@pytest.mark.parametrize("kind", HARD_KINDS)
def test_every_kind_makes_full_frames_with_sane_ground_truth(kind: str) -> None:
    frames = of_kind(kind)
    assert len(frames) == PER_KIND
    for f in frames:
        assert f.image.shape == (720, 1280, 3) and f.image.dtype == np.uint8
        assert 1 <= len(f.imeis) <= 2 and len(set(f.imeis)) == len(f.imeis)
        assert all(len(i) == 15 and luhn_valid(i) for i in f.imeis)
        assert all(imei_from_code(d) is None for d in f.decoys), "a decoy that is an IMEI"
        assert f.module >= 0.85
        assert float(f.image.std()) > 10  # not blank
        if kind == "small":
            assert f.module <= 1.5 + 1e-6
        if kind == "multi":
            lengths = sorted(len(d) for d in f.decoys)
            assert len(f.imeis) == 2 and lengths == [13, 20, 32]
            assert any(d.startswith("89049") and len(d) == 32 for d in f.decoys)
            assert any(d.startswith("89") and len(d) == 20 for d in f.decoys)
        if kind == "combo":
            assert len(f.effects) >= 3
            assert not ({"small"} <= set(f.effects) and {"blur", "motion"} & set(f.effects))


def test_a_seed_reproduces_its_frames_and_another_seed_does_not() -> None:
    a, b = hard_frames(2, seed=3), hard_frames(2, seed=3)
    for x, y in zip(a, b, strict=True):
        assert x.imeis == y.imeis and x.decoys == y.decoys and x.kind == y.kind
        assert np.array_equal(x.image, y.image)
    c = hard_frames(2, seed=4)
    assert [f.imeis for f in c] != [f.imeis for f in a]


def _read_somehow(frame: HardFrame) -> set[str]:
    """zxing-cpp on the grey frame (both polarities, then 2x), or find_imeis at an ample budget."""
    grey = cv2.cvtColor(frame.image, cv2.COLOR_BGR2GRAY)
    found: set[str] = set()
    for img in (grey, 255 - grey, cv2.resize(grey, None, fx=2, fy=2, interpolation=cv2.INTER_CUBIC)):
        for b in zxingcpp.read_barcodes(img):
            imei = imei_from_code(b.text)
            if imei:
                found.add(imei)
        if found:
            return found
    return set(find_imeis(frame.image, budget_ms=AMPLE))


@pytest.mark.parametrize("kind", HARD_KINDS)
def test_every_kind_is_readable_at_all(kind: str) -> None:
    """Not a recall threshold: only that no kind is impossible for a reader."""
    more = iter_hard_frames(4, seed=1600, kinds=(kind,))  # made only if the first ones fail
    assert any(_read_somehow(f) & set(f.imeis) for f in itertools.chain(of_kind(kind), more)), (
        f"no IMEI of the {kind} frames was read")


@pytest.mark.parametrize("digits", ["590123412345", "4006381333931", "6901234567892", "0000000000000"])
@pytest.mark.parametrize("module", [2, 3])
def test_the_ean13_renderer_is_read_back_by_zxing(digits: str, module: int) -> None:
    img = cv2.copyMakeBorder(ean13.render(digits, module, 30 * module), 16, 16, 16, 16,
                             cv2.BORDER_CONSTANT, value=255)
    results = zxingcpp.read_barcodes(img)
    assert [(r.text, r.format.name) for r in results] == [(ean13.complete(digits), "EAN13")]


def test_an_ean13_with_a_wrong_check_digit_is_refused() -> None:
    with pytest.raises(ValueError):
        ean13.render("5901234123458")


def test_a_clip_has_its_ground_truth() -> None:
    from kiosk.scan.clips import FPS, make_clip

    clip = make_clip(random.Random(5), seconds=1.2)
    assert len(clip.frames) == int(1.2 * FPS)
    assert all(f.shape == (720, 1280, 3) and f.dtype == np.uint8 for f in clip.frames)
    assert 1 <= len(clip.imeis) <= 2 and all(luhn_valid(i) for i in clip.imeis)
    assert all(imei_from_code(d) is None for d in clip.decoys)
    assert 0 < clip.in_view_at <= clip.still_at < 1.2
    # The box comes from outside: in the first frame no code is whole in view.
    assert clip.in_view[0] is False and clip.in_view[-1] is True
    # Held still at the end: somebody can read it there.
    last = clip.frames[-1]
    assert set(find_imeis(last, budget_ms=AMPLE)) & set(clip.imeis) or _read_somehow(
        HardFrame(last, "clip", list(clip.imeis))) & set(clip.imeis)
