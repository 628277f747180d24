"""Benchmark of the kiosk GUI (issue 5's figures), offscreen.

    python -m tests.bench.bench_gui [--runs 5]

1. Cold start to the welcome page: a fresh `kiosk gui --demo` process until the welcome page
   is painted, median of `--runs` (the demo footage is rendered once beforehand).
2. Barcode in view to the device page, with the virtual camera: from the first frame in
   which the box's barcode is read to the device page, median of `--runs` visits.
3. The tour: the GUI event-loop lag it reports, and its peak RSS.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ENV = {**{k: v for k, v in os.environ.items() if not k.startswith(("GIGS_", "KIOSK_"))},
       "QT_QPA_PLATFORM": "offscreen"}


def cold_start(runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-m", "kiosk", "gui", "--demo",
                                 "--probe-startup"], stdout=subprocess.PIPE,
                                stderr=subprocess.DEVNULL, text=True, env=ENV)
        for line in proc.stdout:  # type: ignore[union-attr]
            if "welcome shown" in line:
                times.append((time.perf_counter() - started) * 1000)
                break
        proc.wait(timeout=30)
    return times


def barcode_to_device(runs: int) -> list[float]:
    import qasync
    from PySide6.QtWidgets import QApplication

    from kiosk.connect import make_client
    from kiosk.flow import Context, Flow, FlowSettings
    from kiosk.journal import Journal
    from kiosk.sandbox.seed import DEMO_IMEIS, STORE_PAYMENT_METHOD_ID
    from kiosk.scan import demo_camera
    from kiosk.scan.camera import FolderSource
    from kiosk.scan.qt_camera import QtCamera
    from kiosk.settings import ApiSettings
    from kiosk.ui.window import KioskWindow, Services

    app = QApplication.instance() or QApplication([])
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    footage = demo_camera.ensure([DEMO_IMEIS["esim"]])
    results: list[float] = []

    async def visits() -> None:
        for _ in range(runs):
            client = make_client(ApiSettings())
            ctx = Context(client, Journal(":memory:"),
                          FlowSettings(payment_method=STORE_PAYMENT_METHOD_ID))
            seen: list[float] = []

            def camera(seen: list[float] = seen) -> QtCamera:
                cam = QtCamera(FolderSource(footage, fps=30))
                cam.codes_detected.connect(
                    lambda d: seen.append(time.perf_counter() - d.decode_ms / 1000)
                    if d.imeis else None)
                return cam

            window = KioskWindow(Services(make_flow=lambda ctx=ctx: Flow(ctx), make_camera=camera,
                                          check_pin=lambda p: False, set_language=lambda l: None,
                                          sound=False))
            window.resize(1280, 800)
            window.show()
            window.show_page("scan")
            while window.current != "device":
                await asyncio.sleep(0.002)
            results.append((time.perf_counter() - seen[0]) * 1000)
            await window.shutdown()
            await client.aclose()
            window.close()

    with loop:
        loop.run_until_complete(visits())
    return results


def tour() -> tuple[str, float]:
    """The tour as it was when these figures began: two sizes, English (the full tour renders
    four sizes in two languages, eight times the pictures: tests/ui/test_layout.py runs it)."""
    env = {**ENV, "KIOSK_TOUR_SIZES": "1920x1080,1280x800", "KIOSK_TOUR_LANGUAGES": "en"}
    with tempfile.TemporaryDirectory() as out:
        before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        result = subprocess.run([sys.executable, "-m", "kiosk", "--demo", "--tour", out],
                                capture_output=True, text=True, env=env, timeout=600)
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        lines = [ln for ln in result.stdout.splitlines() if ln.startswith(("GUI", "tour"))]
        return "\n  ".join(lines), max(peak, before) / 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    from kiosk.sandbox.seed import DEMO_IMEIS
    from kiosk.scan import demo_camera

    demo_camera.ensure([DEMO_IMEIS["esim"]])
    starts = cold_start(args.runs)
    print(f"cold start to the welcome page: median {statistics.median(starts):.0f} ms "
          f"({', '.join(f'{t:.0f}' for t in starts)})")
    lag_lines, peak_mib = tour()
    print(f"tour:\n  {lag_lines}\n  peak RSS {peak_mib:.0f} MiB")
    visits = barcode_to_device(args.runs)
    print(f"barcode in view to the device page: median {statistics.median(visits):.0f} ms "
          f"({', '.join(f'{t:.0f}' for t in visits)})")


if __name__ == "__main__":
    main()
