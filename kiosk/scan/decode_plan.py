"""Which variants a rectified region gets, chosen by what it measures, cheapest first.

A region is measured once: its module size (an IMEI's Code 128 is about 134 modules wide),
its polarity (dark-mode screens), its blur along the scanline (edge steepness of the averaged
profile), and its light (washed-out rows, uneven contrast). The plan is a fixed, ordered list
of variants for those measures: the same region always gets the same variants, whatever the
machine's load. `find_codes` counts the reader calls against per-region and per-frame caps.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import cv2
import numpy as np

from kiosk.scan import decode_profile as prof

#: An IMEI in Code 128 (set C) is 134 modules from start to stop; other label codes are close
#: (a 20-digit ICCID 145): the region's width over this is its module size.
IMEI_MODULES = 134.0
#: Rectified crops are magnified (cubic) to at least this many pixels per module, up to 3x.
TARGET_MODULE_PX = 2.6
MAX_MAGNIFY = 3.0
#: Frame pixels per module under which a code is small (a label held far from the webcam).
SMALL_FRAME_MODULE = 1.6


@dataclass(frozen=True)
class Variant:
    name: str
    image: np.ndarray
    binarizer: str = "local"
    reader: str = "zxing"  # or "pyzbar": the second reader, for small codes
    line: bool = False  # a redrawn 1-D profile (UPSAMPLE x the crop's width), not a crop
    lo: int = 0  # the crop rows the variant stands for
    hi: int = 0


@dataclass(frozen=True)
class Measures:
    module: float  # crop pixels per module
    blur: float  # Gaussian sigma of the blur along the scanline, crop pixels
    washed: bool  # part of the code washed out (glare) or strongly uneven light

    @property
    def blurry(self) -> bool:
        return self.blur > 0.45 * self.module

    @property
    def small(self) -> bool:
        return self.module < 2.2


def magnification(region_width: float) -> float:
    """How much to magnify a region `region_width` frame pixels wide.

    A region often holds more than its IMEI (a label's ICCID or EID beside it is wider), so
    its width over an IMEI's modules overstates the module: small regions get 2-3x whatever."""
    if region_width < 200:
        return MAX_MAGNIFY
    if region_width < 330:
        return 2.0
    module = region_width / IMEI_MODULES
    return float(np.clip(TARGET_MODULE_PX / max(module, 1e-3), 1.0, MAX_MAGNIFY))


def is_light_on_dark(crop: np.ndarray, margin: float) -> bool:
    """Light bars on a dark ground (dark-mode screens)?

    `margin` is where the code starts in the crop (and ends, as far from the right edge).
    The quiet zones have the colour of the spaces: each end is compared with the darkest and
    the lightest of the code's quarter beside it (not the whole code, which glare or uneven
    light may brighten in its middle): nearer the darkest, the spaces are the dark ones.
    """
    h, w = crop.shape
    line = crop[h // 3: max(2 * h // 3, h // 3 + 1)].astype(np.float32).mean(axis=0)
    m = int(margin)
    span = max(6, int((w - 2 * m) * 0.04))
    quarter = max(4, (w - 2 * m) // 4)
    vote = 0.0
    for end, core in ((line[max(0, m - 2 * span): max(1, m - span // 2)], line[m: m + quarter]),
                      (line[w - m + span // 2: w - m + 2 * span], line[w - m - quarter: w - m])):
        if end.size == 0 or core.size == 0:
            continue
        level = float(np.median(end))
        dark, light = prof.quantiles(core, 10, 90)
        vote += abs(level - light) - abs(level - dark)
    return vote > 0


#: Fewer scanline edges than this and a band is not a code: a 15-digit IMEI has about 70
#: (11 symbols of 6 bars and spaces), blur and small modules hide some.
MIN_EDGES = 22


def looks_like_bars(crop: np.ndarray, lo: int, hi: int, x0: float, x1: float, *,
                    line: np.ndarray | None = None) -> bool:
    """`line`: rows lo..hi's profile (`prof.scan_profile`), when the caller has it."""
    if line is None:
        line = prof.scan_profile(crop, lo, hi)
    return prof.edge_count(line, x0 * prof.UPSAMPLE, x1 * prof.UPSAMPLE) >= MIN_EDGES


#: Edges further apart than this many times their median gap: not one code (a quiet zone, a
#: label's blank between a code and its caption or another code).
SPLIT = 5.0
#: A span found within this share of the region's width: the region's own is kept.
SHRINK = 0.95
#: Edges within the region outside the code's run: from this many, the region holds more than
#: its margins (a code half washed out by glare, two codes side by side): its span is kept.
OTHERS = 12


def code_span(crop: np.ndarray, lo: int, hi: int, x0: float, x1: float, *,
              line: np.ndarray | None = None) -> tuple[float, float]:
    """Where the code of rows lo..hi lies across the crop, about x0..x1 as the region says:
    the run of edges with no gap wider than `SPLIT` median gaps that holds most of the
    region's edges; the region's own span when that run is too short, about as wide, or not
    alone in the region. `line`: rows lo..hi's profile, when the caller has it."""
    if line is None:
        line = prof.scan_profile(crop, lo, hi)
    e = prof.edge_positions(line, 0, line.size) / prof.UPSAMPLE
    inside = (e >= x0) & (e <= x1)
    if int(inside.sum()) < MIN_EDGES:
        return x0, x1
    gaps = np.diff(e)
    cuts = np.flatnonzero(gaps > SPLIT * float(np.median(np.diff(e[inside]))))
    starts = np.concatenate([[0], cuts + 1])
    ends = np.concatenate([cuts, [e.size - 1]])
    held = [int(inside[a: b + 1].sum()) for a, b in zip(starts, ends, strict=True)]
    best = int(np.argmax(held))
    a, b = float(e[starts[best]]), float(e[ends[best]])
    if (ends[best] - starts[best] + 1 < MIN_EDGES or b - a > SHRINK * (x1 - x0)
            or int(inside.sum()) - held[best] >= OTHERS):
        return x0, x1
    return a, b


def measure(crop: np.ndarray, lo: int, hi: int, x0: float, x1: float, line: np.ndarray) -> Measures:
    up = prof.UPSAMPLE
    module = max((x1 - x0) / IMEI_MODULES, 0.3)
    blur = prof.estimate_blur(line, x0 * up, x1 * up) / up
    core = crop[lo:hi:2, int(x0):int(x1):2]
    washed = False
    if core.size:
        rows = core.astype(np.float32)
        n = rows.shape[1]
        i5, i95 = round(0.05 * (n - 1)), round(0.95 * (n - 1))
        part = np.partition(rows, (i5, i95), axis=1)
        spread = part[:, i95] - part[:, i5]
        bright = float((core >= 250).mean())
        washed = bright > 0.02 or float(spread.min()) < 0.4 * float(spread.max())
    return Measures(module, blur, washed)


def stretch(band: np.ndarray, module: float) -> np.ndarray:
    """Local contrast normalisation: each pixel between the darkest (bars) and lightest (spaces)
    of about six modules around it, so a code half washed out by glare has one contrast."""
    k = np.ones((3, int(max(5, module * 6)) | 1), np.uint8)
    f = band.astype(np.float32)
    box = (int(max(3, module * 4)) | 1, 3)
    # The extremes of whole grey levels are whole: taken on the 8-bit band (a third of the time).
    top = cv2.blur(cv2.dilate(band, k).astype(np.float32), box)
    bottom = cv2.blur(cv2.erode(band, k).astype(np.float32), box)
    out: np.ndarray = np.clip((f - bottom) * 255.0 / (top - bottom + 6.0), 0, 255).astype(np.uint8)
    return out


def plan(crop: np.ndarray, lo: int, hi: int, x0: float, x1: float, *, whole: bool,
         scale: float = 1.0, line: np.ndarray | None = None) -> Iterator[Variant]:
    """The variants for rows lo..hi of a rectified, polarity-corrected crop, in order.

    `whole`: the band is the whole crop (one code in the region), so the crop itself is tried
    with its margins. `line`: rows lo..hi's profile, when the caller has it."""
    up = prof.UPSAMPLE
    pad = max(4, (hi - lo) // 6)
    a, b = max(0, lo - pad), min(crop.shape[0], hi + pad)
    band = crop if whole else crop[a:b]
    ra, rb = (0, crop.shape[0]) if whole else (a, b)
    if not whole:
        yield Variant("crop", band, "local", lo=ra, hi=rb)
    if line is None:
        line = prof.scan_profile(crop, lo, hi)
    m = measure(crop, lo, hi, x0, x1, line)
    mod_s = m.module * up  # profile samples per module
    # Glare and uneven light: each pixel stretched between its neighbourhood's bars and spaces.
    flat = stretch(band, m.module) if m.washed else None
    if flat is not None:
        yield Variant("stretched", flat, "local", lo=ra, hi=rb)
    if m.blurry:
        s = m.blur * up
        for k, snr in ((1.0, 3000.0), (1.2, 1000.0)):
            yield Variant(f"deconv{k}", prof.grey_image(prof.deconvolve(line, s * k, snr=snr)), "local",
                          line=True, lo=lo, hi=hi)
        # Motion along the scanline is a box, not a Gaussian: a box of the same variance.
        yield Variant("deconv-box", prof.grey_image(prof.deconvolve(line, s * 0.3, box=s * 3.2,
                                                                    snr=3000.0)),
                      "local", line=True, lo=lo, hi=hi)
    else:
        yield Variant("profile-sharp", prof.redraw(prof.sharpen(line, 1.3 * mod_s), mod_s), "fixed",
                      line=True, lo=lo, hi=hi)
    if m.washed:
        norm = prof.scan_profile(crop, lo, hi, normalise=True)
        if m.blurry:
            norm = prof.deconvolve(norm, m.blur * up, snr=3000.0)
        yield Variant("normalised", prof.grey_image(norm), "local", line=True, lo=lo, hi=hi)
        clahe = cv2.createCLAHE(clipLimit=3.0, tileGridSize=(2, 8)).apply(band)
        yield Variant("clahe", clahe, "local", lo=ra, hi=rb)
    # Small in the frame (the crop may be magnified 2-3x): zbar's scanner, which reads
    # modules near a pixel that zxing-cpp's misses, reads the magnified band.
    if m.small or m.module / scale < SMALL_FRAME_MODULE:
        yield Variant("pyzbar", band, reader="pyzbar", lo=ra, hi=rb)
    # The top third of the rows alone: bars a little slanted or curved read there.
    yield _third(crop, lo, hi, 0, m)
    sharp = cv2.addWeighted(band, 4.0, cv2.GaussianBlur(band, (0, 0), max(1.5, m.module)), -3.0, 0)
    yield Variant("sharpened", sharp, "fixed", lo=ra, hi=rb)
    if not m.washed:
        yield Variant("clahe", cv2.createCLAHE(clipLimit=3.0, tileGridSize=(2, 8)).apply(band),
                      "local", lo=ra, hi=rb)
    # The plain and the stretched profiles, redrawn: they read what the crop did not about
    # once in a hundred tries (the reader binarises the crop's rows much as they are).
    yield Variant("profile", prof.grey_image(line), "local", line=True, lo=lo, hi=hi)
    if flat is None:
        flat = stretch(band, m.module)
    flat_line = prof.scan_profile(flat, lo - ra, hi - ra)
    if m.blurry:
        flat_line = prof.deconvolve(flat_line, m.blur * up, snr=1000.0)
    yield Variant("stretched-profile", prof.grey_image(flat_line), "local", line=True, lo=lo, hi=hi)
    # The middle and bottom thirds: a code tilted in the frame whose bars the rectification
    # left slanted (rarely on the hard frames; one tilted code of the easy set).
    yield _third(crop, lo, hi, 1, m)
    yield _third(crop, lo, hi, 2, m)


def _third(crop: np.ndarray, lo: int, hi: int, k: int, m: Measures) -> Variant:
    """Rows lo..hi's k-th third alone, as a redrawn profile (deconvolved when blurry)."""
    sub_lo, sub_hi = lo + (hi - lo) * k // 3, lo + (hi - lo) * (k + 1) // 3
    sub = prof.scan_profile(crop, sub_lo, sub_hi)
    if m.blurry:
        sub = prof.deconvolve(sub, m.blur * prof.UPSAMPLE, snr=1000.0)
    return Variant(f"band{k}", prof.grey_image(sub), "local", line=True, lo=sub_lo, hi=sub_hi)
