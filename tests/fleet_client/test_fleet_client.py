"""Heartbeats and the event stream against the gateway double, over loopback HTTP."""

from __future__ import annotations

import logging

import pytest

from kiosk.config import ConfigStore
from kiosk.fleet_client import FleetClient, SseEvent, parse_update
from kiosk.flow.wake import StatusEvents
from kiosk.sandbox.serve import free_port
from tests.fleet_client.conftest import Fleet, joined, until

pytestmark = pytest.mark.asyncio
STATUS = {"mode": "kiosk", "camera_fps": 29.5, "activations_today": 3, "failures_today": 1,
          "pending": 0}


def client(url: str, token: str, **options: object) -> FleetClient:
    return FleetClient(url, token, StatusEvents(stream_interval=30.0), lambda: dict(STATUS),
                       **options)  # type: ignore[arg-type]


async def test_heartbeats_are_sent_with_what_the_contract_asks(fleet: Fleet,
                                                               store: ConfigStore) -> None:
    settings = await joined(fleet, store)
    fc = client(settings.base_url, settings.bearer, heartbeat_every=0.1)
    fc.start()
    try:
        await until(lambda: fc.counters.heartbeats_sent >= 3)
    finally:
        await fc.stop()
    beat = fleet.gateway.heartbeats[0]
    assert beat["kiosk"] == fleet.gateway.tokens[settings.bearer]
    assert {k: beat[k] for k in STATUS} == STATUS and beat["version"]
    assert fc.counters.heartbeats_sent >= 3 and fc.counters.heartbeat_failures == 0


async def test_a_failing_heartbeat_is_logged_once_per_change(
        fleet: Fleet, store: ConfigStore, caplog: pytest.LogCaptureFixture) -> None:
    settings = await joined(fleet, store)
    fc = client(f"http://127.0.0.1:{free_port()}", settings.bearer, heartbeat_every=0.05)
    with caplog.at_level(logging.INFO, logger="kiosk.fleet"):
        for _ in range(4):
            assert not await fc.heartbeat()
        fc._http.base_url = settings.base_url  # the gateway is back
        assert await fc.heartbeat() and await fc.heartbeat()
        fleet.gateway.tokens.clear()  # revoked
        assert not await fc.heartbeat() and not await fc.heartbeat()
    await fc.stop()
    lines = [r.getMessage() for r in caplog.records if "heartbeat" in r.getMessage()]
    assert len(lines) == 3, lines
    assert "cannot reach" in lines[0] and "working again" in lines[1] and "401" in lines[2]
    assert settings.bearer not in caplog.text
    assert fc.counters.heartbeat_failures == 6 and fc.counters.heartbeats_sent == 2


async def test_events_reach_the_hub_and_resume_after_a_drop(fleet: Fleet,
                                                            store: ConfigStore) -> None:
    settings = await joined(fleet, store)
    fc = client(settings.base_url, settings.bearer, heartbeat_every=60,
                backoff=(0.05, 0.2))
    watch = fc.events.watch(())
    watch.arm(["ord_abc"])
    fc.start()
    try:
        await until(lambda: fc.events.connected)
        assert watch.event.is_set()  # (re)connected: one poll catches what it missed
        watch.arm(["ord_abc"])  # the poll is sent: listening again
        fleet.gateway.push("order.updated", {"id": "ord_other", "status": "paid"})
        await until(lambda: "ord_other" in fc.events.last_status)
        assert not watch.event.is_set()  # another order's event wakes nobody here
        fleet.gateway.push("order.updated", {"id": "ord_abc", "status": "paid"})
        await until(watch.event.is_set)
        assert fc.events.last_status == {"ord_other": "paid", "ord_abc": "paid"}
        fleet.gateway.refuse_streams = True
        fleet.gateway.drop_streams()
        await until(lambda: not fc.events.connected)
        # While it is down, an event happens; the stream resumes from the last id it saw.
        fleet.gateway.push("subscription.updated", {"id": "sub_1", "status": "active"})
        fleet.gateway.refuse_streams = False
        await until(lambda: "sub_1" in fc.events.last_status)
    finally:
        watch.close()
        await fc.stop()
    assert fleet.gateway.stream_requests[0] is None
    assert fleet.gateway.stream_requests[-1] == "2"
    assert fc.counters.stream_drops == 1 and fc.counters.stream_connects >= 2
    assert fc.counters.events == 3 and fc.events.counters.events == 3


async def test_a_refused_stream_is_retried_with_backoff(fleet: Fleet, store: ConfigStore,
                                                        caplog: pytest.LogCaptureFixture) -> None:
    settings = await joined(fleet, store)
    fleet.gateway.refuse_streams = True
    fc = client(settings.base_url, settings.bearer, heartbeat_every=60, backoff=(0.05, 0.1))
    pending = fc.events.watch(["ord_1"])  # an activation is followed: the stream is wanted
    with caplog.at_level(logging.INFO, logger="kiosk.fleet"):
        fc.start()
        await until(lambda: len(fleet.gateway.stream_requests) >= 4)
        pending.close()
        await fc.stop()
    assert not fc.events.connected and fc.counters.stream_connects == 0
    said = [r.getMessage() for r in caplog.records if "event stream" in r.getMessage()]
    assert len(said) == 1 and "503" in said[0]


@pytest.mark.parametrize(("kind", "data", "expected"), [
    ("order.updated", '{"id": "ord_1", "status": "paid"}', ("ord_1", "paid")),
    ("subscription.updated", '{"id": "sub_1", "status": "active", "type": "x"}',
     ("sub_1", "active")),
    ("order.updated", '{"id": "sub_1", "status": "paid"}', None),  # not an order's id
    ("order.updated", '{"id": "ord_1/../x", "status": "paid"}', None),
    ("user.updated", '{"id": "usr_1"}', None),
    ("order.updated", "not json", None),
    ("order.updated", "[1]", None),
])
async def test_only_the_contracts_events_count(kind: str, data: str,
                                               expected: tuple[str, str] | None) -> None:
    event = SseEvent()
    for line in (f"event: {kind}", f"data: {data}", ": keep-alive"):
        event.feed(line)
    assert parse_update(event) == expected


async def test_without_linger_the_stream_is_open_all_the_time(fleet: Fleet,
                                                              store: ConfigStore) -> None:
    settings = await joined(fleet, store)
    fc = client(settings.base_url, settings.bearer, heartbeat_every=60)  # nothing pending
    fc.start()
    try:
        await until(lambda: fc.events.connected)
    finally:
        await fc.stop()


async def test_an_event_past_its_size_cap_is_dropped_not_kept() -> None:
    event = SseEvent()
    event.feed("event: order.updated")
    event.feed('data: {"id": "ord_1",')
    for _ in range(100):  # 1.6 MB of data lines, each under the line cap
        event.feed("data: " + " " * 16_000)
    event.feed('data: "status": "paid"}')
    assert event.too_big and len(event.data) == 0 and parse_update(event) is None
    small = SseEvent()
    for line in ("event: order.updated", 'data: {"id": "ord_1", "status": "paid"}'):
        small.feed(line)
    assert parse_update(small) == ("ord_1", "paid")
