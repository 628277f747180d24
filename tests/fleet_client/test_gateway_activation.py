"""Whole activations through the gateway double: events wake the status polls; without the
stream the kiosk polls exactly as before; the Gigs key stays at the gateway."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from kiosk.config import ConfigStore
from kiosk.connect import make_client
from kiosk.fleet_client import FleetClient, today
from kiosk.flow import Context, Flow, FlowSettings
from kiosk.flow.states import Ready
from kiosk.flow.wake import StatusEvents
from kiosk.journal import Journal
from kiosk.sandbox.seed import DEMO_IMEIS, STORE_PAYMENT_METHOD_ID
from tests.flow.conftest import drive
from tests.fleet_client.conftest import Fleet, joined, until

pytestmark = pytest.mark.asyncio
#: The kiosk's own pace (as in the kiosk, a little faster): 0.1 s, then x1.6 up to 0.5 s.
PACE = dict(poll_initial=0.1, poll_cap=0.5, payment_method=STORE_PAYMENT_METHOD_ID)
STATUS_POLLS = ("/orders/", "/subscriptions/sub_")


@dataclass
class Run:
    state: Any
    polls: int  # status GETs that reached the gateway
    fleet: FleetClient
    seconds: float


async def activate(fleet: Fleet, store: ConfigStore, tmp_path: Path, *, stream: bool,
                   during: Any = None, warm: bool = True, linger: float = 60.0,
                   **hub: Any) -> Run:
    """One activation of the demo eSIM; `warm`: the stream is already open (another activation
    pending in the background keeps it so), else it opens for this one."""
    settings = await joined(fleet, store)
    fleet.gateway.refuse_streams = not stream
    events = StatusEvents(**hub)
    fc = FleetClient(settings.base_url, settings.bearer, events, lambda: {"mode": "kiosk"},
                     heartbeat_every=60, backoff=(0.05, 0.2), linger=linger)
    fc.start()
    journal = Journal(tmp_path / "journal.sqlite3")
    background = events.watch(()) if warm else None
    try:
        if stream and warm:
            await until(lambda: events.connected)
        async with make_client(settings) as client:
            flow = Flow(Context(client, journal, FlowSettings(**PACE), events=events))
            plan = next(p["id"] for p in fleet.sandbox.sandbox.store.plans.values()
                        if p["name"] == "Travel 5 GB")
            loop = asyncio.get_running_loop()
            started = loop.time()
            side = asyncio.ensure_future(during(fleet)) if during else None
            state = await drive(flow, [DEMO_IMEIS["esim"]], plan)
            seconds = loop.time() - started
            if side is not None:
                await side
            await flow.cancel()
        polls = sum(fleet.gateway.count("GET", path) for path in STATUS_POLLS)
        return Run(state, polls, fc, seconds)
    finally:
        if background is not None:
            background.close()
        await fc.stop()
        journal.close()


async def test_with_the_stream_up_far_fewer_polls(fleet: Fleet, store: ConfigStore,
                                                  tmp_path: Path) -> None:
    fleet.sandbox.sandbox.config.order_delay = 4.0
    polled = await activate(fleet, store, tmp_path / "a", stream=False)
    fleet.gateway.forwarded.clear()
    fleet.sandbox.sandbox.reset()  # the same demo eSIM again, unsubscribed
    streamed = await activate(fleet, store, tmp_path / "b", stream=True)
    assert isinstance(polled.state, Ready) and isinstance(streamed.state, Ready)
    counted = streamed.fleet.events.counters
    assert streamed.polls * 2 <= polled.polls, (streamed.polls, polled.polls)
    assert counted.woken_by_event >= 1 and counted.polls_saved >= polled.polls // 2
    assert counted.waits_polled == 0 and counted.waits_streamed >= 1
    assert streamed.seconds < polled.seconds + 1.0  # not slower for the customer
    without = polled.fleet.events.counters
    assert without.waits_streamed == 0 and without.polls_saved == 0 and without.waits_polled > 3


async def test_without_the_stream_it_polls_as_before(fleet: Fleet, store: ConfigStore,
                                                     tmp_path: Path) -> None:
    fleet.gateway.webhooks = False
    run = await activate(fleet, store, tmp_path, stream=False)
    assert isinstance(run.state, Ready)
    assert run.fleet.counters.stream_connects == 0 and run.fleet.events.counters.woken_by_event == 0


async def test_a_stream_that_drops_mid_activation_falls_back_to_polling(
        fleet: Fleet, store: ConfigStore, tmp_path: Path) -> None:
    fleet.gateway.webhooks = False  # no event will come: only the poll can finish it

    async def drop(fleet: Fleet) -> None:
        await until(lambda: fleet.gateway.count("GET", "/orders/") >= 1)
        await asyncio.sleep(0.3)  # the poll now sleeps up to stream_interval (60 s)
        fleet.gateway.refuse_streams = True
        fleet.gateway.drop_streams()

    run = await activate(fleet, store, tmp_path, stream=True, during=drop, stream_interval=60.0)
    assert isinstance(run.state, Ready) and run.seconds < 10  # not 60 s
    counted = run.fleet.events.counters
    assert counted.waits_streamed >= 1 and counted.waits_polled >= 1
    assert run.fleet.counters.stream_drops == 1


async def test_heartbeat_counts_from_the_journal(fleet: Fleet, store: ConfigStore,
                                                 tmp_path: Path) -> None:
    fleet.sandbox.sandbox.config.order_delay = 0.05
    await activate(fleet, store, tmp_path, stream=True)
    journal = Journal(tmp_path / "journal.sqlite3")
    try:
        assert today(journal) == {"activations_today": 1, "failures_today": 0, "pending": 0}
    finally:
        journal.close()


async def test_the_stream_opens_for_an_activation_and_closes_after(
        fleet: Fleet, store: ConfigStore, tmp_path: Path) -> None:
    fleet.sandbox.sandbox.config.order_delay = 1.0
    settings = await joined(fleet, store)
    events = StatusEvents()
    fc = FleetClient(settings.base_url, settings.bearer, events, lambda: {"mode": "kiosk"},
                     heartbeat_every=60, linger=0.3)
    fc.start()
    await asyncio.sleep(0.3)
    assert fleet.gateway.stream_requests == []  # nothing pending: no stream
    await fc.stop()
    run = await activate(fleet, store, tmp_path, stream=True, warm=False, linger=0.3)
    assert isinstance(run.state, Ready)
    counted = run.fleet.events.counters
    assert run.fleet.counters.stream_connects == 1 and counted.woken_by_event >= 1
    assert run.fleet.counters.stream_drops == 0


async def test_the_stream_closes_a_while_after_the_last_activation(
        fleet: Fleet, store: ConfigStore) -> None:
    settings = await joined(fleet, store)
    events = StatusEvents()
    fc = FleetClient(settings.base_url, settings.bearer, events, lambda: {"mode": "kiosk"},
                     heartbeat_every=60, linger=0.3)
    fc.start()
    try:
        pending = events.watch(["ord_1"])
        await until(lambda: events.connected)
        await asyncio.sleep(0.6)
        assert events.connected  # open as long as an activation is followed
        pending.close()
        await until(lambda: not events.connected)
        second = events.watch(["ord_2"])  # and open again for the next one
        await until(lambda: events.connected)
        second.close()
    finally:
        await fc.stop()
    assert fc.counters.stream_connects == 2 and fc.counters.stream_drops == 0
