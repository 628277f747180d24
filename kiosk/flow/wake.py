"""Status polls that an event can end early (gateway mode: the fleet gateway's event stream).

The provisioning loop polls an order, then its subscription, and sleeps between polls. With a
`StatusEvents` in the context and its stream up, a sleep waits longer (at least
`stream_interval`, a safety net for a lost event) but ends as soon as an event about the
order or the subscription arrives: far fewer polls, and the status shows sooner. With the
stream down (or no `StatusEvents` at all) the sleep is exactly the usual one; when the
stream drops, every lengthened sleep ends at once and polling goes on as before.

An event only wakes a poll: the state still comes from the poll's answer (GET the order or
subscription), so what the flow decides on is what the API says, never the event's copy.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import asdict, dataclass

log = logging.getLogger("kiosk.flow.wake")


@dataclass
class PollCounters:
    """What the event stream changed, for the operator page and the benchmark."""

    #: Status polls sent (order, subscription, SIM, credentials) by provisioning loops.
    polls: int = 0
    #: Polls the usual schedule would have sent during lengthened sleeps, minus the one that
    #: followed each: requests the stream saved.
    polls_saved: int = 0
    #: Sleeps ended early by an event about the activation (or by the stream coming back).
    woken_by_event: int = 0
    #: Sleeps lengthened because the stream was up; sleeps as usual because it was down.
    waits_streamed: int = 0
    waits_polled: int = 0
    #: Order and subscription events received from the stream.
    events: int = 0

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


class StatusEvents:
    """Order and subscription updates, pushed by whoever listens to the gateway's stream."""

    def __init__(self, stream_interval: float = 15.0) -> None:
        #: While the stream is up, the longest sleep between two polls of one activation.
        self.stream_interval = stream_interval
        self.counters = PollCounters()
        self._connected = False
        self._waiters: dict[str, set[asyncio.Event]] = {}
        self._watches = 0
        #: Set while an activation is being followed (the stream is wanted only then) ...
        self.wanted = asyncio.Event()
        #: ... and since when (time.monotonic) none has been.
        self.idle_since: float = time.monotonic()
        #: The last status seen per id (bounded), for whoever starts watching late.
        self.last_status: dict[str, str] = {}

    @property
    def connected(self) -> bool:
        return self._connected

    def set_connected(self, up: bool) -> None:
        """The stream came up or went down. Either way every watching poll is woken once:
        down, so it goes back to its usual pace at once; up, so one poll right away catches
        what changed while the stream was down (events are not replayed from before the
        first connection)."""
        if up == self._connected:
            return
        self._connected = up
        for events in self._waiters.values():
            for event in events:
                event.set()

    def publish(self, resource_id: str, status: str | None = None) -> None:
        """An update about an order or subscription: wake the polls that wait on it."""
        self.counters.events += 1
        if status is not None:
            if len(self.last_status) >= 1000:
                self.last_status.pop(next(iter(self.last_status)))
            self.last_status[resource_id] = status
        for event in self._waiters.get(resource_id, ()):
            event.set()

    def watch(self, ids: Iterable[str | None]) -> Watch:
        """Interest in events about one activation, until `Watch.close`."""
        self._watches += 1
        self.wanted.set()
        return Watch(self, tuple(i for i in ids if i))

    def _closed(self) -> None:
        self._watches -= 1
        if self._watches <= 0:
            self._watches = 0
            self.wanted.clear()
            self.idle_since = time.monotonic()

    def _add(self, ids: tuple[str, ...], event: asyncio.Event) -> None:
        for i in ids:
            self._waiters.setdefault(i, set()).add(event)

    def _remove(self, ids: tuple[str, ...], event: asyncio.Event) -> None:
        for i in ids:
            events = self._waiters.get(i)
            if events is not None:
                events.discard(event)
                if not events:
                    del self._waiters[i]


class Watch:
    """One activation's interest in events about its order and subscription.

    Armed (`arm`) before each poll is sent, so an event that arrives while the poll is in
    flight still ends the sleep after it."""

    def __init__(self, hub: StatusEvents, ids: tuple[str, ...]) -> None:
        self.hub, self.ids = hub, ids
        self.event = asyncio.Event()
        self.closed = False

    def arm(self, ids: Iterable[str | None]) -> None:
        """Start (again) listening, to these ids from now on (the subscription appears)."""
        wanted = tuple(i for i in ids if i)
        if wanted != self.ids:
            self.hub._remove(self.ids, self.event)
            self.ids = wanted
        self.hub._add(self.ids, self.event)
        self.event.clear()

    def close(self) -> None:
        if not self.closed:
            self.closed = True
            self.hub._remove(self.ids, self.event)
            self.hub._closed()

    async def sleep(self, delay: float, sleep: Callable[[float], Awaitable[None]],
                    schedule: Callable[[float], float] | None = None,
                    cap: float | None = None) -> None:
        """Sleep `delay` as usual, or (stream up) until an event or `stream_interval`.

        `schedule(n)`: the usual delay before the n-th poll after this one (to count what
        was saved); `cap`: never past it (the activation's deadline)."""
        hub = self.hub
        if not hub.connected:
            hub.counters.waits_polled += 1
            await sleep(delay)
            return
        hub.counters.waits_streamed += 1
        longest = max(delay, hub.stream_interval)
        if cap is not None:
            longest = min(longest, cap)
        loop = asyncio.get_running_loop()
        started = loop.time()
        woken = False
        if not self.event.is_set():
            try:
                async with asyncio.timeout(longest):
                    await self.event.wait()
                woken = True
            except TimeoutError:
                pass
        else:
            woken = True
        if woken and hub.connected:
            hub.counters.woken_by_event += 1
        hub.counters.polls_saved += _would_have_polled(loop.time() - started, delay, schedule)


def _would_have_polled(waited: float, first: float, schedule: Callable[[float], float] | None,
                       limit: int = 10_000) -> int:
    """How many polls the usual schedule makes in `waited` seconds, less the one made after."""
    if schedule is None:
        return 0
    at, polls = first, 0
    while at <= waited and polls < limit:
        polls += 1
        at += schedule(polls)
    return max(0, polls - 1)
