"""A loopback proxy in front of a running sandbox that changes only what the real API may do.

The sandbox and the client were written from the same reference; this proxy stands between
them and behaves as the docs allow the real API to (REFERENCE.md section 10), whatever the
sandbox itself is set to:

- `sim_filter="ignore"`: `GET /subscriptions?sim=` loses its `sim` (every subscription comes back,
  still paginated); `"refuse"`: it is answered 422 without reaching the sandbox.
- `strip_subscription_details=True`: `subscriptionDetails` is null on every order that is not
  `quoted` (the docs promise it only there).
- `lose_order_answers=N`: the next N `POST /orders` reach the sandbox, which acts on them, and
  then the connection closes without an answer.

Usable from sync and async tests alike (it runs in its own thread):

    with GigsProxy(sandbox.url, sim_filter="ignore", lose_order_answers=1) as proxy:
        ...  # point the client at proxy.url
    async with GigsProxy(sandbox.url, strip_subscription_details=True) as proxy:
        ...

Rules are plain attributes and may be changed while it runs; `exchanges` records what passed.
"""

from __future__ import annotations

import asyncio
import json
import re
import threading
from dataclasses import dataclass
from typing import Any

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from kiosk.sandbox.app import DroppedResponse
from kiosk.sandbox.serve import ThreadedServer

SIM_FILTERS = ("pass", "ignore", "refuse")
SUBSCRIPTION_LIST = re.compile(r"^/projects/[^/]+/subscriptions$")
ORDER_CREATE = re.compile(r"^/projects/[^/]+/orders$")
ORDER_PATHS = re.compile(r"^/projects/[^/]+/orders(/[^/]+)?$")
#: Hop-by-hop and framing headers: httpx sets its own, and decodes the body it passes on.
_SKIP_REQUEST = {"host", "content-length", "connection", "transfer-encoding", "keep-alive"}
_SKIP_RESPONSE = {"content-length", "content-encoding", "transfer-encoding", "connection",
                  "keep-alive"}


@dataclass
class Exchange:
    """One request through the proxy: what was forwarded and what became of the answer.

    `outcome`: "answered", "refused" (answered by the proxy, never forwarded), "lost" (acted on
    upstream, connection closed) or "dropped" (the upstream itself closed the connection).
    """

    method: str
    path: str
    query: list[tuple[str, str]]
    status: int | None
    outcome: str


class GigsProxy(ThreadedServer):
    def __init__(self, upstream: str, *, sim_filter: str = "pass",
                 strip_subscription_details: bool = False, lose_order_answers: int = 0,
                 host: str = "127.0.0.1", port: int | None = None,
                 upstream_timeout: float = 120.0) -> None:
        if sim_filter not in SIM_FILTERS:
            raise ValueError(f"sim_filter must be one of {', '.join(SIM_FILTERS)}")
        self.upstream = upstream.rstrip("/")
        self.sim_filter = sim_filter
        self.strip_subscription_details = strip_subscription_details
        self.lose_order_answers = lose_order_answers
        self.upstream_timeout = upstream_timeout
        self.exchanges: list[Exchange] = []
        self._lock = threading.Lock()
        super().__init__(Starlette(routes=[Route("/{path:path}", self._forward, methods=[
            "GET", "POST", "PATCH", "PUT", "DELETE"])]), host, port, name="proxy")

    def count(self, method: str, pattern: str, outcome: str | None = None) -> int:
        """Exchanges whose method matches and whose path matches the regex `pattern`."""
        with self._lock:
            return sum(e.method == method and re.search(pattern, e.path) is not None
                       and (outcome is None or e.outcome == outcome) for e in self.exchanges)

    # -- the proxy ----------------------------------------------------------------------------

    async def _forward(self, request: Request) -> Response:
        method, path = request.method, request.url.path
        query = list(request.query_params.multi_items())
        if method == "GET" and SUBSCRIPTION_LIST.match(path) and any(k == "sim" for k, _ in query):
            if self.sim_filter == "refuse":
                self._record(method, path, query, 422, "refused")
                return JSONResponse(_unknown_parameter("sim"), status_code=422)
            if self.sim_filter == "ignore":
                query = [(k, v) for k, v in query if k != "sim"]
        headers = {k: v for k, v in request.headers.items() if k.lower() not in _SKIP_REQUEST}
        body = await request.body()
        try:
            async with httpx.AsyncClient(base_url=self.upstream,
                                         timeout=self.upstream_timeout) as client:
                upstream = await client.request(method, path, params=query, content=body,
                                                headers=headers)
        except httpx.TransportError:
            self._record(method, path, query, None, "dropped")
            return DroppedResponse()  # the sandbox closed on us: the client sees the same
        if method == "POST" and ORDER_CREATE.match(path) and self._take_lost_answer():
            self._record(method, path, query, upstream.status_code, "lost")
            return DroppedResponse()
        content = upstream.content
        if self.strip_subscription_details and ORDER_PATHS.match(path):
            content = _strip_details(content)
        self._record(method, path, query, upstream.status_code, "answered")
        out_headers = {k: v for k, v in upstream.headers.items()
                       if k.lower() not in _SKIP_RESPONSE}
        return Response(content, status_code=upstream.status_code, headers=out_headers)

    def _take_lost_answer(self) -> bool:
        with self._lock:
            if self.lose_order_answers <= 0:
                return False
            self.lose_order_answers -= 1
            return True

    def _record(self, method: str, path: str, query: list[tuple[str, str]], status: int | None,
                outcome: str) -> None:
        with self._lock:
            self.exchanges.append(Exchange(method, path, query, status, outcome))

    # -- running --------------------------------------------------------------------------------

    async def __aenter__(self) -> GigsProxy:
        return await asyncio.to_thread(self.start)

    async def __aexit__(self, *exc: object) -> None:
        await asyncio.to_thread(self.stop)


def _unknown_parameter(key: str) -> dict[str, Any]:
    """The documented error object (REFERENCE.md 1.6) for a filter the API does not know."""
    return {"object": "error", "type": "invalid", "code": "invalidParameter",
            "message": f"Unknown query parameter '{key}'.", "hint": f"Remove the parameter {key}.",
            "documentation": ["https://developers.gigs.com/docs/concepts/error-handling"]}


def _strip_details(content: bytes) -> bytes:
    try:
        data = json.loads(content)
    except (json.JSONDecodeError, UnicodeDecodeError):
        return content  # not JSON (a malformed-answer fault): pass it on as it is
    orders = data.get("items", []) if isinstance(data, dict) and data.get("object") == "list" \
        else [data]
    changed = False
    for order in orders:
        if isinstance(order, dict) and order.get("object") == "order" \
                and order.get("status") != "quoted" and order.get("subscriptionDetails") is not None:
            order["subscriptionDetails"] = None
            changed = True
    return json.dumps(data).encode() if changed else content
