"""Cancelling a session stops every request and leaves no secret behind."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest

from kiosk.flow.states import Cancelled, Provisioning, Ready
from kiosk.sandbox.seed import DEMO_IMEIS
from tests.flow.conftest import Kit, drive

pytestmark = pytest.mark.asyncio


def record_requests(kit: Kit) -> list[float]:
    started: list[float] = []

    async def hook(request: httpx.Request) -> None:
        started.append(asyncio.get_running_loop().time())

    kit.client._requestor._http.event_hooks["request"].append(hook)
    return started


async def wait_for(predicate: Any, timeout: float = 10) -> None:
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while not predicate():
        assert loop.time() < end, "timed out"
        await asyncio.sleep(0.005)


async def test_cancel_mid_lookup_sends_nothing_more(kit: Kit) -> None:
    kit.sandbox.sandbox.faults.latency_ms = 200
    started = record_requests(kit)
    flow = kit.flow()
    task = asyncio.ensure_future(flow.submit_imei(DEMO_IMEIS["esim"]))
    await wait_for(lambda: started)
    await flow.cancel()
    cancelled_at = asyncio.get_running_loop().time()
    await task  # the intent returns quietly
    await asyncio.sleep(0.5)
    assert isinstance(flow.state, Cancelled)
    assert all(t <= cancelled_at for t in started)


async def test_cancel_mid_provisioning_sends_nothing_more(kit: Kit) -> None:
    kit.sandbox.sandbox.config.delayed_sim_seconds = 3.0
    kit.sandbox.sandbox.reset()
    started = record_requests(kit)
    flow = kit.flow()
    task = asyncio.ensure_future(drive(flow, [DEMO_IMEIS["delayed"]],
                                       kit.plan_id("Classic 10 GB")))
    await wait_for(lambda: isinstance(flow.state, Provisioning))
    await asyncio.sleep(0.2)
    await flow.cancel()
    cancelled_at = asyncio.get_running_loop().time()
    await task
    count = len(started)
    await asyncio.sleep(0.6)
    assert len(started) == count and all(t <= cancelled_at for t in started)
    # The activation is not lost: the journal keeps it open for the background resumer.
    [act] = kit.journal.unfinished()
    assert act.status == "provisioning"


def reachable_strings(root: Any, skip: tuple[type, ...]) -> set[str]:
    seen: set[int] = set()
    found: set[str] = set()
    stack = [root]
    while stack:
        obj = stack.pop()
        if id(obj) in seen or isinstance(obj, skip):
            continue
        seen.add(id(obj))
        if isinstance(obj, str):
            found.add(obj)
        elif isinstance(obj, dict):
            stack += list(obj.keys()) + list(obj.values())
        elif isinstance(obj, (list, tuple, set, frozenset)):
            stack += list(obj)
        elif hasattr(obj, "__dict__") and not isinstance(obj, type):
            stack += list(vars(obj).values())
        if hasattr(obj, "__slots__") and not isinstance(obj, type):
            stack += [getattr(obj, s) for s in obj.__slots__ if hasattr(obj, s)]
    return found


async def test_no_activation_code_left_after_cancel(kit: Kit) -> None:
    flow = kit.flow()
    state = await drive(flow, [DEMO_IMEIS["esim"]], kit.plan_id("Travel 5 GB"))
    assert isinstance(state, Ready) and state.code is not None
    secret = state.code.matching_id
    skip = (type(asyncio.get_running_loop()), httpx.AsyncClient)
    assert any(secret in s for s in reachable_strings(flow, skip))  # the walk can see it
    del state
    kit.states.clear()  # the test's own record of states
    await flow.cancel()
    assert not any(secret in s for s in reachable_strings(flow, skip))
    with kit.journal._lock:
        dump = "\n".join(kit.journal._conn.iterdump())
    assert secret not in dump and "LPA:" not in dump
