"""The gateway as an ASGI app (Starlette), and how `kiosk gateway serve` runs it (uvicorn).

Any number of worker processes and replicas may serve the same database: everything a
request needs is read from it (kiosks, rate windows, events), nothing is kept in memory
between requests but the HTTP client to Gigs.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from typing import Any

import httpx
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from kiosk.gateway import fleet, kiosk_api, proxy, webhooks
from kiosk.gateway.config import GatewayConfig, from_env
from kiosk.gateway.store import Store
from kiosk.gateway.web import DATABASE_ERRORS, Gateway, PlainHttpGuard, gigs_error
from kiosk.redact import install_redaction

log = logging.getLogger("kiosk.gateway")
PRUNE_EVERY = 600.0
METHODS = ["GET", "POST", "PATCH", "PUT", "DELETE"]


async def _prune_forever(gw: Gateway, every: float) -> None:
    while True:
        try:
            gone = await gw.db(gw.store.prune, audit_days=gw.config.audit_days)
            if gone:
                log.info("pruned %d audit rows older than %g days", gone, gw.config.audit_days)
        except Exception as exc:  # the database may be away for a while: try again later
            log.warning("pruning failed: %s", type(exc).__name__)
        await asyncio.sleep(every)


async def _database_down(request: Request, exc: Exception) -> Response:
    log.warning("the database failed: %s", type(exc).__name__)
    return gigs_error(503, "unavailable", "the gateway's database is unavailable: try again",
                      {"Retry-After": "5"})


def create_app(config: GatewayConfig, store: Store, *,
               transport: httpx.AsyncBaseTransport | None = None,
               prune_every: float | None = PRUNE_EVERY) -> Starlette:
    """The app over a migrated `store`. `prune_every=None`: no pruning task (tests)."""
    gw = Gateway(config, store)
    upstream = proxy.Upstream(config.api.base_url, config.api.bearer, transport)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        task = asyncio.create_task(_prune_forever(gw, prune_every)) if prune_every else None
        try:
            yield
        finally:
            if task:
                task.cancel()
            await gw.close()
            await upstream.aclose()

    routes = [
        Route("/gateway/v1/health", kiosk_api.health, methods=["GET"]),
        Route("/gateway/v1/join", kiosk_api.join, methods=["POST"]),
        Route("/gateway/v1/heartbeat", kiosk_api.heartbeat, methods=["POST"]),
        Route("/gateway/v1/events", kiosk_api.events, methods=["GET"]),
        Route("/webhooks/gigs", webhooks.receive, methods=["POST"]),
        Route("/fleet", fleet.page, methods=["GET"]),
        Route("/fleet/login", fleet.login, methods=["POST"]),
        Route("/fleet/logout", fleet.logout, methods=["POST"]),
        Route("/fleet/revoke", fleet.revoke, methods=["POST"]),
        Route("/{path:path}", proxy.forward, methods=METHODS),
    ]
    app = Starlette(routes=routes, lifespan=lifespan,
                    middleware=[Middleware(PlainHttpGuard, config=config)],
                    exception_handlers={e: _database_down for e in DATABASE_ERRORS})
    app.state.gateway = gw
    app.state.upstream = upstream
    return app


def app_from_env() -> Starlette:
    """The factory each uvicorn worker calls: settings from the environment, schema migrated
    (under the advisory lock, so workers and replicas starting together do not race)."""
    install_redaction()
    config = from_env()
    return create_app(config, Store.open(config.database_url))


def serve(host: str, port: int, workers: int, log_level: str = "warning", **extra: Any) -> None:
    import uvicorn

    uvicorn.run("kiosk.gateway.app:app_from_env", factory=True, host=host, port=port,
                workers=workers if workers > 1 else None, log_level=log_level,
                access_log=False,  # the audit log is the access log: templates, no ids
                proxy_headers=False,  # X-Forwarded-* only from trusted proxies (web.py)
                server_header=False, timeout_graceful_shutdown=5,
                # libuv's event loop and the C HTTP parser: the gateway's own work per request
                # falls by a quarter, and its 99th percentile under 20 ms (bench_gateway.py).
                loop="uvloop" if _has("uvloop") else "asyncio",
                http="httptools" if _has("httptools") else "h11", **extra)


def _has(module: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(module) is not None
