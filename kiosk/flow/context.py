"""What every part of an activation needs: client, journal, settings, time."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from kiosk.gigs import GigsClient
from kiosk.gigs.models import User
from kiosk.journal import Activation, Journal

if TYPE_CHECKING:
    from kiosk.flow.wake import StatusEvents

T = TypeVar("T")


@dataclass(frozen=True)
class FlowSettings:
    #: "orders" (Gigs Payments) or "subscriptions" (projects without Payments).
    mode: str = "orders"
    #: The store's payment method; None: the customer's first available one.
    payment_method: str | None = None
    #: Seconds from placing the order until "we will finish in the background".
    deadline: float = 600.0
    poll_initial: float = 0.1
    poll_factor: float = 1.6
    poll_cap: float = 3.0
    #: After this long, poll gently (the reference: back off to 15-30 s).
    poll_slow_after: float = 120.0
    poll_slow_cap: float = 15.0
    #: After an unclear answer: look for what it made this long after the attempt ended ...
    reconcile_settle: float = 2.0
    #: ... and, finding nothing, look again this long after before anything is resent: the
    #: API may still be working on a request the kiosk gave up on (keys on, off or ignored).
    unclear_quiet: float = 15.0
    #: Sends of one order at most per attempt (each after reconciling); a 429 storm needs some.
    place_rounds: int = 5
    #: How long the ready page follows the eSIM profile (p3/p14/p15 only).
    profile_follow: float = 300.0


@dataclass
class Context:
    client: GigsClient
    journal: Journal
    settings: FlowSettings = field(default_factory=FlowSettings)
    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep
    #: Wall time, as the journal records it (when an order request left, across restarts).
    wall: Callable[[], float] = time.time
    #: User searches started early (by email, casefolded), taken by the checkout.
    prefetched: dict[str, asyncio.Future[list[User]]] = field(default_factory=dict, repr=False)
    #: The store's payment method and when (ctx.clock) Retrieve last found it usable.
    checked_payment: tuple[str, float] | None = None
    #: Gateway mode: order and subscription events that end a status poll's sleep early.
    events: StatusEvents | None = None

    @property
    def target(self) -> str:
        s = self.client.settings
        return f"{s.base_url}/projects/{s.project_id}"

    @property
    def keys(self) -> bool:
        return self.client.idempotency_enabled

    def server_offset(self) -> float | None:
        """API clock minus ours, in seconds, when the client has seen the API's `Date`."""
        offset = getattr(self.client, "server_clock_offset", None)
        return offset if isinstance(offset, float) else None

    @property
    def attempt_timeout(self) -> float:
        """How long one request can take at most: after that it is no longer in flight."""
        s = self.client.settings
        return float(getattr(s, "attempt_timeout", s.connect_timeout + s.read_timeout))

    async def record(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run a journal call off the event loop (SQLite commits wait for the disk)."""
        return await asyncio.to_thread(fn, *args, **kwargs)

    async def update(self, activation: Activation, **values: Any) -> Activation:
        return await self.record(self.journal.update, activation.id, **values)


class PollSchedule:
    """Fast at first, then backing off to a few seconds, then to a gentle pace."""

    def __init__(self, settings: FlowSettings, started: float) -> None:
        self.settings = settings
        self.started = started
        self.next = settings.poll_initial

    def wait(self, now: float, retry_after: float | None = None) -> float:
        s = self.settings
        cap = s.poll_slow_cap if now - self.started > s.poll_slow_after else s.poll_cap
        delay = min(self.next, cap)
        self.next = min(self.next * s.poll_factor, cap)
        return max(delay, retry_after or 0.0)
