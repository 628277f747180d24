"""How responsive the GUI thread is: a 10 ms timer that records its own lateness."""

from __future__ import annotations


class LagProbe:
    """A 10 ms timer that records how late it fires: the GUI thread's responsiveness."""

    def __init__(self) -> None:
        import time

        from PySide6.QtCore import QTimer

        self.lateness: list[float] = []
        self._last = time.perf_counter()
        self.timer = QTimer()
        self.timer.setInterval(10)
        self.timer.timeout.connect(self._tick)
        self.timer.start()

    def _tick(self) -> None:
        import time

        now = time.perf_counter()
        if not self.paused:
            self.lateness.append(max(0.0, now - self._last - 0.010) * 1000)
        self._last = now

    paused = False

    def pause(self) -> None:
        self.paused = True

    def resume(self) -> None:
        import time

        self._last = time.perf_counter()
        self.paused = False

    def report(self) -> str:
        import numpy as np

        self.timer.stop()
        lat = np.array(self.lateness[5:] or [0.0])
        return (f"GUI event-loop lag during the tour: median {np.median(lat):.1f} ms, "
                f"p99 {np.percentile(lat, 99):.1f} ms, max {lat.max():.1f} ms "
                f"({lat.size} samples)")

    def p99(self) -> float:
        import numpy as np

        recent = self.lateness[-3000:]
        return float(np.percentile(recent, 99)) if recent else 0.0
