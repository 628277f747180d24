"""The client against the sandbox over real loopback HTTP (uvicorn on a free port)."""

from __future__ import annotations

import logging
import re

import httpx
import pytest

from kiosk.gigs import (
    APIConnectionError, APIResponseValidationError, AuthenticationError, ConflictError,
    GigsClient, InvalidRequestError, NotFoundError, ServerError,
)
from kiosk.gigs.models import SimStatus, SimType, SubscriptionStatus
from kiosk.logs import configure
from kiosk.sandbox.faults import FaultRule
from kiosk.sandbox.seed import DEMO_IMEIS, STORE_PAYMENT_METHOD_ID
from tests.conftest import client_for

pytestmark = pytest.mark.asyncio


def add_fault(sandbox, **rule) -> None:
    sandbox.sandbox.faults.rules.append(FaultRule(**rule))


def stats(sandbox) -> dict:
    return dict(sandbox.sandbox.store.requests)


async def test_device_search_returns_typed_device(client: GigsClient) -> None:
    devices = await client.search_devices(DEMO_IMEIS["esim"])
    assert len(devices) == 1
    device = devices[0]
    assert device.model is not None and device.model.supports_esim
    assert [s.type for s in device.sims] == [SimType.ESIM]
    assert device.sims[0].status is SimStatus.INACTIVE
    assert device.user is None


async def test_unregistered_imei_is_empty_and_model_search_answers(client: GigsClient) -> None:
    assert await client.search_devices(DEMO_IMEIS["unregistered_psim"]) == []
    models = await client.search_device_models(DEMO_IMEIS["unregistered_psim"])
    assert [m.name for m in models] == ["Galaxy A15"] and not models[0].supports_esim


async def test_plans_are_paginated_across_pages(client: GigsClient, sandbox) -> None:
    client.page_size = 2
    plans = await client.list_plans()
    assert len(plans) == 7 and len({p.id for p in plans}) == 7
    assert stats(sandbox)["GET /plans"] == 4  # 2 + 2 + 2 + 1
    eSIM_only = await client.list_plans(sim_type="eSIM", status="available")
    assert eSIM_only and all(SimType.ESIM in p.sim_types for p in eSIM_only)


async def test_401_is_authentication_error_with_request_id(sandbox, sleep) -> None:
    sandbox.sandbox.config.token = "the-right-key"
    async with client_for(sandbox, sleep, token="a-wrong-key") as c:
        with pytest.raises(AuthenticationError) as info:
            await c.list_plans()
    err = info.value
    assert err.status == 401 and err.type == "unauthenticated"
    assert err.request_id and err.request_id.startswith("req_")
    assert "a-wrong-key" not in str(err) and "a-wrong-key" not in repr(err.__dict__)
    assert sleep.delays == []  # a 401 is not retried


async def test_404_is_not_found(client: GigsClient) -> None:
    with pytest.raises(NotFoundError) as info:
        await client.retrieve_subscription("sub_doesnotexist")
    assert info.value.type == "notFound" and info.value.status == 404


async def test_422_carries_hint_and_details(client: GigsClient) -> None:
    with pytest.raises(InvalidRequestError) as info:
        await client.search_devices("12345")
    err = info.value
    assert err.status == 422 and err.code == "invalidIMEI"
    assert err.hint and "15" in err.hint
    assert err.details and err.details[0]["property"] == "imei"


async def test_duplicate_email_is_user_already_exists(client: GigsClient) -> None:
    # The documented code; its HTTP status is not documented (the sandbox answers 422).
    with pytest.raises((ConflictError, InvalidRequestError)) as raised:
        await client.create_user(email="jerry@example.com")
    assert raised.value.code == "userAlreadyExists"


async def test_429_with_retry_after_is_honoured(client: GigsClient, sandbox, sleep) -> None:
    add_fault(sandbox, kind="429", path="*/plans", count=2, retry_after=2)
    plans = await client.list_plans()
    assert plans
    assert sleep.delays == [2.0, 2.0]
    assert stats(sandbox)["GET /plans"] == 3


async def test_5xx_storm_gives_up_after_capped_backoff(client: GigsClient, sandbox, sleep) -> None:
    add_fault(sandbox, kind="503", path="*/plans")
    with pytest.raises(ServerError) as info:
        await client.list_plans()
    assert info.value.status == 503
    assert len(sleep.delays) == 3 and sleep.delays == sorted(sleep.delays)
    assert max(sleep.delays) <= client._requestor.retry.max_delay
    assert stats(sandbox)["GET /plans"] == 4


async def test_500_on_post_is_not_retried(client: GigsClient, sandbox, sleep) -> None:
    add_fault(sandbox, kind="500", method="POST", path="*/users")
    with pytest.raises(ServerError):
        await client.create_user(email="new@example.com")
    assert sleep.delays == [] and stats(sandbox)["POST /users"] == 1


async def _order_args(client: GigsClient) -> dict:
    device = (await client.search_devices(DEMO_IMEIS["esim"]))[0]
    plan = next(p for p in await client.list_plans(sim_type="eSIM", status="available")
                if p.name == "Travel 5 GB")
    user = await client.create_user(email="dropped@example.com", full_name="Drop Test")
    return dict(plan=plan.id, payment_method=STORE_PAYMENT_METHOD_ID, sim=device.sims[0].id,
                user=user.id)


async def test_drop_after_commit_is_retried_with_the_same_key(client, sandbox, sleep) -> None:
    # A user, not an order: orders are never resent by the client (test_resend.py).
    add_fault(sandbox, kind="drop_after", method="POST", path="*/users", count=1)
    user = await client.create_user(email="dropped@example.com", full_name="Drop Test")
    store = sandbox.sandbox.store
    assert [u for u, r in store.users.items() if r["email"] == "dropped@example.com"] == [user.id]
    assert stats(sandbox)["POST /users"] == 2 and len(sleep.delays) == 1
    keys = [k for (_, k) in sandbox.sandbox.idempotency]
    assert len(set(keys)) == len(keys)  # the retry reused its key: one key per logical POST


async def test_drop_after_commit_of_an_order_goes_to_the_caller(client, sandbox, sleep) -> None:
    args = await _order_args(client)
    add_fault(sandbox, kind="drop_after", method="POST", path="*/orders", count=1)
    with pytest.raises(APIConnectionError) as info:
        await client.create_order(**args)
    assert info.value.request_sent is True and sleep.delays == []
    assert stats(sandbox)["POST /orders"] == 1 and len(sandbox.sandbox.store.orders) == 1


async def test_drop_after_commit_without_keys_is_not_resent(sandbox, sleep) -> None:
    async with client_for(sandbox, sleep, idempotency_keys=False) as c:
        args = await _order_args(c)
        add_fault(sandbox, kind="drop_after", method="POST", path="*/orders", count=1)
        with pytest.raises(APIConnectionError) as info:
            await c.create_order(**args)
    assert info.value.request_sent is True
    assert stats(sandbox)["POST /orders"] == 1 and len(sandbox.sandbox.store.orders) == 1


async def test_drop_before_acting_is_an_ambiguous_connection_error(sandbox, sleep) -> None:
    async with client_for(sandbox, sleep, idempotency_keys=False) as c:
        add_fault(sandbox, kind="drop_before", method="POST", path="*/users", count=1)
        with pytest.raises(APIConnectionError):
            await c.create_user(email="before@example.com")
    assert sandbox.sandbox.store.users.keys().isdisjoint(
        {u for u, r in sandbox.sandbox.store.users.items() if r["email"] == "before@example.com"})


async def test_malformed_json_is_a_clear_error(client: GigsClient, sandbox) -> None:
    add_fault(sandbox, kind="malformed", path="*/plans", count=1)
    with pytest.raises(APIResponseValidationError) as info:
        await client.list_plans()
    assert "malformed JSON" in str(info.value)


async def test_project_not_enrolled_rejects_keys_and_switching_off_helps(sandbox, sleep) -> None:
    sandbox.sandbox.config.idempotency = "reject"
    async with client_for(sandbox, sleep) as c:
        with pytest.raises(InvalidRequestError) as info:
            await c.create_user(email="beta@example.com")
        assert info.value.code == "idempotencyNotEnabled"
    async with client_for(sandbox, sleep, idempotency_keys=False) as c:
        user = await c.create_user(email="beta@example.com")
    assert user.email == "beta@example.com"


async def test_direct_subscription_with_auto_esim_provisions(client: GigsClient) -> None:
    plan = next(p for p in await client.list_plans(status="available") if p.name == "Travel 5 GB")
    user = await client.create_user(email="auto@example.com")
    sub = await client.create_subscription(plan=plan.id, sim="auto", user=user.id)
    assert sub.status is SubscriptionStatus.PENDING and sub.sim is None
    for _ in range(100):
        sub = await client.retrieve_subscription(sub.id)
        if sub.status is SubscriptionStatus.ACTIVE:
            break
        await __import__("asyncio").sleep(0.01)
    assert sub.status is SubscriptionStatus.ACTIVE and sub.sim is not None
    creds = await client.sim_credentials(sub.sim.id)
    assert creds.activation_code is not None
    assert creds.activation_code.get_secret_value().startswith("LPA:1$")
    assert "LPA" not in repr(creds)
    subs = await client.list_subscriptions(user=user.id)
    assert [s.id for s in subs] == [sub.id]


async def test_no_imei_in_any_url_or_log_line(sandbox, sleep, caplog) -> None:
    configure(2)
    seen: list[str] = []

    async def record(request: httpx.Request) -> None:
        seen.append(str(request.url))

    imei = DEMO_IMEIS["dual1"]
    add_fault(sandbox, kind="503", path="*/devices/search", count=1)
    async with client_for(sandbox, sleep) as c:
        c._requestor._http.event_hooks["request"].append(record)
        with caplog.at_level(logging.DEBUG):
            logging.getLogger("kiosk.test").info("scanned %s", imei)  # a careless line
            await c.search_devices(imei)
            await c.search_device_models(imei)
            device = (await c.search_devices(imei))[0]
            await c.retrieve_device(device.id)
    assert seen and not any(imei in url for url in seen)
    assert imei not in caplog.text
    iccids = [s.iccid for s in device.sims]
    assert not any(i and i in caplog.text for i in iccids)
    assert re.search(r"35067221\*{6}1", caplog.text)  # masked, TAC and last digit kept
