"""A region of small modules is looked at again at full resolution: at half size, the codes
stacked on a label merge into one region whose corners follow the label, not the codes."""

from __future__ import annotations

import time

import cv2
import numpy as np
import pytest

from kiosk.scan import code128, decode_refine, decode_region, find_imeis
from kiosk.scan import decode_profile as prof
from kiosk.scan.decode_codes import Code, may_be_sibling
from kiosk.scan.decode_geometry import Region, _contains, propose_regions
from kiosk.scan.decode_read import _reader

SERIAL, IMEI1, IMEI2 = "123456789012345", "356938035643809", "352090170711993"


def _label(shrink: float, angle: float) -> tuple[np.ndarray, list[tuple[float, float]]]:
    """A label with a serial, IMEI1 and IMEI2 stacked (captions between), drawn at 3 px a
    module and area-averaged down by `shrink` (2.8: modules of 1.07 px), turned by `angle`;
    and the frame position of each code's centre, in that order."""
    lab = np.full((370, 520), 255, np.uint8)
    centres = []
    for k, text in enumerate((SERIAL, IMEI1, IMEI2)):
        code = code128.render(text, module_px=3, height_px=70)
        y = 40 + 110 * k
        lab[y:y + 70, 30:30 + code.shape[1]] = code
        cv2.putText(lab, f"IMEI {k}", (40, y + 98), cv2.FONT_HERSHEY_SIMPLEX, 0.8, 0, 2)
        centres.append((30 + code.shape[1] / 2, y + 35.0))
    small = cv2.resize(lab, None, fx=1 / shrink, fy=1 / shrink, interpolation=cv2.INTER_AREA)
    h, w = small.shape
    turn = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    turn[:, 2] += (640 - w / 2, 360 - h / 2)
    frame = np.full((720, 1280), 90, np.uint8)
    inside = cv2.warpAffine(np.full_like(small, 255), turn, (1280, 720)) > 128
    frame[inside] = cv2.warpAffine(small, turn, (1280, 720))[inside]
    noise = np.random.default_rng(1).normal(0, 2, frame.shape)
    frame = np.clip(frame + noise, 0, 255).astype(np.uint8)
    at = [tuple(turn @ np.array([x / shrink, y / shrink, 1.0])) for x, y in centres]
    return frame, at  # type: ignore[return-value]


def test_a_merged_region_of_small_codes_comes_apart_into_its_codes() -> None:
    frame, centres = _label(2.8, 25.0)
    merged = [r for r in propose_regions(frame) if sum(_contains(r, c) for c in centres) >= 2]
    assert merged, "the label's codes should merge at half size"
    parts = decode_refine.within(frame, merged[0])
    assert len(parts) >= 2
    for part in parts:
        assert sum(_contains(part, c) for c in centres) <= 1  # one code each
    for centre in centres[1:]:  # each IMEI has a part of its own
        assert any(_contains(part, centre) for part in parts)


def test_both_imeis_of_the_small_label_are_read() -> None:
    frame, _ = _label(2.8, 25.0)
    assert sorted(find_imeis(frame)) == sorted([IMEI1, IMEI2])


def test_a_code_of_wide_modules_is_not_looked_at_again() -> None:
    """At full resolution a code of wide modules breaks up: its region is read as it is."""
    frame = np.full((720, 1280), 235, np.uint8)
    code = code128.render(IMEI1, module_px=4, height_px=120)
    frame[200:320, 200:200 + code.shape[1]] = code
    region = max(propose_regions(frame), key=lambda r: r.width)
    assert decode_refine.rough_module(frame, region) > decode_refine.SMALL_MODULE
    assert decode_refine.within(frame, region) == []


@pytest.mark.parametrize("limit", [5, 9])
def test_a_region_reads_within_the_steps_it_is_given(limit: int,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    frame = np.full((720, 1280), 235, np.uint8)
    code = code128.render(IMEI1, module_px=2, height_px=80)
    frame[200:280, 200:200 + code.shape[1]] = code
    region = max(propose_regions(frame), key=lambda r: r.width)
    monkeypatch.setattr(decode_region, "_read_variant", lambda *args: [])  # reads nothing
    monkeypatch.setattr(decode_region, "_soft", lambda *args: [])
    steps = decode_region.Steps(44, 0, time.process_time, 10.0, 8.0)
    found = decode_region.read_region(frame, region, _reader("auto"), ("CODE128",), steps,
                                      limit=limit)
    assert found == []
    assert steps.taken == limit


def test_the_other_imei_of_a_leaning_label_is_still_its_sibling() -> None:
    """Under perspective the bars lean against the code's length: a region's gradient angle
    is not its length's direction, its corners are."""
    read = Code(IMEI1, "CODE128", ((100.0, 100.0), (250.0, -73.0), (265.0, -60.0), (115.0, 113.0)))
    lean = np.degrees(np.arctan2(-173.0, 150.0))  # the code's length: -49 degrees
    t = np.radians(lean)
    u, v = np.array([np.cos(t), np.sin(t)]), np.array([-np.sin(t), np.cos(t)])
    c = np.array([180.0, 60.0])
    quad = tuple(tuple(float(x) for x in c + a * 115 * u + b * 10 * v)
                 for a, b in ((-1, -1), (1, -1), (1, 1), (-1, 1)))
    other = Region((180.0, 60.0), -13.0, 230.0, 20.0, False, 4600.0, quad)  # type: ignore[arg-type]
    assert may_be_sibling(other, [read])
    assert not may_be_sibling(Region((180.0, 60.0), -13.0, 230.0, 20.0, False, 4600.0), [read])


def test_a_region_too_large_for_a_label_is_not_looked_at_again(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Looking again costs time outside the counted steps: a frame of fine stripes must not
    have six regions of a whole frame each looked at again."""
    stripes = np.tile(np.array([0, 255], np.uint8)[None, :], (720, 640))  # 1 px modules
    looked: list[Region] = []
    monkeypatch.setattr(decode_refine, "_regions_near", lambda grey, r: looked.append(r) or [])
    whole = Region((640.0, 360.0), 0.0, 1200.0, 700.0, False, 0.0)
    assert decode_refine.within(stripes, whole) == []
    label = Region((640.0, 360.0), 0.0, 300.0, 200.0, False, 0.0)
    assert decode_refine.within(stripes, label) == []
    assert looked == [label]


def _edges_by_loop(line: np.ndarray, x0: float, x1: float) -> int:
    """The edge count as it was first written, one sample at a time."""
    a, b = int(max(0, x0)), int(min(line.size, x1))
    seg = line[a:b]
    if seg.size < 8:
        return 0
    d = seg - cv2.blur(seg[None, :], (max(9, seg.size // 20) | 1, 1))[0]
    band = 0.08 * prof.quantiles(np.abs(d), 90)[0]
    state, count = 0, 0
    for value in d[::2].tolist():
        side = 1 if value > band else (-1 if value < -band else 0)
        if side and side != state:
            count += state != 0
            state = side
    return count


def test_edges_are_counted_as_one_sample_at_a_time() -> None:
    rng = np.random.default_rng(7)
    for _ in range(300):
        n = int(rng.integers(4, 2500))
        line = cv2.GaussianBlur(rng.normal(0, 40, (1, n)).astype(np.float32), (0, 0),
                                float(rng.uniform(0.5, 6)))[0]
        x0, x1 = float(rng.uniform(-10, n)), float(rng.uniform(0, n + 10))
        assert prof.edge_count(line, x0, x1) == _edges_by_loop(line, x0, x1)
    # A sample exactly at the band once rounded to float32 (the red team's): still an edge.
    levels = {"a": -8.146234512329102, "b": 0.0, "c": 9.486282348632812, "d": 60.0, "e": 100.0,
              "f": 190.5137176513672}
    line = np.array([levels[c] for c in "bbbbbbbbbbabbbbbbbbbbbbbdbbbbbbbbbbb"
                     "cffceeececeeeceefecfeeceffce"], np.float32)
    assert _edges_by_loop(line, 0, 64) == 6
    assert prof.edge_count(line, 0, 64) == _edges_by_loop(line, 0, 64)


@pytest.mark.parametrize("shape", [(0, 0), (1, 1), (3, 400), (1, 5000), (2, 2, 3), (31, 1280),
                                   (3000, 17)])
def test_a_frame_too_small_for_regions_gives_nothing_and_no_error(shape: tuple[int, ...]) -> None:
    assert find_imeis(np.zeros(shape, np.uint8)) == []


def test_a_thin_strip_is_still_read_whole() -> None:
    strip = code128.render(IMEI1, module_px=2, height_px=24)  # 24 px: no region search
    assert find_imeis(strip) == [IMEI1]


def test_a_tiny_code_whose_half_size_region_is_turned_is_read_by_its_own() -> None:
    # Modules under a pixel: at half size the bars do not show, and the region follows the
    # label's texture, turned from the bars. At full size the one code in
    # it has the bars' direction: read by that region, not the turned one.
    from kiosk.scan.synth_hard import iter_hard_frames

    f = list(iter_hard_frames(5, 8100, kinds=("small",)))[4]
    grey = cv2.cvtColor(f.image, cv2.COLOR_BGR2GRAY)
    (region,) = propose_regions(grey)
    (part,) = decode_refine.within(grey, region)
    turn = abs(part.angle - region.angle) % 180
    assert min(turn, 180 - turn) > 60  # the region at -48 degrees, the code at +25
    assert find_imeis(f.image) == f.imeis
