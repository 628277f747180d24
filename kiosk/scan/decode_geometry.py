"""Where the codes are: barcode-like regions, their quadrilaterals, rectified crops, bands.

Regions come from the gradient structure tensor of a half-size frame (strong gradients that
all point the same way: bars). Each region carries its quadrilateral (four corners fitted to
its outline), so a label seen in perspective is rectified by a homography, not only turned
by its angle: the bars come out upright, parallel and equally spaced.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import cv2
import numpy as np

from kiosk.scan.decode_profile import quantiles

Point = tuple[float, float]


@dataclass(frozen=True)
class Region:
    center: Point  # full-frame pixels
    angle: float  # degrees to rotate by so that the bars stand upright
    width: float  # across the bars, full-frame pixels
    height: float  # along the bars
    dark: bool  # light bars on a dark background
    area: float
    #: Corners in frame pixels, ordered top-left, top-right, bottom-right, bottom-left of the
    #: upright code (left/right across the bars); None: the rotated rectangle is used.
    quad: tuple[Point, Point, Point, Point] | None = None
    #: False: the quadrilateral encloses an outline of more corners (`fit_quad`), trusted
    #: only where the rotated rectangle leaves the bars slanted.
    quad_exact: bool = True


class Stopped(Exception):
    """The caller no longer needs the regions (`regions_at`'s `stop` said so)."""


def _check(stop: Callable[[], bool] | None) -> None:
    if stop is not None and stop():
        raise Stopped


def _structure(grey: np.ndarray, factor: int = 2, stop: Callable[[], bool] | None = None
               ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    small = cv2.resize(grey, (grey.shape[1] // factor, grey.shape[0] // factor),
                       interpolation=cv2.INTER_AREA)
    f = small.astype(np.float32)
    gx = cv2.Sobel(f, cv2.CV_32F, 1, 0, ksize=3)
    gy = cv2.Sobel(f, cv2.CV_32F, 0, 1, ksize=3)
    _check(stop)
    k = (11, 11)
    jxx = cv2.boxFilter(gx * gx, -1, k)
    jyy = cv2.boxFilter(gy * gy, -1, k)
    _check(stop)
    jxy = cv2.boxFilter(gx * gy, -1, k)
    energy = jxx + jyy
    # coherence = sqrt((jxx - jyy)^2 + 4 jxy^2) / energy > 0.55, compared squared (no sqrt,
    # no division: a third of this function's time went there).
    d = jxx - jyy
    coherent = d * d + 4 * jxy * jxy > np.float32(0.55 ** 2) * energy * energy
    _check(stop)
    # Bars alternate: their gradients cancel in a window's sum, a single edge's (a label's
    # border, a table's edge) do not: |mean gradient| / mean |gradient| is 1 for one edge,
    # near 0 for bars (kept under 0.5, compared squared).
    mx, my = cv2.boxFilter(gx, -1, k), cv2.boxFilter(gy, -1, k)
    total = cv2.boxFilter(cv2.magnitude(gx, gy), -1, k)
    alternating = mx * mx + my * my < np.float32(0.25) * total * total
    _check(stop)
    # The energy floor from every fourth row and column: the same percentile within a few
    # per cent, for a twentieth of the time.
    floor = max(quantiles(energy[::4, ::4], 99.5)[0] * 0.08, 60.0)
    mask = (coherent & (energy > floor) & alternating).astype(np.uint8) * 255
    mask = cv2.morphologyEx(mask, cv2.MORPH_OPEN, np.ones((3, 3), np.uint8))
    mask = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, np.ones((9, 9), np.uint8))
    return mask, jxx, jyy, jxy


def fit_quad(points: np.ndarray, u: np.ndarray) -> tuple[np.ndarray | None, bool]:
    """Four corners of a convex outline (N x 2), ordered TL, TR, BR, BL with `u` (across the
    bars) pointing right, and whether the outline is close to a quadrilateral (False: the
    corners enclose an outline of more corners); None when neither fits."""
    hull = cv2.convexHull(points.astype(np.float32))
    perimeter = cv2.arcLength(hull, True)
    quad = None
    for eps in (0.02, 0.04, 0.06, 0.09, 0.12):
        approx = cv2.approxPolyDP(hull, eps * perimeter, True)
        if len(approx) == 4:
            quad = approx.reshape(4, 2).astype(np.float64)
            break
        if len(approx) < 4:
            break
    hull_area = cv2.contourArea(hull)
    exact = True
    if quad is None or cv2.contourArea(quad.astype(np.float32)) < 0.8 * hull_area:
        # Codes of different lengths side by side (a label's IMEI1, IMEI2 and serial) make an
        # outline of five or six corners: the enclosing quadrilateral whose sides lie along
        # the outline's longest sides serves as well, when it adds little area.
        quad = _enclosing_quad(cv2.approxPolyDP(hull, 0.01 * perimeter, True).reshape(-1, 2))
        if quad is None or cv2.contourArea(quad.astype(np.float32)) > 1.3 * hull_area:
            return None, False
        exact = False
    v = np.array([-u[1], u[0]])
    pu = quad @ u
    left = quad[np.argsort(pu)[:2]]
    right = quad[np.argsort(pu)[2:]]
    tl, bl = sorted(left, key=lambda p: float(p @ v))
    tr, br = sorted(right, key=lambda p: float(p @ v))
    return np.array([tl, tr, br, bl]), exact


def _enclosing_quad(poly: np.ndarray) -> np.ndarray | None:
    """A convex polygon (N x 2, N >= 4) reduced to four corners by dropping, one at a time,
    the side whose removal (its neighbours extended to meet) adds the least area."""
    pts = [np.asarray(p, np.float64) for p in poly]
    while len(pts) > 4:
        best, best_i, best_q = np.inf, -1, None
        n = len(pts)
        for i in range(n):
            a, b, c, d = pts[i - 1], pts[i], pts[(i + 1) % n], pts[(i + 2) % n]
            q = _intersect(a, b, c, d)
            if q is None:
                continue
            area = abs(_cross(c - b, q - b)) / 2
            if area < best:
                best, best_i, best_q = area, i, q
        if best_q is None:
            return None
        pts[best_i] = best_q
        del pts[(best_i + 1) % len(pts)]
    return np.array(pts) if len(pts) == 4 else None


def _cross(a: np.ndarray, b: np.ndarray) -> float:
    return float(a[0] * b[1] - a[1] * b[0])


def _intersect(a: np.ndarray, b: np.ndarray, c: np.ndarray, d: np.ndarray) -> np.ndarray | None:
    """Where line a->b, extended beyond b, meets line d->c extended beyond c."""
    r, s_ = b - a, c - d
    denom = _cross(r, s_)
    if abs(denom) < 1e-9:
        return None
    t = _cross(d - a, s_) / denom
    u = _cross(d - a, r) / denom
    if t < 1 or u < 1:
        return None
    point: np.ndarray = a + t * r
    return point


def propose_regions(grey: np.ndarray, limit: int = 6) -> list[Region]:
    """Barcode-like regions: strong gradients that all point the same way, found at half and
    at quarter size. A code of wide modules, blurred or smeared, breaks up at half size
    (its wide bars and spaces hold no gradient): a quarter-size region that spans several
    half-size ones, or that half size missed, comes first; then the half-size ones, largest
    first."""
    return combine_regions(regions_at(grey, 2, limit), regions_at(grey, 4, limit), limit)


def combine_regions(fine: list[Region], quarter: list[Region], limit: int = 6) -> list[Region]:
    """`propose_regions` from the regions found at half (`fine`) and at quarter size."""
    coarse: list[Region] = []
    covered: list[Region] = []
    for q in quarter:
        inside = [r for r in fine if _contains(q, r.center)]
        # Its pieces must have its bars' direction: at quarter size, bars of small modules
        # blur into blocks whose edges (across the bars) point the other way.
        pieces = [r for r in inside if turn(q.angle, r.angle) <= 15]
        if (len(pieces) >= 2 or (pieces and q.width > 1.25 * max(r.width for r in pieces))
                or (not inside and q.width >= 160)):
            coarse.append(q)
            covered += [r for r in inside if r not in covered]
    # The pieces of a code read whole come last: read only if the whole one was not.
    rest = [r for r in fine if r not in covered]
    return (coarse + rest + covered)[:limit]


def turn(a: float, b: float) -> float:
    """Degrees between two bar directions (modulo 180)."""
    return abs((a - b + 90) % 180 - 90)


def _contains(region: Region, point: Point) -> bool:
    t = np.radians(region.angle)
    d = np.array(point) - np.array(region.center)
    along = abs(float(d[0] * np.cos(t) + d[1] * np.sin(t)))
    across = abs(float(-d[0] * np.sin(t) + d[1] * np.cos(t)))
    return along <= region.width / 2 and across <= region.height / 2


def regions_at(grey: np.ndarray, factor: int, limit: int,
               stop: Callable[[], bool] | None = None) -> list[Region]:
    """Regions of the structure tensor at 1/`factor` size, largest first. `stop` is asked
    now and then: True raises `Stopped`."""
    return _regions_from(*_structure(grey, factor, stop), factor, limit)


def _regions_from(mask: np.ndarray, jxx: np.ndarray, jyy: np.ndarray, jxy: np.ndarray,
                  factor: int, limit: int) -> list[Region]:
    """Regions of a mask at 1/`factor` size, largest first (areas in half-size pixels, so
    that sizes compare)."""
    contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    regions: list[Region] = []
    to_half = (factor / 2) ** 2
    for contour in sorted(contours, key=cv2.contourArea, reverse=True)[: limit * 2]:
        area = cv2.contourArea(contour) * to_half
        if area < 150:
            break
        x, y, w, h = cv2.boundingRect(contour)
        inside = mask[y:y + h, x:x + w] > 0
        sxx = float(jxx[y:y + h, x:x + w][inside].sum())
        syy = float(jyy[y:y + h, x:x + w][inside].sum())
        sxy = float(jxy[y:y + h, x:x + w][inside].sum())
        theta = 0.5 * np.arctan2(2 * sxy, sxx - syy)  # the gradient's direction: across the bars
        u = np.array([np.cos(theta), np.sin(theta)])
        v = np.array([-u[1], u[0]])
        pts = contour.reshape(-1, 2).astype(np.float64)
        pu, pv = pts @ u, pts @ v
        width, height = (pu.max() - pu.min()) * factor, (pv.max() - pv.min()) * factor
        if width < 40 or height < 8 or width / max(height, 1) < 0.2:
            continue  # too small, or a thin line (stacked codes are taller than wide: bands split them)
        cu, cv_ = (pu.max() + pu.min()) / 2, (pv.max() + pv.min()) / 2
        center = (cu * u + cv_ * v) * factor
        quad, exact = fit_quad(pts + 0.5, u)
        corners = None
        if quad is not None:
            q = quad * factor
            corners = (tuple(q[0]), tuple(q[1]), tuple(q[2]), tuple(q[3]))
        regions.append(Region((float(center[0]), float(center[1])), float(np.degrees(theta)),
                              float(width), float(height), False, float(area),
                              corners, exact))
        if len(regions) >= limit:
            break
    return regions


def rect_corners(region: Region) -> np.ndarray:
    t = np.radians(region.angle)
    u = np.array([np.cos(t), np.sin(t)])
    v = np.array([-u[1], u[0]])
    c = np.array(region.center)
    hw, hh = region.width / 2, region.height / 2
    return np.array([c - hw * u - hh * v, c + hw * u - hh * v, c + hw * u + hh * v,
                     c - hw * u + hh * v])


@dataclass
class Rectified:
    """A region warped upright: the crop, the homography back to the frame, where the code
    lies in the crop (x0, x1 across the bars) and the pixels per frame pixel."""

    crop: np.ndarray
    back: np.ndarray  # 3x3, crop -> frame
    x0: float
    x1: float
    scale: float

    def to_frame(self, pts: np.ndarray) -> list[Point]:
        mapped = cv2.perspectiveTransform(np.asarray(pts, np.float64).reshape(1, -1, 2), self.back)
        return [(float(x), float(y)) for x, y in mapped[0]]


#: Rows a rectified crop keeps at least: zxing-cpp binarises an image under 40 pixels in
#: either direction with its global histogram rather than its local average.
MIN_CROP_ROWS = 48


def rectify(grey: np.ndarray, region: Region, scale: float = 1.0, *, use_quad: bool = True,
            interpolation: int = cv2.INTER_LINEAR, shear: float = 0.0) -> Rectified:
    """Crop the region with its bars upright and quiet zones included, magnified `scale` x
    across the bars; `shear` (x shift per row at 1x, from `slant`) straightens bars the
    corners left slanted.

    Along the bars the crop is not magnified beyond `MIN_CROP_ROWS`: a bar is the same all
    along, so taller crops only cost time (a 3x magnified crop was 9x the pixels, now 3x)."""
    corners = np.array(region.quad) if (use_quad and region.quad is not None) else rect_corners(region)
    tl, tr, br, bl = corners
    w = max(np.hypot(*(tr - tl)), np.hypot(*(br - bl)), 8.0)
    h = max(np.hypot(*(bl - tl)), np.hypot(*(br - tr)), 4.0)
    margin_w = w * 0.3 + 18  # glare washes out whole stretches of a code: its region is short
    margin_h = h * 0.08 + 6
    sy = float(min(scale, max(1.0, MIN_CROP_ROWS / (h + 2 * margin_h))))
    out_w = max(int((w + 2 * margin_w) * scale), 16)
    out_h = max(int((h + 2 * margin_h) * sy), 16)
    src = np.asarray(corners, np.float32)
    dst = np.array([[margin_w * scale, margin_h * sy], [(margin_w + w) * scale, margin_h * sy],
                    [(margin_w + w) * scale, (margin_h + h) * sy],
                    [margin_w * scale, (margin_h + h) * sy]], np.float32)
    m = cv2.getPerspectiveTransform(src, dst)
    if shear:
        yc = out_h / 2
        k = shear * scale / sy  # x shift per output row
        m = np.array([[1.0, -k, k * yc], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]]) @ m
    crop = cv2.warpPerspective(grey, m, (out_w, out_h), flags=interpolation,
                               borderMode=cv2.BORDER_REPLICATE)
    return Rectified(crop, np.linalg.inv(m), margin_w * scale, (margin_w + w) * scale, scale)


def bands(crop: np.ndarray, x0: float, x1: float, limit: int = 3) -> list[tuple[int, int]]:
    """Row ranges of the crop that hold bars, split at bar-less rows: a region merged across
    two stacked codes (IMEI1 above IMEI2 with a caption between) gives two bands."""
    h = crop.shape[0]
    a, b = int(max(0, x0)), int(min(crop.shape[1], x1))
    if b - a < 8:
        return [(0, h)]
    f = crop[:, a:b].astype(np.float32)
    dx = np.abs(np.diff(f, axis=1)).mean(axis=1)
    dy = np.abs(np.diff(f, axis=0)).mean(axis=1)
    dy = np.concatenate([dy[:1], dy])
    score = cv2.blur((dx - dy)[None, :], (max(3, h // 40) | 1, 1))[0]
    peak = quantiles(score, 95)[0]
    if peak <= 0:
        return [(0, h)]
    on = score > 0.35 * peak
    runs: list[tuple[int, int]] = []
    start = None
    for i, flag in enumerate([*on.tolist(), False]):
        if flag and start is None:
            start = i
        elif not flag and start is not None:
            if i - start >= max(4, h // 12):
                runs.append((start, i))
            start = None
    if len(runs) <= 1:
        return [(0, h)] if not runs else [(max(0, runs[0][0] - 2), min(h, runs[0][1] + 2))]
    runs.sort(key=lambda r: r[0] - r[1])
    return sorted((max(0, lo - 2), min(h, hi + 2)) for lo, hi in runs[:limit])


def slant(crop: np.ndarray, lo: int, hi: int, x0: float, x1: float) -> tuple[float, float]:
    """How upright the bars of rows lo..hi can be made: the correlation of the band's top and
    bottom scanline profiles (1: upright) once the returned shear (x shift per row; 0.0 when
    they are upright already) aligns them."""
    h = hi - lo
    if h < 8:
        return 0.0, 0.0
    a, b = int(max(0, x0 - 4)), int(min(crop.shape[1], x1 + 4))
    top = crop[lo + h // 10: lo + 4 * h // 10, a:b].astype(np.float32).mean(axis=0)
    bottom = crop[hi - 4 * h // 10: hi - h // 10, a:b].astype(np.float32).mean(axis=0)
    dist = float((hi - 4 * h // 10 + hi - h // 10) - (lo + h // 10 + lo + 4 * h // 10)) / 2
    k = (max(9, (b - a) // 16) | 1, 1)
    top = top - cv2.blur(top[None, :], k)[0]
    bottom = bottom - cv2.blur(bottom[None, :], k)[0]
    reach = int(min(max(4, 0.6 * dist), top.size // 4))
    norm = float(np.sqrt((top * top).sum() * (bottom * bottom).sum())) + 1e-6
    full = np.correlate(top, bottom, mode="full") / norm  # index size-1+d: top[i+d] . bottom[i]
    mid = top.size - 1
    window = full[mid - reach: mid + reach + 1]
    lag = int(np.argmax(window)) - reach
    zero, best = float(full[mid]), float(window[lag + reach])
    if dist <= 0 or best <= zero + 0.05 or abs(lag) < 1.5:
        return zero, 0.0
    return best, -lag / dist
