"""The sandbox is strict where the docs are clear (REFERENCE.md section 10), and says so."""

from __future__ import annotations

import httpx
import pytest

from kiosk.sandbox.config import SandboxConfig
from kiosk.sandbox.seed import (
    ANNA_USER_ID, DEMO_IMEIS, JERRY_PAYMENT_METHOD_ID, JERRY_USER_ID,
    REQUIRES_CONFIRMATION_PAYMENT_METHOD_ID, STORE_PAYMENT_METHOD_ID,
)
from kiosk.sandbox.validate import DOCUMENTED_FILTERS
from tests.sandbox.conftest import ok
from tests.sandbox.reference import problems
from tests.sandbox.test_behaviour import advance, err, new_user, order, sim_of


def settings(api: httpx.Client, **values: object) -> dict:
    return ok(api.patch("/_sandbox/settings", json=values))


def subscriptions(api: httpx.Client, **params: object) -> list[dict]:
    return ok(api.get("/projects/demo/subscriptions", params={"limit": 200, **params}))["items"]


# -- undocumented filters ------------------------------------------------------------------------

def test_the_default_ignores_undocumented_filters() -> None:
    # "ignore" is what catches a client that trusts such a filter: strangers' data comes back.
    assert SandboxConfig().undocumented_filters == "ignore"


def test_sim_filter_honoured_ignored_or_refused(api) -> None:
    active_sim = sim_of(api, "active")["id"]
    settings(api, undocumented_filters="honour")
    assert [s["sim"]["id"] for s in subscriptions(api, sim=active_sim)] == [active_sim]

    settings(api, undocumented_filters="ignore")
    everything = subscriptions(api, sim=active_sim)
    assert len(everything) == 2 and {s["user"]["id"] for s in everything} == {
        JERRY_USER_ID, ANNA_USER_ID}  # a stranger's subscription comes back too
    page = ok(api.get("/projects/demo/subscriptions", params={"sim": active_sim, "limit": 1}))
    assert len(page["items"]) == 1 and page["moreItemsAfter"]  # still paginated

    settings(api, undocumented_filters="refuse")
    refused = err(api.get("/projects/demo/subscriptions", params={"sim": active_sim}), 422,
                  "invalidParameter")
    assert problems("error", refused) == [] and refused["type"] == "invalid"
    assert refused["details"][0]["property"] == "sim"


@pytest.mark.parametrize("policy", ["ignore", "refuse"])
def test_documented_filters_keep_working_under_any_policy(api, policy) -> None:
    settings(api, undocumented_filters=policy)
    assert [s["user"]["id"] for s in subscriptions(api, user=JERRY_USER_ID)] == [JERRY_USER_ID]
    assert [s["status"] for s in subscriptions(api, status="pending")] == ["pending"]
    assert all("eSIM" in p["simTypes"] for p in ok(api.get(
        "/projects/demo/plans", params={"simType": "eSIM", "status": "available"}))["items"])
    assert ok(api.get("/projects/demo/sims", params={"type": "pSIM", "limit": 1}))["items"]
    assert ok(api.get("/projects/demo/devices", params={"user": JERRY_USER_ID}))["items"]


def test_every_other_filter_the_sandbox_knows_is_undocumented(api) -> None:
    assert "sim" not in DOCUMENTED_FILTERS["GET /subscriptions"]
    assert DOCUMENTED_FILTERS["GET /paymentMethods"] == DOCUMENTED_FILTERS["GET /orders"] == set()
    settings(api, undocumented_filters="ignore")
    methods = ok(api.get("/projects/demo/paymentMethods", params={"user": JERRY_USER_ID}))
    assert {m["user"] for m in methods["items"]} != {JERRY_USER_ID}  # every user's
    assert len(ok(api.get("/projects/demo/plans", params={"provider": "p3",
                                                          "limit": 200}))["items"]) == 7
    settings(api, undocumented_filters="refuse")
    for path, params in (("/paymentMethods", {"user": JERRY_USER_ID}), ("/plans", {"provider": "p3"}),
                         ("/orders", {"user": JERRY_USER_ID}), ("/orders", {"status": "paid"}),
                         ("/users", {"email": "jerry@example.com"})):
        err(api.get("/projects/demo" + path, params=params), 422, "invalidParameter")
    ok(api.get("/projects/demo/paymentMethods"))  # the list itself stays


def test_settings_refuse_unknown_policies(api) -> None:
    assert api.patch("/_sandbox/settings", json={"undocumented_filters": "maybe"}
                     ).status_code == 422
    assert ok(api.get("/_sandbox/settings"))["undocumented_filters"] == "ignore"
    with pytest.raises(ValueError):
        SandboxConfig(undocumented_filters="strict")


# -- documented error codes -----------------------------------------------------------------------

def test_duplicate_user_is_user_already_exists(api) -> None:
    new_user(api, "dup@example.com")
    body = err(api.post("/projects/demo/users", json={"email": "DUP@example.com"}), 422,
               "userAlreadyExists")
    assert body["type"] == "invalid" and problems("error", body) == []
    settings(api, user_exists_status=409)
    assert err(api.post("/projects/demo/users", json={"email": "dup@example.com"}), 409,
               "userAlreadyExists")["type"] == "conflict"
    other = new_user(api, "other@example.com")
    err(api.patch(f"/projects/demo/users/{other['id']}", json={"email": "dup@example.com"}), 409,
        "userAlreadyExists")


def test_invalid_address_is_deterministic(api) -> None:
    user = new_user(api, "addr@example.com")["id"]
    path = f"/projects/demo/users/{user}/addresses"
    good = {"line1": "Hauptstr. 1", "city": "Berlin", "postalCode": "10115", "country": "DE"}
    by_postcode = err(api.post(path, json={**good, "postalCode": "00000"}), 422,
                      "userAddressInvalid")
    assert by_postcode["details"][0]["property"] == "postalCode"
    by_street = err(api.post(path, json={**good, "line1": "Invalid Street 9"}), 422,
                    "userAddressInvalid")
    assert by_street["details"][0]["property"] == "line1"
    ok(api.post(path, json=good))
    err(api.post(path, json={**good, "line1": "  hauptstr.  1 "}), 422, "userAddressAlreadyExists")
    ok(api.post(path, json={**good, "line2": "Hinterhaus"}))


def test_an_injected_error_carries_its_documented_code(api) -> None:
    ok(api.post("/_sandbox/faults", json={"kind": "status", "status": 422, "code": "orderExpired",
                                          "method": "POST", "path": "*/orders", "count": 1}))
    user = new_user(api, "late@example.com")["id"]
    expired = err(order(api, sim_of(api, "esim")["id"], user), 422, "orderExpired")
    assert expired["type"] == "invalid" and problems("error", expired) == []
    ok(order(api, sim_of(api, "esim")["id"], user))  # nothing was ordered the first time


# -- orders: subscriptionDetails only on quoted orders ----------------------------------------------

def test_subscription_details_only_on_quoted_orders(api) -> None:
    user = new_user(api, "details@example.com")["id"]
    placed = ok(order(api, sim_of(api, "esim")["id"], user))
    assert placed["status"] == "pending" and placed["subscriptionDetails"] is None
    advance(api, 1)
    done = ok(api.get(f"/projects/demo/orders/{placed['id']}"))
    assert done["status"] == "completed" and done["subscriptionDetails"] is None
    listed = ok(api.get("/projects/demo/orders"))["items"]
    assert listed and all(o["subscriptionDetails"] is None for o in listed)
    assert problems("order", done) == []


def test_quoted_orders_stay_quoted_and_hold_nothing(api) -> None:
    settings(api, orders_start_as="quoted")
    user = new_user(api, "quote@example.com")["id"]
    sim = sim_of(api, "esim")["id"]
    quote = ok(order(api, sim, user))
    assert quote["status"] == "quoted" and quote["subscriptionDetails"]["sim"] == sim
    assert problems("order", quote) == []
    advance(api, 3600)
    again = ok(api.get(f"/projects/demo/orders/{quote['id']}"))
    assert again["status"] == "quoted" and again["subscription"] is None
    assert again["lastPayment"] is None and again["subscriptionDetails"]["user"] == user
    assert ok(api.get(f"/projects/demo/sims/{sim}"))["status"] == "inactive"
    ok(order(api, sim, user))  # a quote does not hold the SIM
    advance(api, 60)
    assert subscriptions(api, user=user) == []


# -- payment methods belong to users ----------------------------------------------------------------

def test_a_method_pays_only_its_own_users_orders(api) -> None:
    stranger = new_user(api, "stranger@example.com")["id"]
    refused = err(order(api, sim_of(api, "esim")["id"], stranger, pm=JERRY_PAYMENT_METHOD_ID), 422,
                  "paymentMethodUserMismatch")
    assert refused["details"][0]["property"] == "paymentMethod"
    ok(order(api, sim_of(api, "esim")["id"], JERRY_USER_ID, pm=JERRY_PAYMENT_METHOD_ID))
    # The store's own method (the project's) pays anyone's order.
    ok(order(api, sim_of(api, "watch")["id"], stranger, plan="watch", pm=STORE_PAYMENT_METHOD_ID))


def test_a_method_that_requires_confirmation_cannot_pay(api) -> None:
    method = ok(api.get(f"/projects/demo/paymentMethods/{REQUIRES_CONFIRMATION_PAYMENT_METHOD_ID}"))
    assert method["status"] == "requiresConfirmation" and method["clientSecret"]
    assert problems("paymentMethod", method) == []
    user = new_user(api, "confirm@example.com")["id"]
    err(order(api, sim_of(api, "esim")["id"], user, pm=REQUIRES_CONFIRMATION_PAYMENT_METHOD_ID),
        422, "paymentMethodRequiresConfirmation")
    assert ok(api.get(f"/projects/demo/sims/{sim_of(api, 'esim')['id']}"))["status"] == "inactive"


def test_payment_methods_list_by_user_is_kept(api) -> None:
    settings(api, undocumented_filters="honour")
    mine = ok(api.get("/projects/demo/paymentMethods", params={"user": JERRY_USER_ID}))["items"]
    assert [m["id"] for m in mine] == [JERRY_PAYMENT_METHOD_ID]
    every = ok(api.get("/projects/demo/paymentMethods"))["items"]
    assert all(problems("paymentMethod", m) == [] for m in every) and len(every) == 4


# -- idempotency --------------------------------------------------------------------------------

def test_keys_on_reads_and_searches_break_nothing(api) -> None:
    key = {"Idempotency-Key": "read-1"}
    ok(api.get("/projects/demo/plans", headers=key))
    ok(api.get("/projects/demo/plans", headers=key))
    imei = {"imei": DEMO_IMEIS["esim"]}
    assert ok(api.post("/projects/demo/devices/search", json=imei, headers=key))["items"]
    # Same key, another search: a fresh answer, neither a replay nor idempotencyKeyReused.
    none = ok(api.post("/projects/demo/users/search", json={"email": "later@example.com"},
                       headers=key))
    assert none["items"] == []
    new_user(api, "later@example.com")
    found = api.post("/projects/demo/users/search", json={"email": "later@example.com"},
                     headers=key)
    assert ok(found)["items"] and "idempotent-replayed" not in found.headers


def test_reject_fails_every_request_that_carries_a_key(api) -> None:
    settings(api, idempotency="reject")
    key = {"Idempotency-Key": "any"}
    for response in (api.get("/projects/demo/plans", headers=key),
                     api.post("/projects/demo/users/search", json={"email": "a@example.com"},
                              headers=key),
                     api.post("/projects/demo/users", json={"email": "k@example.com"},
                              headers=key)):
        assert problems("error", err(response, 422, "idempotencyNotEnabled")) == []
    ok(api.post("/projects/demo/users", json={"email": "k@example.com"}))


# -- device search ---------------------------------------------------------------------------------

def test_device_search_can_hide_owned_devices(api) -> None:
    def found(key: str) -> int:
        return len(ok(api.post("/projects/demo/devices/search",
                               json={"imei": DEMO_IMEIS[key]}))["items"])

    assert found("active") == found("esim") == 1
    settings(api, device_search="unowned")
    assert found("active") == 0 and found("pending") == 0 and found("esim") == 1
