"""Helpers of the gateway tests: joining, a kiosk's client, an order, an SSE reader."""

from __future__ import annotations

import json
import threading
import time
from typing import Any

import httpx

from kiosk.gateway.store import Store
from kiosk.gigs.client import GigsClient
from kiosk.sandbox.seed import DEMO_DEVICES, STORE_PAYMENT_METHOD_ID
from kiosk.settings import ApiSettings

PSIM_IMEI = next(d.imei for d in DEMO_DEVICES if d.key == "psim")
ACTIVE_IMEI = next(d.imei for d in DEMO_DEVICES if d.key == "active")


def join(url: str, store: Store, store_id: str = "STORE-042", name: str = "till 1",
         payment_method: str | None = None) -> dict[str, Any]:
    code = store.enroll(store_id, valid_seconds=600, payment_method=payment_method)
    answer = httpx.post(url + "/gateway/v1/join",
                        json={"code": code, "name": name, "version": "0.1.0"})
    assert answer.status_code == 201, answer.text
    return {**answer.json(), "code": code}


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def client_for(url: str, token: str) -> GigsClient:
    """The kiosk's own, unchanged client, with the gateway as its API."""
    return GigsClient(ApiSettings(api_url=url, project="demo", token=token, max_retries=0))


async def place_order(client: GigsClient, email: str = "ann@example.com") -> str:
    """The kiosk's path to an order, through the gateway: what the flow calls."""
    devices = await client.search_devices(PSIM_IMEI)
    sim = devices[0].sims[0].id
    assert await client.subscriptions_of_sim(sim) == []
    plans = await client.list_plans(status="available")
    plan = next(p for p in plans if any(t.value == "pSIM" for t in p.sim_types))
    method = await client.retrieve_payment_method(STORE_PAYMENT_METHOD_ID)
    assert method.id == STORE_PAYMENT_METHOD_ID
    user = await client.create_user(email=email, full_name="Ann Example")
    address = await client.create_user_address(user.id, line1="Main St 1", city="Berlin",
                                               postal_code="10115", country="DE")
    assert [a.id for a in await client.list_user_addresses(user.id)] == [address.id]
    order = await client.create_order(plan=plan.id, payment_method=STORE_PAYMENT_METHOD_ID,
                                      sim=sim, user=user.id, user_address=address.id,
                                      idempotency_key="key-" + email)
    assert (await client.retrieve_order(order.id)).id == order.id
    return order.id


class Stream:
    """`GET /gateway/v1/events` read in a thread: lines as they come."""

    def __init__(self, url: str, token: str, last_event_id: str | None = None) -> None:
        self.url, self.token, self.last = url, token, last_event_id
        self.lines: list[str] = []
        self.status: int | None = None
        self.ended = threading.Event()
        self._stop = False
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        headers = bearer(self.token)
        if self.last is not None:
            headers["Last-Event-ID"] = self.last
        try:
            with httpx.Client(timeout=httpx.Timeout(10, read=5)) as http, http.stream(
                    "GET", self.url + "/gateway/v1/events", headers=headers) as answer:
                self.status = answer.status_code
                for line in answer.iter_lines():
                    self.lines.append(line)
                    if self._stop:
                        break
        except httpx.HTTPError:
            pass
        finally:
            self.ended.set()

    def events(self) -> list[dict[str, Any]]:
        out, current = [], {}
        for line in list(self.lines):
            if not line:
                if "event" in current:
                    out.append(current)
                current = {}
            elif not line.startswith(":"):
                key, _, value = line.partition(": ")
                current[key] = json.loads(value) if key == "data" else value
        return out

    def wait_for(self, count: int, timeout: float = 10.0) -> list[dict[str, Any]]:
        deadline = time.monotonic() + timeout
        while len(self.events()) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        return self.events()

    def close(self) -> None:
        self._stop = True
        self.thread.join(timeout=5)


def audit_written(*served: Any, timeout: float = 5.0) -> None:
    """Wait until the gateways' audit writers hold no unwritten row (rows of answered
    requests are written just after their answers, kiosk/gateway/auditor.py)."""
    deadline = time.monotonic() + timeout
    while any(s.app.state.gateway.auditor.pending for s in served):
        assert time.monotonic() < deadline, "audit rows were not written"
        time.sleep(0.01)

