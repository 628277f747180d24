"""What the gateway's handlers share: the Gigs error shape, the database from a thread, the
kiosk behind a request, client addresses, bounded bodies, plain-HTTP refusal."""

from __future__ import annotations

import ipaddress
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import psycopg
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from kiosk.gateway import tokens
from kiosk.gateway.auditor import AuditWriter
from kiosk.gateway.config import GatewayConfig
from kiosk.gateway.db import POOL_SIZE
from kiosk.gateway.fastpath import FastPath
from kiosk.gateway.hub import EventHub
from kiosk.gateway.store import Kiosk, Store

log = logging.getLogger("kiosk.gateway")
#: What a failing database raises: through SQLAlchemy, or the fast path's psycopg.
DATABASE_ERRORS: tuple[type[Exception], ...] = (SQLAlchemyError, psycopg.Error)
#: Seconds between two looks at whether a streaming kiosk was revoked.
REVOCATION_CHECK = 1.0
T = TypeVar("T")


@dataclass
class Gateway:
    """What every handler reaches through `request.app.state.gateway`."""

    config: GatewayConfig
    store: Store
    max_streams: int = 2000
    #: The open event streams of this process, one per kiosk (a newer stream of a kiosk
    #: ends the older one; per process: a kiosk may hold one on each replica).
    hub: EventHub = field(init=False)

    #: Audit rows of answered requests, written after the answer (kiosk/gateway/auditor.py).
    auditor: AuditWriter = field(init=False)

    #: PostgreSQL: the reads of every request on the event loop (kiosk/gateway/fastpath.py).
    fast: FastPath | None = field(init=False, default=None)

    def __post_init__(self) -> None:
        self.hub = EventHub(self.db, self.store, self.config.poll_seconds, REVOCATION_CHECK)
        self.auditor = AuditWriter(self._either, self.store)
        if self.store.postgres:
            self.fast = FastPath(self.store.engine.url, POOL_SIZE, self.store.clock)

    async def close(self) -> None:
        await self.hub.close()
        await self.auditor.close()
        if self.fast is not None:
            await self.fast.close()

    async def _either(self, method: Callable[..., T], *args: Any) -> T:
        """`Store.<method>(*args)`: on the fast path where it has that method (PostgreSQL),
        else in a worker thread."""
        fast = getattr(self.fast, method.__name__, None)
        if fast is not None:
            return await fast(*args)  # type: ignore[no-any-return]
        return await self.db(method, *args)

    async def admit(self, kiosk: str, secret: str) -> tuple[Kiosk | None, float | None]:
        return await self._either(self.store.admit, kiosk, secret, self.config.rate_limit)

    async def owner_of(self, kind: str, object_id: str) -> str | None:
        return await self._either(self.store.owner_of, kind, object_id)

    async def sim_kiosk(self, sim_id: str) -> str | None:
        return await self._either(self.store.sim_kiosk, sim_id)

    async def hit(self, bucket: str, limit: int, window_seconds: int) -> float | None:
        return await self._either(self.store.hit, bucket, limit, window_seconds)

    async def claim_sim(self, sim_id: str, kiosk: str) -> bool:
        return await self._either(self.store.claim_sim, sim_id, kiosk)

    async def sim_ordered(self, sim_id: str, kiosk: str) -> None:
        await self._either(self.store.sim_ordered, sim_id, kiosk)

    async def order_placed(self, order_id: str, kiosk: Kiosk, subscription: str | None,
                           status: str | None) -> None:
        await self._either(self.store.order_placed, order_id, kiosk, subscription, status)

    async def order_seen(self, order_id: str, subscription: str | None,
                         status: str | None) -> None:
        await self._either(self.store.order_seen, order_id, subscription, status)

    async def heartbeat(self, kiosk: str, values: dict[str, Any]) -> None:
        await self._either(self.store.heartbeat, kiosk, values)

    async def users_seen(self, kiosk: str, users: list[str]) -> None:
        await self._either(self.store.users_seen, kiosk, users)

    async def knows_user(self, kiosk: str, user: str, within: float) -> bool:
        return await self._either(self.store.knows_user, kiosk, user, within)

    async def audit_now(self, **fields: Any) -> None:
        """An audit row written before the answer leaves (the gateway's own refusals)."""
        await self.db(self.store.audit, **fields)

    async def db(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """`fn` in a worker thread; once more when its connection turned out to be dead (the
        database restarted). Every store call may be taken twice: counters and audit rows
        count one more, claims, orders and events are keyed and refuse a second take. (A
        join whose commit was cut off answers "wrong code" to a code it did use.)"""
        try:
            return await run_in_threadpool(fn, *args, **kwargs)
        except DBAPIError as exc:
            if not exc.connection_invalidated:
                raise
            log.info("a database connection was dropped: trying again on a new one")
            return await run_in_threadpool(fn, *args, **kwargs)


def gateway_of(request: Request) -> Gateway:
    gw: Gateway = request.app.state.gateway
    return gw


def gigs_error(status: int, type_: str, message: str,
               headers: dict[str, str] | None = None) -> JSONResponse:
    """A refusal in the Gigs error shape, so the kiosk's client shows one clear line."""
    return JSONResponse({"object": "error", "type": type_, "message": message},
                        status_code=status, headers=headers)


UNAUTHORIZED = ("unauthorized", "this kiosk is not enrolled, or was revoked: join again")


class BodyTooLarge(Exception):
    pass


async def read_body(request: Request, limit: int) -> bytes:
    """The request body, refused past `limit` bytes (read in chunks, never all first)."""
    declared = request.headers.get("content-length")
    if declared and (not declared.isdigit() or int(declared) > limit):
        raise BodyTooLarge()
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise BodyTooLarge()
        chunks.append(chunk)
    return b"".join(chunks)


async def json_object(request: Request, limit: int) -> dict[str, Any] | None:
    try:
        data = json.loads(await read_body(request, limit) or b"null")
    except (BodyTooLarge, ValueError, RecursionError):
        return None
    return data if isinstance(data, dict) else None


async def admit(request: Request) -> tuple[Kiosk | None, Response | None]:
    """The kiosk whose token this request carries, and the request counted against its
    rate limit, in one trip to the database: (the kiosk, None), (the kiosk, a 429 to send)
    or (None, None). Checked every time, no cache: a revocation holds from the next request
    on (on every replica)."""
    parsed = tokens.parse_token(request.headers.get("authorization"))
    if parsed is None:
        return None, None
    gw = gateway_of(request)
    kiosk, wait = await gw.admit(*parsed)
    if kiosk is None or wait is None:
        return kiosk, None
    return kiosk, gigs_error(429, "rateLimited", "too many requests from this kiosk",
                             {"Retry-After": str(int(wait))})


def _is_loopback(host: str | None) -> bool:
    if not host:
        return False
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


def client_address(scope: Scope, config: GatewayConfig) -> str:
    """The client's address: the peer, or the last hop a trusted proxy names."""
    peer = (scope.get("client") or ("", 0))[0]
    if config.is_trusted_proxy(peer):
        forwarded = _header(scope, b"x-forwarded-for")
        if forwarded:
            return forwarded.split(",")[-1].strip()[:64] or peer
    return str(peer)


def _header(scope: Scope, name: bytes) -> str:
    for key, value in scope.get("headers", []):
        if key.lower() == name:
            return str(value.decode("latin-1"))
    return ""


class PlainHttpGuard:
    """Refuses plain HTTP from anywhere but loopback: kiosk tokens and the admin cookie only
    travel encrypted. Behind a TLS proxy, `X-Forwarded-Proto: https` counts only from a
    configured trusted proxy address. The health check (GET, HEAD) stays open (load
    balancers)."""

    def __init__(self, app: ASGIApp, config: GatewayConfig) -> None:
        self.app = app
        self.config = config

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and not self._secure(scope):
            response: Response = gigs_error(
                403, "forbidden", "plain HTTP is refused: use HTTPS (or a TLS proxy)")
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)

    def _secure(self, scope: Scope) -> bool:
        if self.config.allow_plain_http or scope.get("scheme") == "https":
            return True
        if scope.get("path") == "/gateway/v1/health" and scope.get("method") in ("GET", "HEAD"):
            return True  # only the look a load balancer takes: nothing else rides on it
        peer = (scope.get("client") or ("", 0))[0]
        if self.config.is_trusted_proxy(peer):
            return _header(scope, b"x-forwarded-proto").strip().lower() == "https"
        return _is_loopback(peer)


def is_https(scope: Scope, config: GatewayConfig) -> bool:
    if scope.get("scheme") == "https":
        return True
    peer = (scope.get("client") or ("", 0))[0]
    return config.is_trusted_proxy(peer) and _header(scope, b"x-forwarded-proto") == "https"
