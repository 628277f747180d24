"""Webhooks to kiosks' event streams across replicas; signatures; no secret in audit or logs."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa

from kiosk.gateway import db, tokens
from kiosk.gateway.webhooks import sign
from tests.gateway.conftest import ADMIN_TOKEN, GIGS_TOKEN, WEBHOOK_SECRET, GatewayFactory
from tests.gateway.helpers import (
    PSIM_IMEI, Stream, audit_written, bearer, client_for, join, place_order,
)


def _event(event_id: str, type_: str, data: dict[str, object], project: str = "demo") -> bytes:
    return json.dumps({"object": "event", "id": event_id, "type": type_, "data": data,
                       "project": project, "specversion": "1.0",
                       "source": "https://api.gigs.com"}).encode()


def _deliver(url: str, body: bytes, signature: str | None = None,
             header: str = "X-Gigs-Signature") -> httpx.Response:
    headers = {"Content-Type": "application/json"}
    if signature is not None:
        headers[header] = signature
    return httpx.post(url + "/webhooks/gigs", content=body, headers=headers)


def _order(url: str, token: str, email: str) -> str:
    async def go() -> str:
        async with client_for(url, token) as client:
            return await place_order(client, email)

    return asyncio.run(go())


def test_a_webhook_on_one_replica_reaches_the_ordering_kiosk_streaming_from_another(
        make_gateway: GatewayFactory, pg_url: str) -> None:
    gw_a, store, _ = make_gateway(pg_url)
    gw_b, _, _ = make_gateway(pg_url)
    mine = join(gw_a.url, store, name="till 1")
    other = join(gw_b.url, store, name="till 2")
    order = _order(gw_b.url, mine["token"], "ann@example.com")
    mine_stream, other_stream = Stream(gw_a.url, mine["token"]), Stream(gw_a.url, other["token"])
    try:
        time.sleep(0.3)
        body = _event("evt_1", "com.gigs.order.updated",
                      {"object": "order", "id": order, "status": "completed",
                       "subscription": "sub_42"})
        stored = _deliver(gw_b.url, body, sign(WEBHOOK_SECRET, body))
        assert stored.status_code == 200 and stored.json()["stored"] is True
        sub = _event("evt_2", "com.gigs.subscription.activated",
                     {"object": "subscription", "id": "sub_42", "status": "active"})
        assert _deliver(gw_b.url, sub, sign(WEBHOOK_SECRET, sub)).json()["stored"] is True
        again = _deliver(gw_a.url, body, sign(WEBHOOK_SECRET, body))  # a redelivery
        assert again.status_code == 200 and again.json()["stored"] is False
        events = mine_stream.wait_for(2)
        assert [(e["event"], e["data"]) for e in events] == [
            ("order.updated", {"id": order, "status": "completed",
                               "type": "com.gigs.order.updated"}),
            ("subscription.updated", {"id": "sub_42", "status": "active",
                                      "type": "com.gigs.subscription.activated"})]
        assert int(events[1]["id"]) > int(events[0]["id"])
        time.sleep(1.2)  # keep-alives every 0.5 s in these tests; no event for the other kiosk
        assert other_stream.events() == [] and ": keep-alive" in other_stream.lines
        assert mine_stream.status == other_stream.status == 200
    finally:
        mine_stream.close()
        other_stream.close()
    resumed = Stream(gw_b.url, mine["token"], last_event_id=events[0]["id"])
    try:
        assert [e["data"]["id"] for e in resumed.wait_for(1)] == ["sub_42"]
        time.sleep(0.5)
        assert len(resumed.events()) == 1  # nothing before Last-Event-ID again
        store.revoke(mine["kiosk"])
        assert resumed.ended.wait(5), "the stream of a revoked kiosk must end"
    finally:
        resumed.close()
    assert Stream(gw_a.url, mine["token"]).ended.wait(5)


def test_a_new_stream_starts_now_not_with_the_kiosks_whole_history(
        make_gateway: GatewayFactory, pg_url: str) -> None:
    """Without Last-Event-ID (a restarted kiosk) the stream starts at the newest event: the
    kiosk polls once after connecting, so 30 days of stored events are not replayed."""
    gw, store, _ = make_gateway(pg_url)
    gw_b, _, _ = make_gateway(pg_url)  # one live stream per kiosk per replica
    mine = join(gw.url, store, name="till 1")
    order = _order(gw.url, mine["token"], "bea@example.com")
    old = _event("evt_old", "com.gigs.order.updated",
                 {"object": "order", "id": order, "status": "pending"})
    assert _deliver(gw.url, old, sign(WEBHOOK_SECRET, old)).json()["stored"] is True
    fresh = Stream(gw.url, mine["token"])
    replay = Stream(gw_b.url, mine["token"], last_event_id="0")
    try:
        time.sleep(0.3)
        new = _event("evt_new", "com.gigs.order.updated",
                     {"object": "order", "id": order, "status": "completed"})
        assert _deliver(gw.url, new, sign(WEBHOOK_SECRET, new)).json()["stored"] is True
        assert [e["data"]["status"] for e in fresh.wait_for(1)] == ["completed"]
        assert [e["data"]["status"] for e in replay.wait_for(2)] == ["pending", "completed"]
        time.sleep(0.5)
        assert len(fresh.events()) == 1
    finally:
        fresh.close()
        replay.close()


def test_events_about_strangers_orders_are_not_stored(make_gateway: GatewayFactory,
                                                      database_url: str) -> None:
    gw, store, _ = make_gateway(database_url)
    join(gw.url, store)
    for body in (_event("evt_9", "com.gigs.order.updated", {"id": "ord_elsewhere"}),
                 _event("evt_8", "com.gigs.subscription.activated", {"id": "sub_elsewhere"}),
                 _event("evt_7", "com.gigs.plan.updated", {"id": "pln_1"}),
                 b'{"object": "event"}'):
        answer = _deliver(gw.url, body, sign(WEBHOOK_SECRET, body))
        assert answer.status_code == 200 and answer.json()["stored"] is False
    with store.engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(db.events)).scalar() == 0


@pytest.mark.parametrize("signature", [None, "", "00" * 32, "sha256=" + "ab" * 32, "zz",
                                       sign("another-secret-0123456789", b"{}")])
def test_bad_signatures_are_refused(make_gateway: GatewayFactory, tmp_path: Path,
                                    signature: str | None) -> None:
    gw, store, _ = make_gateway(f"sqlite:///{tmp_path}/g.sqlite3")
    body = _event("evt_1", "com.gigs.order.updated", {"id": "ord_1"})
    answer = _deliver(gw.url, body, signature)
    assert answer.status_code == 401 and answer.json()["type"] == "unauthorized"
    assert _deliver(gw.url, body, sign(WEBHOOK_SECRET, body)).status_code == 200
    tampered = body.replace(b"ord_1", b"ord_2")
    assert _deliver(gw.url, tampered, sign(WEBHOOK_SECRET, body)).status_code == 401
    assert [r["status"] for r in store.audit_rows(limit=3)] == [401, 200, 401]


def test_webhooks_are_refused_without_a_secret_and_honour_header_and_encoding(
        make_gateway: GatewayFactory, tmp_path: Path) -> None:
    body = _event("evt_1", "com.gigs.order.updated", {"id": "ord_1"})
    off, _, _ = make_gateway(f"sqlite:///{tmp_path}/a.sqlite3", GATEWAY_WEBHOOK_SECRET="")
    answer = _deliver(off.url, body, sign(WEBHOOK_SECRET, body))
    assert answer.status_code == 403 and "GATEWAY_WEBHOOK_SECRET" in answer.json()["message"]
    b64, _, _ = make_gateway(f"sqlite:///{tmp_path}/b.sqlite3",
                             GATEWAY_WEBHOOK_HEADER="Webhook-Signature",
                             GATEWAY_WEBHOOK_ENCODING="base64")
    good = sign(WEBHOOK_SECRET, body, "base64")
    assert _deliver(b64.url, body, good, "Webhook-Signature").status_code == 200
    assert _deliver(b64.url, body, good, "X-Gigs-Signature").status_code == 401
    assert _deliver(b64.url, body, sign(WEBHOOK_SECRET, body), "Webhook-Signature"
                    ).status_code == 401


def test_no_key_token_or_code_reaches_the_audit_the_database_or_the_logs(
        make_gateway: GatewayFactory, database_url: str, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    gw, store, _ = make_gateway(database_url)
    joined = join(gw.url, store)
    order = _order(gw.url, joined["token"], "bob@example.com")
    token = joined["token"]
    httpx.get(gw.url + "/projects/demo/users", headers=bearer(token))
    httpx.get(gw.url + "/projects/demo/plans", headers=bearer(token[:-2] + "xx"))
    httpx.post(gw.url + "/gateway/v1/join", json={"code": joined["code"]})
    body = _event("evt_1", "com.gigs.order.updated", {"id": order, "status": "paid"})
    _deliver(gw.url, body, sign(WEBHOOK_SECRET, body))
    _deliver(gw.url, body, "sha256=" + "00" * 32)
    with httpx.Client(base_url=gw.url) as browser:
        browser.post("/fleet/login", data={"token": ADMIN_TOKEN})
        browser.post("/fleet/login", data={"token": ADMIN_TOKEN[:-1]})
        browser.get("/fleet")
    audit_written(gw)
    with store.engine.connect() as conn:
        everything = repr([conn.execute(sa.select(t)).all() for t in db.metadata.sorted_tables])
    assert len(store.audit_rows(limit=1000)) >= 10
    secrets = {"Gigs key": GIGS_TOKEN, "kiosk token": token,
               "token secret": token[-43:][:20], "enrolment code": joined["code"],
               "code as stored": tokens.normal_code(joined["code"]),
               "webhook secret": WEBHOOK_SECRET, "admin token": ADMIN_TOKEN,
               "IMEI": PSIM_IMEI}
    logs = caplog.text + " ".join(str(r.args) for r in caplog.records)
    for what, secret in secrets.items():
        assert secret and secret not in everything, f"the {what} is in the database"
        assert secret not in logs, f"the {what} is in the logs"
