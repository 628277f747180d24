"""Scene pieces for the hard synthetic frames and clips: labels, screens, a pinhole camera.

A label (or a phone screen) is drawn flat at a high resolution with integer modules, then
posed in 3-D (roll, yaw, pitch) in front of a pinhole camera and rendered into the frame by
supersampling and area-averaging, so that modules of 0.85-1.5 px look as a camera sees them.
`CodeBox` keeps where each barcode is on the flat item, so the frame's ground truth can say
how large its modules came out and whether it is in view.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

import cv2
import numpy as np

from kiosk.scan import code128, ean13
from kiosk.scan.imei import luhn_check_digit

W, H = 1280, 720
FOCAL = 1000.0  # px: about 65 degrees across 1280 px, a webcam's field of view
LABEL_MODULE = 3  # px per module on the flat, high-resolution item


@dataclass(frozen=True)
class CodeBox:
    """A barcode on the flat item: payload, symbology, and its box with quiet zones (item px)."""

    payload: str
    symbology: str  # "CODE128" or "EAN13"
    x0: float
    y0: float
    x1: float
    y1: float
    modules: int  # across the code, quiet zones included
    is_imei: bool


@dataclass
class Item:
    image: np.ndarray  # grey (H x W) or BGR, uint8
    codes: list[CodeBox]
    module_px: float  # item px per barcode module


# -- identifiers ------------------------------------------------------------------------------

def luhn_number(rng: random.Random, prefix: str, length: int) -> str:
    body = prefix + "".join(rng.choice("0123456789") for _ in range(length - 1 - len(prefix)))
    return body + luhn_check_digit(body)


def iccid(rng: random.Random) -> str:
    """A 20-digit ICCID (89, country code, issuer...) with its Luhn digit."""
    return luhn_number(rng, "89" + rng.choice(["44", "49", "01", "31", "33"]), 20)


def eid(rng: random.Random) -> str:
    """A 32-digit eUICC ID as printed on eSIM phone boxes: 89049032 ..."""
    return "89049032" + "".join(rng.choice("0123456789") for _ in range(24))


def ean(rng: random.Random) -> str:
    return ean13.complete(rng.choice(["69", "88", "80", "40", "50", "47"])
                          + "".join(rng.choice("0123456789") for _ in range(10)))


# -- flat items -------------------------------------------------------------------------------

def _text(img: np.ndarray, text: str, org: tuple[int, int], scale: float, thick: int = 1,
          color: int = 20) -> None:
    cv2.putText(img, text, org, cv2.FONT_HERSHEY_SIMPLEX, scale, (color,), thick, cv2.LINE_AA)


def label(rng: random.Random, imeis: list[str], *, extras: list[tuple[str, str, str]] | None = None,
          module: int = LABEL_MODULE) -> Item:
    """A white box label: brand text, the IMEI barcodes, then `extras` as (caption, payload,
    symbology) rows: serials, ICCID, EID (Code 128) and the retail EAN-13."""
    rows: list[tuple[str, str, str, bool]] = []
    for n, imei in enumerate(imeis, 1):
        rows.append((f"IMEI{n if len(imeis) > 1 else ''} {imei}", imei, "CODE128", True))
    rows.extend((caption, payload, sym, False) for caption, payload, sym in extras or [])
    bar_h = module * rng.randint(22, 36)
    codes = [code128.render(p, module, bar_h) if s == "CODE128"
             else ean13.render(p, module, int(bar_h * 1.3)) for _, p, s, _ in rows]
    caption_h = module * 11
    width = max(c.shape[1] for c in codes) + 24 * module
    height = 34 * module + sum(c.shape[0] + caption_h + 4 * module for c in codes) + 8 * module
    paper = rng.randint(236, 255)
    img = np.full((height, width), paper, np.uint8)
    s = module / 3
    _text(img, rng.choice(["Model: KX-2210", "Smartphone 128GB", "Mobile phone", "5G Dual SIM",
                           "Galaxy A15", "Redmi Note", "nova 11i"]), (12 * module, 18 * module),
          1.0 * s, max(1, round(2 * s)))
    _text(img, rng.choice(["Made in Sample", "Color: Black", "8GB+256GB"]),
          (width - int(230 * s), 18 * module), 0.6 * s, max(1, round(s)))
    y = 28 * module
    boxes: list[CodeBox] = []
    for (caption, payload, sym, is_imei), code in zip(rows, codes, strict=True):
        x = 12 * module + (rng.randint(0, max(0, width - 24 * module - code.shape[1]))
                           if not is_imei else 0)
        img[y:y + code.shape[0], x:x + code.shape[1]] = code
        if sym == "CODE128":
            _text(img, caption, (x + 10 * module, y + code.shape[0] + 8 * module), 0.7 * s,
                  max(1, round(s)))
        n_mod = code.shape[1] // module
        boxes.append(CodeBox(payload, sym, x, y, x + code.shape[1], y + bar_h, n_mod, is_imei))
        y += code.shape[0] + caption_h + 4 * module
    return Item(img, boxes, float(module))


def screen(imeis: list[str], *, dark: bool, module: int, sub: int = 3) -> Item:
    """A phone's *#06# screen as the camera sees its pixels: every screen pixel is `sub` x `sub`
    item px of red, green and blue stripes with a dark gap (the grid that makes moire), inside
    a black bezel. Dark mode: light bars on black."""
    codes = [code128.render(i, module, 26 * module) for i in imeis]
    sw = max(c.shape[1] for c in codes) + 16
    sh = 70 + sum(c.shape[0] + 50 for c in codes)
    content = np.full((sh, sw), 255, np.uint8)
    _text(content, "IMEI", (sw // 2 - 30, 40), 0.9, 2)
    y = 60
    boxes_screen: list[tuple[str, int, int, int, int]] = []
    for n, (imei, code) in enumerate(zip(imeis, codes, strict=True), 1):
        _text(content, f"IMEI{n} {imei}" if len(imeis) > 1 else imei, (8, y + 16), 0.55, 1)
        content[y + 24:y + 24 + code.shape[0], 8:8 + code.shape[1]] = code
        boxes_screen.append((imei, 8, y + 24, 8 + code.shape[1], y + 24 + code.shape[0]))
        y += code.shape[0] + 50
    if dark:
        content = 255 - content
        content = np.clip(content.astype(np.int16) * 0.92 + 8, 0, 255).astype(np.uint8)
    bezel = 12
    # Screen pixels to subpixel stripes: R, G, B columns, the last row a gap.
    rgb = np.repeat(np.repeat(content, sub, axis=0), sub, axis=1)
    # Each column lights its own channel fully and the others a little (the camera's crosstalk);
    # the camera's exposure brings a white screen back near white.
    stripes = np.zeros((sh * sub, sw * sub, 3), np.float32)
    for c, channel in enumerate((2, 1, 0)):  # BGR image: R first on the left of each pixel
        for ch in range(3):
            stripes[:, c::sub, ch] = rgb[:, c::sub] * (1.0 if ch == channel else 0.5)
    stripes[sub - 1::sub] *= 0.35
    img = np.clip(stripes * 1.75, 0, 255).astype(np.uint8)
    framed: np.ndarray = cv2.copyMakeBorder(img, bezel * sub, bezel * sub * 3, bezel * sub,
                                            bezel * sub, cv2.BORDER_CONSTANT, value=(18, 18, 18))
    ox = oy = bezel * sub
    boxes = [CodeBox(p, "CODE128", ox + x0 * sub, oy + y0 * sub, ox + x1 * sub, oy + y1 * sub,
                     (x1 - x0) // module, True) for p, x0, y0, x1, y1 in boxes_screen]
    return Item(framed, boxes, float(module * sub))


# -- the camera -------------------------------------------------------------------------------

def rotation(roll: float, yaw: float, pitch: float) -> np.ndarray:
    """Label frame to camera frame: yaw about the label's vertical, pitch about its horizontal,
    then roll about the optical axis (degrees)."""
    r, y, p = (math.radians(v) for v in (roll, yaw, pitch))
    rz = np.array([[math.cos(r), -math.sin(r), 0], [math.sin(r), math.cos(r), 0], [0, 0, 1]])
    ry = np.array([[math.cos(y), 0, math.sin(y)], [0, 1, 0], [-math.sin(y), 0, math.cos(y)]])
    rx = np.array([[1, 0, 0], [0, math.cos(p), -math.sin(p)], [0, math.sin(p), math.cos(p)]])
    out: np.ndarray = rz @ rx @ ry
    return out


def homography(item_size: tuple[int, int], anchor: tuple[float, float], roll: float,
               yaw: float, pitch: float, scale: float, at: tuple[float, float]) -> np.ndarray:
    """Item px to frame px through a pinhole camera: the item's point `anchor` is put at frame
    point `at`, at the distance where one item px near it spans about `scale` frame px."""
    del item_size
    k = np.array([[FOCAL, 0, W / 2], [0, FOCAL, H / 2], [0, 0, 1]])
    z = FOCAL / scale
    t = z * np.array([(at[0] - W / 2) / FOCAL, (at[1] - H / 2) / FOCAL, 1.0])
    rot = rotation(roll, yaw, pitch)
    shift = np.array([[1, 0, -anchor[0]], [0, 1, -anchor[1]], [0, 0, 1]], np.float64)
    m = k @ np.column_stack([rot[:, 0], rot[:, 1], t]) @ shift
    out: np.ndarray = m / m[2, 2]
    return out


def project(m: np.ndarray, pts: np.ndarray) -> np.ndarray:
    p = np.column_stack([pts, np.ones(len(pts))]) @ m.T
    out: np.ndarray = p[:, :2] / p[:, 2:3]
    return out


def code_geometry(m: np.ndarray, box: CodeBox, module_px: float) -> tuple[float, float, float]:
    """(smallest module along the code's scanlines, frame px; bar height at its shortest, frame
    px; angle of the code's axis in the frame, degrees)."""
    xs = np.linspace(box.x0, box.x1 - module_px, 24)
    smallest = math.inf
    for fy in (0.1, 0.5, 0.9):
        y = box.y0 + fy * (box.y1 - box.y0)
        a = project(m, np.column_stack([xs, np.full_like(xs, y)]))
        b = project(m, np.column_stack([xs + module_px, np.full_like(xs, y)]))
        smallest = min(smallest, float(np.min(np.hypot(*(b - a).T))))
    ends = np.array([[box.x0, box.y0], [box.x0, box.y1], [box.x1, box.y0], [box.x1, box.y1]])
    p = project(m, ends)
    height = float(min(np.hypot(*(p[1] - p[0])), np.hypot(*(p[3] - p[2]))))
    axis = (p[2] + p[3] - p[0] - p[1]) / 2
    return smallest, height, math.degrees(math.atan2(axis[1], axis[0]))


def code_in_view(m: np.ndarray, box: CodeBox, margin: float = 3.0) -> bool:
    """The whole code, quiet zones included, is inside the frame."""
    p = project(m, np.array([[box.x0, box.y0], [box.x1, box.y0], [box.x1, box.y1],
                             [box.x0, box.y1]], np.float64))
    return bool((p[:, 0] >= margin).all() and (p[:, 0] <= W - 1 - margin).all()
                and (p[:, 1] >= margin).all() and (p[:, 1] <= H - 1 - margin).all())


def item_facing(m: np.ndarray, item: Item) -> bool:
    """The item's corners project in front of the camera, without a fold."""
    h, w = item.image.shape[:2]
    c = np.array([[0, 0, 1], [w, 0, 1], [w, h, 1], [0, h, 1]], np.float64) @ m.T
    return bool((c[:, 2] > 0).all())


def render_item(item: Item, m: np.ndarray, supersample: int | None = None
                ) -> tuple[np.ndarray, np.ndarray]:
    """The item drawn into a frame-sized layer: (premultiplied colour float32 HxWx3, alpha
    float32 HxW). Rendered at `supersample` times the frame's resolution over the item's
    bounding box, then area-averaged down, as a camera's pixels integrate light."""
    h, w = item.image.shape[:2]
    corners = project(m, np.array([[0, 0], [w, 0], [w, h], [0, h]], np.float64))
    x0 = max(0, math.floor(corners[:, 0].min()) - 1)
    y0 = max(0, math.floor(corners[:, 1].min()) - 1)
    x1 = min(W, math.ceil(corners[:, 0].max()) + 2)
    y1 = min(H, math.ceil(corners[:, 1].max()) + 2)
    layer = np.zeros((H, W, 3), np.float32)
    alpha = np.zeros((H, W), np.float32)
    if x1 <= x0 or y1 <= y0:
        return layer, alpha
    bw, bh = x1 - x0, y1 - y0
    if supersample is None:  # enough for the item's px to be about 1 supersampled px or more
        px = math.sqrt(abs(np.linalg.det(m[:2, :2]))) or 1.0
        supersample = int(min(4, max(1, math.ceil(1.0 / px))))
    while supersample > 1 and bw * bh * supersample**2 > 9_000_000:
        supersample -= 1
    s = supersample
    to_box = np.array([[s, 0, s * (0.5 - x0) - 0.5], [0, s, s * (0.5 - y0) - 0.5], [0, 0, 1]])
    ms = to_box @ m
    img = item.image if item.image.ndim == 3 else cv2.cvtColor(item.image, cv2.COLOR_GRAY2BGR)
    warped = cv2.warpPerspective(img, ms, (bw * s, bh * s), flags=cv2.INTER_LINEAR,
                                 borderMode=cv2.BORDER_CONSTANT, borderValue=(0, 0, 0))
    mask = cv2.warpPerspective(np.full((h, w), 255, np.uint8), ms, (bw * s, bh * s),
                               flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT,
                               borderValue=0)
    if s > 1:
        warped = cv2.resize(warped, (bw, bh), interpolation=cv2.INTER_AREA)
        mask = cv2.resize(mask, (bw, bh), interpolation=cv2.INTER_AREA)
    a = mask.astype(np.float32) / 255.0
    layer[y0:y1, x0:x1] = warped.astype(np.float32)  # premultiplied: black outside the item
    alpha[y0:y1, x0:x1] = a
    return layer, alpha


def composite(scene: np.ndarray, layer: np.ndarray, alpha: np.ndarray) -> np.ndarray:
    """Premultiplied layer over a float32 BGR scene."""
    out: np.ndarray = scene * (1.0 - alpha)[..., None]
    out += layer
    return out


# -- light, blur, sensor ----------------------------------------------------------------------

def room(background: np.ndarray) -> np.ndarray:
    """synth.py's background (grey, noise sigma 6) as a webcam delivers it: its own denoising
    leaves about a third of that; `sensor` adds the frame's noise at the end."""
    out: np.ndarray = cv2.GaussianBlur(background, (0, 0), 0.8)
    return out


def motion_kernel(length: float, angle: float) -> np.ndarray:
    """A normalised line kernel `length` px long at `angle` degrees (sub-pixel lengths kept)."""
    size = math.ceil(length) | 1
    size += 2
    k = np.zeros((size * 4, size * 4), np.float32)
    c = size * 2
    dx, dy = math.cos(math.radians(angle)), math.sin(math.radians(angle))
    half = length * 2  # drawn at 4x, then averaged down
    p1 = (round((c - dx * half) * 16), round((c - dy * half) * 16))
    p2 = (round((c + dx * half) * 16), round((c + dy * half) * 16))
    cv2.line(k, p1, p2, (1.0,), 1, cv2.LINE_AA, shift=4)
    small: np.ndarray = cv2.resize(k, (size, size), interpolation=cv2.INTER_AREA)
    out: np.ndarray = small / max(float(small.sum()), 1e-6)
    return out


def light_field(rng: random.Random, strength: float) -> np.ndarray:
    """Uneven light: a multiplicative gain over the frame, from a lamp off to one side."""
    yy, xx = np.mgrid[0:H, 0:W].astype(np.float32)
    lx, ly = rng.uniform(-0.5, 1.5) * W, rng.uniform(-0.5, 1.5) * H
    d = np.sqrt((xx - lx) ** 2 + (yy - ly) ** 2) / math.hypot(W, H)
    gain = 1.0 + strength * (0.5 - d) * 1.6
    out: np.ndarray = np.clip(gain, 0.35, 1.6).astype(np.float32)
    return out


@dataclass(frozen=True)
class Blob:
    cx: float
    cy: float
    rx: float
    ry: float
    angle: float
    peak: float  # grey levels added at the centre

    def field(self) -> np.ndarray:
        yy, xx = np.mgrid[0:H, 0:W].astype(np.float32)
        return self.at(xx, yy)

    def at(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        c, s = math.cos(math.radians(self.angle)), math.sin(math.radians(self.angle))
        u = ((x - self.cx) * c + (y - self.cy) * s) / self.rx
        v = (-(x - self.cx) * s + (y - self.cy) * c) / self.ry
        # A flat-topped specular highlight: saturates in its core, falls off at its rim.
        return (self.peak * np.exp(-((u * u + v * v) ** 1.6))).astype(np.float32)


def band_contrast(m: np.ndarray, box: CodeBox, gain: np.ndarray, blob: Blob | None,
                  dark: float, light: float, rows: int = 11) -> float:
    """The best scanline's worst contrast (grey levels) between bar and space across the code,
    once the light's gain and the specular blob are applied and the sensor clips at 255, as a
    share of what that scanline has without the blob is kept to at least a half: scanlines the
    blob washes out to less than half their contrast count as 0."""
    xs = np.linspace(box.x0, box.x1, 40)
    best = 0.0
    for fy in np.linspace(0.08, 0.92, rows):
        y = box.y0 + fy * (box.y1 - box.y0)
        p = project(m, np.column_stack([xs, np.full_like(xs, y)]))
        px = np.clip(p[:, 0], 0, W - 1)
        py = np.clip(p[:, 1], 0, H - 1)
        g = gain[py.astype(int), px.astype(int)]
        add = blob.at(px.astype(np.float32), py.astype(np.float32)) if blob else 0.0
        hi = np.clip(light * g + add, 0, 255)
        lo = np.clip(dark * g + add, 0, 255)
        plain = np.clip(light * g, 0, 255) - np.clip(dark * g, 0, 255)
        if np.all(hi - lo >= 0.5 * plain):
            best = max(best, float(np.min(hi - lo)))
    return best


def sensor(img: np.ndarray, rng: random.Random, noise: float, jpeg: int | None, *,
           tint: tuple[float, float, float] | None = None, grain: np.ndarray | None = None
           ) -> np.ndarray:
    """Sensor noise (partly signal-dependent), clipping, a colour cast, and JPEG if asked.

    `tint` keeps one colour cast (a clip's); `grain` is a unit-variance noise field to draw
    from (shifted at random) instead of drawing a fresh one, for speed."""
    if noise > 0:
        if grain is None:
            nrng = np.random.default_rng(rng.getrandbits(32))
            # One field for the three channels: the sensor's noise after demosaicing is mostly
            # luminance, and the readers work on grey.
            field = nrng.standard_normal((*img.shape[:2], 1), dtype=np.float32)
        else:
            field = np.roll(grain, (rng.randrange(grain.shape[0]), rng.randrange(grain.shape[1])),
                            axis=(0, 1))
        spread = cv2.sqrt(np.clip(img, 0, 255).astype(np.float32) * np.float32(1 / 255.0))
        spread += 1.0
        spread *= np.float32(0.5 * noise)
        spread *= field
        img = img + spread
    if tint is None:
        tint = (rng.uniform(0.88, 1.08), 1.0, rng.uniform(0.88, 1.08))
    img = img * np.array(tint, np.float32)
    out = np.clip(img, 0, 255, out=img).astype(np.uint8)
    if jpeg is not None:
        _ok, buf = cv2.imencode(".jpg", out, [cv2.IMWRITE_JPEG_QUALITY, int(jpeg)])
        decoded = cv2.imdecode(buf, cv2.IMREAD_COLOR)
        if decoded is not None:
            out = np.asarray(decoded, np.uint8)
    return out
