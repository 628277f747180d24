"""The gateway over real HTTP on loopback, with the real sandbox as Gigs: join, forwarding
with the kiosk's own client, refusals audited, revocation, rate limits across replicas,
heartbeats, plain HTTP refused, the fleet page."""

from __future__ import annotations

import asyncio
import re
import time

import httpx
import pytest

from kiosk.gateway import tokens
from kiosk.gateway.app import create_app
from kiosk.gateway.config import from_env
from kiosk.gateway.store import Store
from kiosk.gigs.errors import AuthenticationError, PermissionDeniedError
from kiosk.sandbox.seed import STORE_PAYMENT_METHOD_ID
from kiosk.sandbox.serve import ThreadedSandbox
from tests.gateway.conftest import ADMIN_TOKEN, GatewayFactory, Served, gateway_env
from tests.gateway.helpers import (
    ACTIVE_IMEI, PSIM_IMEI, audit_written, bearer, client_for, join, place_order,
)


def test_join_answers_per_contract_and_a_code_works_once(make_gateway: GatewayFactory,
                                                         database_url: str) -> None:
    gw, store, _ = make_gateway(database_url)
    joined = join(gw.url, store)
    assert set(joined) - {"code"} == {"kiosk", "token", "store", "project", "payment_method"}
    assert joined["payment_method"] == STORE_PAYMENT_METHOD_ID  # the gateway's default
    own = join(gw.url, store, store_id="STORE-7", payment_method="pm_store7")
    assert own["payment_method"] == "pm_store7"
    assert tokens.KIOSK_ID.fullmatch(joined["kiosk"]) and joined["project"] == "demo"
    assert re.fullmatch(r"kt_ksk_[a-z2-7]{12}_[A-Za-z0-9_-]{43}", joined["token"])
    again = httpx.post(gw.url + "/gateway/v1/join", json={"code": joined["code"], "name": "x"})
    wrong = httpx.post(gw.url + "/gateway/v1/join", json={"code": "2345-6789-ABCD"})
    assert again.status_code == wrong.status_code == 403
    assert again.json() == wrong.json()  # one message: used and wrong look the same
    assert again.json()["object"] == "error" and again.json()["type"] == "forbidden"


def test_an_expired_code_is_refused(make_gateway: GatewayFactory, database_url: str) -> None:
    now = [1_800_000_000.0]
    gw, store, _ = make_gateway(database_url, clock=lambda: now[0])
    code = store.enroll("STORE-042", valid_seconds=60, payment_method=None)
    now[0] += 120
    answer = httpx.post(gw.url + "/gateway/v1/join", json={"code": code})
    assert answer.status_code == 403


def test_the_kiosk_client_works_through_the_gateway_and_orders_are_recorded(
        make_gateway: GatewayFactory, database_url: str) -> None:
    gw, store, _ = make_gateway(database_url)
    joined = join(gw.url, store)

    async def go() -> str:
        async with client_for(gw.url, joined["token"]) as client:
            order = await place_order(client)
            # The SIM of a subscribed device: answered by the gateway, this SIM's only
            # (the sandbox ignores ?sim=, as Gigs may).
            device = (await client.search_devices(ACTIVE_IMEI))[0]
            subs = await client.subscriptions_of_sim(device.sims[0].id)
            assert subs and all(s.sim is not None and s.sim.id == device.sims[0].id
                                for s in subs)
            return order

    order = asyncio.run(go())
    assert store.owner_of("order", order) == joined["kiosk"]
    # The ordered SIM's credentials: this kiosk only (an eSIM code is for the visit that
    # ordered it), another kiosk of the same store is refused.
    other = join(gw.url, store, name="till 2")
    sim = httpx.post(gw.url + "/projects/demo/devices/search", json={"imei": PSIM_IMEI},
                     headers=bearer(joined["token"])).json()["items"][0]["sims"][0]["id"]
    creds = f"/projects/demo/sims/{sim}/credentials"
    assert httpx.get(gw.url + creds, headers=bearer(joined["token"])).status_code == 200
    refused = httpx.get(gw.url + creds, headers=bearer(other["token"]))
    assert refused.status_code == 403 and "ordered for this SIM" in refused.json()["message"]
    # Its eSIM profile (installed or not, and when) likewise; the sandbox answers 404 for
    # a pSIM, as Gigs does: forwarded for the kiosk that ordered, refused for the other.
    profile = f"/projects/demo/sims/{sim}/eSimProfile"
    assert httpx.get(gw.url + profile, headers=bearer(joined["token"])).status_code == 404
    refused = httpx.get(gw.url + profile, headers=bearer(other["token"]))
    assert refused.status_code == 403 and "ordered for this SIM" in refused.json()["message"]
    audit_written(gw)
    rows = store.audit_rows(limit=50)
    assert {r["endpoint"] for r in rows} >= {"/projects/{project}/orders",
                                             "/projects/{project}/devices/search"}
    assert all("ord_" not in r["endpoint"] and "usr_" not in r["endpoint"] for r in rows)
    searched = [r for r in rows if r["endpoint"].endswith("/devices/search")]
    assert all(re.fullmatch(r"[0-9]{8}\*{6}[0-9]", r["imei"]) for r in searched)


FORBIDDEN_HTTP = [
    ("GET", "/projects/demo/users", None),
    ("GET", "/projects/demo/subscriptions?limit=100", None),
    ("POST", "/projects/demo/orders", {"paymentMethod": "pm_1SandboxJerrysCard1881",
                                       "plan": "pln_x", "subscriptionDetails": {
                                           "sim": "sim_x", "user": "usr_x"}}),
    ("POST", "/projects/demo/users", {"email": "a@b.c", "admin": True}),
    ("GET", "/projects/other/plans", None),
    ("GET", "/projects/demo/sims/%2E%2E/credentials", None),
    ("GET", "/projects/demo/users/usr_1%2Fx", None),
    ("DELETE", "/projects/demo/users/usr_1", None),
]


@pytest.mark.parametrize(("method", "path", "body"), FORBIDDEN_HTTP,
                         ids=[f"{m} {p}" for m, p, _ in FORBIDDEN_HTTP])
def test_forbidden_calls_are_refused_in_the_gigs_shape_and_audited(
        make_gateway: GatewayFactory, tmp_path: object, method: str, path: str,
        body: object, sandbox: object) -> None:
    gw, store, _ = make_gateway(f"sqlite:///{tmp_path}/g.sqlite3")
    joined = join(gw.url, store)
    answer = httpx.request(method, gw.url + path, json=body, headers=bearer(joined["token"]))
    assert answer.status_code == 403
    error = answer.json()
    assert error["object"] == "error" and error["type"] == "forbidden"
    assert error["message"].startswith("the gateway refused this: ")
    last = store.audit_rows(limit=1)[0]
    assert (last["kiosk"], last["status"], last["method"]) == (joined["kiosk"], 403, method)
    assert last["note"].startswith("refused: ")
    assert "usr_1" not in last["endpoint"] and "sim_x" not in last["endpoint"]


def test_a_refusal_reaches_the_kiosk_client_as_one_clear_error(
        make_gateway: GatewayFactory, tmp_path: object) -> None:
    gw, store, _ = make_gateway(f"sqlite:///{tmp_path}/g.sqlite3")
    joined = join(gw.url, store)

    async def go() -> None:
        async with client_for(gw.url, joined["token"]) as client:
            with pytest.raises(PermissionDeniedError, match="allow-list"):
                await client.list_users()

    asyncio.run(go())


def test_revocation_holds_from_the_next_request_on_every_replica(
        make_gateway: GatewayFactory, database_url: str) -> None:
    gw_a, store, _ = make_gateway(database_url)
    gw_b, _, _ = make_gateway(database_url)
    joined = join(gw_a.url, store)
    plans = "/projects/demo/plans?status=available"
    assert httpx.get(gw_b.url + plans, headers=bearer(joined["token"])).status_code == 200
    assert store.revoke(joined["kiosk"])
    for url in (gw_a.url, gw_b.url):
        answer = httpx.get(url + plans, headers=bearer(joined["token"]))
        assert answer.status_code == 401 and answer.json()["type"] == "unauthorized"
    assert httpx.get(gw_a.url + plans).status_code == 401  # no token at all

    async def go() -> None:
        async with client_for(gw_b.url, joined["token"]) as client:
            with pytest.raises(AuthenticationError):
                await client.list_plans()

    asyncio.run(go())


def test_the_rate_limit_is_shared_by_two_replicas(make_gateway: GatewayFactory,
                                                  pg_url: str) -> None:
    clock = lambda: 1_800_000_010.0  # noqa: E731 -- one window for the whole test
    gw_a, store, _ = make_gateway(pg_url, clock=clock, GATEWAY_RATE_LIMIT="5")
    gw_b, _, _ = make_gateway(pg_url, clock=clock, GATEWAY_RATE_LIMIT="5")
    joined = join(gw_a.url, store)
    other = join(gw_b.url, store, name="till 2")
    plans = "/projects/demo/plans?status=available"
    codes = [httpx.get((gw_a.url, gw_b.url)[i % 2] + plans,
                       headers=bearer(joined["token"])).status_code for i in range(7)]
    assert codes == [200] * 5 + [429, 429]
    limited = httpx.get(gw_b.url + plans, headers=bearer(joined["token"]))
    assert limited.json()["type"] == "rateLimited" and int(limited.headers["Retry-After"]) >= 1
    assert httpx.get(gw_a.url + plans, headers=bearer(other["token"])).status_code == 200


def test_heartbeats_are_stored_and_range_checked(make_gateway: GatewayFactory,
                                                 database_url: str) -> None:
    gw, store, _ = make_gateway(database_url)
    joined = join(gw.url, store)
    beat = {"version": "0.2.0", "mode": "kiosk", "camera_fps": 14.5, "activations_today": 3,
            "failures_today": 1, "pending": 0, "future_field": "ignored"}
    answer = httpx.post(gw.url + "/gateway/v1/heartbeat", json=beat,
                        headers=bearer(joined["token"]))
    assert answer.status_code == 204
    row = next(k for k in store.kiosks() if k["kiosk"] == joined["kiosk"])
    assert (row["version"], row["mode"], row["camera_fps"], row["activations_today"],
            row["failures_today"], row["pending"]) == ("0.2.0", "kiosk", 14.5, 3, 1, 0)
    assert row["last_seen"] is not None
    for bad in ({"mode": "root"}, {"camera_fps": -1}, {"pending": 1.5}, {"pending": True},
                {"activations_today": 10**9}):
        refused = httpx.post(gw.url + "/gateway/v1/heartbeat", json=bad,
                             headers=bearer(joined["token"]))
        assert refused.status_code == 422, bad
    assert httpx.post(gw.url + "/gateway/v1/heartbeat", json=beat).status_code == 401


def test_plain_http_is_refused_off_loopback_unless_configured(tmp_path: object,
                                                              sandbox: object) -> None:
    url = f"sqlite:///{tmp_path}/g.sqlite3"
    base = gateway_env("http://127.0.0.1:9", url)

    async def status(env: dict[str, str], peer: str, headers: dict[str, str],
                     path: str = "/gateway/v1/join") -> int:
        config = from_env(env)
        app = create_app(config, Store.open(url), prune_every=None)
        transport = httpx.ASGITransport(app=app, client=(peer, 5555))
        async with httpx.AsyncClient(transport=transport, base_url="http://gw") as http:
            return (await http.post(path, json={}, headers=headers)).status_code

    assert asyncio.run(status(base, "10.1.2.3", {})) == 403
    assert asyncio.run(status(base, "10.1.2.3", {"X-Forwarded-Proto": "https"})) == 403
    assert asyncio.run(status(base, "127.0.0.1", {})) == 400  # loopback: through to join
    proxied = {**base, "GATEWAY_TRUSTED_PROXIES": "10.1.2.0/24"}
    assert asyncio.run(status(proxied, "10.1.2.3", {"X-Forwarded-Proto": "https"})) == 400
    assert asyncio.run(status(proxied, "10.9.9.9", {"X-Forwarded-Proto": "https"})) == 403
    plain = {**base, "GATEWAY_ALLOW_PLAIN_HTTP": "1"}
    assert asyncio.run(status(plain, "10.1.2.3", {})) == 400


def test_the_fleet_page_lists_escapes_and_revokes(make_gateway: GatewayFactory,
                                                  database_url: str) -> None:
    gw, store, _ = make_gateway(database_url)
    joined = join(gw.url, store, name="<script>alert(1)</script>")
    httpx.post(gw.url + "/gateway/v1/heartbeat", headers=bearer(joined["token"]),
               json={"version": "0.3.1", "mode": "qa", "camera_fps": 9.25, "pending": 2})
    with httpx.Client(base_url=gw.url) as browser:
        assert 'name=token' in browser.get("/fleet").text  # the login form, nothing else
        assert "Wrong token" in browser.post("/fleet/login", data={"token": "nope"}).text
        signed_in = browser.post("/fleet/login", data={"token": ADMIN_TOKEN})
        assert signed_in.status_code == 303
        cookie = signed_in.headers["set-cookie"].lower()
        assert "httponly" in cookie and "samesite=strict" in cookie and ADMIN_TOKEN not in cookie
        page = browser.get("/fleet").text
        assert joined["kiosk"] in page and "0.3.1" in page and "9.2" in page
        assert "<script>alert" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
        csrf = re.search(r"name=csrf value=\"?([0-9a-f]+)", page)
        assert csrf is not None
        forged = browser.post("/fleet/revoke", data={"kiosk": joined["kiosk"], "csrf": "0" * 32})
        assert forged.status_code == 403 and store.is_active(joined["kiosk"])
        browser.post("/fleet/revoke", data={"kiosk": joined["kiosk"], "csrf": csrf.group(1)})
    assert not store.is_active(joined["kiosk"])
    answer = httpx.get(gw.url + "/projects/demo/plans", headers=bearer(joined["token"]))
    assert answer.status_code == 401
    assert httpx.post(gw.url + "/fleet/revoke", data={"kiosk": "x"}).status_code == 403


def test_the_serving_process_prunes_the_audit_log_past_its_retention(
        tmp_path: object, sandbox: ThreadedSandbox) -> None:
    url = f"sqlite:///{tmp_path}/g.sqlite3"
    now = [time.time() - 3 * 86400]
    store = Store(Store.open(url).engine, lambda: now[0])
    store.audit(kiosk="ksk_old", store="S", method="GET", endpoint="/x", status=200, latency_ms=1)
    now[0] = time.time()
    store.audit(kiosk="ksk_new", store="S", method="GET", endpoint="/x", status=200, latency_ms=1)
    config = from_env(gateway_env(sandbox.url, url, GATEWAY_AUDIT_DAYS="2"))
    served = Served(create_app(config, store, prune_every=0.1))
    try:
        deadline = time.monotonic() + 5
        while len(store.audit_rows()) > 1 and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        served.stop()
    assert [r["kiosk"] for r in store.audit_rows()] == ["ksk_new"]


def test_health_and_refusals_say_when_the_database_is_down(tmp_path: object) -> None:
    from kiosk.gateway import db
    from kiosk.sandbox.serve import free_port

    url = f"sqlite:///{tmp_path}/g.sqlite3"
    config = from_env(gateway_env("http://127.0.0.1:9", url))
    down = Store(db.engine_for(f"postgresql://postgres@127.0.0.1:{free_port()}/none"))

    async def go(store: Store) -> tuple[httpx.Response, httpx.Response]:
        app = create_app(config, store, prune_every=None)
        transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 5555))
        async with httpx.AsyncClient(transport=transport, base_url="http://gw") as http:
            health = await http.get("/gateway/v1/health")
            token = "Bearer kt_ksk_aaaaaaaaaaaa_" + "a" * 43
            return health, await http.get("/projects/demo/plans", headers={"Authorization": token})

    health, forwarded = asyncio.run(go(Store.open(url)))
    assert health.status_code == 200 and health.json() == {"ok": True}
    assert forwarded.status_code == 401
    health, forwarded = asyncio.run(go(down))
    assert health.status_code == 503 and health.json() == {"ok": False}
    assert forwarded.status_code == 503 and forwarded.json()["type"] == "unavailable"


def test_gigs_answer_reaches_the_kiosk_even_when_the_audit_cannot_be_written(
        make_gateway: GatewayFactory, tmp_path: object) -> None:
    import sqlalchemy as sa

    gw, store, _ = make_gateway(f"sqlite:///{tmp_path}/g.sqlite3")
    joined = join(gw.url, store)

    def broken(**_: object) -> None:
        raise sa.exc.OperationalError("INSERT INTO audit", {}, Exception("disk I/O error"))

    store.audit = broken  # type: ignore[method-assign]
    answer = httpx.get(gw.url + "/projects/demo/plans?status=available",
                       headers=bearer(joined["token"]))
    assert answer.status_code == 200 and answer.json()["object"] == "list"
    refused = httpx.get(gw.url + "/projects/demo/users", headers=bearer(joined["token"]))
    assert refused.status_code == 503  # nothing was sent: a refusal may fail as a whole


def test_bad_tokens_are_audited_but_a_flood_does_not_fill_the_log(
        make_gateway: GatewayFactory, tmp_path: object) -> None:
    from kiosk.gateway.proxy import UNAUTHENTICATED

    gw, store, _ = make_gateway(f"sqlite:///{tmp_path}/g.sqlite3")
    with httpx.Client(base_url=gw.url) as http:
        for _ in range(UNAUTHENTICATED + 10):
            answer = http.get("/projects/demo/plans", headers=bearer("kt_ksk_aaaaaaaaaaaa_" + "a" * 43))
            assert answer.status_code == 401
    rows = store.audit_rows(limit=1000)
    assert len(rows) == UNAUTHENTICATED and {r["note"] for r in rows} == {"no valid kiosk token"}
