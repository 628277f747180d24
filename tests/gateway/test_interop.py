"""Both halves of docs/gateway-protocol.md together: the kiosk side's own join, heartbeat and
event-stream code (kiosk.fleet_client*) against this real gateway, over loopback."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import httpx

from kiosk.fleet_client import FleetClient
from kiosk.fleet_client_join import join as kiosk_join
from kiosk.flow.wake import StatusEvents
from kiosk.gateway.webhooks import sign
from tests.gateway.conftest import WEBHOOK_SECRET, GatewayFactory
from tests.gateway.helpers import client_for, place_order


def test_the_kiosk_side_joins_beats_and_hears_its_order(make_gateway: GatewayFactory,
                                                        tmp_path: Path) -> None:
    gw, store, _ = make_gateway(f"sqlite:///{tmp_path / 'g.sqlite3'}")
    code = store.enroll("STORE-042", valid_seconds=600, payment_method="pm_1SandboxStoreCounter4242")

    async def go() -> None:
        joined = await kiosk_join(gw.url, code.lower(), name="till 1")
        assert joined.store == "STORE-042" and joined.project == "demo"
        assert joined.payment_method == "pm_1SandboxStoreCounter4242"
        async with client_for(gw.url, joined.token) as client:
            order = await place_order(client)
        events = StatusEvents()
        fleet = FleetClient(gw.url, joined.token, events, status=lambda: {
            "mode": "kiosk", "camera_fps": 12.0, "activations_today": 1, "failures_today": 0,
            "pending": 1})
        assert await fleet.heartbeat()
        fleet.start()
        try:
            for _ in range(100):
                if events.connected:
                    break
                await asyncio.sleep(0.05)
            assert events.connected
            body = json.dumps({"object": "event", "id": "evt_interop", "project": "demo",
                               "type": "com.gigs.order.updated",
                               "data": {"object": "order", "id": order,
                                        "status": "completed"}}).encode()
            async with httpx.AsyncClient() as http:
                answer = await http.post(gw.url + "/webhooks/gigs", content=body,
                                         headers={"X-Gigs-Signature": sign(WEBHOOK_SECRET, body)})
            assert answer.json()["stored"] is True
            for _ in range(100):
                if events.last_status.get(order) == "completed":
                    break
                await asyncio.sleep(0.05)
            assert events.last_status.get(order) == "completed"
            assert fleet.counters.events_ignored == 0
        finally:
            await fleet.stop()
        row = next(k for k in store.kiosks() if k["kiosk"] == joined.kiosk)
        assert (row["mode"], row["camera_fps"], row["pending"]) == ("kiosk", 12.0, 1)

    asyncio.run(go())
