"""The gateway's own endpoints for kiosks: join, heartbeat, the event stream, health."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import math
import time
from collections.abc import AsyncIterator
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse

from kiosk.gateway.web import (
    UNAUTHORIZED, admit, client_address, gateway_of, gigs_error, json_object,
)

log = logging.getLogger("kiosk.gateway")
MODES = ("kiosk", "qa", "pair")
COUNTERS = ("activations_today", "failures_today", "pending")


async def health(request: Request) -> Response:
    """200 `{"ok": true}` while this replica can reach the database (load balancers)."""
    gw = gateway_of(request)
    try:
        await gw.db(gw.store.ping)
    except Exception as exc:
        log.warning("health: the database is unavailable (%s)", type(exc).__name__)
        return JSONResponse({"ok": False}, status_code=503)
    return JSONResponse({"ok": True})


async def join(request: Request) -> Response:
    """A one-time code for a kiosk token. Wrong, used and expired codes get one message."""
    gw = gateway_of(request)
    started = time.monotonic()
    address = client_address(request.scope, gw.config)

    async def done(response: Response, kiosk: str | None = None, store: str | None = None,
                   note: str | None = None) -> Response:
        await gw.db(gw.store.audit, kiosk=kiosk, store=store, method="POST",
                    endpoint="/gateway/v1/join", status=response.status_code,
                    latency_ms=(time.monotonic() - started) * 1000, note=note)
        return response

    wait = await gw.db(gw.store.hit, f"j:{address}", gw.config.join_limit, 60)
    if wait is not None:
        refused = gigs_error(429, "rateLimited", "too many join attempts: wait a minute",
                             {"Retry-After": str(int(wait))})
        # Audited once a minute per address: a flood must not fill the audit log.
        if await gw.db(gw.store.hit, f"ja:{address}", 1, 60) is not None:
            return refused
        return await done(refused, note="join limit: further refusals this minute not audited")
    body = await json_object(request, 4096)
    code = body.get("code") if body else None
    name = body.get("name", "kiosk") if body else None
    version = body.get("version", "") if body else None
    if not (isinstance(code, str) and isinstance(name, str) and isinstance(version, str)
            and name.isprintable() and version.isprintable()):
        return await done(gigs_error(400, "malformed",
                                     'send {"code": "...", "name": "...", "version": "..."}'))
    joined = await gw.db(gw.store.join, code, name=name[:100] or "kiosk", version=version[:40])
    if joined is None:
        return await done(gigs_error(403, "forbidden", "this code is wrong, used or expired: "
                                     "ask for a new one"), note="code refused")
    # `payment_method`: the one the gateway lets this kiosk's orders use (the kiosk's flow
    # names it in each order); beyond the contract's four fields, which the kiosk side reads.
    answer = JSONResponse({"kiosk": joined.kiosk, "token": joined.token, "store": joined.store,
                           "project": gw.config.project,
                           "payment_method": joined.payment_method or gw.config.payment_method},
                          status_code=201,
                          headers={"Cache-Control": "no-store"})
    return await done(answer, joined.kiosk, joined.store)


def _heartbeat_values(body: dict[str, Any]) -> dict[str, Any] | str:
    """The known fields, range-checked (unknown ones ignored); a string says what is wrong."""
    values: dict[str, Any] = {}
    version = body.get("version")
    if version is not None:
        if not isinstance(version, str) or len(version) > 40 or not version.isprintable():
            return "version: text of at most 40 characters"
        values["version"] = version
    mode = body.get("mode")
    if mode is not None:
        if mode not in MODES:
            return "mode: kiosk, qa or pair"
        values["mode"] = mode
    if "camera_fps" in body:
        fps = body["camera_fps"]
        if fps is not None and (isinstance(fps, bool) or not isinstance(fps, (int, float))
                                or not math.isfinite(fps) or not 0 <= fps <= 1000):
            return "camera_fps: a number from 0 to 1000, or null"
        values["camera_fps"] = fps
    for name in COUNTERS:
        if name in body:
            n = body[name]
            if isinstance(n, bool) or not isinstance(n, int) or not 0 <= n <= 1_000_000:
                return f"{name}: a whole number from 0 to 1000000"
            values[name] = n
    return values


async def heartbeat(request: Request) -> Response:
    gw = gateway_of(request)
    kiosk, refusal = await admit(request)
    if kiosk is None:
        return gigs_error(401, *UNAUTHORIZED)
    if refusal is not None:
        return refusal
    body = await json_object(request, 4096)
    if body is None:
        return gigs_error(400, "malformed", "a heartbeat is a JSON object")
    values = _heartbeat_values(body)
    if isinstance(values, str):
        return gigs_error(422, "invalid", f"heartbeat {values}")
    await gw.heartbeat(kiosk.kiosk, values)
    return Response(status_code=204)


def _sse(row: dict[str, Any]) -> str:
    data = {"id": row["object_id"], "status": row["status"], "type": row["type"]}
    return f"id: {row['seq']}\nevent: {row['kind']}\ndata: {json.dumps(data)}\n\n"


async def events(request: Request) -> Response:
    """The kiosk's events, read from the database (any replica may have stored them) when
    the process's event hub (kiosk/gateway/hub.py) sees new ones for this kiosk; a
    keep-alive comment every `keepalive_seconds`; the stream ends when the kiosk is revoked
    or opens a newer stream here."""
    gw = gateway_of(request)
    started = time.monotonic()
    kiosk, refusal = await admit(request)
    if kiosk is None:
        return gigs_error(401, *UNAUTHORIZED)
    if refusal is not None:
        return refusal
    if len(gw.hub) >= gw.max_streams:
        return gigs_error(503, "unavailable", "this gateway has too many open event streams: "
                          "poll, or try again later", {"Retry-After": "30"})
    last_id = request.headers.get("last-event-id", "").strip()
    if last_id.isdigit() and len(last_id) < 19:
        after = int(last_id)
    else:
        # A new stream (a kiosk restarted): from now on, not the kiosk's whole history of
        # stored events; the kiosk polls once after each connect for what came before.
        after = await gw.db(gw.store.last_event_seq, kiosk.kiosk)
    gw.auditor.add(kiosk=kiosk.kiosk, store=kiosk.store, method="GET",
                   endpoint="/gateway/v1/events", status=200,
                   latency_ms=(time.monotonic() - started) * 1000)
    async def stream() -> AsyncIterator[str]:
        nonlocal after
        # Listening starts with the stream: a client gone before its first byte leaves
        # nothing registered.
        listener = gw.hub.listen(kiosk.kiosk)
        try:
            yield "retry: 3000\n\n"
            quiet_since = time.monotonic()
            # Read first (what came since `after`), then on every wake and at every
            # keep-alive: an event whose wake was missed (numbered long before others that
            # committed first) waits one keep-alive interval at most.
            while not listener.ended:
                listener.wake.clear()  # before reading: a wake during the read is kept
                for row in await gw.db(gw.store.events_after, kiosk.kiosk, after):
                    after = int(row["seq"])
                    quiet_since = time.monotonic()
                    yield _sse(row)
                left = gw.config.keepalive_seconds - (time.monotonic() - quiet_since)
                if left <= 0:
                    quiet_since = time.monotonic()
                    yield ": keep-alive\n\n"
                    left = gw.config.keepalive_seconds
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(listener.wake.wait(), left)
        finally:
            gw.hub.leave(listener)

    return StreamingResponse(stream(), media_type="text/event-stream",
                             headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"})
