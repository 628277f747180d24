"""What is read from a frame (`Code`), and what the decoder does with several: which regions
an IMEI already read explains, which could hold its sibling, misreads told by their place,
the order codes are given in."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import cv2
import numpy as np

from kiosk.scan.decode_geometry import Point, Region, turn
from kiosk.scan.imei import imei_from_code


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


def may_be_sibling(region: Region, codes: Iterable[Code]) -> bool:
    """Once an IMEI is read, only a region that could be the phone's other IMEI is worth
    reading: about as wide as the code read (0.5-2x), its bars turned the same way (within
    20 degrees). No IMEI read yet: every region is."""
    for code in codes:
        if imei_from_code(code.text) is None or len(code.polygon) < 4:
            continue
        # The code's longer side runs across its bars (an IMEI is far wider than tall),
        # whichever corner a reader starts its outline with.
        a, b, c = code.polygon[:3]
        (x0, y0), (x1, y1) = max(((a, b), (b, c)), key=lambda e: float(
            np.hypot(e[1][0] - e[0][0], e[1][1] - e[0][1])))
        width = float(np.hypot(x1 - x0, y1 - y0))
        # The region's long side, not its bars' gradient: under perspective the bars lean
        # against the code's length by tens of degrees, as much on the other IMEI.
        along = region.angle
        if region.quad is not None:
            (tx0, ty0), (tx1, ty1) = region.quad[0], region.quad[1]
            along = float(np.degrees(np.arctan2(ty1 - ty0, tx1 - tx0)))
        code_angle = float(np.degrees(np.arctan2(y1 - y0, x1 - x0)))
        return bool(turn(code_angle, along) <= 20 and 0.5 * width <= region.width <= 2.0 * width)
    return True


def explains(polygon: tuple[Point, ...], region: Region) -> bool:
    """A code already read covers this region: its centre is on the code, and the code is most
    of the region (a region that merged two codes of a label still needs reading)."""
    contour = np.array(polygon, np.float32).reshape(-1, 1, 2)
    if cv2.pointPolygonTest(contour, region.center, False) < 0:
        return False
    _, _, w, h = cv2.boundingRect(contour)
    code_span = max(w, h)
    return code_span >= 0.6 * region.width and len(polygon) >= 4


def without_conflicts(codes: list[Code]) -> list[Code]:
    """Two different texts read from one place are one code read two ways: at least one is
    a misread that passed the code's checks (zxing-cpp read a blurred, tilted IMEI as another
    valid one in 4 frames of a clip, beside the right one). Neither is kept: the next frame
    decides. One place: along the longer code the outlines overlap by half the shorter one,
    and across it one's centre lies within the other's height (its outline's area over its
    length; 4 px for an outline that is a line). Codes stacked on a label, however close,
    are a code's height apart; outlines skewed by perspective do not widen that."""
    placed = [(c, ax) for c in codes if (ax := _axis(c)) is not None]
    doubtful: set[str] = set()
    for i, (a, (dir_a, len_a, h_a)) in enumerate(placed):
        for b, (dir_b, len_b, h_b) in placed[i + 1:]:
            along = dir_a if len_a >= len_b else dir_b
            pa, pb = np.array(a.polygon, np.float64) @ along, np.array(b.polygon, np.float64) @ along
            overlap = min(pa.max(), pb.max()) - max(pa.min(), pb.min())
            delta = np.array(b.center) - np.array(a.center)
            across = abs(float(delta[0] * along[1] - delta[1] * along[0]))
            if (overlap >= 0.5 * min(np.ptp(pa), np.ptp(pb))
                    and across < 0.5 * max(h_a, h_b, 4.0)):
                doubtful |= {a.text, b.text}
    return [c for c in codes if c.text not in doubtful]


def _axis(c: Code) -> tuple[np.ndarray, float, float] | None:
    """The unit vector along a code's longest outline side, that side's length and the
    code's height (the outline's area over that length); None for an outline of no length."""
    pts = np.array(c.polygon, np.float64)
    if len(pts) < 2:
        return None
    sides = [pts[(i + 1) % len(pts)] - pts[i] for i in range(len(pts))]
    longest = max(sides, key=lambda v: float(np.hypot(*v)))
    length = float(np.hypot(*longest))
    if length < 1:
        return None
    x, y = pts[:, 0], pts[:, 1]
    area = 0.5 * abs(float(x @ np.roll(y, -1) - y @ np.roll(x, -1)))
    return longest / length, length, area / length


def reading_order(codes: list[Code]) -> list[Code]:
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
