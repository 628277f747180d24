"""Synthetic camera frames of phone-box labels and *#06# screens, with known contents.

For tests, the benchmark and the demo video: each frame comes with the IMEIs it shows, so
recall and false reads can be counted. Degradations follow the design notes' measured set:
blur, tilt, rotation, glare, low contrast, noise, small codes, screens (light and dark mode),
several codes per box, and decoys (15-digit numbers that fail Luhn, serials, EAN-like codes).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

import cv2
import numpy as np

from kiosk.scan import code128
from kiosk.scan.imei import luhn_check_digit

W, H = 1280, 720
KINDS = ("clean", "blur", "motion", "rotation", "tilt", "low_contrast", "glare", "noise",
         "small", "screen", "screen_dark", "multi", "decoy", "empty")
TACS = ("35850731", "35391811", "35067221", "35671512", "35209017", "35387710", "35443312",
        "86412903", "01326300", "35332511", "99001234", "35925406")


@dataclass
class Frame:
    image: np.ndarray  # BGR uint8, H x W x 3
    kind: str
    imeis: list[str] = field(default_factory=list)  # what a perfect reader would return
    decoys: list[str] = field(default_factory=list)  # codes that must never come back as IMEIs


def random_imei(rng: random.Random) -> str:
    body = rng.choice(TACS) + "".join(rng.choice("0123456789") for _ in range(6))
    return body + luhn_check_digit(body)


def decoy_number(rng: random.Random) -> str:
    """A 15-digit number whose last digit is not the Luhn digit."""
    body = rng.choice(TACS) + "".join(rng.choice("0123456789") for _ in range(6))
    wrong = (int(luhn_check_digit(body)) + rng.randint(1, 9)) % 10
    return body + str(wrong)


def _text(img: np.ndarray, text: str, org: tuple[int, int], scale: float, thick: int = 1,
          color: int = 20) -> None:
    cv2.putText(img, text, org, cv2.FONT_HERSHEY_SIMPLEX, scale, (color,), thick, cv2.LINE_AA)


def _barcode(text: str, module: int, height: int) -> np.ndarray:
    return code128.render(text, module_px=module, height_px=height)


def label(imeis: list[str], rng: random.Random, *, decoys: list[str] | None = None,
          module: int = 2) -> np.ndarray:
    """A white box label (greyscale) with brand text, the IMEI barcodes and optional decoys."""
    rows: list[tuple[str, str]] = []
    for n, imei in enumerate(imeis, 1):
        rows.append((f"IMEI{n if len(imeis) > 1 else ''}: {imei}", imei))
    for decoy in decoys or []:
        rows.append((f"S/N {decoy}", decoy))
    codes = [_barcode(payload, module, 34 * module) for _, payload in rows]
    width = max(c.shape[1] for c in codes) + 60
    height = 90 + sum(c.shape[0] + 44 for c in codes)
    img = np.full((height, width), 250, np.uint8)
    _text(img, rng.choice(["Model: KX-2210", "Smartphone 128GB", "Mobile phone", "Galaxy"]),
          (30, 45), 0.9, 2)
    _text(img, "Made in Sample", (width - 230, 45), 0.6)
    y = 70
    for (caption, _), code in zip(rows, codes, strict=True):
        img[y:y + code.shape[0], 30:30 + code.shape[1]] = code
        _text(img, caption, (40, y + code.shape[0] + 28), 0.7)
        y += code.shape[0] + 44
    return img


def screen(imeis: list[str], *, dark: bool, module: int = 3) -> np.ndarray:
    """A phone's *#06# screen: title, IMEI text and barcodes; dark mode inverts it."""
    codes = [_barcode(i, module, 30 * module) for i in imeis]
    width = max(c.shape[1] for c in codes) + 40
    height = 120 + sum(c.shape[0] + 60 for c in codes)
    img = np.full((height, width), 255, np.uint8)
    _text(img, "Device info", (20, 50), 1.1, 2)
    y = 80
    for n, (_imei, code) in enumerate(zip(imeis, codes, strict=True), 1):
        _text(img, f"IMEI {n}", (20, y + 20), 0.7, 2)
        img[y + 30:y + 30 + code.shape[0], 20:20 + code.shape[1]] = code
        y += code.shape[0] + 60
    return 255 - img if dark else img


def _background(rng: random.Random) -> np.ndarray:
    base = rng.randint(60, 190)
    gx = np.linspace(-rng.randint(0, 50), rng.randint(0, 50), W, dtype=np.float32)
    gy = np.linspace(-rng.randint(0, 40), rng.randint(0, 40), H, dtype=np.float32)
    bg = base + gx[None, :] + gy[:, None]
    noise = np.random.default_rng(rng.getrandbits(32)).normal(0, 6, (H, W))
    img = np.clip(bg + noise, 0, 255).astype(np.uint8)
    for _ in range(rng.randint(2, 6)):  # clutter: a table edge, a hand, other boxes
        color = rng.randint(20, 230)
        p1 = (rng.randint(0, W), rng.randint(0, H))
        p2 = (rng.randint(0, W), rng.randint(0, H))
        cv2.rectangle(img, p1, p2, (color,), -1)
    for _ in range(rng.randint(0, 3)):  # printed text elsewhere in view
        _text(img, "".join(rng.choice("ABCDEFGH0123456789 ") for _ in range(18)),
              (rng.randint(0, W - 300), rng.randint(30, H)), 0.8, 2, rng.randint(0, 80))
    return img


def _place(scene: np.ndarray, item: np.ndarray, rng: random.Random, *, scale: float,
           angle: float, tilt: float) -> np.ndarray:
    """Warp `item` into `scene` with rotation, scale and a perspective tilt; returns the scene."""
    h, w = item.shape[:2]
    src = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
    # Tilt: shrink one side of the quadrilateral, as a label held at an angle looks.
    t = tilt * w
    quad = np.float32([[0, t * 0.5], [w, 0], [w, h], [0, h - t * 0.5]]) if tilt else src.copy()
    quad *= scale
    center = quad.mean(axis=0)
    rot = cv2.getRotationMatrix2D((float(center[0]), float(center[1])), angle, 1.0)
    quad = cv2.transform(quad[None], rot)[0]
    mins, maxs = quad.min(axis=0), quad.max(axis=0)
    span = maxs - mins
    fit = min(1.0, 0.95 * W / span[0], 0.95 * H / span[1])  # the whole item stays in view
    quad = (quad - quad.mean(axis=0)) * fit + quad.mean(axis=0)
    mins, maxs = quad.min(axis=0), quad.max(axis=0)
    span = maxs - mins
    room = np.array([W, H], np.float32) - span
    offset = np.array([rng.uniform(0, max(1.0, room[0])), rng.uniform(0, max(1.0, room[1]))])
    quad = quad - mins + offset.astype(np.float32)
    matrix = cv2.getPerspectiveTransform(src, quad.astype(np.float32))
    warped = cv2.warpPerspective(item, matrix, (W, H), flags=cv2.INTER_AREA,
                                 borderMode=cv2.BORDER_CONSTANT, borderValue=0)
    mask = cv2.warpPerspective(np.full((h, w), 255, np.uint8), matrix, (W, H),
                               flags=cv2.INTER_NEAREST)
    out = scene.copy()
    out[mask > 0] = warped[mask > 0]
    return out


def _fit_scale(item: np.ndarray, rng: random.Random, lo: float, hi: float) -> float:
    """A scale at which the item fits the frame, drawn from [lo, hi] of the frame's width."""
    h, w = item.shape[:2]
    target = rng.uniform(lo, hi) * W / w
    return min(target, 0.92 * W / w, 0.92 * H / h)


def make_frame(kind: str, rng: random.Random) -> Frame:
    """One frame of the given kind (see KINDS) with its ground truth."""
    scene = _background(rng)
    imeis = [random_imei(rng) for _ in range(2 if kind == "multi" or rng.random() < 0.3 else 1)]
    decoys: list[str] = []
    if kind == "empty":
        imeis = []
        item = None
    elif kind.startswith("screen"):
        item = screen(imeis, dark=kind == "screen_dark", module=rng.choice([2, 3]))
    else:
        if kind == "decoy" or rng.random() < 0.2:
            decoys = [decoy_number(rng)]
        item = label(imeis, rng, decoys=decoys, module=rng.choice([2, 2, 3]))
    if item is not None:
        angle = rng.uniform(-8, 8)
        tilt = 0.0
        scale = _fit_scale(item, rng, 0.45, 0.75)
        if kind == "rotation":
            angle = rng.uniform(-180, 180)
        elif kind == "tilt":
            tilt = rng.uniform(0.25, 0.45)
        elif kind == "small":
            scale = _fit_scale(item, rng, 0.22, 0.3)
        scene = _place(scene, item, rng, scale=scale, angle=angle, tilt=tilt)
    img = scene.astype(np.float32)
    if kind == "blur":
        img = cv2.GaussianBlur(img, (0, 0), rng.uniform(1.6, 2.6))
    elif kind == "motion":
        k = rng.randint(5, 9)
        kernel = np.zeros((k, k), np.float32)
        kernel[k // 2, :] = 1.0 / k
        rot = cv2.getRotationMatrix2D((k / 2 - 0.5, k / 2 - 0.5), rng.uniform(0, 180), 1.0)
        kernel = cv2.warpAffine(kernel, rot, (k, k))
        img = cv2.filter2D(img, -1, kernel / max(kernel.sum(), 1e-6))
    elif kind == "low_contrast":
        low = rng.uniform(80, 120)
        img = low + img * rng.uniform(0.12, 0.2)
    elif kind == "glare":
        cx, cy = rng.randint(200, W - 200), rng.randint(150, H - 150)
        yy, xx = np.mgrid[0:H, 0:W]
        blob = np.exp(-(((xx - cx) / rng.uniform(120, 260)) ** 2 + ((yy - cy) / rng.uniform(80, 180)) ** 2))
        img = img + blob * rng.uniform(120, 200)
    elif kind in ("screen", "screen_dark"):
        grid = np.ones((H, W), np.float32)
        grid[:, ::3] = 0.85  # the screen's pixel grid: moire in the camera
        img = cv2.GaussianBlur(img * grid, (0, 0), 0.8)
    if kind == "noise" or rng.random() < 0.3:
        img = img + np.random.default_rng(rng.getrandbits(32)).normal(0, rng.uniform(4, 12), img.shape)
    img = np.clip(img, 0, 255).astype(np.uint8)
    bgr = cv2.cvtColor(img, cv2.COLOR_GRAY2BGR)
    tint = np.array([rng.uniform(0.85, 1.1), 1.0, rng.uniform(0.85, 1.1)], np.float32)
    bgr = np.clip(bgr.astype(np.float32) * tint, 0, 255).astype(np.uint8)
    if kind == "noise":
        quality = rng.randint(18, 35)
        _ok, buf = cv2.imencode(".jpg", bgr, [cv2.IMWRITE_JPEG_QUALITY, quality])
        bgr = cv2.imdecode(buf, cv2.IMREAD_COLOR)
    return Frame(bgr, kind, imeis, decoys)


def frames(count: int, seed: int = 7, kinds: tuple[str, ...] = KINDS) -> list[Frame]:
    """`count` frames cycling through `kinds`, reproducible from `seed`."""
    rng = random.Random(seed)
    return [make_frame(kinds[i % len(kinds)], rng) for i in range(count)]
