"""A region of small modules, found again at full resolution: one region for each code in it.

The regions come from a half-size frame (`decode_geometry`). At half size a code of modules
under about 1.3 frame px is below the sampling limit: its bars blur into grey, and its region
merges the codes stacked on a label (IMEI1, IMEI2, a serial, an EAN-13) with the label around
them. Its corners and angle then follow the label, not the codes: a crop rectified by them
leaves the codes slanted, and reads one of them at best. At full resolution each code stands
apart, with corners of its own.

`within(grey, region)` answers only for regions whose modules look small (`rough_module`):
at full resolution the bars of a blurred code of wide modules break up into pieces, which
read worse than the half-size region. And only when it finds several codes: one alone is
most often the region itself or a piece of it, which the region read as it is does as well;
unless that one is turned from the region (modules under a pixel: at half size the region
followed the label's texture, not the bars), or the region is taller than wide, whose rough
module is measured across the wrong direction.
The region is read first, for `REGION_FIRST` of its steps; its codes then have the rest,
largest first.
"""

from __future__ import annotations

from dataclasses import replace

import cv2
import numpy as np

from kiosk.scan import decode_profile as prof
from kiosk.scan.decode_geometry import Point, Region, rect_corners, regions_at, turn

#: Modules (frame px, as `rough_module` measures them) under which a region is looked at
#: again at full resolution. The measure errs high (a region holds some of its label):
#: codes of 0.85-1.5 px modules measure 1.6-2.8.
SMALL_MODULE = 2.5
#: How far beyond the region to look across its bars (times its width): glare or a screen's
#: moire break a code's half-size region into pieces.
WIDEN = 1.6
#: Steps of the region itself before its codes are read on their own (of `REGION_STEPS`): most
#: regions that read at all read in their first few.
REGION_FIRST = 8
#: Code 128's bars and spaces are 11/6 modules wide on average (6 of them in each
#: 11-module symbol).
MEAN_ELEMENT = 11 / 6
LIMIT = 3  # codes looked for in one region
#: The largest region looked at again (frame px): a small label's codes span about 400 x 300
#: at most. Looking is not a counted step (it is CPU time of the frame, which the safety net
#: counts): the widened box of the largest takes 20-40 ms, of a label's region 2-4 ms.
MAX_WIDTH, MAX_HEIGHT = 480, 400


def rough_module(grey: np.ndarray, region: Region) -> float:
    """The region's module in frame px, from the bars and spaces crossed by its middle rows
    (7 scanlines of its rotated rectangle, sampled `UPSAMPLE` x finer: about 0.2 ms). Blur
    hides narrow bars: it errs high."""
    if not (np.isfinite([*region.center, region.angle, region.height]).all()
            and 1.0 <= region.width <= MAX_WIDTH):
        return float("inf")
    t = np.radians(region.angle)
    u, v = np.array([np.cos(t), np.sin(t)]), np.array([-np.sin(t), np.cos(t)])
    along = np.arange(-region.width / 2, region.width / 2, 1 / prof.UPSAMPLE)
    across = np.linspace(-0.3, 0.3, 7) * region.height
    pts = (np.asarray(region.center)[None, None, :] + along[None, :, None] * u
           + across[:, None, None] * v).astype(np.float32)
    rows = cv2.remap(grey, pts[..., 0], pts[..., 1], cv2.INTER_LINEAR,
                     borderMode=cv2.BORDER_REPLICATE)
    line = rows.astype(np.float32).mean(axis=0)
    edges = prof.edge_count(line, 0, line.size)
    return float(region.width / max(edges, 1) / MEAN_ELEMENT)


def within(grey: np.ndarray, region: Region) -> list[Region]:
    """The codes in and around a region, largest first; [] unless its modules are small and
    it holds several codes, or it holds one code turned from the region's direction."""
    if region.width > MAX_WIDTH or region.height > MAX_HEIGHT:
        return []
    small = rough_module(grey, region) < SMALL_MODULE
    # Taller than wide: at half size the bars of modules under a pixel do not show, and the
    # region's direction may be the label's texture, not the bars' (turned by about 90 degrees).
    if not small and region.height <= region.width:
        return []
    found = _regions_near(grey, region)
    if small and len(found) >= 2:
        return found
    # One code, turned from the region: the region's direction was wrong, the code's is right.
    return found if len(found) == 1 and _turned(found[0], region) else []


#: Degrees between a region's direction and its code's from which the region was wrong.
TURNED = 30.0


def _turned(part: Region, region: Region) -> bool:
    return turn(part.angle, region.angle) > TURNED


def _regions_near(grey: np.ndarray, region: Region) -> list[Region]:
    wider = replace(region, width=region.width * WIDEN, height=region.height + 16)
    x, y, w, h = cv2.boundingRect(rect_corners(wider).astype(np.float32))
    pad = 16
    x0, y0 = max(0, x - pad), max(0, y - pad)
    x1, y1 = min(grey.shape[1], x + w + pad), min(grey.shape[0], y + h + pad)
    if x1 - x0 < 40 or y1 - y0 < 16:
        return []
    found = regions_at(np.ascontiguousarray(grey[y0:y1, x0:x1]), 1, LIMIT)

    def moved(p: Point) -> Point:
        return (p[0] + x0, p[1] + y0)

    return [replace(r, center=moved(r.center),
                    quad=None if r.quad is None else (moved(r.quad[0]), moved(r.quad[1]),
                                                      moved(r.quad[2]), moved(r.quad[3])))
            for r in found]
