"""Single-frame barcode decoding: a cheap pass on every frame, then counted work on regions.

1. zxing-cpp (Code 128 only) over the whole grey frame: about 5 ms at 1280x720.
2. Barcode-like regions from the gradient structure tensor of a half-size frame, each with
   its quadrilateral (`decode_geometry`).
3. For each region not read yet: a perspective warp that rectifies it (bars upright, parallel,
   equally spaced), magnified with a cubic interpolator when its modules are small, split into
   bands when it holds two stacked codes; then variants chosen by what the region measures
   (`decode_plan`): polarity, blur (deconvolved 1-D profiles), small modules (pyzbar as a
   second reader), uneven light and glare (local contrast stretch, normalised profiles, CLAHE).
4. A band no variant read: the soft reader (`decode_soft`), which matches whole symbols
   against its profile through the measured blur, for IMEIs that several difficulties at
   once leave unreadable by thresholds (`SOFT_READS` bands a frame).

The work is bounded by counted steps (regions x variants), never by the clock, so a frame
gives the same codes on an idle and on a busy machine. A second thread (`decode_pool`) finds
the half-size regions while the caller reads the whole frame (the quarter-size ones follow
on the caller), then reads each variant while the caller makes the next: zxing-cpp and OpenCV release
the GIL, so a two-core box does both at once; the reads, their order and the steps counted
are those of one thread. `budget_ms` remains as a safety net
only, never below `MIN_SAFETY_MS`, far above what frames need (median 25 ms of CPU, the
slowest about 150 ms, on a loaded two-core box where pyzbar takes 90 ms a frame). It is
counted in the CPU time of the frame's own work on both threads (other callers' frames do
not count), which a busy machine inflates far less than the wall clock, with a wall-clock
net `WALL_FACTOR` times longer for a stalled machine.

pyzbar (the product owner's choice) is a supported backend: used when zxing-cpp is missing,
or on request. Only Code 128 and Code 39 are read by default: what phone boxes carry.
"""

from __future__ import annotations

import functools
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any

import cv2
import numpy as np

from kiosk.scan import decode_plan as plan_
from kiosk.scan import decode_pool, decode_soft
from kiosk.scan.decode_codes import (
    Code, explains, may_be_sibling, reading_order, without_conflicts,
)
from kiosk.scan.decode_geometry import (
    Point, Rectified, Region, bands, combine_regions, propose_regions, rectify,
    regions_at, slant,
)
from kiosk.scan.decode_plan import is_light_on_dark
from kiosk.scan.decode_profile import UPSAMPLE
from kiosk.scan.imei import imei_from_code

try:  # zxing-cpp is a self-contained wheel; pyzbar is the fallback
    import zxingcpp
except ImportError:  # pragma: no cover - exercised on machines without the wheel
    zxingcpp = None  # type: ignore[assignment]

#: The safety net per frame, ms of the frame's CPU time: only a pathological frame
#: or a machine many times slower than usual reaches it. Counted steps bound the work.
DEFAULT_BUDGET_MS = 300.0
MIN_SAFETY_MS = 300.0
WALL_FACTOR = 8.0
SYMBOLOGIES = ("CODE128", "CODE39")
__all__ = ["DEFAULT_BUDGET_MS", "Code", "Region", "find_codes", "is_light_on_dark", "propose_regions"]


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


def _zbar_available() -> Reader | None:
    try:
        from pyzbar import pyzbar  # noqa: F401
    except ImportError:  # pragma: no cover - pyzbar needs the system's libzbar
        return None
    return _zbar_read


_ZBAR = _zbar_available()


def _reader(backend: str) -> Reader:
    if backend == "pyzbar" or (backend == "auto" and zxingcpp is None):
        return _zbar_read
    if zxingcpp is None:
        raise RuntimeError("zxing-cpp is not installed")
    return _zx_read


# -- regions: counted work --------------------------------------------------------------------

#: Regions tried per frame, reader calls per region (all its bands together) and per frame.
MAX_REGIONS = 6
REGION_STEPS = 16
FALLBACK_STEPS = 4  # of a region's steps, kept for its rotated rectangle
FRAME_STEPS = 44
#: Bands per frame the soft reader (`decode_soft`) tries when every variant failed: about
#: 2 ms each; the first two bands tried hold nearly all it reads.
SOFT_READS = 4
#: Bars this upright (top and bottom scanlines' correlation) through the fitted corners: the
#: rotated rectangle is not measured, only kept as the fallback.
UPRIGHT = 0.85
#: A rectification this much less upright than the other gets no steps at all.
CLEARLY_WORSE = 0.3
#: A read from a region counts when it is a valid IMEI or a long code: stray short reads of
#: a few characters (pyzbar on upscaled noise, a redrawn profile) never do.
MIN_OTHER_LENGTH = 12


def _acceptable(text: str) -> bool:
    return imei_from_code(text) is not None or (len(text) >= MIN_OTHER_LENGTH and text.isprintable())


class _Steps:
    """The frame's step counter, and its safety nets (CPU time, and a longer wall clock)."""

    def __init__(self, budget_ms: float, clock: Callable[[], float],
                 cpu: decode_pool.Cpu | None = None) -> None:
        self.cpu = cpu  # the second thread's CPU time for this frame, when `clock` counts it
        self.left = FRAME_STEPS
        self.soft_left = SOFT_READS
        self.expired = False  # the safety net fired: nothing more, soft reads included
        self.clock = clock
        self.deadline = clock() + budget_ms / 1000
        self.wall_deadline = time.perf_counter() + budget_ms * WALL_FACTOR / 1000

    def take(self) -> bool:
        if self.left <= 0:
            return False
        # The clocks are read every fourth step: reading a CPU clock is a system call, which a
        # loaded machine makes slow (milliseconds each under contention).
        if (FRAME_STEPS - self.left) % 4 == 0 and (self.clock() >= self.deadline
                                   or time.perf_counter() >= self.wall_deadline):
            self.left = 0
            self.expired = True
            return False
        self.left -= 1
        return True


def _read_region(grey: np.ndarray, region: Region, read: Reader, symbologies: tuple[str, ...],
                 steps: _Steps) -> list[Code]:
    """Read a region: rectified by its quadrilateral and by its rotated rectangle (a
    quadrilateral fitted to a region that merged a code with something else misleads), the
    more upright first."""
    scale = plan_.magnification(region.width)
    spent = 0
    interpolation = cv2.INTER_CUBIC if scale > 1 else cv2.INTER_LINEAR
    if region.quad is not None and not region.quad_exact:
        # An enclosing quadrilateral: only where the rotated rectangle leaves bars slanted.
        options = [_upright(grey, region, False)]
        if options[0][0] < UPRIGHT:
            options.append(_upright(grey, region, True))
            options.sort(key=lambda o: -o[0])
    else:
        options = [_upright(grey, region, region.quad is not None)]
        if region.quad is not None:  # the rotated rectangle: measured when the corners do badly
            options.append(_upright(grey, region, False) if options[0][0] < UPRIGHT else
                           (0.0, 0.0, False, None))
            options.sort(key=lambda o: -o[0])
    for rank, (_, shear, use_quad, measured) in enumerate(options):
        # The more upright of the two rectifications gets most of the steps.
        cap = REGION_STEPS - FALLBACK_STEPS if rank == 0 and len(options) > 1 else REGION_STEPS
        if spent >= cap:
            break
        if measured is not None and scale == 1 and not shear:
            rect = measured
        else:
            rect = rectify(grey, region, scale, use_quad=use_quad, interpolation=interpolation,
                           shear=shear)
        crop = rect.crop
        if plan_.is_light_on_dark(crop, rect.x0):
            crop = 255 - crop
        rows = bands(crop, rect.x0, rect.x1)
        found: list[Code] = []
        # The whole crop first, in both polarities (dark-mode screens and labels are hard to
        # tell before reading): the reader finds every code in it when they are clear.
        whole_crop = (plan_.Variant("crop", crop, lo=0, hi=crop.shape[0]),
                      plan_.Variant("crop-inverted", 255 - crop, lo=0, hi=crop.shape[0]))
        for v in whole_crop:
            if spent >= cap or not steps.take():
                break
            spent += 1
            found = _read_variant(v, rect, read, symbologies)
            if found:
                break
        if len(found) >= len(rows):
            return found
        per_band = max((cap - spent) // len(rows), 4)
        for lo, hi in rows:
            band_found: list[Code] = []
            if not plan_.looks_like_bars(crop, lo, hi, rect.x0, rect.x1):
                continue  # text, clutter: no steps spent on it
            # The reader reads a variant on the frame thread while this one makes the next
            # (thrown away when the read succeeds): the same reads, in the same order.
            variants = plan_.plan(crop, lo, hi, rect.x0, rect.x1, whole=len(rows) == 1,
                                  scale=rect.scale)
            ahead: plan_.Variant | None = next(variants, None)
            n = 0
            while ahead is not None and n < per_band and spent < cap and steps.take():
                spent += 1
                n += 1
                reading = decode_pool.submit(_read_variant, ahead, rect, read, symbologies,
                                             cpu=steps.cpu)
                failed: Exception | None = None
                try:
                    ahead = next(variants, None) if n < per_band and spent < cap else None
                except Exception as exc:  # made early: it counts only if this read fails
                    ahead, failed = None, exc
                band_found = reading.result()
                if band_found:
                    break
                if failed is not None:
                    raise failed
            if not band_found:
                band_found = _soft(crop, lo, hi, rect, steps)
            found += band_found
        if found:
            return found
    return []


def _soft(crop: np.ndarray, lo: int, hi: int, rect: Rectified, steps: _Steps) -> list[Code]:
    if steps.soft_left <= 0 or steps.expired:
        return []
    steps.soft_left -= 1
    text = decode_soft.read_band(crop, lo, hi, rect.x0, rect.x1)
    pts = np.array([(rect.x0, lo), (rect.x1, lo), (rect.x1, hi), (rect.x0, hi)], np.float64)
    return [Code(text, "CODE128", tuple(rect.to_frame(pts)), "soft")] if text else []


def _upright(grey: np.ndarray, region: Region, use_quad: bool
             ) -> tuple[float, float, bool, Rectified | None]:
    """How upright the region's bars come out when rectified by its quadrilateral (or its
    rotated rectangle) and straightened by the measured residual slant: (how upright, the
    shear that straightens them, use_quad, the 1x rectification). Measured at 1x: cheap."""
    rect = rectify(grey, region, 1.0, use_quad=use_quad)
    lo, hi = max(bands(rect.crop, rect.x0, rect.x1), key=lambda r: r[1] - r[0])
    upright, shear = slant(rect.crop, lo, hi, rect.x0, rect.x1)
    return upright, shear, use_quad, rect


def _read_variant(v: plan_.Variant, rect: Rectified, read: Reader, symbologies: tuple[str, ...]
                  ) -> list[Code]:
    if v.reader == "pyzbar":
        if _ZBAR is None:
            return []
        reads = _ZBAR(v.image, symbologies)
    else:
        reads = read(v.image, symbologies, rotate=False, downscale=v.name == "crop",
                     binarizer=v.binarizer)
    found = []
    for text, sym, corners in reads:
        if not _acceptable(text):
            continue
        pts = np.array(corners, np.float64)
        if v.line:  # a redrawn profile: x in profile samples, the band's rows
            xs = pts[:, 0] / UPSAMPLE
            pts = np.array([(xs.min(), v.lo), (xs.max(), v.lo), (xs.max(), v.hi), (xs.min(), v.hi)])
        else:
            pts[:, 1] += v.lo
        found.append(Code(text, sym, tuple(rect.to_frame(pts)), v.name))
    return found


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
               symbologies: tuple[str, ...] = SYMBOLOGIES, backend: str = "auto",
               clock: Callable[[], float] | None = None,
               imeis_enough: int | None = None) -> list[Code]:
    """Every code read in `frame` (BGR HxWx3 or grey HxW, uint8), with symbology and corners.

    The work is counted (`MAX_REGIONS`, `REGION_STEPS`, `FRAME_STEPS`), so the answer does not
    depend on the machine's load; `budget_ms` (at least `MIN_SAFETY_MS`, in `clock`'s time:
    by default the CPU time of this frame's work, on both threads) is only a safety net.
    `imeis_enough`: stop once that many distinct IMEIs are read (a phone has two at most:
    the rest of a label is not looked at).
    """
    if frame.dtype != np.uint8:
        raise ValueError("expected a uint8 image")
    cpu: decode_pool.Cpu | None = None
    if clock is None:
        cpu = decode_pool.Cpu()
        clock = cpu.clock
    steps = _Steps(max(budget_ms, MIN_SAFETY_MS), clock, cpu)
    read = _reader(backend)
    grey = np.ascontiguousarray(to_grey(frame))
    codes: dict[str, Code] = {}

    def count_imeis(texts: Iterable[str]) -> int:
        return len({imei_from_code(t) for t in texts} - {None})

    # The half-size regions are found on the second thread while this one reads the whole
    # frame. When that alone reads enough, the search is told to stop (its regions would go
    # unused: the same answer, whatever the timing); else the quarter-size ones follow here.
    stop_search = threading.Event()
    half = decode_pool.submit(regions_at, grey, 2, MAX_REGIONS, stop_search.is_set, cpu=cpu)
    try:
        frame_reads = read(grey, symbologies)
    except BaseException:
        stop_search.set()
        raise
    for text, sym, corners in frame_reads:
        codes.setdefault(text, Code(text, sym, tuple(corners), "frame"))

    def enough() -> bool:
        return imeis_enough is not None and count_imeis(codes) >= imeis_enough

    if enough():
        stop_search.set()
        return reading_order(without_conflicts(list(codes.values())))
    quarter = regions_at(grey, 4, MAX_REGIONS)
    regions = combine_regions(half.result(), quarter, MAX_REGIONS)
    for region in regions:
        if any(explains(c.polygon, region) for c in codes.values()):
            continue  # already read in the cheap pass
        if imeis_enough is not None and not may_be_sibling(region, codes.values()):
            continue
        for code in _read_region(grey, region, read, symbologies, steps):
            codes.setdefault(code.text, code)
        if enough():
            break
    return reading_order(without_conflicts(list(codes.values())))
