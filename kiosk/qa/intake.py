"""What reaches the QA station: scanner lines and camera sightings, none lost, each box once."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import Enum

IN_VIEW_WINDOW = 10.0  # seconds a box may be out of the camera's sight and still be "the same box"
STALE_LINE = 2.0  # seconds without a key after which an unfinished line is an input of its own


class Source(Enum):
    SCANNER = "scanner"  # a deliberate trigger (or typing): always a row
    CAMERA = "camera"  # the same box stays in view for many frames: one row while it stays


@dataclass
class KeyLine:
    """Keys typed into the station, one input per Enter/Tab, at any speed.

    Unlike the customer kiosk's burst detector there is no text field here to protect, so no
    timing decides whether keys are a scan: a slow scanner, a stalled event loop or a person
    typing all give the same input. Keys left without Enter for `stale_after` seconds are an
    input of their own when the next key arrives (it gets a row saying why it is not an IMEI).
    """

    stale_after: float = STALE_LINE
    _chars: list[str] = field(default_factory=list)
    _last: float | None = None

    def key(self, char: str, at: float) -> str | None:
        """Add a character; returns an earlier unfinished line when this key starts a new one."""
        stale = None
        if self._chars and self._last is not None and at - self._last > self.stale_after:
            stale = "".join(self._chars)
            self._chars = []
        self._chars.append(char)
        self._last = at
        return stale

    def end(self) -> str | None:
        """Enter or Tab: the line, or None when nothing was typed (the key is then not ours)."""
        text = "".join(self._chars)
        self._chars, self._last = [], None
        return text or None

    @property
    def pending(self) -> bool:
        return bool(self._chars)


@dataclass
class InView:
    """Which counted IMEIs are still in front of the camera.

    An IMEI counts again only after nobody saw it for longer than `window` seconds, measured
    from when it was *last* seen (every decoded frame that shows it keeps it in view), not from
    when it was first counted: a box that stays put is one row however long it stays.
    """

    window: float = IN_VIEW_WINDOW
    clock: Callable[[], float] = time.monotonic
    _last: dict[str, float] = field(default_factory=dict, repr=False)

    def sighted(self, imeis: Iterable[str], now: float | None = None) -> None:
        """A frame showed these IMEIs: the counted ones among them are still in view."""
        now = self.clock() if now is None else now
        for imei in imeis:
            last = self._last.get(imei)
            if last is not None and now - last <= self.window:
                self._last[imei] = now

    def is_new(self, imei: str, now: float | None = None) -> bool:
        """An IMEI to count: False while the same box is still in view; remembers it either way."""
        now = self.clock() if now is None else now
        last = self._last.get(imei)
        self._last[imei] = now
        self._forget(now)
        return last is None or now - last > self.window

    def _forget(self, now: float) -> None:
        for imei in [i for i, t in self._last.items() if now - t > self.window]:
            del self._last[imei]
