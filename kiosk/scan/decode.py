"""Single-frame barcode decoding: a cheap pass on every frame, then counted work on regions.

0. A frame larger than a webcam's (a photo, over `WORK_SIDE` px) is worked at that size,
   area-averaged; when that reads no IMEI, at full size too (up to `FAR_SIDE`), only in
   regions too small for the working size (`FAR_WIDTH`: a far label's small code).
1. zxing-cpp (Code 128 only) over the whole grey frame, always at full size: about 5 ms at
   1280x720.
2. Barcode-like regions from the gradient structure tensor of a half-size frame, each with
   its quadrilateral (`decode_geometry`).
3. A region whose modules look small is also looked at again at full resolution
   (`decode_refine`): at half size the codes stacked on a small label merge into one
   region; at full size each is a region of its own, read after the merged one's first
   steps, within its steps.
4. For each region not read yet (`decode_region`): a perspective warp that rectifies it
   (bars upright, parallel, equally spaced), magnified with a cubic interpolator when its
   modules are small, split into bands when it holds two stacked codes; then variants
   chosen by what the region measures (`decode_plan`): polarity, blur (deconvolved 1-D
   profiles), small modules (pyzbar as a second reader), uneven light and glare (local
   contrast stretch, normalised profiles, CLAHE).
5. A band no variant read: the soft reader (`decode_soft`), which matches whole symbols
   against its profile through the measured blur, for IMEIs that several difficulties at
   once leave unreadable by thresholds (`SOFT_READS` bands a frame).

The work is bounded by counted steps (regions x variants), never by the clock, so a frame
gives the same codes on an idle and on a busy machine. A second thread (`decode_pool`)
finds the half-size regions while the caller reads the whole frame (the quarter-size ones
follow on the caller), then reads each variant while the caller makes the next (when no
other frame keeps it busy): zxing-cpp and OpenCV release the GIL, so a two-core box does
both at once; the reads, their order and the steps counted are those of one thread.
`budget_ms` remains as a safety net only, never below `MIN_SAFETY_MS`, far above what
frames need (median 25 ms of CPU, the slowest about 150 ms, on a loaded two-core box where
pyzbar takes 90 ms a frame). It is counted in the CPU time of the frame's own work on both
threads (other callers' frames do not count), which a busy machine inflates far less than
the wall clock, with a wall-clock net `WALL_FACTOR` times longer for a stalled machine.

A box's EAN-13 is read too, only to set its region aside (`decode_region.ASIDE`): codes of
symbologies the caller did not ask for are never returned.

pyzbar (the product owner's choice) is a supported backend (`decode_read`): used when
zxing-cpp is missing, or on request. Only Code 128 and Code 39 are read by default: what phone boxes carry.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import replace

import cv2
import numpy as np

from kiosk.scan import decode_pool, decode_refine
from kiosk.scan.decode_codes import (
    Code, explains, may_be_sibling, reading_order, without_conflicts,
)
from kiosk.scan.decode_geometry import (
    Point, Region, combine_regions, propose_regions, regions_at,
)
from kiosk.scan.decode_plan import is_light_on_dark
from kiosk.scan.decode_read import Reader, _reader
from kiosk.scan.decode_region import (
    ASIDE, FRAME_STEPS, MAX_REGIONS, REGION_STEPS, SOFT_READS, Steps, read_region,
)
from kiosk.scan.imei import imei_from_code

#: The safety net per frame, ms of the frame's CPU time: only a pathological frame
#: or a machine many times slower than usual reaches it. Counted steps bound the work.
DEFAULT_BUDGET_MS = 300.0
MIN_SAFETY_MS = 300.0
WALL_FACTOR = 8.0
SYMBOLOGIES = ("CODE128", "CODE39")
#: Frames narrower or shorter than this (px) are only read whole: the region search works on
#: a quarter-size frame.
MIN_SIDE = 32
#: A frame whose longer side is over this (px: a photo, not a webcam's frame) is searched and
#: read at this size, area-averaged; only its whole-frame read is at full size (small clean
#: codes). The search and the variants are made for webcam frames, 1280x720 to 1920x1080: in
#: a 12-megapixel photo a code's bars and blur are 2-4 times wider, wider than the region
#: search's windows, and its crops took the safety net's time.
WORK_SIDE = 1920
#: When that reads no IMEI, a photo is read again at up to `FAR_SIDE` px (the far pass, for a
#: far label's code of 1-1.3 px modules): only regions at most `FAR_WIDTH` px wide at working
#: size there. A bare IMEI's region that wide (134 modules) has modules of 2.4 px at working
#: size, which it reads; the far labels measured at most 142. A photo of wide bars took 3 s of
#: CPU where all were read again. Regions this wide may still hold small codes side by side:
#: those `decode_refine.within` finds in them are read.
FAR_WIDTH = 320
#: The far pass is at full size up to this side (px: 24 MP at 4:3), where resampling loses
#: the smallest codes (far labels in 5120x2880 photos: 69 of 75 read at full size, 46 at 3840
#: px). Beyond it, to this size: a hostile 8000x8000 photo took 5 s of CPU and 1 GB read at
#: full size, 3 s and 0.6 GB at this size.
FAR_SIDE = 3 * WORK_SIDE
#: The safety net of a photo's two passes together: the working size's times the far pass's
#: pixels over the working size's, at most this many times.
PHOTO_NETS = 6.0
__all__ = ["DEFAULT_BUDGET_MS", "Code", "Region", "find_codes", "is_light_on_dark",
           "propose_regions"]


# -- the public functions --------------------------------------------------------------------

def _working(full: np.ndarray, side: int = WORK_SIDE) -> tuple[np.ndarray, float, float]:
    """The grey frame the regions are found and read in (at most `side` px), and its scale in
    x and y."""
    longest = max(full.shape)
    if longest <= side:
        return full, 1.0, 1.0
    h, w = full.shape
    size = (max(1, round(w * side / longest)), max(1, round(h * side / longest)))
    grey = cv2.resize(full, size, interpolation=cv2.INTER_AREA)
    return grey, size[0] / w, size[1] / h


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
    read = _reader(backend)
    read_as = tuple(dict.fromkeys(symbologies + ASIDE))  # what the readers are asked for
    full = np.ascontiguousarray(to_grey(frame))
    if not full.size:
        return []
    grey, kx, ky = _working(full)
    cpu: decode_pool.Cpu | None = None
    if clock is None:
        cpu = decode_pool.Cpu()
        clock = cpu.clock
    budget_s = max(budget_ms, MIN_SAFETY_MS) / 1000
    start = clock()
    codes, whole = _find(full, grey, kx, ky, read, read_as, clock, cpu, budget_s, imeis_enough,
                         None)
    if grey is not full and not any(imei_from_code(t) for t in codes):
        # A photo with no IMEI at working size: a far label's code may be too small for it.
        # Wide codes were read there, unless the working frame was too thin for regions.
        far, fx, fy = _working(full, FAR_SIDE)
        widest = FAR_WIDTH * min(fx, fy) / min(kx, ky) if _searched(grey) else float("inf")
        # One safety net for the frame, both passes together, as many times the working
        # size's as the far pass has its pixels (`PHOTO_NETS` at most): it does that many
        # frames' work.
        left = budget_s * min(far.size / grey.size, PHOTO_NETS) - (clock() - start)
        more = _find(full, far, fx, fy, read, read_as, clock, cpu, left, imeis_enough, whole,
                     widest)[0] if left > 0 else {}
        for text, code in more.items():
            codes.setdefault(text, code)
    # Without the codes only read to set their regions aside.
    return reading_order([c for c in without_conflicts(list(codes.values()))
                          if c.symbology in symbologies])


def _searched(grey: np.ndarray) -> bool:
    """Whether regions are searched in `grey` (else a strip: it is only read whole)."""
    return bool(min(grey.shape) >= MIN_SIDE)


def _find(full: np.ndarray, grey: np.ndarray, kx: float, ky: float, read: Reader,
          read_as: tuple[str, ...], clock: Callable[[], float], cpu: decode_pool.Cpu | None,
          budget_s: float, imeis_enough: int | None,
          whole: list[tuple[str, str, list[Point]]] | None, widest: float = float("inf")
          ) -> tuple[dict[str, Code], list[tuple[str, str, list[Point]]]]:
    """`find_codes`' work in `grey` (`full` at kx, ky of its size), within `budget_s` of
    `clock` (the safety net): the codes by text, corners in the frame's pixels, and the full
    frame's own reads (`whole`: made here when None). Regions wider than `widest` are not
    read, only the codes `decode_refine.within` finds in them."""
    steps = Steps(FRAME_STEPS, SOFT_READS, clock, budget_s, WALL_FACTOR, cpu)
    codes: dict[str, Code] = {}

    def answer() -> tuple[dict[str, Code], list[tuple[str, str, list[Point]]]]:
        if kx == 1.0 and ky == 1.0:
            return codes, reads
        return {t: replace(c, polygon=tuple((x / kx, y / ky) for x, y in c.polygon))
                for t, c in codes.items()}, reads

    # The half-size regions are found on the second thread while this one reads the whole
    # frame. When that alone reads enough, the search is told to stop (its regions would go
    # unused: the same answer, whatever the timing); else the quarter-size ones follow here.
    # A frame too thin for regions (a strip) is only read whole.
    regions_fit = _searched(grey)
    stop_search = threading.Event()
    half = (decode_pool.submit(regions_at, grey, 2, MAX_REGIONS, stop_search.is_set, cpu=cpu)
            if regions_fit else None)
    try:
        reads = read(full, read_as) if whole is None else whole
    except BaseException:
        stop_search.set()
        raise
    for text, sym, corners in reads:
        codes.setdefault(text, Code(text, sym, tuple((x * kx, y * ky) for x, y in corners), "frame"))
    if half is None:
        return answer()

    def enough() -> bool:
        return (imeis_enough is not None
                and len({imei_from_code(t) for t in codes} - {None}) >= imeis_enough)

    def wanted(region: Region) -> bool:
        if any(explains(c.polygon, region) for c in codes.values()):
            return False  # already read in the cheap pass, or in a region before
        return imeis_enough is None or may_be_sibling(region, codes.values())

    if enough():
        stop_search.set()
        return answer()
    quarter = regions_at(grey, 4, MAX_REGIONS)
    for region in combine_regions(half.result(), quarter, MAX_REGIONS):
        if not wanted(region):
            continue
        # A region of small modules may hold several codes, each read better on its own.
        parts = decode_refine.within(grey, region) if steps.left > 0 and not steps.expired else []
        left = REGION_STEPS
        # A photo's far pass: a code wider than `widest` was read at working size (a
        # region that wide may still hold small codes side by side: its parts are read).
        whole_region = region.width <= widest
        todo = [region, *parts] if whole_region else parts
        for k, part in enumerate(todo):
            if left <= 0 or enough():
                break
            if part.width > widest or not wanted(part):
                continue
            # The region: its first steps; then each part in turn, largest first, what is left
            # (an even share read fewer: a code's part needs 4-8 steps, and most read early).
            most = decode_refine.REGION_FIRST if k == 0 and whole_region and parts else left
            before = steps.taken
            for code in read_region(grey, part, read, read_as, steps, limit=min(left, most)):
                codes.setdefault(code.text, code)
            left -= steps.taken - before
        if enough():
            break
    return answer()
