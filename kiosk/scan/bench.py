"""Benchmark of single-frame IMEI reading: `find_imeis` next to plain pyzbar, same frames.

    python -m kiosk.scan.bench synth[:COUNT[:SEED]]     generated frames (default synth:280:11)
    python -m kiosk.scan.bench DIR                      a folder of images

For a folder, the truth comes from `truth.json` ({"file.png": ["IMEI", ...]}, optional
"kind" per file as {"file.png": {"imeis": [...], "kind": "blur"}}) or else from the file
names: the 15-digit groups in a name are its IMEIs and the part before "__" its kind
(`blur__358507311042123.png`; `empty__001.png` shows none).
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

import cv2
import numpy as np

from kiosk.scan import find_imeis, imei_from_code
from kiosk.scan.camera import IMAGE_SUFFIXES

Sample = tuple[str, str, np.ndarray, list[str]]  # name, kind, frame, truth


def synth_samples(spec: str) -> Iterator[Sample]:
    from kiosk.scan import synth

    parts = spec.split(":")
    count = int(parts[1]) if len(parts) > 1 and parts[1] else 280
    seed = int(parts[2]) if len(parts) > 2 else 11
    for n, f in enumerate(synth.frames(count, seed=seed)):
        yield f"{n:04d}", f.kind, f.image, f.imeis


def folder_samples(folder: Path) -> Iterator[Sample]:
    truth_file = folder / "truth.json"
    truth = json.loads(truth_file.read_text()) if truth_file.exists() else {}
    for path in sorted(p for p in folder.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES):
        frame = cv2.imread(str(path), cv2.IMREAD_COLOR)
        if frame is None:
            continue
        entry = truth.get(path.name)
        if isinstance(entry, dict):
            imeis, kind = list(entry.get("imeis", [])), str(entry.get("kind", "frames"))
        elif isinstance(entry, list):
            imeis, kind = list(entry), path.stem.split("__")[0] if "__" in path.stem else "frames"
        else:
            imeis = re.findall(r"(?<!\d)\d{15}(?!\d)", path.stem)
            kind = path.stem.split("__")[0] if "__" in path.stem else "frames"
        yield path.name, kind, frame, imeis


def plain_pyzbar(frame: np.ndarray) -> list[str]:
    from pyzbar import pyzbar

    grey = cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY)
    found = []
    for symbol in pyzbar.decode(grey):
        imei = imei_from_code(symbol.data.decode("ascii", "replace"))
        if imei and imei not in found:
            found.append(imei)
    return found


class Tally:
    def __init__(self, name: str) -> None:
        self.name = name
        self.hits: Counter[str] = Counter()
        self.total: Counter[str] = Counter()
        self.false = 0
        self.false_frames: list[str] = []
        self.ms: list[float] = []

    def add(self, sample: Sample, reader: Callable[[np.ndarray], list[str]]) -> None:
        name, kind, frame, truth = sample
        started = time.perf_counter()
        found = reader(frame)
        self.ms.append((time.perf_counter() - started) * 1000)
        wrong = set(found) - set(truth)
        if wrong:
            self.false += len(wrong)
            self.false_frames.append(name)
        for imei in truth:
            self.total[kind] += 1
            self.hits[kind] += imei in found

    def recall(self, kind: str | None = None) -> float:
        if kind is None:
            total = sum(self.total.values())
            return sum(self.hits.values()) / total if total else 1.0
        return self.hits[kind] / self.total[kind] if self.total[kind] else 1.0

    @property
    def median(self) -> float:
        return statistics.median(self.ms)

    @property
    def p95(self) -> float:
        return float(np.percentile(self.ms, 95))


def run(samples: list[Sample]) -> tuple[Tally, Tally]:
    ours, base = Tally("find_imeis"), Tally("plain pyzbar")
    for sample in samples:  # interleaved: both see the same machine load
        ours.add(sample, find_imeis)
        base.add(sample, plain_pyzbar)
    return ours, base


def report(ours: Tally, base: Tally, frames: int) -> str:
    kinds = sorted(set(ours.total) | set(base.total) | {"(all)"} - {"(all)"})
    lines = [f"{frames} frames, {sum(ours.total.values())} IMEIs on them",
             f"{'degradation':<14}{'IMEIs':>6}{'find_imeis':>12}{'pyzbar':>9}"]
    for kind in kinds:
        lines.append(f"{kind:<14}{ours.total[kind]:>6}{ours.recall(kind):>12.0%}"
                     f"{base.recall(kind):>9.0%}")
    lines.append(f"{'overall':<14}{sum(ours.total.values()):>6}{ours.recall():>12.1%}"
                 f"{base.recall():>9.1%}")
    lines.append(f"false IMEI reads: find_imeis {ours.false}, pyzbar {base.false}"
                 + (f" (frames {', '.join(ours.false_frames[:10])})" if ours.false else ""))
    lines.append(f"ms per frame: find_imeis median {ours.median:.1f} p95 {ours.p95:.1f}; "
                 f"pyzbar median {base.median:.1f} p95 {base.p95:.1f}; "
                 f"median ratio {ours.median / base.median:.2f}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m kiosk.scan.bench",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("source", nargs="?", default="synth:280:11",
                        help="synth[:COUNT[:SEED]] or a folder of images")
    args = parser.parse_args(argv)
    if args.source.startswith("synth"):
        samples = list(synth_samples(args.source))
    else:
        samples = list(folder_samples(Path(args.source)))
    if not samples:
        print("no frames")
        return 2
    find_imeis(samples[0][2])  # warm-up: imports, allocations
    ours, base = run(samples)
    print(report(ours, base, len(samples)))
    return 0 if ours.false == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
