"""The virtual camera's footage: a phone box label with demo IMEIs, as an image sequence.

Rendered here (not committed: it is generated output) into a cache folder on first use, and
checked by decoding: a sequence whose codes do not read back is never used.
"""

from __future__ import annotations

import json
import random
import shutil
from pathlib import Path

import cv2
import numpy as np
import platformdirs

from kiosk.scan import find_imeis, synth

VERSION = 1


def default_folder(imeis: list[str]) -> Path:
    tag = "-".join(i[-4:] for i in imeis)
    return Path(platformdirs.user_cache_dir("sim-kiosk", appauthor=False)) / (
        f"demo-camera-v{VERSION}-{tag}")


def render(folder: Path, imeis: list[str], *, frames: int = 90, seed: int = 3) -> Path:
    """Write `frames` JPEGs: 15 of an empty counter, the box moving in and held, then away."""
    rng = random.Random(seed)
    tmp = folder.with_name(folder.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    scene = synth._background(rng)
    item = synth.label(imeis, rng, module=3)
    scale = synth._fit_scale(item, rng, 0.5, 0.55)
    base_angle = -4.0
    empty_head, empty_tail = 15, 10
    for n in range(frames):
        if n < empty_head or n >= frames - empty_tail:
            image = scene
        else:
            t = (n - empty_head) / max(1, frames - empty_head - empty_tail)
            same_spot = random.Random(seed)  # the same place every frame; only the sway moves
            image = synth._place(scene, item, same_spot, scale=scale * (0.9 + 0.1 * min(1, t * 4)),
                                 angle=base_angle + 2.5 * np.sin(n / 6), tilt=0.05)
            if n < empty_head + 6:  # still moving in: blurred
                image = cv2.GaussianBlur(image, (0, 0), 2.5)
        bgr = cv2.cvtColor(image, cv2.COLOR_GRAY2BGR)
        cv2.imwrite(str(tmp / f"frame-{n:04d}.jpg"), bgr, [cv2.IMWRITE_JPEG_QUALITY, 85])
    readable = verify(tmp, imeis)
    if readable < 10:
        shutil.rmtree(tmp, ignore_errors=True)
        raise RuntimeError(f"the demo footage does not read back ({readable} frames)")
    (tmp / "manifest.json").write_text(json.dumps({"version": VERSION, "imeis": imeis,
                                                   "frames": frames, "readable": readable}))
    shutil.rmtree(folder, ignore_errors=True)
    tmp.rename(folder)
    return folder


def verify(folder: Path, imeis: list[str]) -> int:
    """How many frames read exactly the expected IMEIs; any other IMEI read is an error."""
    good = 0
    for path in sorted(folder.glob("frame-*.jpg")):
        frame = cv2.imread(str(path))
        if frame is None:
            raise RuntimeError(f"{path.name}: unreadable")
        found = find_imeis(frame, budget_ms=200)
        stray = set(found) - set(imeis)
        if stray:
            raise RuntimeError(f"{path.name}: read an IMEI that is not on the label")
        good += set(found) == set(imeis)
    return good


def ensure(imeis: list[str], folder: Path | None = None) -> Path:
    """The footage for these IMEIs, rendered and checked once, then reused."""
    folder = folder or default_folder(imeis)
    manifest = folder / "manifest.json"
    if manifest.exists():
        try:
            data = json.loads(manifest.read_text())
            if data.get("version") == VERSION and data.get("imeis") == imeis:
                return folder
        except (OSError, ValueError):
            pass
    return render(folder, imeis)


if __name__ == "__main__":  # python -m kiosk.scan.demo_camera OUT IMEI [IMEI]
    import sys

    out = render(Path(sys.argv[1]), sys.argv[2:] or ["358507311042123"])
    print(f"wrote {out}")
