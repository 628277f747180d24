"""Single-frame barcode decoding: a cheap pass on every frame, heavier passes on a budget.

1. zxing-cpp (Code 128 only) over the whole grey frame: about 7 ms at 1280x720.
2. Barcode-like regions from the gradient structure tensor of a half-size frame (strong,
   coherent gradients: bars), which also gives each region's angle.
3. For each region not read yet: one affine warp that crops and deskews it (bars upright),
   inverted when it is light-on-dark (dark-mode screens), then variants (upscaled for small
   codes, sharpened for blur, contrast-equalised) until the frame's time budget is spent.

pyzbar (the product owner's choice) is a supported backend: used when zxing-cpp is missing,
or on request. Only Code 128 and Code 39 are read by default: what phone boxes carry.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import cv2
import numpy as np

try:  # zxing-cpp is a self-contained wheel; pyzbar is the fallback
    import zxingcpp
except ImportError:  # pragma: no cover - exercised on machines without the wheel
    zxingcpp = None  # type: ignore[assignment]

Point = tuple[float, float]
DEFAULT_BUDGET_MS = 25.0
#: Work done whatever the clock says, so recall does not fall on a slow or busy machine:
#: this many regions, each with this many variants.
GUARANTEED_REGIONS, GUARANTEED_VARIANTS = 2, 3
SYMBOLOGIES = ("CODE128", "CODE39")


@dataclass(frozen=True)
class Code:
    """A barcode read from a frame: its text, symbology, corners (frame pixels) and pass."""

    text: str
    symbology: str
    polygon: tuple[Point, ...]
    source: str = "frame"

    @property
    def center(self) -> Point:
        xs, ys = zip(*self.polygon, strict=True)
        return (sum(xs) / len(xs), sum(ys) / len(ys))


# -- backends ---------------------------------------------------------------------------------

_ZX_NAMES = {"CODE128": "Code128", "CODE39": "Code39", "QRCODE": "QRCode", "EAN13": "EAN13"}


@functools.lru_cache(maxsize=16)
def _zx_formats(symbologies: tuple[str, ...]) -> Any:
    assert zxingcpp is not None
    formats = tuple(getattr(zxingcpp.BarcodeFormat, _ZX_NAMES[s]) for s in symbologies)
    try:
        return zxingcpp.BarcodeFormats(formats)  # zxing-cpp >= 3
    except TypeError:  # older releases combine formats with |
        combined = formats[0]
        for f in formats[1:]:
            combined = combined | f
        return combined


def _zx_read(grey: np.ndarray, symbologies: tuple[str, ...], *, rotate: bool = True,
             downscale: bool = True, binarizer: str = "local"
             ) -> list[tuple[str, str, list[Point]]]:
    assert zxingcpp is not None
    found = []
    kind = {"local": zxingcpp.Binarizer.LocalAverage, "fixed": zxingcpp.Binarizer.FixedThreshold,
            "global": zxingcpp.Binarizer.GlobalHistogram}[binarizer]
    for b in zxingcpp.read_barcodes(grey, formats=_zx_formats(symbologies), try_rotate=rotate,
                                    try_downscale=downscale, try_invert=False, binarizer=kind):
        p = b.position
        corners: list[Point] = [
            (float(p.top_left.x), float(p.top_left.y)), (float(p.top_right.x), float(p.top_right.y)),
            (float(p.bottom_right.x), float(p.bottom_right.y)),
            (float(p.bottom_left.x), float(p.bottom_left.y))]
        name = next((k for k, v in _ZX_NAMES.items() if v == b.format.name), b.format.name)
        found.append((b.text, name.upper(), corners))
    return found


def _zbar_read(grey: np.ndarray, symbologies: tuple[str, ...], **_: object
               ) -> list[tuple[str, str, list[Point]]]:
    from pyzbar import pyzbar

    symbols = [getattr(pyzbar.ZBarSymbol, s) for s in symbologies if hasattr(pyzbar.ZBarSymbol, s)]
    found = []
    for s in pyzbar.decode(grey, symbols=symbols):
        try:
            text = s.data.decode("ascii")
        except UnicodeDecodeError:
            continue
        corners = [(float(p.x), float(p.y)) for p in s.polygon]
        if len(corners) < 2:
            r = s.rect
            corners = [(r.left, r.top), (r.left + r.width, r.top),
                       (r.left + r.width, r.top + r.height), (r.left, r.top + r.height)]
        found.append((text, s.type, corners))
    return found


Reader = Callable[..., list[tuple[str, str, list[Point]]]]


def _reader(backend: str) -> Reader:
    if backend == "pyzbar" or (backend == "auto" and zxingcpp is None):
        return _zbar_read
    if zxingcpp is None:
        raise RuntimeError("zxing-cpp is not installed")
    return _zx_read


# -- regions ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Region:
    center: Point  # full-frame pixels
    angle: float  # degrees to rotate by so that the bars stand upright
    width: float  # across the bars, full-frame pixels
    height: float  # along the bars
    dark: bool  # light bars on a dark background
    area: float


def propose_regions(grey: np.ndarray, limit: int = 6) -> list[Region]:
    """Barcode-like regions: strong gradients that all point the same way."""
    small = cv2.resize(grey, (grey.shape[1] // 2, grey.shape[0] // 2), interpolation=cv2.INTER_AREA)
    f = small.astype(np.float32)
    gx = cv2.Sobel(f, cv2.CV_32F, 1, 0, ksize=3)
    gy = cv2.Sobel(f, cv2.CV_32F, 0, 1, ksize=3)
    k = (11, 11)
    jxx = cv2.boxFilter(gx * gx, -1, k)
    jyy = cv2.boxFilter(gy * gy, -1, k)
    jxy = cv2.boxFilter(gx * gy, -1, k)
    energy = jxx + jyy
    coherence = np.sqrt((jxx - jyy) ** 2 + 4 * jxy**2) / (energy + 1e-6)
    floor = max(float(np.percentile(energy, 99.5)) * 0.08, 60.0)
    mask = ((coherence > 0.55) & (energy > floor)).astype(np.uint8) * 255
    mask = cv2.morphologyEx(mask, cv2.MORPH_OPEN, np.ones((3, 3), np.uint8))
    mask = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, np.ones((9, 9), np.uint8))
    contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    regions: list[Region] = []
    for contour in sorted(contours, key=cv2.contourArea, reverse=True)[: limit * 2]:
        area = cv2.contourArea(contour)
        if area < 150:
            break
        x, y, w, h = cv2.boundingRect(contour)
        sxx = float(jxx[y:y + h, x:x + w][mask[y:y + h, x:x + w] > 0].sum())
        syy = float(jyy[y:y + h, x:x + w][mask[y:y + h, x:x + w] > 0].sum())
        sxy = float(jxy[y:y + h, x:x + w][mask[y:y + h, x:x + w] > 0].sum())
        theta = 0.5 * np.arctan2(2 * sxy, sxx - syy)  # the gradient's direction: across the bars
        u = np.array([np.cos(theta), np.sin(theta)])
        v = np.array([-u[1], u[0]])
        pts = contour.reshape(-1, 2).astype(np.float64)
        pu, pv = pts @ u, pts @ v
        width, height = (pu.max() - pu.min()) * 2, (pv.max() - pv.min()) * 2
        if width < 40 or height < 8 or width / max(height, 1) < 0.6:
            continue  # too small, or a thin line
        cu, cv_ = (pu.max() + pu.min()) / 2, (pv.max() + pv.min()) / 2
        center = (cu * u + cv_ * v) * 2
        regions.append(Region((float(center[0]), float(center[1])), float(np.degrees(theta)),
                              float(width), float(height), False, float(area)))
        if len(regions) >= limit:
            break
    return regions


def _deskew(grey: np.ndarray, region: Region, scale: float
            ) -> tuple[np.ndarray, np.ndarray, float]:
    """Crop the region with its bars upright, quiet zones included.

    Returns the crop, the map back to frame pixels, and where the region starts in the crop.
    """
    margin_w = region.width * 0.25 + 24
    out_w = int((region.width + 2 * margin_w) * scale)
    out_h = int((region.height * 1.15 + 16) * scale)
    out_w, out_h = max(out_w, 16), max(out_h, 16)
    m = cv2.getRotationMatrix2D(region.center, region.angle, scale)
    m[0, 2] += out_w / 2 - region.center[0]
    m[1, 2] += out_h / 2 - region.center[1]
    crop = cv2.warpAffine(grey, m, (out_w, out_h), flags=cv2.INTER_LINEAR,
                          borderMode=cv2.BORDER_REPLICATE)
    return crop, cv2.invertAffineTransform(m), margin_w * scale


def is_light_on_dark(crop: np.ndarray, margin: float) -> bool:
    """Light bars on a dark ground (dark-mode screens)?

    `margin` is where the region found by the gradient mask starts in the crop (and ends, as
    far from the right edge). The quiet zones, which have the colour of the spaces, lie at the
    region's two ends; if they are darker than the code's core, the bars are the light ones.
    """
    h, w = crop.shape
    line = crop[h // 3: max(2 * h // 3, h // 3 + 1)].astype(np.float32).mean(axis=0)
    m = int(margin)
    span = max(6, int((w - 2 * m) * 0.04))
    ends = np.concatenate([line[max(0, m - span): m + span], line[max(0, w - m - span): w - m + span]])
    core = line[m + (w - 2 * m) // 4: w - m - (w - 2 * m) // 4]
    if ends.size == 0 or core.size == 0:
        return False
    return float(np.median(ends)) < float(np.mean(core))


def profile_image(crop: np.ndarray, bands: int = 1) -> list[np.ndarray]:
    """Bars upright: average rows into 1-D profiles (noise and blur cancel), sharpen, redraw.

    With `bands` > 1 each horizontal band is averaged separately, for tilted labels whose bars
    are not quite parallel.
    """
    h = crop.shape[0]
    out = []
    for b in range(bands):
        lo, hi = int(h * (0.2 + 0.6 * b / bands)), int(h * (0.2 + 0.6 * (b + 1) / bands))
        line = crop[lo:max(hi, lo + 1)].astype(np.float32).mean(axis=0)
        line = cv2.resize(line[None, :], (line.size * 3, 1), interpolation=cv2.INTER_CUBIC)[0]
        smooth = cv2.GaussianBlur(line[None, :], (0, 0), 4.0)[0]
        sharp = line * 2.5 - smooth * 1.5
        local = cv2.blur(sharp[None, :], (61, 1))[0]
        bars = np.where(sharp < local, 0, 255).astype(np.uint8)
        # Flat stretches (quiet zones, blank label) are spaces, not noise turned into bars.
        row = line[None, :]
        kernel = np.ones((1, 31), np.uint8)
        swing = cv2.dilate(row, kernel)[0] - cv2.erode(row, kernel)[0]
        full = float(np.percentile(line, 95) - np.percentile(line, 5))
        bars[swing < 0.3 * full] = 255
        out.append(np.repeat(bars[None, :], 40, axis=0))
    return out


def _variants(crop: np.ndarray, region: Region, margin: float
              ) -> Iterable[tuple[str, np.ndarray, str]]:
    """(name, image, binarizer) to try on a deskewed crop, cheapest and likeliest first.

    The plain crop is tried in both polarities (light-on-dark is common on phone screens and
    hard to tell before reading); the rest in the likelier one.
    """
    inverted = is_light_on_dark(crop, margin)
    first, second = (255 - crop, crop) if inverted else (crop, 255 - crop)
    yield "crop", first, "local"
    yield "crop-inverted", second, "local"
    crop = first
    # Strong unsharp masking with a fixed threshold reads blurred codes the default misses.
    sharp = cv2.addWeighted(crop, 4.0, cv2.GaussianBlur(crop, (0, 0), 3.0), -3.0, 0)
    yield "sharpened", sharp, "fixed"
    for n, line in enumerate(profile_image(crop)):
        yield f"profile{n}", line, "fixed"
    if region.width < 380:  # about 2 px per module or less for an IMEI: enlarge
        yield "upscaled", cv2.resize(crop, None, fx=2, fy=2, interpolation=cv2.INTER_CUBIC), "local"
    for n, line in enumerate(profile_image(crop, bands=3)):
        yield f"band{n}", line, "fixed"
    yield "equalised", cv2.createCLAHE(clipLimit=3.0, tileGridSize=(4, 4)).apply(crop), "local"


# -- the public functions --------------------------------------------------------------------

def to_grey(frame: np.ndarray) -> np.ndarray:
    if frame.ndim == 2:
        return frame
    if frame.ndim == 3 and frame.shape[2] == 3:
        return cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY)
    if frame.ndim == 3 and frame.shape[2] == 4:
        return cv2.cvtColor(frame, cv2.COLOR_BGRA2GRAY)
    raise ValueError(f"expected a BGR or grey image, got shape {frame.shape}")


def find_codes(frame: np.ndarray, *, budget_ms: float = DEFAULT_BUDGET_MS,
               symbologies: tuple[str, ...] = SYMBOLOGIES, backend: str = "auto") -> list[Code]:
    """Every code read in `frame` (BGR HxWx3 or grey HxW, uint8), with symbology and corners."""
    if frame.dtype != np.uint8:
        raise ValueError("expected a uint8 image")
    started = time.perf_counter()
    deadline = started + budget_ms / 1000
    read = _reader(backend)
    grey = np.ascontiguousarray(to_grey(frame))
    codes: dict[str, Code] = {}
    for text, sym, corners in read(grey, symbologies):
        codes.setdefault(text, Code(text, sym, tuple(corners), "frame"))
    tried = 0
    for region in propose_regions(grey):
        if time.perf_counter() >= deadline and tried >= GUARANTEED_REGIONS:
            break
        if any(_explains(c.polygon, region) for c in codes.values()):
            continue  # already read in the cheap pass
        tried += 1
        crop, back, margin = _deskew(grey, region, 1.0)
        for n, (name, variant, binarizer) in enumerate(_variants(crop, region, margin)):
            if (time.perf_counter() >= deadline
                    and (tried > GUARANTEED_REGIONS or n >= GUARANTEED_VARIANTS)):
                break
            found = read(variant, symbologies, rotate=False, downscale=name == "crop",
                         binarizer=binarizer)
            if found:
                fx = crop.shape[1] / variant.shape[1]
                for text, sym, corners in found:
                    pts = np.array(corners, np.float64) * fx
                    if name.startswith(("profile", "band")):  # a redrawn line: the whole crop
                        pts = np.array([(p[0], y) for p, y in zip(
                            pts, (0, 0, crop.shape[0], crop.shape[0]), strict=False)])
                    mapped = cv2.transform(pts[None], back)[0]
                    codes.setdefault(text, Code(text, sym, tuple(map(tuple, mapped)), name))
                break
    return _reading_order(list(codes.values()))


def _explains(polygon: tuple[Point, ...], region: Region) -> bool:
    """A code already read covers this region: its centre is on the code, and the code is most
    of the region (a region that merged two codes of a label still needs reading)."""
    contour = np.array(polygon, np.float32).reshape(-1, 1, 2)
    if cv2.pointPolygonTest(contour, region.center, False) < 0:
        return False
    _, _, w, h = cv2.boundingRect(contour)
    code_span = max(w, h)
    return code_span >= 0.6 * region.width and len(polygon) >= 4


def _reading_order(codes: list[Code]) -> list[Code]:
    """Top to bottom, then left to right, along the first code's own axes (rotated labels)."""
    if len(codes) < 2:
        return codes
    p = codes[0].polygon
    d = np.array(p[1]) - np.array(p[0])
    norm = float(np.hypot(*d)) or 1.0
    d = d / norm
    n = np.array([-d[1], d[0]])
    return sorted(codes, key=lambda c: (round(float(np.dot(c.center, n)) / 20),
                                        float(np.dot(c.center, d))))
