"""What the gateway's handlers share: the Gigs error shape, the database from a thread, the
kiosk behind a request, client addresses, bounded bodies, plain-HTTP refusal."""

from __future__ import annotations

import ipaddress
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from kiosk.gateway import tokens
from kiosk.gateway.config import GatewayConfig
from kiosk.gateway.store import Kiosk, Store

log = logging.getLogger("kiosk.gateway")
T = TypeVar("T")


@dataclass
class Gateway:
    """What every handler reaches through `request.app.state.gateway`."""

    config: GatewayConfig
    store: Store
    #: Open event streams in this process, one per kiosk: kiosk -> the stream's token (a
    #: newer stream replaces it, and the older one ends). Per process: a kiosk may hold one
    #: stream on each replica.
    streams: dict[str, object] = field(default_factory=dict)
    open_streams: int = 0
    max_streams: int = 2000

    async def db(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
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


async def kiosk_of(request: Request) -> Kiosk | None:
    """The kiosk whose token this request carries, checked in the database every time: no
    cache, so a revocation holds from the next request on (on every replica)."""
    parsed = tokens.parse_token(request.headers.get("authorization"))
    if parsed is None:
        return None
    gw = gateway_of(request)
    return await gw.db(gw.store.authenticate, *parsed)


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
