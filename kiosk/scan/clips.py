"""Synthetic 30 fps clips of a hand bringing a phone box to the camera (issue 16's clip bench).

Each clip (2-3 s) shows a box label with one or two IMEIs (sometimes a serial that fails
Luhn, an EAN-13 or an ICCID beside them: decoys). The box slides and turns in from outside
the frame along an eased path (faster in the middle) in 0.3-0.7 s, with motion blur as long
as its speed over half a frame's exposure, its tilt (yaw, pitch, roll) changing on the way
and the light drifting from frame to frame (a lamp's gain and the camera's auto-exposure),
then wobbles to a stop and is held with a hand's tremor. At rest each IMEI has modules of
1.2-3 px, is in view with its quiet zones, is tilted up to 35 degrees (yaw) and 30 (pitch)
(its modules at most 1.5 times larger at its near end than at its far end),
with a defocus of sigma 0.25 px to 0.35 module (at most 1 px); in 30% of the clips a lamp's
highlight sits where the box is held, leaving a scanline across each IMEI with at least half
its contrast (and 20 grey levels): a reader can read the end of every clip.

Ground truth per clip: `imeis`, `decoys`, `in_view` per frame (every IMEI whole in the frame),
`in_view_at` (seconds: the first frame from which the IMEIs stay in view) and `still_at`
(seconds: the box moves less than 1 px a frame from then on).
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator
from dataclasses import dataclass, field

import cv2
import numpy as np

from kiosk.scan import synth_scene as sc
from kiosk.scan.synth import _background, decoy_number, random_imei

FPS = 30.0
W, H = sc.W, sc.H
EXPOSURE = 0.5  # of a frame's time: motion blur is the distance moved meanwhile
REST_MODULE = (1.2, 3.0)  # px, the held box's smallest IMEI module


@dataclass(frozen=True)
class Pose:
    at: tuple[float, float]  # where the IMEIs' centre is in the frame
    roll: float
    yaw: float
    pitch: float
    scale: float  # frame px per item px at the anchor

    def mix(self, other: Pose, f: float) -> Pose:
        def lerp(a: float, b: float) -> float:
            return a + (b - a) * f

        return Pose((lerp(self.at[0], other.at[0]), lerp(self.at[1], other.at[1])),
                    lerp(self.roll, other.roll), lerp(self.yaw, other.yaw),
                    lerp(self.pitch, other.pitch), self.scale * (other.scale / self.scale) ** f)


@dataclass
class Clip:
    frames: list[np.ndarray]
    imeis: list[str]
    decoys: list[str]
    in_view: list[bool] = field(default_factory=list)
    in_view_at: float = 0.0
    still_at: float = 0.0
    fps: float = FPS


def _item(rng: random.Random) -> tuple[sc.Item, list[str], list[str]]:
    imeis = [random_imei(rng) for _ in range(2 if rng.random() < 0.4 else 1)]
    extras: list[tuple[str, str, str]] = []
    if rng.random() < 0.3:
        serial = decoy_number(rng)
        extras.append((f"S/N {serial}", serial, "CODE128"))
    if rng.random() < 0.3:
        extras.append(("EAN", sc.ean(rng), "EAN13"))
    if rng.random() < 0.2:
        number = sc.iccid(rng)
        extras.append((f"ICCID {number}", number, "CODE128"))
    item = sc.label(rng, imeis, extras=extras)
    return item, imeis, [p for _, p, _ in extras]


def _anchor(item: sc.Item) -> tuple[float, float]:
    boxes = [b for b in item.codes if b.is_imei]
    return (float(np.mean([(b.x0 + b.x1) / 2 for b in boxes])),
            float(np.mean([(b.y0 + b.y1) / 2 for b in boxes])))


def _matrix(item: sc.Item, pose: Pose) -> np.ndarray:
    size = (item.image.shape[1], item.image.shape[0])
    return sc.homography(size, _anchor(item), pose.roll, pose.yaw, pose.pitch, pose.scale, pose.at)


def _smallest_module(item: sc.Item, m: np.ndarray) -> float:
    return min(sc.code_geometry(m, b, item.module_px)[0] for b in item.codes if b.is_imei)


def _in_view(item: sc.Item, m: np.ndarray) -> bool:
    return sc.item_facing(m, item) and all(sc.code_in_view(m, b) for b in item.codes if b.is_imei)


def _module_spread(item: sc.Item, m: np.ndarray) -> float:
    """How much larger an IMEI's modules are at its near end than at its far end."""
    worst = 1.0
    for b in (b for b in item.codes if b.is_imei):
        xs = np.linspace(b.x0, b.x1 - item.module_px, 16)
        y = np.full_like(xs, (b.y0 + b.y1) / 2)
        steps = np.hypot(*(sc.project(m, np.column_stack([xs + item.module_px, y]))
                           - sc.project(m, np.column_stack([xs, y]))).T)
        worst = max(worst, float(steps.max() / steps.min()))
    return worst


def _rest_pose(item: sc.Item, rng: random.Random) -> Pose:
    """Where the box is held: IMEIs in view, modules 1.6-3 px, a natural tilt."""
    for attempt in range(200):
        roll = rng.uniform(-25, 25) if rng.random() < 0.7 else rng.uniform(-180, 180)
        target = rng.uniform(REST_MODULE[0], REST_MODULE[1]) if attempt < 100 else REST_MODULE[0]
        pose = Pose((W / 2 + rng.uniform(-0.25, 0.25) * W, H / 2 + rng.uniform(-0.2, 0.2) * H),
                    roll, rng.uniform(-35, 35), rng.uniform(-30, 30), 1.0)
        for _ in range(5):
            smallest = _smallest_module(item, _matrix(item, pose))
            pose = Pose(pose.at, pose.roll, pose.yaw, pose.pitch, pose.scale * target / smallest)
        m = _matrix(item, pose)
        margin_ok = all(sc.code_in_view(m, b, margin=12) for b in item.codes if b.is_imei)
        if (_in_view(item, m) and margin_ok and _smallest_module(item, m) >= REST_MODULE[0] * 0.97
                and _module_spread(item, m) <= 1.5):
            return pose
    raise RuntimeError("no rest pose for this label")  # pragma: no cover


def _entry_pose(rest: Pose, item: sc.Item, rng: random.Random) -> Pose:
    """Where the box comes from: outside the frame on one side, turned and tilted otherwise."""
    side = rng.choice(["left", "right", "bottom", "bottom", "top"])
    dx = {"left": -1.0, "right": 1.0}.get(side, rng.uniform(-0.4, 0.4))
    dy = {"bottom": 1.0, "top": -1.0}.get(side, rng.uniform(-0.4, 0.4))
    h, w = item.image.shape[:2]
    reach = max(w, h) * rest.scale * 1.1
    at = (rest.at[0] + dx * (W / 2 + reach) * 0.9, rest.at[1] + dy * (H / 2 + reach) * 0.9)
    return Pose(at, rest.roll + rng.uniform(-35, 35), rest.yaw + rng.uniform(-30, 30),
                rest.pitch + rng.uniform(-25, 25), rest.scale * rng.uniform(0.75, 1.25))


def _ease(f: float) -> float:
    """A hand's reach: speeds up, then slows down to the held pose."""
    return (1 - math.cos(math.pi * f)) / 2


def _hand(frame: np.ndarray, item: sc.Item, m: np.ndarray, skin: tuple[float, float, float]) -> None:
    """A hand under the box: an ellipse of skin below the label's lower edge (behind it)."""
    h, w = item.image.shape[:2]
    pts = sc.project(m, np.array([[w * 0.5, h * 1.05], [w * 0.95, h * 1.05], [w * 0.5, h * 1.4]]))
    c = pts[0]
    ax = float(np.hypot(*(pts[1] - pts[0])))
    ay = float(np.hypot(*(pts[2] - pts[0])))
    angle = math.degrees(math.atan2(pts[1][1] - pts[0][1], pts[1][0] - pts[0][0]))
    if not (np.isfinite(c).all() and 0 < ax < 4 * W and 0 < ay < 4 * W):
        return
    cv2.ellipse(frame, (int(c[0]), int(c[1])), (int(ax), int(ay)), angle, 0, 360, skin, -1,
                cv2.LINE_AA)


def _blur_item(layer: np.ndarray, alpha: np.ndarray, length: float, angle: float
               ) -> tuple[np.ndarray, np.ndarray]:
    """Motion blur of the item layer only, over its bounding box (the room stays sharp)."""
    if length < 0.7:
        return layer, alpha
    ys, xs = np.nonzero(alpha > 0)
    if xs.size == 0:
        return layer, alpha
    k = sc.motion_kernel(length, angle)
    pad = k.shape[0]
    x0, x1 = max(0, int(xs.min()) - pad), min(W, int(xs.max()) + pad + 1)
    y0, y1 = max(0, int(ys.min()) - pad), min(H, int(ys.max()) + pad + 1)
    layer[y0:y1, x0:x1] = cv2.filter2D(layer[y0:y1, x0:x1], -1, k, borderType=cv2.BORDER_CONSTANT)
    alpha[y0:y1, x0:x1] = cv2.filter2D(alpha[y0:y1, x0:x1], -1, k, borderType=cv2.BORDER_CONSTANT)
    return layer, alpha


def _glare(item: sc.Item, m: np.ndarray, gain: np.ndarray, rng: random.Random) -> sc.Blob | None:
    """A specular highlight fixed in the frame near where the IMEIs are held, weakened until a
    scanline across every IMEI keeps half its contrast and 20 grey levels at rest."""
    box = rng.choice([b for b in item.codes if b.is_imei])
    p = sc.project(m, np.array([[box.x0 + rng.uniform(0.2, 0.8) * (box.x1 - box.x0),
                                 box.y0 + rng.uniform(-0.5, 1.5) * (box.y1 - box.y0)]]))[0]
    blob = sc.Blob(float(p[0]), float(p[1]), rng.uniform(40, 160), rng.uniform(30, 100),
                   rng.uniform(0, 180), rng.uniform(120, 260))
    while blob.peak > 40:
        if all(sc.band_contrast(m, b, gain, blob, 20.0, 235.0) >= 20 for b in item.codes if b.is_imei):
            return blob
        blob = sc.Blob(blob.cx, blob.cy, blob.rx, blob.ry, blob.angle, blob.peak * 0.8)
    return None


def make_clip(rng: random.Random, seconds: float | None = None) -> Clip:
    """One clip; `seconds` drawn from 2-3 unless given."""
    seconds = rng.uniform(2.0, 3.0) if seconds is None else seconds
    n = int(seconds * FPS)
    item, imeis, decoys = _item(rng)
    rest = _rest_pose(item, rng)
    start = _entry_pose(rest, item, rng)
    arrive = rng.uniform(0.3, 0.7)  # seconds to bring the box in
    wobble = (rng.uniform(5, 15), rng.uniform(2, 4), rng.uniform(0, 2 * math.pi))
    tremor = np.cumsum(np.random.default_rng(rng.getrandbits(32)).normal(0, 0.35, (n, 3)), axis=0)
    background = cv2.cvtColor(sc.room(_background(rng)), cv2.COLOR_GRAY2BGR)
    red = rng.uniform(150, 235)
    skin = (red * rng.uniform(0.5, 0.68), red * rng.uniform(0.68, 0.82), red)  # BGR
    gains = (sc.light_field(rng, rng.uniform(0, 0.5)), sc.light_field(rng, rng.uniform(0, 0.5)))
    exposure = np.cumsum(np.random.default_rng(rng.getrandbits(32)).normal(0, 0.012, n))
    noise = rng.uniform(1.5, 4.0)
    jpeg = rng.randint(70, 92) if rng.random() < 0.5 else None
    defocus = rng.uniform(0.3, 1.2)  # extra blur while arriving (focus hunting)
    m_rest = _matrix(item, rest)
    rest_sigma = rng.uniform(0.25, min(1.0, 0.35 * _smallest_module(item, m_rest)))
    blob = _glare(item, m_rest, gains[1], rng) if rng.random() < 0.3 else None
    blob_field = blob.field() if blob is not None else None
    tint = (rng.uniform(0.88, 1.08), 1.0, rng.uniform(0.88, 1.08))
    grain = np.random.default_rng(rng.getrandbits(32)).standard_normal((H, W, 1), dtype=np.float32)

    def pose_at(t: float, i: int) -> Pose:
        if t < arrive:
            return start.mix(rest, _ease(t / arrive))
        after = t - arrive
        decay = math.exp(-after / 0.25)
        swing = math.sin(after * 2 * math.pi * 2.2 + wobble[2]) * decay
        tr = tremor[i] - tremor[min(n - 1, int(arrive * FPS))]
        return Pose((rest.at[0] + wobble[0] * swing + tr[0], rest.at[1] + wobble[0] * 0.6 * swing + tr[1]),
                    rest.roll + wobble[1] * swing + tr[2] * 0.2, rest.yaw + wobble[1] * swing,
                    rest.pitch, rest.scale)

    frames: list[np.ndarray] = []
    in_view: list[bool] = []
    speeds: list[float] = []
    anchor = np.array([_anchor(item)])
    for i in range(n):
        t = i / FPS
        pose = pose_at(t, i)
        m = _matrix(item, pose)
        before = _matrix(item, pose_at(t - EXPOSURE / FPS, i))
        here = sc.project(m, anchor)[0]
        there = sc.project(before, anchor)[0]
        step = here - there  # px moved during the exposure
        length = float(np.hypot(*step))
        speeds.append(length / EXPOSURE)
        frame = background.astype(np.uint8).copy()
        _hand(frame, item, m, skin)
        scene = frame.astype(np.float32)
        facing = sc.item_facing(m, item)
        if facing:
            layer, alpha = sc.render_item(item, m)
            layer, alpha = _blur_item(layer, alpha, length,
                                      math.degrees(math.atan2(step[1], step[0])))
            scene = sc.composite(scene, layer, alpha)
            if blob_field is not None:  # a lamp's highlight on the glossy label
                scene += (blob_field * alpha)[..., None]
        f = min(1.0, t / max(seconds, 1e-6))
        gain = gains[0] * (1 - f) + gains[1] * f
        scene *= (gain * float(1.0 + exposure[i]))[..., None]
        sigma = defocus * math.exp(-t / max(arrive, 0.1)) + rest_sigma
        scene = np.asarray(cv2.GaussianBlur(scene, (0, 0), sigma), np.float32)
        frames.append(sc.sensor(scene, rng, noise, jpeg, tint=tint, grain=grain))
        in_view.append(facing and _in_view(item, m))
    stays = next((i for i in range(n) if all(in_view[i:])), n)
    still = next((i for i in range(n) if all(s < 1.0 for s in speeds[i:])), n)
    return Clip(frames, imeis, decoys, in_view, stays / FPS, max(stays, still) / FPS)


def iter_clips(count: int, seed: int) -> Iterator[Clip]:
    """`count` clips, reproducible from `seed`, made one at a time (each holds ~60-90 frames)."""
    rng = random.Random(seed)
    for _ in range(count):
        yield make_clip(rng)
