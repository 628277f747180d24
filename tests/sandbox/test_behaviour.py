"""The sandbox behaves like the reference: pagination, idempotency, provisioning, faults."""

from __future__ import annotations

import httpx
import pytest

from kiosk.sandbox.seed import (
    DECLINED_PAYMENT_METHOD_ID, DEMO_IMEIS, PLAN_IDS, STORE_PAYMENT_METHOD_ID,
)
from tests.sandbox.conftest import ok


def err(response: httpx.Response, status: int, code: str | None = None) -> dict:
    assert response.status_code == status, response.text
    body = response.json()
    assert body["object"] == "error"
    if code:
        assert body.get("code") == code, body
    return body


def sim_of(api, key: str, index: int = 0) -> dict:
    found = ok(api.post("/projects/demo/devices/search", json={"imei": DEMO_IMEIS[key]}))
    return found["items"][0]["sims"][index]


def new_user(api, email: str, **extra) -> dict:
    return ok(api.post("/projects/demo/users", json={"email": email, **extra}))


def advance(api, seconds: float) -> None:
    ok(api.post("/_sandbox/clock", json={"advance": seconds}))


# -- auth, routing, query hygiene ------------------------------------------------------------

def test_401_comes_before_everything_else(api) -> None:
    assert err(api.get("/projects/nope/plans", headers={"Authorization": ""}), 401)[
        "type"] == "unauthenticated"
    err(api.get("/projects/demo/plans", headers={"Authorization": "Basic abc"}), 401)
    err(api.get("/projects/demo/plans", headers={"Authorization": "Bearer"}), 401)


def test_configured_token_is_enforced(api, sandbox) -> None:
    sandbox.sandbox.config.token = "right"
    err(api.get("/projects/demo/plans", headers={"Authorization": "Bearer wrong"}), 401)
    ok(api.get("/projects/demo/plans", headers={"Authorization": "Bearer right"}))


def test_unknown_project_route_and_method(api) -> None:
    err(api.get("/projects/other/plans"), 404)
    err(api.get("/projects/demo/nothing"), 404)
    assert api.put("/projects/demo/plans").status_code == 405


def test_empty_query_values_are_errors_not_unfiltered_lists(api) -> None:
    err(api.get("/projects/demo/subscriptions", params={"user": ""}), 422, "invalidParameter")


def test_malformed_body_is_400(api) -> None:
    response = api.post("/projects/demo/users", content=b"{not json",
                        headers={"content-type": "application/json"})
    assert err(response, 400)["type"] == "malformed"


# -- pagination ------------------------------------------------------------------------------

def test_pagination_walks_forward_and_back(api) -> None:
    everything = ok(api.get("/projects/demo/plans", params={"limit": 200}))["items"]
    assert len(everything) == 7
    created = [p["createdAt"] for p in everything]
    assert created == sorted(created, reverse=True)  # newest first
    first = ok(api.get("/projects/demo/plans", params={"limit": 3}))
    assert first["moreItemsBefore"] is None and first["moreItemsAfter"] == first["items"][-1]["id"]
    second = ok(api.get("/projects/demo/plans", params={"limit": 3,
                                                        "after": first["moreItemsAfter"]}))
    assert [p["id"] for p in second["items"]] == [p["id"] for p in everything[3:6]]
    back = ok(api.get("/projects/demo/plans", params={"limit": 3,
                                                      "before": second["moreItemsBefore"]}))
    assert [p["id"] for p in back["items"]] == [p["id"] for p in first["items"]]
    last = ok(api.get("/projects/demo/plans", params={"limit": 3,
                                                      "after": second["moreItemsAfter"]}))
    assert len(last["items"]) == 1 and last["moreItemsAfter"] is None


def test_default_limit_is_10_and_bounds_are_checked(api) -> None:
    assert len(ok(api.get("/projects/demo/sims"))["items"]) == 10
    err(api.get("/projects/demo/plans", params={"limit": 201}), 422)
    err(api.get("/projects/demo/plans", params={"limit": -1}), 422)
    err(api.get("/projects/demo/plans", params={"limit": "ten"}), 422)
    err(api.get("/projects/demo/plans", params={"after": "x", "before": "y"}), 422)
    assert ok(api.get("/projects/demo/plans", params={"limit": 0}))["items"] == []


def test_filters(api) -> None:
    # Undocumented filters (`?sim=`) are honoured only when asked: the default ignores them.
    assert api.patch("/_sandbox/settings", json={"undocumented_filters": "honour"}
                     ).status_code == 200
    esim = ok(api.get("/projects/demo/plans", params={"simType": "eSIM", "limit": 200}))["items"]
    assert esim and all("eSIM" in p["simTypes"] for p in esim)
    available = ok(api.get("/projects/demo/plans", params={"status": "available",
                                                           "limit": 200}))["items"]
    assert len(available) == 6
    err(api.get("/projects/demo/plans", params={"simType": "nanoSIM"}), 422)
    active = ok(api.get("/projects/demo/subscriptions", params={"status": "active"}))["items"]
    assert len(active) == 1
    sim = active[0]["sim"]["id"]
    assert ok(api.get("/projects/demo/subscriptions", params={"sim": sim}))["items"][0][
        "id"] == active[0]["id"]


# -- idempotency -----------------------------------------------------------------------------

def test_idempotent_post_is_replayed_with_same_status_and_body(api, sandbox) -> None:
    headers = {"Idempotency-Key": "k-1"}
    first = api.post("/projects/demo/users", json={"email": "idem@example.com"}, headers=headers)
    again = api.post("/projects/demo/users", json={"email": "idem@example.com"}, headers=headers)
    assert first.status_code == again.status_code == 200
    assert first.json() == again.json() and again.headers["idempotent-replayed"] == "true"
    assert sum(u["email"] == "idem@example.com" for u in sandbox.sandbox.store.users.values()) == 1
    other = api.post("/projects/demo/users", json={"email": "else@example.com"}, headers=headers)
    err(other, 422, "idempotencyKeyReused")


def test_failures_are_not_stored_so_a_fixed_retry_goes_through(api) -> None:
    headers = {"Idempotency-Key": "k-2"}
    err(api.post("/projects/demo/users", json={"email": "not-an-email"}, headers=headers), 422)
    ok(api.post("/projects/demo/users", json={"email": "fixed@example.com"}, headers=headers))


def test_stored_results_expire_after_24_hours(api) -> None:
    headers = {"Idempotency-Key": "k-3"}
    ok(api.post("/projects/demo/users", json={"email": "ttl@example.com"}, headers=headers))
    advance(api, 24 * 3600 + 1)
    err(api.post("/projects/demo/users", json={"email": "ttl@example.com"}, headers=headers),
        422, "userAlreadyExists")


def test_key_length_is_checked(api) -> None:
    err(api.post("/projects/demo/users", json={"email": "k@example.com"},
                 headers={"Idempotency-Key": "x" * 256}), 422, "invalidIdempotencyKey")


# -- provisioning ----------------------------------------------------------------------------

def order(api, sim: str, user: str, plan: str = "travel", pm: str = STORE_PAYMENT_METHOD_ID,
          **details) -> httpx.Response:
    return api.post("/projects/demo/orders", json={
        "paymentMethod": pm, "plan": PLAN_IDS[plan],
        "subscriptionDetails": {"sim": sim, "user": user, **details}})


def test_order_moves_pending_paid_completed_and_activates_the_sim(api) -> None:
    sim = sim_of(api, "esim")["id"]
    placed = ok(order(api, sim, new_user(api, "o@example.com")["id"]))
    assert placed["status"] == "pending" and placed["subscription"] is None
    advance(api, 1)
    done = ok(api.get(f"/projects/demo/orders/{placed['id']}"))
    assert done["status"] == "completed" and done["subscription"]
    sub = ok(api.get(f"/projects/demo/subscriptions/{done['subscription']}"))
    assert sub["status"] == "active" and sub["sim"]["id"] == sim
    assert ok(api.get(f"/projects/demo/sims/{sim}"))["status"] == "active"


def test_declined_card_cancels_the_order(api) -> None:
    sim = sim_of(api, "esim")["id"]
    placed = ok(order(api, sim, new_user(api, "d@example.com")["id"],
                      pm=DECLINED_PAYMENT_METHOD_ID))
    advance(api, 1)
    done = ok(api.get(f"/projects/demo/orders/{placed['id']}"))
    assert done["status"] == "canceled"
    assert done["lastPayment"]["failureCode"] == "paymentCardDeclined"


def test_one_sim_one_subscription(api) -> None:
    sim = sim_of(api, "esim")["id"]
    user = new_user(api, "twice@example.com")["id"]
    ok(order(api, sim, user))
    err(order(api, sim, user), 422, "simAlreadyUsed")  # also while the first order is pending
    err(order(api, sim_of(api, "active")["id"], user, plan="unlimited"), 422, "simAlreadyUsed")


def test_order_checks_plan_and_sim_type(api) -> None:
    user = new_user(api, "chk@example.com")["id"]
    err(order(api, sim_of(api, "psim")["id"], user, plan="travel"), 422, "simTypeNotSupported")
    err(order(api, sim_of(api, "esim")["id"], user, plan="legacy"), 422, "planNotAvailable")
    response = api.post("/projects/demo/orders", json={
        "paymentMethod": STORE_PAYMENT_METHOD_ID, "plan": PLAN_IDS["travel"],
        "subscriptionDetails": [{"sim": sim_of(api, "esim")["id"], "user": user}]})
    err(response, 422, "invalidType")


def test_plan_requiring_an_address(api) -> None:
    user = new_user(api, "home@example.com")
    sim = sim_of(api, "psim")["id"]
    err(order(api, sim, user["id"], plan="resident"), 422, "userAddressRequired")
    address = ok(api.post(f"/projects/demo/users/{user['id']}/addresses", json={
        "line1": "Hauptstr. 1", "city": "Berlin", "postalCode": "10115", "country": "DE"}))
    err(order(api, sim, user["id"], plan="resident", userAddress=address["id"]), 422,
        "userFullNameRequired")
    ok(api.patch(f"/projects/demo/users/{user['id']}", json={"fullName": "Hanna Heim"}))
    ok(order(api, sim, user["id"], plan="resident", userAddress=address["id"]))


def test_delayed_sim_activates_only_after_its_delay(api, sandbox) -> None:
    sim = sim_of(api, "delayed")["id"]
    user = new_user(api, "slow@example.com")["id"]
    sub = ok(api.post("/projects/demo/subscriptions",
                      json={"plan": PLAN_IDS["classic"], "sim": sim, "user": user}))
    advance(api, 30)
    assert ok(api.get(f"/projects/demo/subscriptions/{sub['id']}"))["status"] == "pending"
    advance(api, 20)
    assert ok(api.get(f"/projects/demo/subscriptions/{sub['id']}"))["status"] == "active"


def test_usage_started_plan_stays_pending_until_used(api) -> None:
    pending = ok(api.get("/projects/demo/subscriptions", params={"status": "pending"}))["items"]
    assert len(pending) == 1 and pending[0]["plan"]["activationTrigger"] == "usageStarted"
    sub = pending[0]
    creds = ok(api.get(f"/projects/demo/sims/{sub['sim']['id']}/credentials"))
    assert creds["activationCode"]  # the eSIM is ready though the subscription is pending
    advance(api, 3600)
    assert ok(api.get(f"/projects/demo/subscriptions/{sub['id']}"))["status"] == "pending"
    ok(api.post(f"/_sandbox/subscriptions/{sub['id']}/usage"))
    used = ok(api.get(f"/projects/demo/subscriptions/{sub['id']}"))
    assert used["status"] == "active" and used["firstUsageAt"]


def test_auto_esim_and_placeholders(api) -> None:
    user = new_user(api, "ph@example.com")["id"]
    auto = ok(api.post("/projects/demo/subscriptions",
                       json={"plan": PLAN_IDS["travel"], "sim": "auto", "user": user}))
    assert auto["sim"] is None and auto["status"] == "pending"
    advance(api, 1)
    auto = ok(api.get(f"/projects/demo/subscriptions/{auto['id']}"))
    assert auto["sim"]["type"] == "eSIM" and auto["status"] == "active"
    test = ok(api.post("/projects/demo/subscriptions",
                       json={"plan": PLAN_IDS["classic"], "sim": "sim_test_psim", "user": user}))
    assert test["sim"]["id"] != "sim_test_psim" and test["sim"]["provider"] == "test"
    assert test["sim"]["iccid"].startswith("8942424242") and len(test["sim"]["iccid"]) == 20
    found = ok(api.post("/projects/demo/sims/search", json={"iccid": "89424242420000037469"}))
    assert found["items"][0]["id"] == "sim_test_esim"
    assert found["items"][0]["createdAt"] == "2021-01-01T00:00:00Z"
    err(api.post("/projects/demo/sims/search", json={"iccid": "123"}), 422, "invalidICCID")
    err(api.patch("/projects/demo/sims/sim_test_psim", json={"metadata": {}}), 403)


def test_p3_profile_progresses_and_confirmation_code_flag(api) -> None:
    user = new_user(api, "p3@example.com", fullName="P Three")
    sim = sim_of(api, "profile")["id"]
    address = ok(api.post(f"/projects/demo/users/{user['id']}/addresses",
                          json={"line1": "A 1", "city": "B", "country": "DE"}))
    ok(order(api, sim, user["id"], plan="resident", userAddress=address["id"]))
    advance(api, 1)
    statuses = []
    for _ in range(3):
        statuses.append(ok(api.get(f"/projects/demo/sims/{sim}/eSimProfile"))["status"])
        advance(api, 5)
    assert statuses == ["unknown", "installed", "enabled"]
    tablet = sim_of(api, "tablet")["id"]
    code = ok(api.get(f"/projects/demo/sims/{tablet}/credentials"))["activationCode"]
    assert code.startswith("LPA:1$") and code.endswith("$$1")


def test_device_create_update_delete(api) -> None:
    created = ok(api.post("/projects/demo/devices", json={
        "imei": "358507310000018", "sims": ["sim_test_esim"], "name": "Booth phone"}))
    assert created["model"]["name"] == "Pixel 9" and created["sims"][0]["type"] == "eSIM"
    user = new_user(api, "owner@example.com")["id"]
    updated = ok(api.patch(f"/projects/demo/devices/{created['id']}", json={"user": user}))
    assert updated["user"]["id"] == user
    assert ok(api.get("/projects/demo/devices", params={"user": user}))["items"][0][
        "id"] == created["id"]
    ok(api.delete(f"/projects/demo/devices/{created['id']}"))
    err(api.get(f"/projects/demo/devices/{created['id']}"), 404)


# -- faults and control ----------------------------------------------------------------------

def test_faults_are_set_read_and_cleared_at_run_time(api) -> None:
    ok(api.put("/_sandbox/faults", json={"latency_ms": 0, "rules": [
        {"kind": "429", "path": "*/plans", "retry_after": 2, "count": 1}]}))
    limited = api.get("/projects/demo/plans")
    assert limited.status_code == 429 and limited.headers["retry-after"] == "2"
    assert limited.json()["type"] == "tooManyRequests"
    ok(api.get("/projects/demo/plans"))  # count exhausted
    ok(api.post("/_sandbox/faults", json={"kind": "503", "method": "GET"}))
    assert api.get("/projects/demo/plans").status_code == 503
    assert ok(api.get("/_sandbox/faults"))["rules"][0]["status"] == 503
    ok(api.delete("/_sandbox/faults"))
    ok(api.get("/projects/demo/plans"))
    assert api.put("/_sandbox/faults", json={"rules": [{"kind": "explode"}]}).status_code == 422


def test_drop_after_commits_then_closes(api, sandbox) -> None:
    ok(api.post("/_sandbox/faults", json={"kind": "drop_after", "method": "POST",
                                          "path": "*/users", "count": 1}))
    with pytest.raises(httpx.RemoteProtocolError):
        api.post("/projects/demo/users", json={"email": "dropped@example.com"})
    assert any(u["email"] == "dropped@example.com" for u in sandbox.sandbox.store.users.values())


def test_stats_and_reset(api) -> None:
    new_user(api, "gone@example.com")
    stats = ok(api.get("/_sandbox/stats"))
    assert stats["requests"]["POST /users"] == 1 and stats["counts"]["users"] == 4
    ok(api.post("/_sandbox/reset"))
    assert ok(api.get("/_sandbox/stats"))["counts"]["users"] == 3
