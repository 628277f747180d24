"""One look at the database per gateway process for all of its event streams.

Each open stream used to poll the events table (every 0.4 s) and its kiosk's revocation
(every 1 s) on its own: with a hundred kiosks following orders that was ~350 queries a
second per process, most of the gateway's CPU, and the latency every other request waited
behind. The hub asks once per `poll_seconds` which kiosks have new events (one query for
every stream of the process) and once per `revocation_seconds` which of its streaming kiosks
are no longer active; it wakes the streams concerned, and only a woken stream reads its
events. It runs only while a stream is open. It keeps nothing a request needs: a stream
still reads its events from the database, so any replica may have stored them.

Sequence numbers may commit out of order (two replicas inserting at once), so each look
covers the last `TRAIL` numbers below the highest seen as well, and wakes a kiosk for a
number it has not seen before.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

log = logging.getLogger("kiosk.gateway")
TRAIL = 64
#: Seconds without a successful revocation look before this process's streams end.
UNKNOWN_REVOCATIONS = 10.0
#: Rows one look reads at most (it continues from there at the next look).
LOOK_LIMIT = 2000

Db = Callable[..., Awaitable[Any]]


@dataclass(eq=False)
class Listener:
    """One open stream: woken when its kiosk has new events, or told to end."""

    kiosk: str
    wake: asyncio.Event = field(default_factory=asyncio.Event)
    ended: bool = False

    def end(self) -> None:
        self.ended = True
        self.wake.set()


class EventHub:
    def __init__(self, db: Db, store: Any, poll_seconds: float,
                 revocation_seconds: float) -> None:
        self.db, self.store = db, store
        self.poll_seconds, self.revocation_seconds = poll_seconds, revocation_seconds
        self.listeners: dict[str, set[Listener]] = {}
        self.task: asyncio.Task[None] | None = None
        self.cursor: int | None = None
        self.seen: set[int] = set()

    def __len__(self) -> int:
        return sum(len(group) for group in self.listeners.values())

    def listen(self, kiosk: str) -> Listener:
        """A new stream of `kiosk`: any older stream of it in this process ends."""
        for older in self.listeners.pop(kiosk, set()):
            older.end()
        listener = Listener(kiosk)
        self.listeners[kiosk] = {listener}
        if self.task is None or self.task.done():
            self.task = asyncio.create_task(self._run())
        return listener

    def leave(self, listener: Listener) -> None:
        group = self.listeners.get(listener.kiosk)
        if group is not None:
            group.discard(listener)
            if not group:
                del self.listeners[listener.kiosk]

    def _end_all(self) -> None:
        for group in self.listeners.values():
            for listener in group:
                listener.end()
        self.listeners.clear()

    async def close(self) -> None:
        self._end_all()
        if self.task is not None:
            self.task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self.task

    def _wake(self, kiosk: str) -> None:
        for listener in self.listeners.get(kiosk, ()):
            listener.wake.set()

    async def _look(self) -> None:
        if self.cursor is None:
            # A (re)started hub: the last TRAIL numbers count as new, so an event stored
            # while a stream was starting wakes it (a needless wake costs one query).
            self.cursor = await self.db(self.store.last_event_seq_overall)
            self.seen = set()
        low = max(0, self.cursor - TRAIL)
        rows = await self.db(self.store.event_kiosks_after, low, LOOK_LIMIT)
        for seq, kiosk in rows:
            if seq not in self.seen:
                self._wake(kiosk)
        if rows:
            self.cursor = max(self.cursor, max(seq for seq, _ in rows))
        floor = self.cursor - TRAIL
        self.seen = {seq for seq, _ in rows if seq > floor} | {
            seq for seq in self.seen if seq > floor}

    async def _check_revoked(self) -> None:
        names = list(self.listeners)
        if not names:
            return
        for kiosk in await self.db(self.store.inactive_among, names):
            for listener in self.listeners.pop(kiosk, set()):
                listener.end()

    async def _run(self) -> None:
        checked = revocation_known = time.monotonic()
        while self.listeners:
            try:
                await self._look()
            except Exception as exc:  # the database may be away: the streams stay open,
                # their kiosks poll on their own timers, and the next look tries again
                log.warning("event streams: the database failed (%s)", type(exc).__name__)
            if time.monotonic() - checked >= self.revocation_seconds:
                checked = time.monotonic()
                try:
                    await self._check_revoked()
                    revocation_known = checked
                except Exception as exc:
                    log.warning("event streams: revocations unknown (%s)", type(exc).__name__)
                    if checked - revocation_known > UNKNOWN_REVOCATIONS:
                        # Whether a kiosk was revoked cannot be told: its stream ends (the
                        # kiosk polls, and reconnects through a request that checks).
                        self._end_all()
            await asyncio.sleep(self.poll_seconds)
        self.task, self.cursor = None, None
