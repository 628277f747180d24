"""`POST /webhooks/gigs`: Gigs events about orders placed through the gateway, for the kiosks.

Gigs' webhook signature scheme is UNCONFIRMED (REFERENCE §5: a third-party note says
delivery goes through Svix, with `webhook-id`/`webhook-timestamp`/`webhook-signature`). Until
it is confirmed, the gateway verifies an HMAC-SHA256 of the raw body with a shared secret
(`GATEWAY_WEBHOOK_SECRET`), in a configurable header (`GATEWAY_WEBHOOK_HEADER`, default
`X-Gigs-Signature`) and encoding (`GATEWAY_WEBHOOK_ENCODING`: hex or base64; an optional
`sha256=` prefix is accepted). Without a secret configured every webhook is refused.

Only events about orders the gateway forwarded (and those orders' subscriptions) are
stored; each goes to the stream of the kiosk that placed the order. Everything else is
acknowledged and dropped (Gigs would otherwise send it again and again).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import time
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from kiosk.gateway.allow import SEGMENT
from kiosk.gateway.config import GatewayConfig
from kiosk.gateway.store import Store
from kiosk.gateway.web import BodyTooLarge, client_address, gateway_of, gigs_error, read_body

MAX_EVENT = 256 * 1024
#: Refused deliveries audited per client address and minute; past it, answered unaudited.
AUDITED_FAILURES = 20


def signature_ok(config: GatewayConfig, header: str | None, body: bytes) -> bool:
    if not config.webhook_secret or not header:
        return False
    given = header.strip()
    if given.lower().startswith("sha256="):
        given = given[7:]
    digest = hmac.new(config.webhook_secret.encode(), body, hashlib.sha256).digest()
    try:
        if config.webhook_encoding == "base64":
            return hmac.compare_digest(base64.b64decode(given, validate=True), digest)
        return hmac.compare_digest(bytes.fromhex(given), digest)
    except (ValueError, binascii.Error):
        return False


def sign(secret: str, body: bytes, encoding: str = "hex") -> str:
    """The header value a sender computes (for tests and for a relay in front)."""
    digest = hmac.new(secret.encode(), body, hashlib.sha256).digest()
    return base64.b64encode(digest).decode() if encoding == "base64" else digest.hex()


def _id(value: Any) -> str | None:
    if isinstance(value, dict):
        value = value.get("id")
    return value if isinstance(value, str) and SEGMENT.fullmatch(value) else None


def store_event(store: Store, project: str, event: Any) -> bool:
    """Store one CloudEvents envelope for the kiosk it concerns; False when it concerns none."""
    if not isinstance(event, dict) or event.get("object", "event") != "event":
        return False
    type_, event_id, data = event.get("type"), _id(event.get("id")), event.get("data")
    if (not isinstance(type_, str) or not type_.startswith("com.gigs.") or len(type_) > 100
            or event_id is None or not isinstance(data, dict)):
        return False
    if event.get("project") not in (None, project):
        return False
    status = data.get("status") if isinstance(data.get("status"), str) else None
    object_id = _id(data)
    if object_id is None:
        return False
    if type_.startswith("com.gigs.order."):
        kiosk = store.owner_of("order", object_id)
        if kiosk is None:
            return False
        store.order_seen(object_id, _id(data.get("subscription")), status)
        kind = "order.updated"
    elif type_.startswith("com.gigs.subscription."):
        kiosk = store.owner_of("subscription", object_id)
        kind = "subscription.updated"
    else:
        return False
    if kiosk is None:
        return False
    return store.add_event(event_id=event_id, kiosk=kiosk, kind=kind, object_id=object_id,
                           status=status[:30] if status else None, type_=type_)


async def receive(request: Request) -> Response:
    gw = gateway_of(request)
    started = time.monotonic()

    async def done(response: Response, note: str | None = None) -> Response:
        if response.status_code >= 400:  # a flood of bad deliveries must not fill the audit
            address = client_address(request.scope, gw.config)
            if await gw.db(gw.store.hit, f"w:{address}", AUDITED_FAILURES, 60) is not None:
                return response
        await gw.db(gw.store.audit, kiosk=None, store=None, method="POST",
                    endpoint="/webhooks/gigs", status=response.status_code,
                    latency_ms=(time.monotonic() - started) * 1000, note=note)
        return response

    if not gw.config.webhook_secret:
        return await done(gigs_error(403, "forbidden", "webhooks are not configured on this "
                                     "gateway (GATEWAY_WEBHOOK_SECRET)"))
    try:
        body = await read_body(request, MAX_EVENT)
    except BodyTooLarge:
        return await done(gigs_error(413, "forbidden", "the event is too large"))
    if not signature_ok(gw.config, request.headers.get(gw.config.webhook_header), body):
        return await done(gigs_error(401, "unauthorized", "bad or missing webhook signature"))
    try:
        event = json.loads(body)
    except (ValueError, RecursionError):
        return await done(gigs_error(400, "malformed", "the event is not JSON"))
    stored = await gw.db(store_event, gw.store, gw.config.project, event)
    return await done(JSONResponse({"received": True, "stored": stored}),
                      "stored" if stored else "not for a kiosk")
