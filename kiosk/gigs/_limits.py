"""Bounds on a Gigs exchange: deadlines in time (per block, per attempt) and body size."""

from __future__ import annotations

import asyncio
import math
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from types import TracebackType

#: When every request in the current block must be over, on the requestor's clock. A
#: ContextVar because each asyncio task copies the context it was started in: a deadline
#: set in one visit's task caps that task (and tasks it starts), never another one.
_DEADLINE: ContextVar[float | None] = ContextVar("kiosk_gigs_deadline", default=None)


@contextmanager
def deadline(at: float) -> Iterator[None]:
    """Every Gigs request inside the block, attempts and retry waits, ends by `at`.

    `at` is on the requestor's monotonic clock (`time.monotonic()` unless a test injected
    another). Blocks nest by keeping the earlier deadline: an inner block only tightens.
    """
    outer = _DEADLINE.get()
    token = _DEADLINE.set(at if outer is None else min(outer, at))
    try:
        yield
    finally:
        _DEADLINE.reset(token)


def current_deadline() -> float | None:
    """The deadline of the innermost `deadline()` block around the caller, if any."""
    return _DEADLINE.get()


class Watchdog:
    """Cuts attempts that overrun, with one event-loop timer for all of them.

    Same effect as `asyncio.timeout` around each attempt, but that costs a timer handle
    per request (about 10 us, a third of the client's own overhead) although attempts
    nearly always end long before their cut: one timer at the earliest cut serves all.
    """

    def __init__(self) -> None:
        self._loop: asyncio.AbstractEventLoop | None = None
        self._cuts: dict[Cut, None] = {}  # in flight, insertion-ordered
        self._timer: asyncio.TimerHandle | None = None
        self._timer_at = math.inf

    def cut_after(self, seconds: float) -> Cut:
        """An async context manager: TimeoutError if its block runs past `seconds`."""
        loop = asyncio.get_running_loop()
        if loop is not self._loop:  # a new loop (a new asyncio.run): the old timer is gone
            self._loop, self._cuts, self._timer, self._timer_at = loop, {}, None, math.inf
        task = asyncio.current_task()
        assert task is not None
        return Cut(self, task, loop.time() + seconds)

    def _watch(self, cut: Cut) -> None:
        self._cuts[cut] = None
        if cut.at < self._timer_at:
            if self._timer is not None:
                self._timer.cancel()
            assert self._loop is not None
            self._timer = self._loop.call_at(cut.at, self._fire)
            self._timer_at = cut.at

    def _forget(self, cut: Cut) -> None:
        self._cuts.pop(cut, None)

    def _fire(self) -> None:
        assert self._loop is not None
        now = self._loop.time()
        self._timer, self._timer_at = None, math.inf
        later = math.inf
        for cut in list(self._cuts):
            if cut.at <= now:
                if not cut.fired:
                    cut.fired = True
                    cut.task.cancel()
            elif cut.at < later:
                later = cut.at
        if later < math.inf:
            self._timer = self._loop.call_at(later, self._fire)
            self._timer_at = later


class Cut:
    """One watched block; turns the watchdog's cancellation into TimeoutError, as
    `asyncio.timeout` does, and leaves any other cancellation alone."""

    __slots__ = ("at", "cancelling", "fired", "task", "watchdog")

    def __init__(self, watchdog: Watchdog, task: asyncio.Task[object], at: float) -> None:
        self.watchdog, self.task, self.at = watchdog, task, at
        self.fired = False
        self.cancelling = 0

    async def __aenter__(self) -> Cut:
        self.cancelling = self.task.cancelling()
        self.watchdog._watch(self)
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.watchdog._forget(self)
        if (self.fired and exc_type is asyncio.CancelledError
                and self.task.uncancel() <= self.cancelling):
            raise TimeoutError


class Inflater:
    """gzip/deflate decoding that never produces more than the caller has room for.

    httpx inflates each 64 KiB network chunk in one go, which a gzip bomb turns into
    ~64 MB at once (and brotli into far more); here each step stops one byte past the room.
    """

    def __init__(self, wbits: int, *, deflate: bool) -> None:
        self._z = zlib.decompressobj(wbits)
        self._deflate_unsure = deflate

    @classmethod
    def for_encoding(cls, header: str) -> Inflater | None:
        """An inflater, or None for an unencoded body; ValueError for one we refuse."""
        codings = [c for c in (c.strip().lower() for c in header.split(",")) if c]
        codings = [c for c in codings if c != "identity"]
        if not codings:
            return None
        # Stacked encodings are nothing the API sends, but a bomb's trick.
        if codings == ["gzip"] or codings == ["x-gzip"]:
            return cls(zlib.MAX_WBITS | 16, deflate=False)
        if codings == ["deflate"]:
            return cls(zlib.MAX_WBITS, deflate=True)
        raise ValueError(header)

    def feed(self, data: bytes, room: int) -> bytes:
        """Inflate `data`, at most room + 1 bytes: more than `room` means "too large"."""
        try:
            out = self._z.decompress(data, room + 1)
        except zlib.error:
            if not self._deflate_unsure:
                raise
            # "deflate" is sent both zlib-wrapped (as specified) and raw (as some servers do).
            self._z = zlib.decompressobj(-zlib.MAX_WBITS)
            out = self._z.decompress(data, room + 1)
        self._deflate_unsure = self._deflate_unsure and not data
        # Output shorter than the cap means zlib took all of `data`; at the cap the
        # caller stops reading, so the unconsumed tail never matters.
        return out

    def flush(self) -> bytes:
        return self._z.flush()
