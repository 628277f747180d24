"""The embedded Gigs sandbox as an ASGI app: routing, auth, faults, idempotency, control routes."""

from __future__ import annotations

import asyncio
import hashlib
import json
import re
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field, fields, replace
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from kiosk.sandbox import api_accounts as acc
from kiosk.sandbox import api_devices as dev
from kiosk.sandbox import api_orders as ordr
from kiosk.sandbox import api_sims as sims
from kiosk.sandbox import seed
from kiosk.sandbox.config import SandboxConfig
from kiosk.sandbox.errors import ApiError, invalid
from kiosk.sandbox.faults import ConnectionDropped, FaultRule, Faults
from kiosk.sandbox.store import Store
from kiosk.sandbox.validate import Req, apply_filter_policy, check_query

P = "/projects/{project}"
ROUTES: list[tuple[str, str, Callable[[Store, Req], tuple[int, dict[str, Any]]]]] = [
    ("POST", P + "/devices/search", dev.search_devices),
    ("GET", P + "/devices", dev.list_devices),
    ("POST", P + "/devices", dev.create_device),
    ("GET", P + "/devices/{device}", dev.retrieve_device),
    ("PATCH", P + "/devices/{device}", dev.update_device),
    ("DELETE", P + "/devices/{device}", dev.delete_device),
    ("POST", "/deviceModels/search", dev.search_device_models),
    ("GET", "/deviceModels", dev.list_device_models),
    ("GET", "/deviceModels/{model}", dev.retrieve_device_model),
    ("GET", "/deviceModelBrands", dev.list_brands),
    ("GET", P + "/plans", dev.list_plans),
    ("GET", P + "/plans/{plan}", dev.retrieve_plan),
    ("POST", P + "/users/search", acc.search_users),
    ("GET", P + "/users", acc.list_users),
    ("POST", P + "/users", acc.create_user),
    ("GET", P + "/users/{user}", acc.retrieve_user),
    ("PATCH", P + "/users/{user}", acc.update_user),
    ("DELETE", P + "/users/{user}", acc.delete_user),
    ("GET", P + "/users/{user}/addresses", acc.list_addresses),
    ("POST", P + "/users/{user}/addresses", acc.create_address),
    ("GET", P + "/users/{user}/addresses/{address}", acc.retrieve_address),
    ("DELETE", P + "/users/{user}/addresses/{address}", acc.delete_address),
    ("GET", P + "/paymentMethods", acc.list_payment_methods),
    ("GET", P + "/paymentMethods/{paymentMethod}", acc.retrieve_payment_method),
    ("POST", P + "/orders", ordr.create_order),
    ("GET", P + "/orders", ordr.list_orders),
    ("GET", P + "/orders/{order}", ordr.retrieve_order),
    ("POST", P + "/subscriptions", ordr.create_subscription),
    ("GET", P + "/subscriptions", ordr.list_subscriptions),
    ("GET", P + "/subscriptions/{subscription}", ordr.retrieve_subscription),
    ("POST", P + "/sims/search", sims.search_sims),
    ("GET", P + "/sims", sims.list_sims),
    ("GET", P + "/sims/{sim}", sims.retrieve_sim),
    ("PATCH", P + "/sims/{sim}", sims.update_sim),
    ("GET", P + "/sims/{sim}/credentials", sims.sim_credentials),
    ("GET", P + "/sims/{sim}/eSimProfile", sims.esim_profile),
]
_COMPILED = [
    (method, template, re.compile("^" + re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", template) + "$"),
     handler)
    for method, template, handler in ROUTES
]
IDEMPOTENCY_TTL = 24 * 3600.0


class DroppedResponse(Response):
    """Closes the connection without a byte of answer.

    uvicorn checks header values before writing anything and closes the connection when the
    app fails after starting a response: an invalid header value gets exactly that. Any other
    server at least sees the exception after the status line, which also breaks the exchange.
    """

    def __init__(self) -> None:
        super().__init__(status_code=200)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await send({"type": "http.response.start", "status": 200,
                        "headers": [(b"x-sandbox-drop", b"\r\n")]})
        except Exception as exc:
            raise ConnectionDropped() from exc
        raise ConnectionDropped()


@dataclass
class Stored:
    fingerprint: str
    status: int
    body: dict[str, Any]
    expires: float


@dataclass
class Sandbox:
    """Everything the app holds; `app.state.sandbox` for tests and the control routes."""

    config: SandboxConfig
    clock: Callable[[], float] = time.time
    store: Store = field(init=False)
    faults: Faults = field(init=False)
    idempotency: dict[tuple[str, str], Stored] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.faults = Faults()
        self.reset()

    def reset(self) -> None:
        import random

        self.store = Store(self.config, self.clock)
        seed.populate(self.store)
        self.idempotency.clear()
        self.faults.rng = random.Random(self.config.seed)
        self.faults.load(self.config.faults)


def _json(status: int, body: dict[str, Any], request_id: str, **headers: str) -> Response:
    return JSONResponse(body, status_code=status, headers={"x-request-id": request_id, **headers})


def _error(err: ApiError, request_id: str) -> Response:
    return _json(err.status, err.body(), request_id, **err.headers)


def _bearer(request: Request) -> str | None:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    return token.strip() or None if scheme.lower() == "bearer" else None


async def _handle(sandbox: Sandbox, request: Request) -> Response:
    request_id = "req_" + secrets.token_hex(8)
    faults, config = sandbox.faults, sandbox.config
    if faults.latency_ms > 0:
        await asyncio.sleep(faults.latency_ms / 1000)
    # Problems are reported headers first, then path, then body (reference 1.6).
    token = _bearer(request)
    if token is None or (config.token is not None and token != config.token):
        return _error(ApiError(401, "unauthenticated", "Invalid authorization token"), request_id)
    method, path = request.method, request.url.path
    allowed = [(m, t, rx, h) for m, t, rx, h in _COMPILED if rx.match(path)]
    if not allowed:
        return _error(ApiError(404, "notFound", "Unknown endpoint.", code="notFound"), request_id)
    route = next((r for r in allowed if r[0] == method), None)
    if route is None:
        return _error(ApiError(405, "malformed", f"Method {method} is not allowed here."),
                      request_id)
    _, template, rx, handler = route
    params = rx.match(path).groupdict()  # type: ignore[union-attr]
    if params.get("project", config.project) != config.project:
        return _error(ApiError(404, "notFound", "The requested project does not exist.",
                               code="notFound"), request_id)
    store = sandbox.store
    route_key = f"{method} {template.replace(P, '')}"
    store.requests[route_key] += 1

    rule = faults.pick(method, path, "before")
    if rule is not None and rule.kind == "drop_before":
        return DroppedResponse()
    if rule is not None and rule.kind != "slow_before":
        return _fault_status(rule, request_id)

    raw = await request.body()
    if rule is not None:  # slow_before: the whole request arrived; the API is slow to act
        await asyncio.sleep(rule.seconds)
    header_key = request.headers.get("idempotency-key")
    if header_key is not None and config.idempotency == "reject":
        # The older page: outside the beta, sending the header at all makes the request fail.
        return _error(invalid("Idempotent requests are not enabled for this project.",
                              code="idempotencyNotEnabled",
                              hint="Remove the Idempotency-Key header."), request_id)
    try:
        body = json.loads(raw) if raw.strip() else None
    except (json.JSONDecodeError, UnicodeDecodeError):
        return _error(ApiError(400, "malformed", "The request body is not valid JSON."), request_id)
    try:
        query = apply_filter_policy(route_key, dict(request.query_params),
                                    config.undocumented_filters)
    except ApiError as err:
        return _error(err, request_id)
    req = Req(method, path, params, query, body, dict(request.headers))

    # Keys matter on POST and DELETE (reference 1.5), but a search creates nothing: its key is
    # accepted and neither stored nor replayed, so a repeated search always sees fresh data.
    creates = method in ("POST", "DELETE") and not template.endswith("/search")
    key = header_key if creates else None
    fingerprint = hashlib.sha256(f"{method} {path} ".encode() + raw).hexdigest()
    if key is not None and config.idempotency == "enabled":
        replay = _idempotency_check(sandbox, key, fingerprint, request_id)
        if replay is not None:
            return replay
    try:
        check_query(req)
        store.tick()
        status, payload = handler(store, req)
    except ApiError as err:
        return _error(err, request_id)
    if key is not None and config.idempotency == "enabled" and status < 400:
        sandbox.idempotency[(config.project, key)] = Stored(
            fingerprint, status, payload, store.now() + IDEMPOTENCY_TTL)

    rule = faults.pick(method, path, "after")
    if rule is not None and rule.kind == "drop_after":
        return DroppedResponse()
    if rule is not None and rule.kind == "slow_after":
        await asyncio.sleep(rule.seconds)
    if rule is not None and rule.kind == "status_after":
        return _fault_status(rule, request_id)
    if rule is not None and rule.kind == "malformed":
        text = json.dumps(payload)
        return Response(text[: max(1, len(text) // 2)], status_code=status,
                        media_type="application/json", headers={"x-request-id": request_id})
    return _json(status, payload, request_id)


def _fault_status(rule: FaultRule, request_id: str) -> Response:
    types = {400: "malformed", 401: "unauthenticated", 403: "permissionDenied", 404: "notFound",
             409: "conflict", 422: "invalid", 429: "tooManyRequests", 501: "notImplemented"}
    messages = {429: "Too many requests.", 503: "The service is temporarily unavailable.",
                502: "Bad gateway.", 504: "Gateway timeout."}
    headers = {}
    if rule.retry_after is not None:
        headers["retry-after"] = f"{rule.retry_after:g}"
    body: dict[str, Any] = {
        "object": "error", "type": types.get(rule.status, "internal"),
        "message": messages.get(rule.status, "Internal server error." if rule.status >= 500
                                else "The request was refused.")}
    if rule.code:
        body["code"] = rule.code
    return _json(rule.status, body, request_id, **headers)


def _idempotency_check(sandbox: Sandbox, key: str, fingerprint: str,
                       request_id: str) -> Response | None:
    config = sandbox.config
    if not 1 <= len(key) <= 255:
        return _error(invalid("Invalid Idempotency-Key.", code="invalidIdempotencyKey",
                              hint="The key must be 1 to 255 characters long."), request_id)
    stored = sandbox.idempotency.get((config.project, key))
    if stored is None or stored.expires < sandbox.store.now():
        return None
    if stored.fingerprint != fingerprint:
        return _error(invalid("The Idempotency-Key was already used for another request.",
                              code="idempotencyKeyReused",
                              hint="Use a new key for every distinct request."), request_id)
    return _json(stored.status, stored.body, request_id, **{"idempotent-replayed": "true"})


def create_app(config: SandboxConfig | None = None, clock: Callable[[], float] = time.time
               ) -> Starlette:
    """A fresh sandbox with its seed data; `app.state.sandbox` holds its state."""
    sandbox = Sandbox(config or SandboxConfig(), clock)

    async def gigs(request: Request) -> Response:
        return await _handle(sandbox, request)

    async def info(request: Request) -> Response:
        return JSONResponse({
            "project": sandbox.config.project,
            "demoDevices": [{"imei": d.imei, "label": d.label, "demonstrates": d.demonstrates}
                            for d in seed.DEMO_DEVICES],
            "paymentMethod": seed.STORE_PAYMENT_METHOD_ID,
            "paymentMethods": {"store": seed.STORE_PAYMENT_METHOD_ID,
                               "declined": seed.DECLINED_PAYMENT_METHOD_ID,
                               "requiresConfirmation": seed.REQUIRES_CONFIRMATION_PAYMENT_METHOD_ID,
                               "jerry": seed.JERRY_PAYMENT_METHOD_ID},
            "pairingStock": seed.PAIRING_STOCK,
            "pairingImeis": seed.PAIRING_IMEIS,
            "packedImei": seed.PACKED_IMEI,
            "simStock": sandbox.config.sim_stock,
        })

    async def faults(request: Request) -> Response:
        if request.method == "DELETE":
            sandbox.faults.load({})
        elif request.method in ("PUT", "POST"):
            try:
                data = await request.json()
                if request.method == "PUT":
                    sandbox.faults.load(data)
                else:
                    sandbox.faults.rules.append(FaultRule(**data))
            except (ValueError, TypeError) as exc:
                return JSONResponse({"error": str(exc)}, status_code=422)
        return JSONResponse(sandbox.faults.to_dict())

    async def reset(request: Request) -> Response:
        sandbox.reset()
        return JSONResponse({"reset": True})

    async def clock_route(request: Request) -> Response:
        data = await request.json()
        sandbox.store.advance(float(data.get("advance", 0)))
        return JSONResponse({"now": sandbox.store.now()})

    async def settings(request: Request) -> Response:
        if request.method == "PATCH":
            data = await request.json()
            known = {f.name for f in fields(SandboxConfig)} - {"faults", "project", "seed"}
            unknown = set(data) - known
            if unknown:
                return JSONResponse({"error": f"unknown settings {sorted(unknown)}"}, 422)
            try:
                sandbox.config = replace(sandbox.config, **data)
            except (ValueError, TypeError) as exc:
                return JSONResponse({"error": str(exc)}, 422)
            sandbox.store.config = sandbox.config
        cfg = {f.name: getattr(sandbox.config, f.name) for f in fields(SandboxConfig)}
        cfg.pop("token")
        return JSONResponse(cfg)

    async def stats(request: Request) -> Response:
        s = sandbox.store
        return JSONResponse({
            "requests": dict(s.requests),
            "counts": {"orders": len(s.orders), "subscriptions": len(s.subscriptions),
                       "users": len(s.users), "addresses": len(s.addresses),
                       "sims": len(s.sims), "devices": len(s.devices)},
        })

    async def usage(request: Request) -> Response:
        sub_id = request.path_params["subscription"]
        if sub_id not in sandbox.store.subscriptions:
            return JSONResponse({"error": "no such subscription"}, 404)
        sandbox.store.record_usage(sub_id)
        return JSONResponse({"subscription": sub_id, "used": True})

    app = Starlette(routes=[
        Route("/_sandbox", info, methods=["GET"]),
        Route("/_sandbox/faults", faults, methods=["GET", "PUT", "POST", "DELETE"]),
        Route("/_sandbox/reset", reset, methods=["POST"]),
        Route("/_sandbox/clock", clock_route, methods=["POST"]),
        Route("/_sandbox/settings", settings, methods=["GET", "PATCH"]),
        Route("/_sandbox/stats", stats, methods=["GET"]),
        Route("/_sandbox/subscriptions/{subscription}/usage", usage, methods=["POST"]),
        Route("/{path:path}", gigs, methods=["GET", "POST", "PATCH", "PUT", "DELETE"]),
    ])
    app.state.sandbox = sandbox
    return app
