"""Benchmark of single-frame IMEI reading: `find_imeis` next to plain pyzbar, same frames.

    python -m kiosk.scan.bench synth[:COUNT[:SEED]]     generated frames (default synth:280:11)
    python -m kiosk.scan.bench DIR                      a folder of images
    python -m kiosk.scan.bench --hard [--count 300] [--seed N] [--busy K] [--repeat] [--json]
                                                        the hard generator (issue 16), a fresh
                                                        seed each run unless --seed is given
        [--kinds small,blur] [--scale K] [--pad K]      only those kinds; each frame as a photo:
                                                        scaled up K times (a larger sensor), or
                                                        in the middle of one K times its size
                                                        (a far label)

For a folder, the truth comes from `truth.json` ({"file.png": ["IMEI", ...]}, optional
"kind" per file as {"file.png": {"imeis": [...], "kind": "blur"}}) or else from the file
names: the 15-digit groups in a name are its IMEIs and the part before "__" its kind
(`blur__358507311042123.png`; `empty__001.png` shows none).

Per kind: recall (IMEIs read / IMEIs present), false IMEIs (returned, not on the frame),
median and p95 ms per frame for `find_imeis` and plain pyzbar in the same run, and the ratio of
their medians. `--busy K` keeps K processes spinning on the CPU during the run; `--repeat`
reads the same frames a second time beside 2 busy processes and counts the frames whose
answer changed (the decoder must give the same answer on a loaded machine).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import multiprocessing
import random
import re
import statistics
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from multiprocessing.synchronize import Event
from pathlib import Path
from typing import Any

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


def hard_samples(count: int, seed: int, kinds: tuple[str, ...] | None = None,
                 scale: float = 1.0, pad: float = 1.0) -> Iterator[Sample]:
    """The hard generator's frames (of `kinds`, default all), made one at a time (they are
    not kept), each as a photo (`as_photo`)."""
    from kiosk.scan import synth_hard

    frames = synth_hard.iter_hard_frames(count, seed, kinds or synth_hard.HARD_KINDS)
    for n, f in enumerate(frames):
        yield f"{n:04d}", f.kind, as_photo(f.image, scale, pad), f.imeis


def as_photo(frame: np.ndarray, scale: float = 1.0, pad: float = 1.0) -> np.ndarray:
    """`frame` scaled up `scale` times (bicubic: the same scene on a larger sensor), then in
    the middle of a plain grey photo `pad` times its size (the same label held farther away)."""
    if scale != 1.0:
        frame = cv2.resize(frame, None, fx=scale, fy=scale, interpolation=cv2.INTER_CUBIC)
    if pad != 1.0:
        h, w = frame.shape[:2]
        dy, dx = round(h * (pad - 1) / 2), round(w * (pad - 1) / 2)
        frame = cv2.copyMakeBorder(frame, dy, dy, dx, dx, cv2.BORDER_CONSTANT, value=(200, 200, 200))
    return frame


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
        self.false_by_kind: Counter[str] = Counter()
        self.false_frames: list[str] = []
        self.ms: list[float] = []
        self.ms_by_kind: dict[str, list[float]] = {}
        self.answers: dict[str, frozenset[str]] = {}  # frame name: the IMEIs read

    def add(self, sample: Sample, reader: Callable[[np.ndarray], list[str]]) -> None:
        name, kind, frame, truth = sample
        started = time.perf_counter()
        found = reader(frame)
        took = (time.perf_counter() - started) * 1000
        self.ms.append(took)
        self.ms_by_kind.setdefault(kind, []).append(took)
        self.answers[name] = frozenset(found)
        wrong = set(found) - set(truth)
        if wrong:
            self.false += len(wrong)
            self.false_by_kind[kind] += len(wrong)
            self.false_frames.append(name)
        for imei in truth:
            self.total[kind] += 1
            self.hits[kind] += imei in found

    def recall(self, kind: str | None = None) -> float:
        if kind is None:
            total = sum(self.total.values())
            return sum(self.hits.values()) / total if total else 1.0
        return self.hits[kind] / self.total[kind] if self.total[kind] else 1.0

    def times(self, kind: str | None = None) -> list[float]:
        return self.ms if kind is None else self.ms_by_kind.get(kind, [])

    def median_of(self, kind: str | None = None) -> float:
        ms = self.times(kind)
        return statistics.median(ms) if ms else 0.0

    def p95_of(self, kind: str | None = None) -> float:
        ms = self.times(kind)
        return float(np.percentile(ms, 95)) if ms else 0.0

    @property
    def median(self) -> float:
        return self.median_of()

    @property
    def p95(self) -> float:
        return self.p95_of()

    def summary(self, kind: str | None = None) -> dict[str, Any]:
        total = sum(self.total.values()) if kind is None else self.total[kind]
        hits = sum(self.hits.values()) if kind is None else self.hits[kind]
        return {"imeis": total, "read": hits, "recall": round(self.recall(kind), 4),
                "false_imeis": self.false if kind is None else self.false_by_kind[kind],
                "frames": len(self.times(kind)), "median_ms": round(self.median_of(kind), 2),
                "p95_ms": round(self.p95_of(kind), 2)}


def run(samples: Iterable[Sample]) -> tuple[Tally, Tally]:
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


def hard_report(ours: Tally, base: Tally, frames: int) -> str:
    """The per-kind table of `--hard`: recall, false IMEIs, ms per frame, both readers."""
    kinds = list(dict.fromkeys([*ours.ms_by_kind]))
    head = (f"{'kind':<13}{'IMEIs':>6} | {'recall':>7}{'false':>6}{'med ms':>8}{'p95 ms':>8} | "
            f"{'recall':>7}{'false':>6}{'med ms':>8}{'p95 ms':>8} | {'ratio':>6}")
    lines = [f"{frames} frames, {sum(ours.total.values())} IMEIs on them",
             f"{'':<20}| {'find_imeis':^29} | {'plain pyzbar':^29} |", head, "-" * len(head)]

    def row(label: str, kind: str | None) -> str:
        a, b = ours.summary(kind), base.summary(kind)
        ratio = a["median_ms"] / b["median_ms"] if b["median_ms"] else float("nan")
        return (f"{label:<13}{a['imeis']:>6} | {a['recall']:>7.1%}{a['false_imeis']:>6}"
                f"{a['median_ms']:>8.1f}{a['p95_ms']:>8.1f} | {b['recall']:>7.1%}"
                f"{b['false_imeis']:>6}{b['median_ms']:>8.1f}{b['p95_ms']:>8.1f} | {ratio:>6.2f}")

    lines += [row(kind, kind) for kind in kinds]
    lines += ["-" * len(head), row("overall", None)]
    if ours.false:
        lines.append(f"false IMEIs from find_imeis on frames {', '.join(ours.false_frames[:10])}")
    return "\n".join(lines)


def as_json(ours: Tally, base: Tally) -> dict[str, Any]:
    def both(kind: str | None) -> dict[str, Any]:
        a, b = ours.summary(kind), base.summary(kind)
        return {"find_imeis": a, "pyzbar": b,
                "median_ratio": round(a["median_ms"] / b["median_ms"], 3) if b["median_ms"] else None}

    return {"kinds": {kind: both(kind) for kind in ours.ms_by_kind}, "overall": both(None),
            "false_frames": ours.false_frames}


def _spin(stop: Event) -> None:
    """A CPU-busy loop until `stop` is set (one core's worth of load)."""
    x = 0
    while not stop.is_set():
        for i in range(200_000):
            x = (x * 31 + i) % 1_000_003


@contextlib.contextmanager
def busy(processes: int) -> Iterator[None]:
    """`processes` CPU-busy processes for the duration of the block, stopped after."""
    if processes <= 0:
        yield
        return
    ctx = multiprocessing.get_context("spawn")
    stop = ctx.Event()
    workers = [ctx.Process(target=_spin, args=(stop,), daemon=True) for _ in range(processes)]
    for w in workers:
        w.start()
    time.sleep(0.5)  # let them start spinning
    try:
        yield
    finally:
        stop.set()
        for w in workers:
            w.join(2.0)
            if w.is_alive():
                w.terminate()
                w.join(1.0)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m kiosk.scan.bench",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("source", nargs="?", default="synth:280:11",
                        help="synth[:COUNT[:SEED]] or a folder of images")
    parser.add_argument("--hard", action="store_true",
                        help="the hard generator (kiosk.scan.synth_hard), per-kind table")
    parser.add_argument("--seed", type=int, default=None,
                        help="--hard: the frames' seed (default: a fresh random one, printed)")
    parser.add_argument("--count", type=int, default=None, help="--hard: frames (default 300)")
    parser.add_argument("--kinds", type=_kinds, default=None,
                        help="--hard: only these kinds, comma-separated (default all)")
    parser.add_argument("--scale", type=_factor, default=1.0, metavar="K",
                        help="--hard: each frame scaled up K times, a photo from a larger sensor")
    parser.add_argument("--pad", type=_factor, default=1.0, metavar="K",
                        help="--hard: each frame in the middle of a photo K times its size")
    parser.add_argument("--busy", type=int, default=0, metavar="K",
                        help="keep K CPU-busy processes running during the run")
    parser.add_argument("--repeat", action="store_true",
                        help="read the same frames again beside 2 busy processes; count changes")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    if not args.hard and not args.repeat and args.busy == 0:
        return _classic(args)
    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(1, 1_000_000)
    count = args.count if args.count is not None else 300

    def samples() -> Iterator[Sample]:
        if args.hard:
            return hard_samples(count, seed, args.kinds, args.scale, args.pad)
        return iter(_classic_samples(args))

    first = next(samples(), None)
    if first is None:
        print("no frames")
        return 2
    find_imeis(first[2])  # warm-up: imports, allocations
    plain_pyzbar(first[2])
    source = (f"--hard --count {count} --seed {seed}" + "".join(
        f" --{k} {v}" for k, v in (("kinds", ",".join(args.kinds or ())), ("scale", args.scale),
                                   ("pad", args.pad)) if v not in ("", 1.0))
              if args.hard else args.source)
    if not args.json:
        print(f"frames: {source}" + (f", {args.busy} busy processes" if args.busy else ""),
              flush=True)
    with busy(args.busy):
        ours, base = run(samples())
    out: dict[str, Any] = {"source": source, "seed": seed if args.hard else None,
                           "busy": args.busy, **as_json(ours, base)}
    text = hard_report(ours, base, len(ours.ms))
    if args.repeat:
        with busy(2):
            ours2, base2 = run(samples())
        changed = sorted(n for n, got in ours.answers.items() if ours2.answers.get(n) != got)
        out["repeat"] = {"busy": 2, **as_json(ours2, base2), "frames_changed": len(changed),
                         "changed": changed}
        text += (f"\nagain beside 2 busy processes: find_imeis recall {ours2.recall():.1%} "
                 f"(was {ours.recall():.1%}), false IMEIs {ours2.false}, median "
                 f"{ours2.median:.1f} ms p95 {ours2.p95:.1f} ms; pyzbar median {base2.median:.1f} ms"
                 f"\nframes whose answer changed: {len(changed)}"
                 + (f" ({', '.join(changed[:12])})" if changed else ""))
    print(json.dumps(out, indent=1) if args.json else text)
    return 0 if ours.false == 0 else 1


def _kinds(text: str) -> tuple[str, ...]:
    from kiosk.scan.synth_hard import HARD_KINDS

    kinds = tuple(k for k in text.split(",") if k)
    unknown = [k for k in kinds if k not in HARD_KINDS]
    if unknown or not kinds:
        raise argparse.ArgumentTypeError(f"kinds are {', '.join(HARD_KINDS)}")
    return kinds


def _factor(text: str) -> float:
    value = float(text)
    if not 1.0 <= value <= 8.0:
        raise argparse.ArgumentTypeError("a factor from 1 to 8")
    return value


def _classic_samples(args: argparse.Namespace) -> list[Sample]:
    source = str(args.source)
    if source.startswith("synth"):
        if args.count is not None or args.seed is not None:
            parts = [*source.split(":"), "", ""][:3]
            count = args.count if args.count is not None else int(parts[1] or 280)
            seed = args.seed if args.seed is not None else int(parts[2] or 11)
            source = f"synth:{count}:{seed}"
        return list(synth_samples(source))
    return list(folder_samples(Path(source)))


def _classic(args: argparse.Namespace) -> int:
    """The original benchmark: the project's own synthetic frames or a folder."""
    samples = _classic_samples(args)
    if not samples:
        print("no frames")
        return 2
    find_imeis(samples[0][2])  # warm-up: imports, allocations
    ours, base = run(samples)
    if args.json:
        print(json.dumps({"source": args.source, **as_json(ours, base)}, indent=1))
    else:
        print(report(ours, base, len(samples)))
    return 0 if ours.false == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
