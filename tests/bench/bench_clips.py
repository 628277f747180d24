"""Time to accept a box brought to the camera (issue 16): synthetic 30 fps clips, real agreement.

    python -m tests.bench.bench_clips [--count 20] [--seed S] [--realtime] [--json]

Each clip (`kiosk.scan.clips`: a hand brings a box label in from outside the frame, blurred by
its speed, tilting, under changing light, then holds it) is fed frame by frame, in order,
through `find_imeis` and a real `ScanSession` (the camera worker's agreement: two frames within
a second, a dual-SIM box's IMEIs together), with the footage's time as the clock. It reports,
per clip and overall: the footage time from the first frame to the accepted IMEIs (all of
the box's), the share of clips read within 1.0 s, and wrong accepts (an accepted IMEI not on
the box: must be 0). `--realtime` drops the frames that arrive while the previous one is still
being decoded, as the camera worker does on a slow machine (decode time measured here).
The seed is a fresh random one each run unless given, and printed.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import time
from dataclasses import asdict, dataclass, field

from kiosk.scan import find_imeis
from kiosk.scan.agreement import ScanSession
from kiosk.scan.clips import Clip, iter_clips

WITHIN = 1.0  # seconds of footage


@dataclass
class Outcome:
    clip: int
    imeis: int
    seconds: float
    in_view_at: float
    still_at: float
    first_read_at: float | None = None  # a frame's find_imeis returned one of the box's IMEIs
    accepted_at: float | None = None  # every IMEI of the box accepted
    wrong: list[str] = field(default_factory=list)
    frames_decoded: int = 0
    decode_ms: list[float] = field(default_factory=list)

    @property
    def in_time(self) -> bool:
        return self.accepted_at is not None and self.accepted_at <= WITHIN + 1e-9


def run_clip(n: int, clip: Clip, realtime: bool) -> Outcome:
    session = ScanSession(clock=lambda: 0.0)  # fed the footage's time explicitly
    out = Outcome(n, len(clip.imeis), len(clip.frames) / clip.fps, clip.in_view_at, clip.still_at)
    accepted: set[str] = set()
    busy_until = 0.0
    for i, frame in enumerate(clip.frames):
        t = i / clip.fps
        if realtime and t + 1e-9 < busy_until:
            continue  # the decoder is still busy with an older frame: this one is dropped
        started = time.perf_counter()
        imeis = find_imeis(frame)
        took = time.perf_counter() - started
        out.decode_ms.append(took * 1000)
        out.frames_decoded += 1
        busy_until = t + took
        now = t + took if realtime else t
        if out.first_read_at is None and set(imeis) & set(clip.imeis):
            out.first_read_at = round(now, 3)
        for imei in session.feed(imeis, now=now):
            if imei in clip.imeis:
                accepted.add(imei)
            else:
                out.wrong.append(imei)
        if out.accepted_at is None and accepted >= set(clip.imeis):
            out.accepted_at = round(now, 3)
    return out


def _fmt(v: float | None) -> str:
    return "-" if v is None else f"{v:.2f}"


def report(outcomes: list[Outcome], seed: int, realtime: bool) -> str:
    mode = ", realtime (frames dropped while decoding)" if realtime else ""
    lines = [f"{len(outcomes)} clips, seed {seed}{mode}",
             f"{'clip':>4}{'IMEIs':>6}{'length':>8}{'in view':>8}{'still':>7}{'1st read':>9}"
             f"{'accepted':>9}{'wrong':>6}{'frames':>7}{'med ms':>8}"]
    for o in outcomes:
        lines.append(f"{o.clip:>4}{o.imeis:>6}{o.seconds:>8.2f}{o.in_view_at:>8.2f}{o.still_at:>7.2f}"
                     f"{_fmt(o.first_read_at):>9}{_fmt(o.accepted_at):>9}{len(o.wrong):>6}"
                     f"{o.frames_decoded:>7}{statistics.median(o.decode_ms):>8.1f}")
    s = summary(outcomes)
    lines.append(
        f"read within {WITHIN:.1f} s of footage: {s['within']}/{s['clips']} ({s['within_share']:.0%}); "
        f"read at all: {s['read']}/{s['clips']}; wrong accepts: {s['wrong_accepts']}")
    lines.append(f"time to accept (from the first frame): median {_fmt(s['median_accept_s'])} s, "
                 f"worst {_fmt(s['worst_accept_s'])} s; from the box in view: median "
                 f"{_fmt(s['median_after_in_view_s'])} s; decode median {s['decode_median_ms']:.1f} ms, "
                 f"p95 {s['decode_p95_ms']:.1f} ms")
    return "\n".join(lines)


def summary(outcomes: list[Outcome]) -> dict[str, object]:
    read = [o for o in outcomes if o.accepted_at is not None]
    times = [o.accepted_at for o in read if o.accepted_at is not None]
    after = [o.accepted_at - o.in_view_at for o in read if o.accepted_at is not None]
    ms = sorted(m for o in outcomes for m in o.decode_ms)
    return {
        "clips": len(outcomes), "read": len(read), "within": sum(o.in_time for o in outcomes),
        "within_share": sum(o.in_time for o in outcomes) / len(outcomes) if outcomes else 0.0,
        "wrong_accepts": sum(len(o.wrong) for o in outcomes),
        "median_accept_s": round(statistics.median(times), 3) if times else None,
        "worst_accept_s": round(max(times), 3) if times else None,
        "median_after_in_view_s": round(statistics.median(after), 3) if after else None,
        "decode_median_ms": round(statistics.median(ms), 2) if ms else 0.0,
        "decode_p95_ms": round(ms[int(0.95 * (len(ms) - 1))], 2) if ms else 0.0,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.bench.bench_clips",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=20, help="clips (default 20)")
    parser.add_argument("--seed", type=int, default=None, help="default: a fresh random one")
    parser.add_argument("--realtime", action="store_true",
                        help="drop frames that arrive while decoding, as the camera worker does")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(1, 1_000_000)
    if not args.json:
        print(f"seed {seed} (python -m tests.bench.bench_clips --count {args.count} --seed {seed}"
              f"{' --realtime' if args.realtime else ''})", flush=True)
    outcomes = []
    for n, clip in enumerate(iter_clips(args.count, seed)):
        if n == 0:
            find_imeis(clip.frames[0])  # warm-up: imports, allocations
        outcomes.append(run_clip(n, clip, args.realtime))
    if args.json:
        print(json.dumps({"seed": seed, "realtime": args.realtime, **summary(outcomes),
                          "clips": [{k: v for k, v in asdict(o).items() if k != "decode_ms"}
                                    for o in outcomes]}, indent=1))
    else:
        print(report(outcomes, seed, args.realtime))
    return 0 if not any(o.wrong for o in outcomes) else 1


if __name__ == "__main__":
    raise SystemExit(main())
