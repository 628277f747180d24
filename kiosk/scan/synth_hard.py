"""Hard synthetic frames, at the ranges shops meet (issue 16), for `bench --hard`.

`hard_frames(count, seed, kinds)` cycles through `kinds` (`HARD_KINDS`); every frame is
1280x720 BGR with background clutter, and its ground truth: `imeis` (what a perfect reader
returns, any order) and `decoys` (codes on the item that must never come back as IMEIs).

Kinds and their ranges (module = one narrow bar, in frame px, along the code's scanlines):

- clean: modules 1.5-3.5, roll within 10 degrees, mild tilt, little noise.
- small: modules 0.85-1.5, drawn at 3 px a module and area-averaged down from up to 4x the
  frame's resolution, as a camera's pixels integrate light.
- blur: Gaussian sigma 1-3.2 px (a defocused box held close: modules grow with the blur).
- motion: 4-15 px at any angle, the box moving (the background stays sharp).
- perspective: a 3-D rotation, yaw 20-55 and pitch 10-45 degrees (either sign), any roll,
  through a pinhole camera (focal 1000 px): one end of the code is smaller than the other.
- glare: uneven light (gain 0.35-1.6 across the frame) and a specular blob on the label
  that saturates (washes out) part of it.
- jpeg: JPEG quality 12-35 after sensor noise (sigma 3-8 grey levels).
- low_contrast: bar-to-space contrast 0.15-0.4 of full scale.
- screen / screen_dark: a phone's *#06# screen photographed: its pixel grid (RGB stripes and
  gaps, 0.4-1.5 frame px a screen pixel: moire), a black bezel, slight blur (sigma 0.4-0.9);
  dark mode has light bars on black.
- multi: a box label with IMEI1, IMEI2, an EAN-13, a 20-digit ICCID (89...) and a 32-digit
  EID (89049...): only the IMEIs count, the rest are `decoys`.
- combo: three or four of small, blur, motion, perspective, glare, jpeg, low_contrast,
  screen/screen_dark/multi at once (small never with blur or motion).

Labels of the other kinds carry one IMEI or two (30%), sometimes a 15-digit serial that fails
Luhn and an EAN-13 (decoys). Any roll is drawn for half the non-clean frames. Every frame has
sensor noise (sigma 1-3.5 grey levels; clean 0.8-2), and 30% of the non-jpeg ones the JPEG
of a webcam's MJPEG (quality 60-90).

Guaranteed for every IMEI of every frame (else the frame is drawn again), so that a frame no
reader could read never counts against one:
- the whole code, quiet zones (10 modules each side) included, is inside the frame, not
  occluded, and its item faces the camera;
- its smallest module along its scanlines, after projection, is at least 0.85 px; at least
  1.3 px under JPEG quality 35 or lower, 1.2 px on a screen; bars at least 8 px tall;
- blur stays proportionate: the blur across the bars (Gaussian sigma and the motion length's
  component across them, combined as a standard deviation) is at most 0.7 module, and the
  motion length across the bars at most 2 modules;
- light: some scanline crossing the whole code keeps at least max(14, 3 x noise sigma) grey
  levels between bars and spaces, and at least half the contrast it has without the specular
  blob, once the uneven light and the blob are applied and the sensor clips (glare may wash
  out the rest of the code); counted for the narrowest bar once blurred: a one-module bar
  under a blur of spread s (Gaussian sigma and motion across the bars as a box, combined)
  keeps erf(module / (2 sqrt(2) s)) of the contrast (0.53 at the blur limit). Without this a
  combination of low contrast, full blur and a JPEG of quality 12 drew bars whose narrowest
  carried less signal than the noise: no reader could read them, so they measured nothing.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator
from dataclasses import dataclass

import cv2
import numpy as np

from kiosk.scan import synth_scene as sc
from kiosk.scan.synth import Frame, _background, decoy_number, random_imei

W, H = sc.W, sc.H
HARD_KINDS = ("clean", "small", "blur", "motion", "perspective", "glare", "jpeg",
              "low_contrast", "screen", "screen_dark", "multi", "combo")
EFFECTS = ("small", "blur", "motion", "perspective", "glare", "jpeg", "low_contrast")
CONTENTS = ("screen", "screen_dark", "multi")
MODULE_FLOOR = 0.85
SIGMA_PER_MODULE = 0.7
MOTION_PER_MODULE = 2.0


@dataclass
class HardFrame(Frame):
    """A `Frame` that also says how it was made (for looking into a kind's misses)."""

    effects: tuple[str, ...] = ()
    module: float = 0.0  # smallest module of its IMEIs, frame px


@dataclass
class Recipe:
    """What one frame shows and how it is degraded (drawn from the kind's ranges)."""

    kind: str
    effects: set[str]
    content: str  # "label", "multi", "screen" or "screen_dark"
    roll: float = 0.0
    yaw: float = 0.0
    pitch: float = 0.0
    module: float = 2.0  # smallest module of any IMEI, frame px
    sigma: float = 0.0  # Gaussian blur
    motion: float = 0.0  # length, px
    motion_angle: float = 0.0
    contrast: float = 1.0
    light: float = 0.0  # strength of the uneven light
    noise: float = 2.0
    jpeg: int | None = None


def _effects(kind: str, rng: random.Random) -> tuple[set[str], str]:
    if kind == "combo":
        pool = [*EFFECTS, "content"]
        chosen: set[str] = set()
        while len(chosen) < rng.choice([3, 3, 4]):
            e = rng.choice(pool)
            if (e == "small" and chosen & {"blur", "motion"}) or (
                    e in ("blur", "motion") and "small" in chosen):
                continue
            chosen.add(e)
        content = rng.choice(CONTENTS) if "content" in chosen else "label"
        return chosen - {"content"}, content
    if kind in CONTENTS:
        return set(), kind
    if kind in EFFECTS:
        return {kind}, "label"
    if kind == "clean":
        return set(), "label"
    raise ValueError(f"unknown kind {kind!r}")


def _item(recipe: Recipe, rng: random.Random) -> tuple[sc.Item, list[str], list[str]]:
    """The flat item, its IMEIs and its decoys."""
    if recipe.content.startswith("screen"):
        imeis = [random_imei(rng) for _ in range(rng.choice([1, 2, 2]))]
        item = sc.screen(imeis, dark=recipe.content == "screen_dark", module=rng.choice([2, 3]))
        return item, imeis, []
    extras: list[tuple[str, str, str]] = []
    if recipe.content == "multi":
        imeis = [random_imei(rng), random_imei(rng)]
        rows = [("EAN", sc.ean(rng), "EAN13"), ("ICCID", sc.iccid(rng), "CODE128"),
                ("EID", sc.eid(rng), "CODE128")]
        rng.shuffle(rows)
        extras = [(f"{name} {payload}", payload, sym) for name, payload, sym in rows]
    else:
        imeis = [random_imei(rng) for _ in range(2 if rng.random() < 0.3 else 1)]
        if rng.random() < 0.25:
            serial = decoy_number(rng)
            extras.append((f"S/N {serial}", serial, "CODE128"))
        if rng.random() < 0.3:
            extras.append(("EAN", sc.ean(rng), "EAN13"))
    item = sc.label(rng, imeis, extras=extras)
    return item, imeis, [payload for _, payload, _ in extras]


def _recipe(kind: str, rng: random.Random) -> Recipe:
    effects, content = _effects(kind, rng)
    r = Recipe(kind, effects, content)
    r.roll = rng.uniform(-10, 10) if kind == "clean" or rng.random() < 0.5 else rng.uniform(-180, 180)
    mild = 15.0 if content.startswith("screen") else 12.0
    r.yaw, r.pitch = rng.uniform(-mild, mild), rng.uniform(-mild, mild)
    if kind == "clean":
        r.yaw, r.pitch = r.yaw / 2, r.pitch / 2
    if "perspective" in effects:
        r.yaw = rng.choice([-1, 1]) * rng.uniform(20, 55)
        r.pitch = rng.choice([-1, 1]) * rng.uniform(10, 45)
    if "blur" in effects:
        r.sigma = rng.uniform(1.0, 3.2)
    elif content.startswith("screen"):
        r.sigma = rng.uniform(0.4, 0.9)
    if "motion" in effects:
        r.motion, r.motion_angle = rng.uniform(4, 15), rng.uniform(0, 180)
    r.contrast = rng.uniform(0.15, 0.4) if "low_contrast" in effects else 1.0
    r.light = rng.uniform(0.6, 1.2) if "glare" in effects else rng.uniform(0.0, 0.35)
    if "jpeg" in effects:
        r.jpeg, r.noise = rng.randint(12, 35), rng.uniform(3, 8)
    else:
        r.noise = rng.uniform(0.8, 2) if kind == "clean" else rng.uniform(1, 3.5)
        r.jpeg = rng.randint(60, 90) if rng.random() < 0.3 else None
    return r


def _module_floor(r: Recipe, axis: float) -> float:
    """The smallest module the recipe's blur, compression and content allow (see guarantees)."""
    floor = MODULE_FLOOR
    if r.jpeg is not None and r.jpeg <= 35:
        floor = max(floor, 1.3)
    if r.content.startswith("screen"):
        floor = max(floor, 1.2)
    across = r.motion * abs(math.cos(math.radians(r.motion_angle - axis)))
    if across:
        floor = max(floor, across / MOTION_PER_MODULE)
    spread = math.sqrt(r.sigma**2 + across**2 / 12)
    return max(floor, spread / SIGMA_PER_MODULE)


def _pose(r: Recipe, item: sc.Item, rng: random.Random) -> np.ndarray | None:
    """A homography that meets the guarantees for the item's IMEIs, or None."""
    imei_boxes = [b for b in item.codes if b.is_imei]
    anchor = (float(np.mean([(b.x0 + b.x1) / 2 for b in imei_boxes])),
              float(np.mean([(b.y0 + b.y1) / 2 for b in imei_boxes])))
    size = (item.image.shape[1], item.image.shape[0])
    for attempt in range(40):
        spread = 0.38 * (1 - attempt / 50)
        at = (W / 2 + rng.uniform(-spread, spread) * W, H / 2 + rng.uniform(-spread, spread) * H)
        m1 = sc.homography(size, anchor, r.roll, r.yaw, r.pitch, 1.0, at)
        geo = [sc.code_geometry(m1, b, item.module_px) for b in imei_boxes]
        per_scale = min(g[0] for g in geo)  # smallest module at scale 1
        floor = _module_floor(r, geo[0][2])
        if "small" in r.effects:
            lo, hi = MODULE_FLOOR, 1.5
        elif r.content.startswith("screen"):
            lo, hi = 1.2, 3.0
        else:
            lo, hi = 1.5, 3.5
        lo = max(lo, floor)
        hi = max(hi, lo * 1.15)
        if "small" in r.effects and lo > 1.5:
            return None
        r.module = rng.uniform(lo, hi) if attempt < 20 else lo
        scale = r.module / per_scale
        for _ in range(4):  # perspective is not linear in the scale: converge on the module
            m = sc.homography(size, anchor, r.roll, r.yaw, r.pitch, scale, at)
            smallest = min(sc.code_geometry(m, b, item.module_px)[0] for b in imei_boxes)
            if abs(smallest / r.module - 1) < 0.01:
                break
            scale *= r.module / smallest
        if not sc.item_facing(m, item):
            return None
        checks = [sc.code_geometry(m, b, item.module_px) for b in imei_boxes]
        if all(sc.code_in_view(m, b) for b in imei_boxes) and all(
                g[0] >= floor * 0.999 and g[1] >= 8 for g in checks):
            r.module = min(g[0] for g in checks)
            return m
    return None


def _levels(item: sc.Item, box: sc.CodeBox) -> tuple[float, float]:
    grey = item.image if item.image.ndim == 2 else cv2.cvtColor(item.image, cv2.COLOR_BGR2GRAY)
    patch = grey[int(box.y0):int(box.y1), int(box.x0):int(box.x1)].astype(np.float32)
    return float(np.percentile(patch, 3)), float(np.percentile(patch, 97))


def _apply_contrast(item: sc.Item, contrast: float, rng: random.Random) -> sc.Item:
    if contrast >= 1.0:
        return item
    paper = rng.uniform(170, 235)
    img = paper - (255.0 - item.image.astype(np.float32)) * contrast
    return sc.Item(np.clip(img, 0, 255).astype(np.uint8), item.codes, item.module_px)


def _glare_blob(r: Recipe, m: np.ndarray, item: sc.Item, rng: random.Random) -> sc.Blob | None:
    if "glare" not in r.effects:
        return None
    box = rng.choice([b for b in item.codes if b.is_imei])
    fx, fy = rng.uniform(0.1, 0.9), rng.uniform(-0.3, 1.3)
    p = sc.project(m, np.array([[box.x0 + fx * (box.x1 - box.x0), box.y0 + fy * (box.y1 - box.y0)]]))
    return sc.Blob(float(p[0, 0]) + rng.uniform(-40, 40), float(p[0, 1]) + rng.uniform(-40, 40),
                   rng.uniform(40, 200), rng.uniform(30, 120), rng.uniform(0, 180),
                   rng.uniform(140, 320))


def _narrow_depth(r: Recipe, m: np.ndarray, item: sc.Item, box: sc.CodeBox) -> float:
    """The share of the bar-to-space contrast a one-module bar keeps under the recipe's blur
    (Gaussian sigma and motion across the bars, a box of variance length^2 / 12)."""
    module, _, axis = sc.code_geometry(m, box, item.module_px)
    across = r.motion * abs(math.cos(math.radians(r.motion_angle - axis)))
    spread = math.sqrt(r.sigma**2 + across**2 / 12)
    if spread <= 0:
        return 1.0
    return math.erf(module / (2 * math.sqrt(2) * spread))


def make_hard_frame(kind: str, rng: random.Random) -> HardFrame:
    """One frame of `kind` (see HARD_KINDS) meeting the module docstring's guarantees."""
    for _ in range(30):
        r = _recipe(kind, rng)
        item, imeis, decoys = _item(r, rng)
        item = _apply_contrast(item, r.contrast, rng)
        m = _pose(r, item, rng)
        if m is None:
            continue
        gain = sc.light_field(rng, r.light)
        blob = _glare_blob(r, m, item, rng)
        need = max(14.0, 3 * r.noise)
        ok = True
        for box in (b for b in item.codes if b.is_imei):
            dark, light = _levels(item, box)
            depth = _narrow_depth(r, m, item, box)
            while sc.band_contrast(m, box, gain, blob, dark, light) * depth < need:
                if blob is not None and blob.peak > 60:
                    blob = sc.Blob(blob.cx, blob.cy, blob.rx, blob.ry, blob.angle, blob.peak * 0.8)
                    continue
                ok = False
                break
        if not ok:
            continue
        return _render(r, item, m, gain, blob, rng, imeis, decoys)
    raise RuntimeError(f"could not draw a readable {kind} frame")  # pragma: no cover


def _render(r: Recipe, item: sc.Item, m: np.ndarray, gain: np.ndarray, blob: sc.Blob | None,
            rng: random.Random, imeis: list[str], decoys: list[str]) -> HardFrame:
    scene = cv2.cvtColor(sc.room(_background(rng)), cv2.COLOR_GRAY2BGR).astype(np.float32)
    layer, alpha = sc.render_item(item, m)
    if r.motion:  # the box moves, the room does not
        k = sc.motion_kernel(r.motion, r.motion_angle)
        layer = cv2.filter2D(layer, -1, k, borderType=cv2.BORDER_CONSTANT)
        alpha = cv2.filter2D(alpha, -1, k, borderType=cv2.BORDER_CONSTANT)
    img = sc.composite(scene, layer, alpha) * gain[..., None]
    if blob is not None:
        img += (blob.field() * alpha)[..., None]
    if r.sigma:
        img = cv2.GaussianBlur(img, (0, 0), r.sigma)
    bgr = sc.sensor(img, rng, r.noise, r.jpeg)
    effects = tuple(sorted(r.effects | ({r.content} if r.content != "label" else set())))
    return HardFrame(bgr, r.kind, imeis, decoys, effects, round(r.module, 2))


def iter_hard_frames(count: int, seed: int, kinds: tuple[str, ...] = HARD_KINDS
                     ) -> Iterator[HardFrame]:
    """`hard_frames` one at a time (300 frames would hold 830 MB)."""
    rng = random.Random(seed)
    for i in range(count):
        yield make_hard_frame(kinds[i % len(kinds)], rng)


def hard_frames(count: int, seed: int, kinds: tuple[str, ...] = HARD_KINDS) -> list[HardFrame]:
    """`count` frames cycling through `kinds`, reproducible from `seed`."""
    return list(iter_hard_frames(count, seed, kinds))
