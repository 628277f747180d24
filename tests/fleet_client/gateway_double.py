"""A small stand-in for the fleet gateway, as docs/gateway-protocol.md describes it to kiosks.

A test double of the contract (not `kiosk.gateway`): `POST /gateway/v1/join` (one-time codes),
`POST /gateway/v1/heartbeat`, `GET /gateway/v1/events` (text/event-stream, Last-Event-ID,
keep-alives), and Gigs API paths forwarded to a sandbox with the gateway's own API key. With
`webhooks` on it watches each order it forwarded and pushes `order.updated` and
`subscription.updated` as the sandbox's state changes (standing in for Gigs' webhooks).
Runs on a loopback port in its own thread; rules are plain attributes.
"""

from __future__ import annotations

import asyncio
import json
import secrets
import threading
from collections.abc import AsyncIterator
from typing import Any

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from kiosk.sandbox.serve import ThreadedServer

B32 = "abcdefghijklmnopqrstuvwxyz234567"
_SKIP = {"host", "content-length", "connection", "transfer-encoding", "keep-alive",
         "authorization", "content-encoding"}


def refusal(status: int, kind: str, message: str) -> JSONResponse:
    return JSONResponse({"object": "error", "type": kind, "message": message},
                        status_code=status)


class GatewayDouble(ThreadedServer):
    def __init__(self, upstream: str, api_key: str, *, project: str = "demo",
                 keep_alive: float = 0.5, webhooks: bool = True) -> None:
        self.upstream = upstream.rstrip("/")
        self.api_key = api_key
        self.project = project
        self.keep_alive = keep_alive
        self.webhooks = webhooks
        self.codes: dict[str, str] = {}  # normalized code -> store
        #: What join says is the store's payment method (None: none configured).
        self.payment_method: str | None = "pm_1SandboxStoreCounter4242"
        self.tokens: dict[str, str] = {}  # token -> kiosk id
        self.heartbeats: list[dict[str, Any]] = []
        self.forwarded: list[tuple[str, str]] = []
        self.events: list[tuple[int, str, dict[str, Any]]] = []
        self.joins = 0
        self.bearers: set[str] = set()  # every token kiosks sent
        #: 503 for every new stream; `drop_streams()` ends the open ones.
        self.refuse_streams = False
        self.stream_requests: list[str | None] = []  # each stream's Last-Event-ID
        self._generation = 0
        self._closing = False
        self._lock = threading.Lock()
        self._watchers: set[asyncio.Task[None]] = set()
        routes = [Route("/gateway/v1/join", self._join, methods=["POST"]),
                  Route("/gateway/v1/heartbeat", self._heartbeat, methods=["POST"]),
                  Route("/gateway/v1/events", self._events, methods=["GET"]),
                  Route("/{path:path}", self._forward, methods=["GET", "POST", "PATCH",
                                                                 "DELETE"])]
        super().__init__(Starlette(routes=routes), name="gateway double")

    # -- for tests ----------------------------------------------------------------------------

    def enroll(self, store: str = "STORE-042") -> str:
        alphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
        code = "".join(secrets.choice(alphabet) for _ in range(12))
        self.codes[code] = store
        return f"{code[:4]}-{code[4:8]}-{code[8:]}"

    def push(self, kind: str, data: dict[str, Any]) -> int:
        with self._lock:
            number = len(self.events) + 1
            self.events.append((number, kind, data))
            return number

    def drop_streams(self) -> None:
        self._generation += 1

    def stop(self) -> None:
        self._closing = True
        super().stop()

    def count(self, method: str, fragment: str) -> int:
        return sum(m == method and fragment in p for m, p in list(self.forwarded))

    # -- the contract -------------------------------------------------------------------------

    def _kiosk(self, request: Request) -> str | None:
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        self.bearers.add(token)
        return self.tokens.get(token) if scheme == "Bearer" else None

    async def _join(self, request: Request) -> Response:
        body = await request.json()
        code = str(body.get("code", "")).replace("-", "").upper()
        store = self.codes.pop(code, None)
        self.joins += 1
        if store is None:
            return refusal(403, "forbidden", "This enrolment code is wrong, used or expired.")
        kiosk = "ksk_" + "".join(secrets.choice(B32) for _ in range(12))
        token = f"kt_{kiosk}_{secrets.token_urlsafe(32)}"
        self.tokens[token] = kiosk
        return JSONResponse({"kiosk": kiosk, "token": token, "store": store,
                             "project": self.project, "payment_method": self.payment_method},
                            status_code=201)

    async def _heartbeat(self, request: Request) -> Response:
        kiosk = self._kiosk(request)
        if kiosk is None:
            return refusal(401, "unauthorized", "Unknown or revoked kiosk token.")
        self.heartbeats.append({"kiosk": kiosk, **await request.json()})
        return Response(status_code=204)

    async def _events(self, request: Request) -> Response:
        if self._kiosk(request) is None:
            return refusal(401, "unauthorized", "Unknown or revoked kiosk token.")
        last = request.headers.get("last-event-id")
        self.stream_requests.append(last)
        if self.refuse_streams:
            return refusal(503, "unavailable", "Events are not available now.")
        after = int(last) if last and last.isdigit() else len(self.events)
        return StreamingResponse(self._stream(after, self._generation),
                                 media_type="text/event-stream")

    async def _stream(self, after: int, generation: int) -> AsyncIterator[bytes]:
        loop = asyncio.get_running_loop()
        quiet_since = loop.time()
        yield b": keep-alive\n\n"
        while not self._closing and generation == self._generation:
            with self._lock:
                fresh = self.events[after:]
            for number, kind, data in fresh:
                yield f"id: {number}\nevent: {kind}\ndata: {json.dumps(data)}\n\n".encode()
                after = number
                quiet_since = loop.time()
            if loop.time() - quiet_since > self.keep_alive:
                yield b": keep-alive\n\n"
                quiet_since = loop.time()
            await asyncio.sleep(0.02)

    async def _forward(self, request: Request) -> Response:
        if self._kiosk(request) is None:
            return refusal(401, "unauthorized", "Unknown or revoked kiosk token.")
        path = request.url.path
        if not path.startswith(f"/projects/{self.project}/"):
            return refusal(403, "forbidden", "Not on the gateway's allow-list.")
        self.forwarded.append((request.method, path))
        headers = {k: v for k, v in request.headers.items() if k.lower() not in _SKIP}
        headers["authorization"] = f"Bearer {self.api_key}"
        async with httpx.AsyncClient(base_url=self.upstream, timeout=30) as client:
            answer = await client.request(request.method, path, headers=headers,
                                          params=list(request.query_params.multi_items()),
                                          content=await request.body())
        if (self.webhooks and request.method == "POST" and path.endswith("/orders")
                and answer.status_code < 300):
            task = asyncio.ensure_future(self._watch_order(answer.json()["id"]))
            self._watchers.add(task)
            task.add_done_callback(self._watchers.discard)
        out = {k: v for k, v in answer.headers.items() if k.lower() not in _SKIP}
        return Response(answer.content, status_code=answer.status_code, headers=out)

    async def _watch_order(self, order_id: str) -> None:
        """Gigs' webhooks, simulated: an event each time the order or its subscription
        changes status, read from the sandbox with the gateway's key."""
        seen: dict[str, str] = {}
        sub_id = None
        auth = {"authorization": f"Bearer {self.api_key}"}
        base = f"/projects/{self.project}"
        async with httpx.AsyncClient(base_url=self.upstream, headers=auth, timeout=10) as http:
            for _ in range(600):
                order = (await http.get(f"{base}/orders/{order_id}")).json()
                if order.get("status") != seen.get(order_id):
                    seen[order_id] = order["status"]
                    self.push("order.updated", {"id": order_id, "status": order["status"],
                                                "type": "com.gigs.order.updated"})
                sub_id = order.get("subscription") or sub_id
                if sub_id:
                    sub = (await http.get(f"{base}/subscriptions/{sub_id}")).json()
                    if sub.get("status") != seen.get(sub_id):
                        seen[sub_id] = sub["status"]
                        self.push("subscription.updated", {
                            "id": sub_id, "status": sub["status"],
                            "type": "com.gigs.subscription.updated"})
                    if sub.get("status") in ("active", "ended"):
                        return
                if order.get("status") == "canceled":
                    return
                await asyncio.sleep(0.05)
