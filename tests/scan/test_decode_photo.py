"""Frames larger than a webcam's (photos): searched and read at a webcam's size, and at full
size when that reads no IMEI."""

from __future__ import annotations

import random

import cv2
import numpy as np

from kiosk.scan import code128, decode, find_codes, find_imeis
from kiosk.scan.imei import imei_from_code
from kiosk.scan.synth import random_imei
from kiosk.scan.synth_hard import iter_hard_frames


def _frames(kind: str, n: int) -> list:
    return list(iter_hard_frames(n, 8097, kinds=(kind,)))


def test_webcam_frames_are_read_at_their_own_size() -> None:
    for h, w in ((720, 1280), (1080, 1920), (1920, 1080), (40, 3000 // 2)):
        grey = np.zeros((h, w), np.uint8)
        assert decode._working(grey)[0] is grey


def test_a_photo_is_worked_at_a_webcam_size_with_its_shape() -> None:
    grey, kx, ky = decode._working(np.zeros((3024, 4032), np.uint8))
    assert grey.shape == (1440, 1920)
    assert abs(kx - 1920 / 4032) < 1e-9 and abs(ky - 1440 / 3024) < 1e-9


def test_blur_three_times_wider_in_a_photo_reads_as_in_a_webcam_frame() -> None:
    # A blurred and a motion-smeared code, photographed at 3x a webcam's resolution: their
    # blur is 3x wider in pixels than the region search and the variants are made for.
    frames = list(iter_hard_frames(8, 8097, kinds=("blur", "motion")))
    for f in (frames[2], frames[7]):
        big = cv2.resize(f.image, None, fx=3, fy=3, interpolation=cv2.INTER_CUBIC)
        codes = [c for c in find_codes(big, imeis_enough=2) if imei_from_code(c.text)]
        assert {imei_from_code(c.text) for c in codes} == set(f.imeis)
        small = {imei_from_code(c.text): c for c in find_codes(f.image) if imei_from_code(c.text)}
        for c in codes:  # corners in the photo's own pixels: 3x those in the webcam frame
            centre = np.mean(c.polygon, axis=0)
            assert 0 <= centre[0] < big.shape[1] and 0 <= centre[1] < big.shape[0]
            if c.text in small:  # across the bars (a reader's line may be any row of them;
                # the two reads may come from different readers, the soft one's a band's span)
                assert abs(centre[0] - 3 * np.mean(small[c.text].polygon, axis=0)[0]) < 90
    # Along the bars too: a code turned by 45 degrees.
    f = frames[2]
    big = cv2.resize(f.image, None, fx=3, fy=3, interpolation=cv2.INTER_CUBIC)
    (code,) = [c for c in find_codes(big) if imei_from_code(c.text)]
    (alone,) = [c for c in find_codes(cv2.resize(big, None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA))
                if imei_from_code(c.text)]
    assert np.allclose(np.mean(code.polygon, axis=0), 2 * np.mean(alone.polygon, axis=0), atol=3)


def test_a_far_small_code_in_a_photo_is_read_at_full_size() -> None:
    # Modules of about 1-1.3 px in a 3840x2160 photo: at a webcam's size they are half that,
    # below what any reader resolves. Nothing read there, the full size is read.
    for f in (_frames("small", 5)[1], _frames("small", 5)[4]):
        h, w = f.image.shape[:2]
        big = cv2.copyMakeBorder(f.image, h, h, w, w, cv2.BORDER_CONSTANT, value=(200, 200, 200))
        assert set(find_imeis(big)) == set(f.imeis)


def test_a_photos_far_pass_leaves_codes_the_working_size_reads(monkeypatch) -> None:
    # A photo full of wide bars (nothing readable): every region is a code the working size
    # would have read. The far pass is for far labels only; reading these again at full
    # size took 3 s of CPU.
    rng = np.random.default_rng(2)
    row = np.repeat(rng.integers(0, 2, 800) * 255, 5).astype(np.uint8)
    photo = np.tile(row, (3000, 1))
    for y in range(0, 3000, 300):
        photo[y:y + 40] = 128
    passes: list[tuple[int, list[float]]] = []
    find, read_region = decode._find, decode.read_region

    def counted_find(full, grey, *args, **kw):  # type: ignore[no-untyped-def]
        passes.append((grey.shape[1], []))
        return find(full, grey, *args, **kw)

    def counted_read(grey, region, *args, **kw):  # type: ignore[no-untyped-def]
        passes[-1][1].append(region.width)
        return read_region(grey, region, *args, **kw)

    monkeypatch.setattr(decode, "_find", counted_find)
    monkeypatch.setattr(decode, "read_region", counted_read)
    assert find_imeis(photo, budget_ms=60_000) == []
    (work, at_work), (side, at_full) = passes
    assert (work, side) == (1920, 4000)
    assert max(at_work) > 320  # the working size read wide regions (the bars)
    assert all(w <= decode.FAR_WIDTH * 4000 / 1920 for w in at_full)


def test_a_strip_too_thin_for_regions_at_working_size_is_read_in_the_far_pass() -> None:
    # 60x4000 is 29x1920 at working size: too thin for regions, only read whole there. Its
    # code, 770 px wide and blurred, is read from a region in the far pass, whatever its width.
    imei = random_imei(random.Random(9))
    code = code128.render(imei, 5, 50)
    strip = np.full((60, 4000), 255, np.uint8)
    strip[5:55, 500:500 + code.shape[1]] = code
    strip = cv2.GaussianBlur(strip, (0, 0), 2.5)
    strip = np.clip(strip + np.random.default_rng(1).normal(0, 10, strip.shape), 0, 255)
    assert find_imeis(strip.astype(np.uint8)) == [imei]


def test_far_codes_side_by_side_are_read_from_a_region_wider_than_the_far_pass_reads() -> None:
    # Four far codes touching (0.8 px modules): one region of about 470 px at full size,
    # wider than the far pass reads whole (427 px in a 2560x1440 photo); its parts are read.
    rng = random.Random(5)
    imeis = [random_imei(rng) for _ in range(4)]
    label = cv2.resize(np.hstack([code128.render(i, 4, 160) for i in imeis]), None, fx=0.2,
                       fy=0.2, interpolation=cv2.INTER_AREA)
    photo = np.full((1440, 2560), 190, np.uint8)
    y, x = 480, 853
    photo[y - 20:y + label.shape[0] + 20, x - 20:x + label.shape[1] + 20] = 255
    photo[y:y + label.shape[0], x:x + label.shape[1]] = label
    photo = cv2.GaussianBlur(photo, (0, 0), 0.6)
    photo = np.clip(photo + np.random.default_rng(1).normal(0, 14, photo.shape), 0, 255)
    got = find_imeis(photo.astype(np.uint8))
    assert got and set(got) <= set(imeis)


def test_a_frame_longer_than_zxing_reads_is_answered_not_refused() -> None:
    # zxing-cpp raises ValueError on a side over 65535 px: such a frame is read by regions.
    for shape in ((1, 70000), (40, 70000), (70000, 40)):
        assert find_imeis(np.full(shape, 200, np.uint8)) == []
