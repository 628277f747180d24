"""The allow-list, table-driven: every allowed shape passes, forbidden shapes are refused."""

from __future__ import annotations

import inspect
import json
import re
from pathlib import Path

import pytest

from kiosk.gateway import allow
from kiosk.gigs.client import GigsClient

POLICY = allow.Policy(project="demo", payment_method="pm_store")
P = "/projects/demo"
ORDER = {"paymentMethod": "pm_store", "plan": "pln_1",
         "subscriptionDetails": {"sim": "sim_1", "user": "usr_1", "userAddress": None}}

ALLOWED = [
    ("POST", P + "/devices/search", "", {"imei": "358507311042123"}),
    ("POST", "/deviceModels/search", "", {"imei": "358507311042123"}),
    ("GET", P + "/plans", "status=available&limit=100", None),
    ("GET", P + "/plans", "simType=eSIM%2CpSIM&status=available&limit=100&after=pln_9", None),
    ("POST", P + "/users", "", {"email": "a@example.com", "fullName": "Ann Example",
                                "birthday": "1990-01-02", "preferredLocale": "de-DE"}),
    ("POST", P + "/users/search", "", {"email": "a@example.com"}),
    ("PATCH", P + "/users/usr_1", "", {"fullName": "Ann"}),
    ("GET", P + "/users/usr_1/addresses", "limit=100", None),
    ("POST", P + "/users/usr_1/addresses", "", {"line1": "Main St 1", "line2": None,
                                                "city": "Berlin", "state": None,
                                                "postalCode": "10115", "country": "DE"}),
    ("GET", P + "/paymentMethods/pm_store", "", None),
    ("POST", P + "/orders", "", ORDER),
    ("GET", P + "/orders", "user=usr_1&limit=100", None),
    ("GET", P + "/orders/ord_1", "", None),
    ("GET", P + "/subscriptions", "user=usr_1&limit=100", None),
    ("GET", P + "/subscriptions", "sim=sim_1&limit=10", None),
    ("GET", P + "/subscriptions/sub_1", "", None),
    ("GET", P + "/sims/sim_1", "", None),
    ("GET", P + "/sims/sim_1/credentials", "", None),
    ("GET", P + "/sims/sim_1/eSimProfile", "", None),
]

FORBIDDEN = [
    ("listing users", "GET", P + "/users", "", None, "allow-list"),
    ("listing users, filtered", "GET", P + "/users", "limit=100", None, "allow-list"),
    ("subscriptions across the project", "GET", P + "/subscriptions", "limit=100", None,
     "per user or per SIM"),
    ("subscriptions by status only", "GET", P + "/subscriptions", "status=active", None,
     "per user or per SIM"),
    ("orders across the project", "GET", P + "/orders", "limit=100", None, "per user"),
    ("payment methods listed", "GET", P + "/paymentMethods", "", None, "allow-list"),
    ("another payment method", "POST", P + "/orders", "",
     {**ORDER, "paymentMethod": "pm_someone_else"}, "store's payment method"),
    ("another payment method retrieved", "GET", P + "/paymentMethods/pm_x", "", None,
     "store's payment method"),
    ("an unknown top-level field", "POST", P + "/orders", "", {**ORDER, "coupon": "FREE"},
     "'coupon' is not allowed"),
    ("an unknown nested field", "POST", P + "/orders", "",
     {**ORDER, "subscriptionDetails": {"sim": "sim_1", "user": "usr_1", "plan": "x"}},
     "not allowed"),
    ("an unknown query parameter", "GET", P + "/plans", "project=other", None, "not allowed"),
    ("a foreign project", "GET", "/projects/other/plans", "", None, "one Gigs project"),
    ("an id with an encoded slash", "GET", P + "/users/usr_1%2F..%2Fx", "", None, "ids are"),
    ("an id that is ..", "GET", P + "/sims/../users", "", None, "ids are"),
    ("an id that is .. below", "GET", P + "/sims/sim_1/..", "", None, "ids are"),
    ("an empty segment", "GET", P + "//plans", "", None, "ids are"),
    ("deleting a user", "DELETE", P + "/users/usr_1", "", None, "allow-list"),
    ("changing a SIM", "PATCH", P + "/sims/sim_1", "", {"status": "x"}, "allow-list"),
    ("a device registered", "POST", P + "/devices", "", {"imei": "358507311042123"},
     "allow-list"),
    ("a subscription without an order", "POST", P + "/subscriptions", "",
     {"plan": "pln_1", "sim": "sim_1", "user": "usr_1"}, "without an order"),
    ("a connect session", "POST", P + "/connectSessions", "", {"intent": {}}, "allow-list"),
    ("a body where none belongs", "GET", P + "/plans", "", {"x": 1}, "no body"),
    ("a body that is a list", "POST", P + "/users/search", "", ["a@b.c"], "JSON object"),
    ("an IMEI that is not digits", "POST", P + "/devices/search", "", {"imei": "x" * 15},
     "expected shape"),
    ("a repeated filter", "GET", P + "/orders", "user=usr_1&user=usr_2", None, "expected shape"),
    ("a limit past 200", "GET", P + "/plans", "limit=500", None, "1 to 200"),
    ("the project's own settings", "GET", P, "", None, "allow-list"),
]


def _body(value: object) -> bytes:
    return b"" if value is None else json.dumps(value).encode()


@pytest.mark.parametrize(("method", "path", "query", "body"), ALLOWED,
                         ids=[f"{m} {p}?{q}" for m, p, q, _ in ALLOWED])
def test_each_allowed_shape_passes(method: str, path: str, query: str, body: object) -> None:
    found = allow.check(method, path, query, _body(body), POLICY)
    assert found.rule.method == method
    assert "demo" not in found.endpoint and "_1" not in found.endpoint  # a template, no ids


@pytest.mark.parametrize(("what", "method", "path", "query", "body", "reason"), FORBIDDEN,
                         ids=[f[0] for f in FORBIDDEN])
def test_each_forbidden_shape_is_refused_with_a_reason(
        what: str, method: str, path: str, query: str, body: object, reason: str) -> None:
    with pytest.raises(allow.Refused) as refused:
        allow.check(method, path, query, _body(body), POLICY)
    assert reason in refused.value.message
    assert "usr_1" not in refused.value.endpoint and "sim_1" not in refused.value.endpoint


def test_orders_need_a_configured_store_method() -> None:
    with pytest.raises(allow.Refused, match="no payment method"):
        allow.check("POST", P + "/orders", "", _body(ORDER), allow.Policy("demo", None))


def test_direct_subscriptions_only_when_the_gateway_allows_them() -> None:
    body = _body({"plan": "pln_1", "sim": "sim_1", "user": "usr_1"})
    allowed = allow.check("POST", P + "/subscriptions", "", body,
                          allow.Policy("demo", "pm_store", direct_subscriptions=True))
    assert allowed.rule.special == "direct"


def test_every_rule_names_a_real_client_method() -> None:
    for rule in allow.ALLOW:
        for name in re.findall(r"[a-z_]+(?= |,|$)", rule.client.split(" (")[0]) or [rule.client]:
            assert hasattr(GigsClient, name), rule


# Client methods the kiosk flow calls that go through the gateway's own answers or that
# the flow needs only outside gateway mode.
NOT_FORWARDED = {"aclose", "new_idempotency_key"}


def test_every_client_call_of_the_flow_has_a_rule() -> None:
    """The table is derived from what kiosk/flow calls: a new call there must come here."""
    flow = Path(__file__).resolve().parents[2] / "kiosk" / "flow"
    called = set()
    for source in flow.glob("*.py"):
        called |= set(re.findall(r"client\.([a-z_]+)\b", source.read_text()))
    covered = {name.strip() for rule in allow.ALLOW
               for name in re.split(r"[,(]", rule.client) if name.strip()}
    covered = {c.split()[0] for c in covered}
    requests = {n for n in called if inspect.iscoroutinefunction(getattr(GigsClient, n, None))}
    assert {"create_order", "search_devices", "subscriptions_of_sim"} <= requests
    missing = requests - covered - NOT_FORWARDED
    assert not missing, f"kiosk/flow calls {sorted(missing)}: add them to kiosk/gateway/allow.py"
