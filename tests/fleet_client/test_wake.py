"""The poll's sleep: as before without the stream; with it, longer but ended by an event."""

from __future__ import annotations

import asyncio

import pytest

from kiosk.flow.wake import StatusEvents, _would_have_polled

pytestmark = pytest.mark.asyncio


async def test_without_the_stream_the_sleep_is_the_usual_one() -> None:
    hub = StatusEvents(stream_interval=30.0)
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)

    watch = hub.watch(())
    watch.arm(["ord_1"])
    hub.publish("ord_1", "paid")  # no stream: an event changes nothing about the pace
    await watch.sleep(0.4, sleep, lambda n: 0.4)
    assert slept == [0.4]
    assert hub.counters.waits_polled == 1 and hub.counters.polls_saved == 0


async def test_with_the_stream_an_event_ends_the_sleep() -> None:
    hub = StatusEvents(stream_interval=30.0)
    hub.set_connected(True)
    watch = hub.watch(())
    watch.arm(["ord_1", "sub_1"])
    loop = asyncio.get_running_loop()
    loop.call_later(0.5, hub.publish, "ord_other", "paid")  # not ours: sleeps on
    loop.call_later(1.0, hub.publish, "sub_1", "active")
    started = loop.time()
    await watch.sleep(0.1, asyncio.sleep, lambda n: 0.1)
    assert 0.9 <= loop.time() - started < 5
    assert hub.counters.woken_by_event == 1 and hub.counters.waits_streamed == 1
    assert 8 <= hub.counters.polls_saved <= 10  # ~10 polls of 0.1 s, less the one after
    watch.close()
    assert not hub._waiters


async def test_an_event_during_the_request_is_not_lost() -> None:
    hub = StatusEvents(stream_interval=30.0)
    hub.set_connected(True)
    watch = hub.watch(())
    watch.arm(["ord_1"])  # before the request ...
    hub.publish("ord_1", "completed")  # ... which the event overtakes
    async with asyncio.timeout(1):
        await watch.sleep(0.1, asyncio.sleep)
    assert hub.counters.woken_by_event == 1


async def test_the_stream_going_down_ends_a_long_sleep() -> None:
    hub = StatusEvents(stream_interval=30.0)
    hub.set_connected(True)
    watch = hub.watch(())
    watch.arm(["ord_1"])
    asyncio.get_running_loop().call_later(0.2, hub.set_connected, False)
    async with asyncio.timeout(2):
        await watch.sleep(0.1, asyncio.sleep)
    assert hub.counters.woken_by_event == 0


async def test_the_deadline_caps_a_long_sleep() -> None:
    hub = StatusEvents(stream_interval=30.0)
    hub.set_connected(True)
    watch = hub.watch(())
    watch.arm(["ord_1"])
    async with asyncio.timeout(2):
        await watch.sleep(0.1, asyncio.sleep, cap=0.2)


async def test_polls_saved_follows_the_schedule() -> None:
    assert _would_have_polled(1.0, 0.1, lambda n: 0.1) == 9
    assert _would_have_polled(0.05, 0.1, lambda n: 0.1) == 0
    assert _would_have_polled(10.0, 3.0, None) == 0
