"""Counted work on a frame's barcode-like regions: rectify, make variants, read them.

A frame has `FRAME_STEPS` reader calls and `SOFT_READS` soft reads (`Steps`); a region at
most `REGION_STEPS` of them. The other thread (`decode_pool`) reads a variant while this one
makes the next; when that thread is busy (another caller's frame), the read is done here.
Either way the same reads, in the same order: the same codes on an idle and a busy machine.

A box's EAN-13 is read too (`ASIDE`), though nobody asks for it: read, its region is set
aside after one step or two; unread (no Code 128 reader reads it), it took a region's every
step and soft reads, a fifth of the slowest frames' time.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import cv2
import numpy as np

from kiosk.scan import decode_plan as plan_
from kiosk.scan import decode_pool, decode_soft
from kiosk.scan.decode_codes import Code
from kiosk.scan.decode_geometry import Rectified, Region, bands, rectify, slant
from kiosk.scan.decode_profile import UPSAMPLE, scan_profile
from kiosk.scan.decode_read import _ZBAR, Reader
from kiosk.scan.imei import imei_from_code

#: Regions tried per frame, reader calls per region (all its bands together) and per frame.
MAX_REGIONS = 6
REGION_STEPS = 16
FALLBACK_STEPS = 4  # of a region's steps, kept for its rotated rectangle
FRAME_STEPS = 44
#: Bands per frame the soft reader (`decode_soft`) tries when every variant failed: 2-4 ms
#: each. With 4, combinations of difficulties (a label's codes under glare and blur) ran out:
#: 8 read 12 more IMEIs of 3,240 (ten 300-frame seeds and two combination sets), none fewer,
#: the same p95.
SOFT_READS = 8
#: Bars this upright (top and bottom scanlines' correlation) through the fitted corners: the
#: rotated rectangle is not measured, only kept as the fallback.
UPRIGHT = 0.85
#: A read from a region counts when it is a valid IMEI or a long code: stray short reads of
#: a few characters (pyzbar on upscaled noise, a redrawn profile) never do.
MIN_OTHER_LENGTH = 12
#: Read in every region though nobody asked for them, only to set their regions aside: a
#: box's EAN-13 took a region's every step (and soft reads) when nothing could read it.
ASIDE = ("EAN13",)


def _acceptable(text: str) -> bool:
    return imei_from_code(text) is not None or (len(text) >= MIN_OTHER_LENGTH and text.isprintable())


class Steps:
    """A frame's counted steps and soft reads, and the safety nets: CPU time by `clock`
    within `budget_s`, and a wall clock `wall_factor` times longer.

    The clock is read every fourth step: reading a CPU clock is a system call, which a
    loaded machine makes slow (milliseconds each under contention)."""

    def __init__(self, left: int, soft: int, clock: Callable[[], float], budget_s: float,
                 wall_factor: float, cpu: decode_pool.Cpu | None = None) -> None:
        self.left, self.soft_left = left, soft
        self.taken = 0
        self.cpu = cpu  # the second thread's CPU time for this frame, when `clock` counts it
        self.clock = clock
        self.deadline = clock() + budget_s
        self.wall_deadline = time.perf_counter() + budget_s * wall_factor
        self.expired = False  # the safety net fired: nothing more, soft reads included

    def take(self) -> bool:
        if self.left <= 0:
            return False
        if self.taken % 4 == 0 and (self.clock() >= self.deadline
                                    or time.perf_counter() >= self.wall_deadline):
            self.left = 0
            self.expired = True
            return False
        self.left -= 1
        self.taken += 1
        return True

    def take_soft(self) -> bool:
        if self.soft_left <= 0 or self.expired:
            return False
        self.soft_left -= 1
        return True


def read_region(grey: np.ndarray, region: Region, read: Reader, symbologies: tuple[str, ...],
                steps: Steps, limit: int = REGION_STEPS) -> list[Code]:
    """Read a region, in at most `limit` steps: rectified by its quadrilateral and by its
    rotated rectangle (a quadrilateral fitted to a region that merged a code with something
    else misleads), the more upright first."""
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
    aside: list[Code] = []
    for rank, (_, shear, use_quad, measured) in enumerate(options):
        # The more upright of the two rectifications gets most of the steps.
        # With 8 steps or fewer, all go to it (measured: splitting them read fewer).
        cap = (limit - FALLBACK_STEPS if rank == 0 and len(options) > 1 and limit > 2 * FALLBACK_STEPS
               else limit)
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
            if any(c.symbology not in ASIDE for c in found):
                return aside + found
            aside += found  # an EAN-13 (perhaps merged with an IMEI): the other rectification
            continue
        per_band = max((cap - spent) // len(rows), 4)
        for lo, hi in rows:
            band_found: list[Code] = []
            line = scan_profile(crop, lo, hi)  # the band's profile, made once
            if not plan_.looks_like_bars(crop, lo, hi, rect.x0, rect.x1, line=line):
                continue  # text, clutter: no steps spent on it
            # Where the code lies in the band, from its edges: a region merged with its label
            # is wider than its code, which misled the module, the blur and the soft reader.
            x0, x1 = plan_.code_span(crop, lo, hi, rect.x0, rect.x1, line=line)
            # The other thread reads a variant while this one makes the next (thrown away
            # when the read succeeds): the same reads, in the same order. When that thread
            # is busy (reading another region), each read is done here.
            variants = plan_.plan(crop, lo, hi, x0, x1, whole=len(rows) == 1,
                                  scale=rect.scale, line=line)
            ahead: plan_.Variant | None = next(variants, None)
            n = 0
            while ahead is not None and n < per_band and spent < cap and steps.take():
                spent += 1
                n += 1
                reading = decode_pool.submit(_read_variant, ahead, rect, read, symbologies,
                                             cpu=steps.cpu, unless_busy=True)
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
                band_found = _soft(crop, lo, hi, rect, steps, x0, x1, line)
            found += band_found
        if any(c.symbology not in ASIDE for c in found):
            return aside + found
        aside += found
    return aside


def _soft(crop: np.ndarray, lo: int, hi: int, rect: Rectified, steps: Steps, x0: float,
          x1: float, line: np.ndarray) -> list[Code]:
    if not steps.take_soft():
        return []
    text = decode_soft.read_band(crop, lo, hi, x0, x1, line=line)
    pts = np.array([(x0, lo), (x1, lo), (x1, hi), (x0, hi)], np.float64)
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
