"""The soft reader (`decode_soft`): reads what thresholds lose, and never reads a wrong IMEI."""

from __future__ import annotations

import random

import cv2
import numpy as np
import pytest

from kiosk.scan import code128, decode_soft, find_codes, synth
from kiosk.scan import decode_profile as prof
from kiosk.scan.decode_read import _zx_read
from kiosk.scan.imei import luhn_check_digit


def _label(text: str, sigma: float, contrast: float, seed: int, *, glare: bool = True,
           quality: int = 25) -> np.ndarray:
    """A 1280x720 frame: the code (3 px modules) blurred, faded, under a glare spot, noisy
    and JPEG-compressed: every difficulty at once."""
    rng = np.random.default_rng(seed)
    code = code128.render(text, module_px=3, height_px=90).astype(np.float32)
    code = cv2.copyMakeBorder(code, 40, 40, 40, 40, cv2.BORDER_CONSTANT, value=255)
    img = np.full((720, 1280), 120, np.float32)
    h, w = code.shape
    img[300:300 + h, 300:300 + w] = code
    img = cv2.GaussianBlur(img, (0, 0), sigma)
    img = 128 + (img - 128) * contrast
    if glare:
        yy, xx = np.mgrid[0:720, 0:1280]
        img += 90 * np.exp(-(((xx - 300 - w * 0.65) / 120) ** 2 + ((yy - 300 - h / 2) / 80) ** 2))
    img += rng.normal(0, 4, img.shape)
    ok, jpeg = cv2.imencode(".jpg", np.clip(img, 0, 255).astype(np.uint8),
                            [cv2.IMWRITE_JPEG_QUALITY, quality])
    assert ok
    return cv2.imdecode(jpeg, cv2.IMREAD_GRAYSCALE)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_reads_a_code_that_blur_glare_noise_and_low_contrast_together_hide(seed: int) -> None:
    imei = synth.random_imei(random.Random(seed))
    frame = _label(imei, sigma=3.0, contrast=0.35, seed=seed)
    assert _zx_read(frame, ("CODE128",)) == []  # the plain reader sees nothing
    codes = find_codes(frame)
    assert [(c.text, c.source) for c in codes] == [(imei, "soft")]


def _profile(text: str, sigma_modules: float, contrast: float, seed: int) -> tuple[np.ndarray, float, float]:
    """The scanline profile of `text` at 4 px modules, blurred and noisy, with its extent."""
    rng = np.random.default_rng(seed)
    img = code128.render(text, module_px=4, height_px=30).astype(np.float32)
    img = cv2.GaussianBlur(img, (0, 0), sigma_modules * 4)
    img = np.clip(img * contrast + 100 + rng.normal(0, 6, img.shape), 0, 255).astype(np.uint8)
    line = prof.scan_profile(img, 0, img.shape[0])
    return line, 40 * prof.UPSAMPLE, (img.shape[1] - 40) * prof.UPSAMPLE


@pytest.mark.parametrize("seed", range(6))
def test_heavy_blur_is_read_with_its_neighbours(seed: int) -> None:
    """A blur wider than a module: each symbol bleeds into the next; read again beside the
    neighbours first read, the code comes out."""
    imei = synth.random_imei(random.Random(100 + seed))
    line, x0, x1 = _profile(imei, 1.1, 0.3, seed)
    sigma = prof.estimate_blur(line, x0, x1)
    assert decode_soft.read_imei(line, x0, x1, sigma) == imei


def _bad_luhn(imei: str) -> str:
    wrong = (int(imei[-1]) + 3) % 10
    return imei[:-1] + str(wrong)


@pytest.mark.parametrize("seed", range(12))
def test_never_an_imei_from_what_is_not_one(seed: int) -> None:
    """Codes that are not IMEIs (a wrong check digit, an ICCID, 15 letters and digits) and
    noise: at every blur, never an IMEI out, let alone a wrong one."""
    rng = random.Random(seed)
    imei = synth.random_imei(rng)
    body = "8901" + "".join(str(rng.randrange(10)) for _ in range(14))
    iccid = body + luhn_check_digit(body)
    for text in (_bad_luhn(imei), iccid, "A" + imei[1:]):
        for sigma in (0.3, 0.7, 1.0, 1.3):
            line, x0, x1 = _profile(text, sigma, 0.4, seed)
            assert decode_soft.read_imei(line, x0, x1, prof.estimate_blur(line, x0, x1)) is None
    noise = np.random.default_rng(seed)
    for _ in range(20):
        line = cv2.GaussianBlur(noise.normal(128, 40, (1, 1600)).astype(np.float32), (0, 0), 4)[0]
        assert decode_soft.read_imei(line, 100.0, 1500.0, 6.0) is None


def test_a_code_whose_checksum_fails_is_not_read() -> None:
    imei = synth.random_imei(random.Random(7))
    values = code128.symbols(imei)
    values[-1] = (values[-1] + 1) % 103
    row = code128.pattern(values)
    img = np.repeat(np.where(row == 1, 60, 200).astype(np.uint8)[None, :], 30, axis=0)
    img = np.repeat(img, 4, axis=1)
    line = prof.scan_profile(img, 0, 30)
    assert decode_soft.read_imei(line, 120.0, float(line.size - 120), 1.5) is None


def _glare_frame(text: str, gx: int, mpx: int = 3) -> np.ndarray:
    """The whole code printed, a saturating glare spot over its left end (`gx` modules in)."""
    code = code128.render(text, module_px=mpx, height_px=90).astype(np.float32)
    code = cv2.copyMakeBorder(code, 40, 40, 40, 40, cv2.BORDER_CONSTANT, value=255)
    img = np.full((720, 1280), 120, np.float32)
    h, w = code.shape
    img[300:300 + h, 300:300 + w] = code
    img = cv2.GaussianBlur(img, (0, 0), 1.2)
    yy, xx = np.mgrid[0:720, 0:1280]
    img += 300 * np.exp(-(((xx - 340 - gx * mpx) / (16 * mpx)) ** 4
                          + ((yy - 300 - h / 2) / 110) ** 4))
    img += np.random.default_rng(0).normal(0, 3, img.shape)
    ok, jpeg = cv2.imencode(".jpg", np.clip(img, 0, 255).astype(np.uint8),
                            [cv2.IMWRITE_JPEG_QUALITY, 80])
    assert ok
    return cv2.imdecode(jpeg, cv2.IMREAD_GRAYSCALE)


@pytest.mark.parametrize("iccid", ["8949789834044600970", "8949761093441836719"])
@pytest.mark.parametrize("gx", [12, 14])
def test_the_end_of_an_iccid_under_glare_is_not_an_imei(iccid: str, gx: int) -> None:
    """A 19-digit ICCID ends with an IMEI's layout (a pair, 6 pairs, Code B, a digit, check);
    these two end in a valid IMEI, and their pair '49' looks like a start C. With glare over
    the code's beginning, the soft reader once read that end as an IMEI in every frame (the
    red team's find): the first cell must match a start better than any data symbol."""
    frame = _glare_frame(iccid, gx)
    assert not [c for c in find_codes(frame, imeis_enough=2) if len(c.text) == 15]


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_a_code_upside_down_is_read_too(seed: int) -> None:
    imei = synth.random_imei(random.Random(100 + seed))
    line, x0, x1 = _profile(imei, 1.0, 0.3, seed)
    back = line[::-1].copy()
    assert decode_soft.read_imei(back, line.size - 1 - x1, line.size - 1 - x0,
                                 prof.estimate_blur(line, x0, x1)) == imei


def test_odd_arguments_read_nothing_and_raise_nothing() -> None:
    line, x0, x1 = _profile(synth.random_imei(random.Random(3)), 0.5, 0.5, 3)
    for args in ((x0, x1, float("nan")), (x0, float("nan"), 3.0), (x1, x0, 3.0),
                 (x0, x1, float("inf")), (-50.0, 1e9, -1.0)):
        assert decode_soft.read_imei(line, *args) in (None, decode_soft.read_imei(line, x0, x1, 3.0))
    assert decode_soft.read_imei(np.zeros((3, 3), np.float32), 0.0, 2.0, 1.0) is None
    assert decode_soft.read_imei(np.full(500, np.nan, np.float32), 10.0, 400.0, 1.0) is None


def _glare_band(seed: int) -> tuple[np.ndarray, str]:
    """A low-contrast code under a specular blob, blurred and noisy: part of it a fraction of
    the rest's contrast."""
    rng = np.random.default_rng(seed)
    imei = synth.random_imei(random.Random(seed))
    code = 60 + code128.render(imei, module_px=3, height_px=60).astype(np.float32) * (150 / 255)
    h, w = code.shape
    ys, xs = np.indices((h, w))
    cx, cy = rng.uniform(0.2, 0.8) * w, rng.uniform(0, 1) * h
    blob = 220 * np.exp(-(((xs - cx) / (0.12 * w)) ** 2 + ((ys - cy) / (0.6 * h)) ** 2))
    img = cv2.GaussianBlur(code + blob, (0, 0), 2.2) + rng.normal(0, 6, code.shape)
    return np.clip(img, 0, 255).astype(np.uint8), imei


def test_glare_reads_on_rows_normalised_by_their_own_light() -> None:
    plain = read = 0
    for seed in range(40):
        band, imei = _glare_band(seed)
        h, w = band.shape
        line = prof.scan_profile(band, 0, h)
        up = prof.UPSAMPLE
        plain += decode_soft.read_imei(line, 30 * up, (w - 30) * up,
                                       prof.estimate_blur(line, 30 * up, (w - 30) * up)) == imei
        text = decode_soft.read_band(band, 0, h, 30.0, w - 30.0)
        assert text in (None, imei)
        read += text == imei
    assert plain <= 12 and read >= plain + 8


def _foreshortened(text: str, ratio: float, seed: int) -> tuple[np.ndarray, float, float]:
    """`text`'s profile with modules widening steadily by `ratio` from start to stop (3x
    upsampled, 3 px modules on average), blurred by 0.8 modules, a little noise."""
    row = code128.modules(text)
    n = row.size
    u = np.linspace(0, 1, n * 9)
    c = (ratio - 1) / (ratio + 1)
    at = np.minimum(((u + c * u * (u - 1)) * n).astype(int), n - 1)  # the module under each sample
    line = np.where(row[at] == 1, 60.0, 200.0).astype(np.float32)
    line = cv2.GaussianBlur(line[None, :], (0, 0), 0.8 * 9)[0]
    line += np.random.default_rng(seed).normal(0, 4, line.size).astype(np.float32)
    return line, 90.0, float(line.size - 90)


def _foreshortened_reads(ratio: float) -> int:
    read = 0
    for seed in range(6):
        imei = synth.random_imei(random.Random(300 + seed))
        line, x0, x1 = _foreshortened(imei, ratio, seed)
        got = decode_soft.read_imei(line, x0, x1, prof.estimate_blur(line, x0, x1))
        assert got in (None, imei)
        read += got == imei
    return read


@pytest.mark.parametrize("ratio", [0.6, 1.6])
def test_a_foreshortened_code_is_read_evened_out(ratio: float, monkeypatch: pytest.MonkeyPatch
                                                 ) -> None:
    """Modules 1.6 times wider at one end than at the other (perspective the corners left)."""
    assert _foreshortened_reads(ratio) >= 5
    monkeypatch.setattr(decode_soft, "_foreshortening", lambda *_: None)
    assert _foreshortened_reads(ratio) <= 1  # on the even grid alone


@pytest.mark.parametrize("ratio", [0.6, 0.8, 1.3, 1.6])
def test_a_foreshortened_code_that_is_not_an_imei_reads_as_nothing(ratio: float) -> None:
    rng = random.Random(int(ratio * 10))
    for seed in range(8):
        imei = synth.random_imei(rng)
        body = "89" + "".join(str(rng.randrange(10)) for _ in range(16))
        for text in (_bad_luhn(imei), body + luhn_check_digit(body)):
            line, x0, x1 = _foreshortened(text, ratio, seed)
            assert decode_soft.read_imei(line, x0, x1, prof.estimate_blur(line, x0, x1)) is None
