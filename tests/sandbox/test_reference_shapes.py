"""The sandbox's objects against the reference's field tables, one test per object type."""

from __future__ import annotations

import time


from kiosk.sandbox.seed import DEMO_IMEIS, PLAN_IDS, STORE_PAYMENT_METHOD_ID
from tests.sandbox.conftest import ok
from tests.sandbox.reference import problems

def device(api, key="esim") -> dict:
    body = ok(api.post("/projects/demo/devices/search", json={"imei": DEMO_IMEIS[key]}))
    assert problems("list", body) == []
    return body["items"][0]


def activated_esim(api) -> tuple[dict, dict]:
    """Order the eSIM demo device onto a plan and wait for the subscription to be active."""
    sim = device(api)["sims"][0]
    user = ok(api.post("/projects/demo/users", json={"email": "shape@example.com",
                                                     "fullName": "Shape Test"}))
    order = ok(api.post("/projects/demo/orders", json={
        "paymentMethod": STORE_PAYMENT_METHOD_ID, "plan": PLAN_IDS["travel"],
        "subscriptionDetails": {"sim": sim["id"], "user": user["id"]}}))
    for _ in range(200):
        order = ok(api.get(f"/projects/demo/orders/{order['id']}"))
        if order["status"] == "completed":
            sub = ok(api.get(f"/projects/demo/subscriptions/{order['subscription']}"))
            if sub["status"] == "active":
                return order, sub
        time.sleep(0.01)
    raise AssertionError("never activated")


def test_device(api) -> None:
    for key in ("esim", "psim", "dual1", "active", "nosim"):
        assert problems("device", device(api, key)) == []


def test_device_model(api) -> None:
    body = ok(api.post("/deviceModels/search", json={"imei": DEMO_IMEIS["unregistered_esim"]}))
    assert problems("list", body) == [] and body["items"]
    assert problems("deviceModel", body["items"][0]) == []
    listed = ok(api.get("/deviceModels", params={"simType": "eSIM", "limit": 200}))
    assert all(problems("deviceModel", m) == [] for m in listed["items"])
    brands = ok(api.get("/deviceModelBrands"))
    assert brands["object"] == "deviceModelBrands" and brands["items"] == sorted(brands["items"])


def test_sim(api) -> None:
    listed = ok(api.get("/projects/demo/sims", params={"limit": 200}))
    assert listed["items"] and all(problems("sim", s) == [] for s in listed["items"])


def test_sim_credentials(api) -> None:
    _, sub = activated_esim(api)
    creds = ok(api.get(f"/projects/demo/sims/{sub['sim']['id']}/credentials"))
    assert problems("simCredentials", creds) == []
    assert creds["activationCode"].startswith("LPA:1$")
    psim = device(api, "psim")["sims"][0]
    creds = ok(api.get(f"/projects/demo/sims/{psim['id']}/credentials"))
    assert problems("simCredentials", creds) == [] and creds["activationCode"] is None


def test_esim_profile(api) -> None:
    _, sub = activated_esim(api)
    profile = ok(api.get(f"/projects/demo/sims/{sub['sim']['id']}/eSimProfile"))
    assert problems("eSimProfile", profile) == [] and profile["status"] == "unknown"
    psim = device(api, "psim")["sims"][0]
    missing = api.get(f"/projects/demo/sims/{psim['id']}/eSimProfile")
    assert missing.status_code == 404 and problems("error", missing.json()) == []


def test_plan(api) -> None:
    listed = ok(api.get("/projects/demo/plans", params={"limit": 200}))
    assert len(listed["items"]) >= 4
    for plan in listed["items"]:
        assert problems("plan", plan) == []
        assert set(plan["allowances"]) == {"dataBytes", "voiceSeconds", "smsMessages"}
        assert set(plan["price"]) == {"amount", "currency"}
    assert ok(api.get(f"/projects/demo/plans/{PLAN_IDS['resident']}"))["requirements"][
        "address"] == "present"


def test_subscription(api) -> None:
    _, sub = activated_esim(api)
    assert problems("subscription", sub) == []
    assert sub["currentPeriod"]["number"] == 1 and sub["activatedAt"]


def test_order(api) -> None:
    order, _ = activated_esim(api)
    assert problems("order", order) == []
    assert order["lastPayment"]["object"] == "payment"


def test_payment_method(api) -> None:
    listed = ok(api.get("/projects/demo/paymentMethods"))
    assert listed["items"] and all(problems("paymentMethod", p) == [] for p in listed["items"])


def test_user(api) -> None:
    created = ok(api.post("/projects/demo/users", json={"email": "u@example.com"}))
    assert problems("user", created) == [] and created["emailVerified"] is False
    found = ok(api.post("/projects/demo/users/search", json={"email": "U@example.com"}))
    assert [u["id"] for u in found["items"]] == [created["id"]]


def test_user_address(api) -> None:
    user = ok(api.post("/projects/demo/users", json={"email": "a@example.com"}))
    address = ok(api.post(f"/projects/demo/users/{user['id']}/addresses", json={
        "line1": "129 West 81st Street", "line2": "Apartment 5A", "city": "New York City",
        "state": "NY", "postalCode": "10024", "country": "US"}))
    assert problems("userAddress", address) == [] and address["user"] == user["id"]


def test_error(api) -> None:
    for response in (api.get("/projects/demo/subscriptions/sub_nope"),
                     api.post("/projects/demo/devices/search", json={"imei": "123"}),
                     api.get("/projects/demo/plans", headers={"Authorization": ""})):
        assert response.status_code in (401, 404, 422)
        assert problems("error", response.json()) == []
