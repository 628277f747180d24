"""Orders and subscriptions are sent at most once: every unclear failure goes to the caller.

Over real loopback HTTP: the sandbox for statuses and a cut after the order was committed,
a scripted server (tests/gigs/rawhttp.py) for timeouts, hang-ups and refused connections.
Each case counts the requests that reached the server: exactly one, keys on or off, and
also when the server ignores keys.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable

import pytest

from kiosk.gigs import (
    APIConnectionError, APITimeoutError, ConflictError, GigsClient, RateLimitError, RetryPolicy,
    ServerError,
)
from kiosk.sandbox.faults import FaultRule
from kiosk.sandbox.seed import DEMO_IMEIS, STORE_PAYMENT_METHOD_ID
from kiosk.settings import ApiSettings
from tests.conftest import client_for
from tests.gigs.rawhttp import RawServer, free_port, hang, hang_up, head, raw_server, send

pytestmark = pytest.mark.asyncio

# (client sends keys, what the sandbox does with them)
KEY_MODES = [(True, "enabled"), (False, "enabled"), (True, "ignored")]
ORDER = {"object": "order", "id": "ord_1", "status": "pending"}


async def _order_args(client: GigsClient) -> dict[str, str]:
    device = (await client.search_devices(DEMO_IMEIS["esim"]))[0]
    plan = next(p for p in await client.list_plans(sim_type="eSIM", status="available")
                if p.name == "Travel 5 GB")
    user = await client.create_user(email="once@example.com", full_name="Once Only")
    return dict(plan=plan.id, payment_method=STORE_PAYMENT_METHOD_ID, sim=device.sims[0].id,
                user=user.id)


@pytest.mark.parametrize("keys,server_keys", KEY_MODES)
@pytest.mark.parametrize("fault,expected", [
    (dict(kind="502"), ServerError), (dict(kind="503"), ServerError),
    (dict(kind="504"), ServerError), (dict(kind="429", retry_after=1), RateLimitError),
    (dict(kind="status", status=409), ConflictError),
    (dict(kind="drop_after"), APIConnectionError),
])
async def test_order_failure_after_it_may_have_arrived_is_never_resent(
    sandbox, sleep, keys, server_keys, fault, expected
) -> None:
    sandbox.sandbox.config.idempotency = server_keys
    async with client_for(sandbox, sleep, idempotency_keys=keys) as c:
        args = await _order_args(c)
        sandbox.sandbox.faults.rules.append(FaultRule(method="POST", path="*/orders", **fault))
        with pytest.raises(expected) as info:
            await c.create_order(**args)
    assert sandbox.sandbox.store.requests["POST /orders"] == 1
    assert sleep.delays == []
    if isinstance(info.value, APIConnectionError):
        assert info.value.request_sent is True
        assert len(sandbox.sandbox.store.orders) == 1  # it did act: the guard must reconcile


@pytest.mark.parametrize("keys,server_keys", KEY_MODES)
async def test_subscription_503_is_not_resent(sandbox, sleep, keys, server_keys) -> None:
    sandbox.sandbox.config.idempotency = server_keys
    async with client_for(sandbox, sleep, idempotency_keys=keys) as c:
        args = await _order_args(c)
        sandbox.sandbox.faults.rules.append(FaultRule(kind="503", method="POST",
                                                      path="*/subscriptions"))
        with pytest.raises(ServerError):
            await c.create_subscription(plan=args["plan"], sim="auto", user=args["user"])
    assert sandbox.sandbox.store.requests["POST /subscriptions"] == 1 and sleep.delays == []


async def test_other_posts_keep_their_retries(sandbox, sleep) -> None:
    async with client_for(sandbox, sleep) as c:
        sandbox.sandbox.faults.rules.append(FaultRule(kind="503", method="POST", path="*/users",
                                                      count=2))
        user = await c.create_user(email="retried@example.com")
    assert user.email == "retried@example.com" and len(sleep.delays) == 2


def raw_client(url: str, sleep: Callable[[float], Awaitable[None]], *, keys: bool,
               **settings: float) -> GigsClient:
    return GigsClient(ApiSettings(api_url=url, project="p", token="t", idempotency_keys=keys,
                                  **settings),  # type: ignore[arg-type]
                      sleep=sleep, rand=lambda: 0.0, retry=RetryPolicy(max_retries=3))


ORDER_ARGS = dict(plan="pln_1", payment_method="pm_1", sim="sim_1", user="usr_1")


@pytest.mark.parametrize("keys", [True, False])
@pytest.mark.parametrize("script,settings", [
    (hang, dict(attempt_timeout=0.5)),  # cut by the whole-exchange deadline
    (hang, dict(read_timeout=0.3)),  # cut by httpx's own read timeout
])
async def test_order_timeout_after_sending_is_raised_at_once(sleep, keys, script,
                                                             settings) -> None:
    async with raw_server(script) as server, raw_client(server.url, sleep, keys=keys, **settings) as c:
        with pytest.raises(APITimeoutError) as info:
            await c.create_order(**ORDER_ARGS)
    assert info.value.request_sent is True
    assert len(server.requests) == 1 and sleep.delays == []


@pytest.mark.parametrize("keys", [True, False])
async def test_order_cut_after_sending_is_raised_at_once(sleep, keys) -> None:
    async with raw_server(hang_up) as server, raw_client(server.url, sleep, keys=keys) as c:
        with pytest.raises(APIConnectionError) as info:
            await c.create_order(**ORDER_ARGS)
    assert info.value.request_sent is True
    assert len(server.requests) == 1 and sleep.delays == []
    assert (b"idempotency-key" in server.requests[0].lower()) is keys


@pytest.mark.parametrize("keys", [True, False])
async def test_refused_connection_is_retried_because_nothing_was_sent(keys) -> None:
    async def answer(n: int, head_: bytes, writer: asyncio.StreamWriter) -> None:
        body = json.dumps(ORDER).encode()
        await send(writer, head(201, len(body)) + body)

    server = RawServer(answer, free_port())
    waits: list[float] = []

    async def sleep_then_listen(seconds: float) -> None:
        # Nothing listens on the port for the first attempt; the server comes up meanwhile.
        waits.append(seconds)
        if len(waits) == 1:
            await server.start()

    try:
        async with raw_client(server.url, sleep_then_listen, keys=keys) as c:
            order = await c.create_order(**ORDER_ARGS)
    finally:
        await server.stop()
    assert order.id == "ord_1" and len(server.requests) == 1 and len(waits) == 1


async def test_a_later_refusal_still_says_the_request_may_have_arrived(sleep) -> None:
    """A keyed POST of a user: sent and unanswered, then refused: the caller hears "sent"."""
    servers: list[RawServer] = []

    async def first_then_gone(n: int, head_: bytes, writer: asyncio.StreamWriter) -> None:
        await servers[0].stop()

    async with raw_server(first_then_gone) as server:
        servers.append(server)
        async with raw_client(server.url, sleep, keys=True) as c:
            with pytest.raises(APIConnectionError) as info:
                await c.create_user(email="a@b.example")
    assert len(server.requests) == 1 and len(sleep.delays) == 3
    assert info.value.request_sent is True
