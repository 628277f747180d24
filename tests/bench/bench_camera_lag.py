"""GUI event-loop lag while the camera worker decodes a 30 fps video (issue 4's last figure).

    QT_QPA_PLATFORM=offscreen python -m tests.bench.bench_camera_lag [--seconds 15]

A QTimer fires every 10 ms and records how late it is; meanwhile the worker decodes the demo
footage at 30 fps (the real decoder, full budget) and the preview is painted into a QLabel.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np
from PySide6.QtCore import QTimer
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import QApplication, QLabel

from kiosk.scan import demo_camera
from kiosk.scan.camera import FolderSource
from kiosk.scan.qt_camera import QtCamera


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=15.0)
    args = parser.parse_args()
    app = QApplication.instance() or QApplication([])
    with tempfile.TemporaryDirectory() as tmp:
        footage = demo_camera.render(Path(tmp) / "footage", ["358507311042123"], frames=90)
        label = QLabel()
        label.resize(640, 360)
        label.show()
        camera = QtCamera(FolderSource(footage, fps=30))
        camera.preview_ready.connect(lambda img: label.setPixmap(QPixmap.fromImage(img)))
        decode_ms: list[float] = []
        camera.codes_detected.connect(lambda d: decode_ms.append(d.decode_ms))
        lateness: list[float] = []
        interval = 0.010
        last = [time.perf_counter()]

        def tick() -> None:
            now = time.perf_counter()
            lateness.append(max(0.0, now - last[0] - interval) * 1000)
            last[0] = now

        probe = QTimer()
        probe.setInterval(int(interval * 1000))
        probe.timeout.connect(tick)
        probe.start()
        camera.start()
        QTimer.singleShot(int(args.seconds * 1000), app.quit)
        app.exec()
        camera.stop()
        probe.stop()
        grabbed, decoded = camera.worker.frames_grabbed, camera.worker.frames_decoded
    lat = np.array(lateness[10:])
    print(f"{args.seconds:.0f} s, 30 fps footage: {grabbed} frames grabbed, {decoded} decoded "
          f"({decoded / args.seconds:.1f}/s), decode median {statistics.median(decode_ms):.1f} ms")
    print(f"GUI event-loop lag (10 ms timer lateness): median {np.median(lat):.2f} ms, "
          f"p99 {np.percentile(lat, 99):.2f} ms, max {lat.max():.2f} ms (target p99 < 16 ms)")


if __name__ == "__main__":
    main()
