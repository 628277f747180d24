"""Agreement across frames: an IMEI counts only once several frames read it the same way."""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class ScanSession:
    """Feed it each frame's IMEIs; it answers with the IMEIs to accept, at most once each.

    - An IMEI is confirmed once read in `min_frames` frames within `window` seconds.
    - A dual-SIM box shows two IMEIs: when one is confirmed while another was seen with it,
      the session waits up to `pair_wait` for the other, and reports both together.
    - An IMEI it accepted is ignored for `cooldown` seconds (the box is still in view).
    """

    min_frames: int = 2
    window: float = 1.0
    pair_wait: float = 0.5
    cooldown: float = 8.0
    clock: Callable[[], float] = time.monotonic
    _seen: dict[str, deque[float]] = field(default_factory=dict, repr=False)
    _order: dict[str, float] = field(default_factory=dict, repr=False)
    _accepted: dict[str, float] = field(default_factory=dict, repr=False)
    _holding_since: float | None = field(default=None, repr=False)

    def feed(self, imeis: list[str], now: float | None = None) -> list[str]:
        now = self.clock() if now is None else now
        for imei in dict.fromkeys(imeis):
            if now - self._accepted.get(imei, -1e9) < self.cooldown:
                continue
            self._seen.setdefault(imei, deque()).append(now)
            self._order.setdefault(imei, now)
        self._forget(now)
        confirmed = [i for i, times in self._seen.items() if len(times) >= self.min_frames]
        if not confirmed:
            self._holding_since = None
            return []
        pending = [i for i in self._seen if i not in confirmed]
        if pending:  # another IMEI of the same box may be about to confirm
            if self._holding_since is None:
                self._holding_since = now
            if now - self._holding_since < self.pair_wait:
                return []
        self._holding_since = None
        accepted = sorted(confirmed, key=lambda i: self._order[i])
        for imei in accepted:
            self._accepted[imei] = now
            self._seen.pop(imei, None)
            self._order.pop(imei, None)
        return accepted

    def reset(self) -> None:
        self._seen.clear()
        self._order.clear()
        self._accepted.clear()
        self._holding_since = None

    def _forget(self, now: float) -> None:
        for imei in list(self._seen):
            times = self._seen[imei]
            while times and now - times[0] > self.window:
                times.popleft()
            if not times:
                del self._seen[imei]
                self._order.pop(imei, None)
