"""The proxy of tests/proxy.py does what it says, and nothing else, in sync and async tests."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from kiosk.sandbox import render
from kiosk.sandbox.seed import ANNA_USER_ID, DEMO_IMEIS, JERRY_USER_ID, PLAN_IDS, STORE_PAYMENT_METHOD_ID
from tests.proxy import GigsProxy, _strip_details
from tests.sandbox.conftest import HEADERS, ok
from tests.sandbox.reference import problems


@pytest.fixture
def proxy(sandbox) -> Iterator[GigsProxy]:
    with GigsProxy(sandbox.url) as running:
        yield running


@pytest.fixture
def via(proxy) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=proxy.url, headers=HEADERS, timeout=10) as c:
        yield c


def sim_of(api: httpx.Client, key: str) -> str:
    found = ok(api.post("/projects/demo/devices/search", json={"imei": DEMO_IMEIS[key]}))
    return str(found["items"][0]["sims"][0]["id"])


def place(api: httpx.Client, sim: str, email: str) -> httpx.Response:
    user = ok(api.post("/projects/demo/users", json={"email": email}))["id"]
    return api.post("/projects/demo/orders", json={
        "paymentMethod": STORE_PAYMENT_METHOD_ID, "plan": PLAN_IDS["travel"],
        "subscriptionDetails": {"sim": sim, "user": user}})


def test_passes_everything_through_by_default(via, proxy) -> None:
    assert via.patch("/_sandbox/settings", json={"undocumented_filters": "honour"}
                     ).status_code == 200  # the sandbox honours `?sim=`: the proxy passes it
    active = sim_of(via, "active")
    listed = via.get("/projects/demo/subscriptions", params={"sim": active})
    assert [s["sim"]["id"] for s in ok(listed)["items"]] == [active]
    assert listed.headers["x-request-id"].startswith("req_")
    assert via.get("/projects/demo/subscriptions/sub_nope").status_code == 404
    assert via.get("/projects/demo/plans", headers={"Authorization": ""}).status_code == 401
    assert proxy.count("GET", r"/subscriptions$") == 1


def test_ignore_sim_returns_other_sims_subscriptions(via, proxy) -> None:
    proxy.sim_filter = "ignore"
    active = sim_of(via, "active")
    items = ok(via.get("/projects/demo/subscriptions", params={"sim": active, "limit": 200}))["items"]
    assert {s["user"]["id"] for s in items} == {JERRY_USER_ID, ANNA_USER_ID}
    assert any(s["sim"]["id"] != active for s in items)  # a stranger's SIM
    # Other filters pass untouched, and the list is still paginated.
    by_user = ok(via.get("/projects/demo/subscriptions", params={"sim": active, "user": ANNA_USER_ID}))
    assert [s["user"]["id"] for s in by_user["items"]] == [ANNA_USER_ID]
    page = ok(via.get("/projects/demo/subscriptions", params={"sim": active, "limit": 1}))
    assert len(page["items"]) == 1 and page["moreItemsAfter"]
    assert proxy.exchanges[-1].query == [("limit", "1")]


def test_refuse_sim_answers_422_without_asking_the_sandbox(via, proxy, sandbox) -> None:
    proxy.sim_filter = "refuse"
    before = sandbox.sandbox.store.requests["GET /subscriptions"]
    refused = via.get("/projects/demo/subscriptions", params={"sim": sim_of(via, "active")})
    assert refused.status_code == 422
    body = refused.json()
    assert problems("error", body) == [] and body["type"] == "invalid"
    assert sandbox.sandbox.store.requests["GET /subscriptions"] == before
    ok(via.get("/projects/demo/subscriptions", params={"user": JERRY_USER_ID}))  # no sim: fine
    assert proxy.count("GET", r"/subscriptions$", "refused") == 1


def test_strips_subscription_details_from_orders_that_are_not_quoted(via, proxy, monkeypatch
                                                                     ) -> None:
    # A sandbox that (like the old one) puts subscriptionDetails on every order.
    original = render.order

    def generous(store: Any, order_id: str) -> dict[str, Any]:
        out = original(store, order_id)
        out["subscriptionDetails"] = dict(store.orders[order_id]["subscriptionDetails"])
        return out

    monkeypatch.setattr(render, "order", generous)
    assert ok(place(via, sim_of(via, "esim"), "plain@example.com"))["subscriptionDetails"]
    proxy.strip_subscription_details = True
    placed = ok(place(via, sim_of(via, "watch"), "strip@example.com"))
    assert placed["subscriptionDetails"] is None and problems("order", placed) == []
    assert ok(via.get(f"/projects/demo/orders/{placed['id']}"))["subscriptionDetails"] is None
    listed = ok(via.get("/projects/demo/orders", params={"limit": 200}))["items"]
    assert len(listed) == 2 and all(o["subscriptionDetails"] is None for o in listed)


def test_quoted_orders_keep_their_details(via, proxy) -> None:
    proxy.strip_subscription_details = True
    ok(via.patch("/_sandbox/settings", json={"orders_start_as": "quoted"}))
    quote = ok(place(via, sim_of(via, "esim"), "quote@example.com"))
    assert quote["status"] == "quoted" and quote["subscriptionDetails"]["sim"]


def test_strip_leaves_other_bodies_alone() -> None:
    assert _strip_details(b'{"object": "error"') == b'{"object": "error"'
    user = b'{"object": "user", "subscriptionDetails": {"sim": "x"}}'
    assert _strip_details(user) == user


def test_loses_the_first_order_answer_after_the_sandbox_acted(via, proxy, sandbox) -> None:
    proxy.lose_order_answers = 1
    sim = sim_of(via, "esim")
    with pytest.raises(httpx.RemoteProtocolError):
        place(via, sim, "lost@example.com")
    store = sandbox.sandbox.store
    assert [o["subscriptionDetails"]["sim"] for o in store.orders.values()] == [sim]
    assert proxy.count("POST", r"/orders$", "lost") == 1
    # Only the first: the next order is answered (here: the SIM is taken by the lost one).
    again = place(via, sim, "again@example.com")
    assert again.status_code == 422 and again.json()["code"] == "simAlreadyUsed"
    assert ok(place(via, sim_of(via, "watch"), "watch@example.com"))["status"] == "pending"


def test_an_upstream_drop_reaches_the_client_as_a_drop(via, proxy) -> None:
    ok(via.post("/_sandbox/faults", json={"kind": "drop_before", "path": "*/plans", "count": 1}))
    with pytest.raises(httpx.RemoteProtocolError):
        via.get("/projects/demo/plans")
    ok(via.get("/projects/demo/plans"))
    assert proxy.count("GET", r"/plans$", "dropped") == 1


def test_idempotency_keys_and_replays_pass_through(via) -> None:
    key = {"Idempotency-Key": "through-the-proxy"}
    first = via.post("/projects/demo/users", json={"email": "idem@example.com"}, headers=key)
    again = via.post("/projects/demo/users", json={"email": "idem@example.com"}, headers=key)
    assert ok(first) == ok(again) and again.headers["idempotent-replayed"] == "true"


@pytest.mark.asyncio
async def test_usable_from_async_tests(sandbox) -> None:
    async with GigsProxy(sandbox.url, sim_filter="ignore") as proxy, httpx.AsyncClient(
            base_url=proxy.url, headers=HEADERS, timeout=10) as client:
        response = await client.get("/projects/demo/subscriptions",
                                    params={"sim": "sim_whatever", "limit": 200})
        assert len(ok(response)["items"]) == 2


def test_unknown_sim_filter_mode_is_refused(sandbox) -> None:
    with pytest.raises(ValueError):
        GigsProxy(sandbox.url, sim_filter="drop")
