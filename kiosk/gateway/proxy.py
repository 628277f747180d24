"""Forwarding a kiosk's Gigs request: authenticate, rate-limit, check the allow-list, send
with the gateway's key, pass the answer back unchanged, audit.

"Does this SIM have a subscription" (`GET …/subscriptions?sim=`) is answered here: the
filter is undocumented (REFERENCE §10), so every item of the answer is checked against the
SIM, and when Gigs ignored the filter the gateway walks the project's list itself and
passes back only this SIM's subscriptions. A kiosk never sees another SIM's.
"""

from __future__ import annotations

import asyncio
import functools
import json
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import urlencode

import httpx
from starlette.background import BackgroundTask
from starlette.requests import Request
from starlette.responses import Response

from kiosk import __version__
from kiosk.gateway import allow, customers
from kiosk.gateway.store import HOURLY, Kiosk
from kiosk.gateway.web import (
    DATABASE_ERRORS,
    UNAUTHORIZED, BodyTooLarge, admit, client_address, gateway_of, gigs_error, read_body,
)
from kiosk.redact import mask_digits

log = logging.getLogger("kiosk.gateway")
MAX_REQUEST = 64 * 1024
#: Requests without a valid kiosk token audited per client address and minute.
UNAUTHENTICATED = 30
MAX_ANSWER = 2 * 1024 * 1024
#: The whole exchange with Gigs (a server dripping bytes is cut too).
ANSWER_DEADLINE = 18.0
#: Pages (of 200) walked when Gigs ignores `?sim=`: past this the kiosk looks by user.
SIM_WALK_PAGES = 25
PASS_HEADERS = ("content-type", "retry-after", "idempotent-replayed", "idempotency-key",
                "x-request-id", "request-id", "gigs-request-id")


class Upstream:
    """The one HTTP client to Gigs a gateway process holds (its key in the headers)."""

    def __init__(self, base_url: str, token: str,
                 transport: httpx.AsyncBaseTransport | None = None) -> None:
        self.http = httpx.AsyncClient(
            base_url=base_url, transport=transport, follow_redirects=False,
            # Within the kiosk client's 20 s per attempt, so the kiosk hears the gateway's
            # answer (a 504 in the Gigs shape) rather than its own timeout.
            timeout=httpx.Timeout(15.0, connect=5.0),
            # An idle connection is dropped before the common 5 s keep-alive of servers, so
            # a request rarely meets a connection the server is closing at that moment.
            limits=httpx.Limits(keepalive_expiry=4.0),
            headers={"Authorization": f"Bearer {token}", "Accept": "application/json",
                     "User-Agent": f"sim-kiosk-gateway/{__version__}"})

    async def aclose(self) -> None:
        await self.http.aclose()

    async def send(self, method: str, path: str, query: dict[str, str], body: bytes | None,
                   headers: dict[str, str]) -> Response:
        url = path + ("?" + urlencode(query) if query else "")
        started = time.perf_counter()
        deadline = asyncio.get_running_loop().time() + ANSWER_DEADLINE
        for attempt in (1, 2):
            answered = False
            try:
                async with asyncio.timeout_at(deadline), \
                        self.http.stream(method, url, content=body, headers=headers) as answer:
                    answered = True
                    content = b""
                    async for chunk in answer.aiter_bytes():
                        content += chunk
                        if len(content) > MAX_ANSWER:
                            return gigs_error(502, "unavailable", "Gigs answered with too much")
                break
            except (httpx.TimeoutException, TimeoutError):
                log.warning("Gigs did not answer in time: %s %s", method,
                            allow.endpoint_of(path))
                return gigs_error(504, "unavailable", "Gigs did not answer in time")
            except httpx.HTTPError as exc:
                if attempt == 1 and not answered and _may_send_again(exc, method, headers):
                    continue
                log.warning("Gigs cannot be reached: %s (%s %s)", type(exc).__name__, method,
                            allow.endpoint_of(path))
                return gigs_error(502, "unavailable", "Gigs cannot be reached from the gateway")
        kept = {k: v for k, v in answer.headers.items() if k.lower() in PASS_HEADERS}
        kept["Server-Timing"] = timing((time.perf_counter() - started) * 1000)
        return Response(content, status_code=answer.status_code, headers=kept)


def _may_send_again(exc: httpx.HTTPError, method: str, headers: dict[str, str]) -> bool:
    """A request that failed before any answer, on a kept-alive connection Gigs had just
    closed (the race at the end of its keep-alive), goes once more on a new connection:
    when it never left (no connection), is a read, or carries an idempotency key (Gigs
    answers a second send with the first one's result). Any other request gets the 502: it
    may have been acted on, and the kiosk decides (its journal, its own key)."""
    if isinstance(exc, httpx.ConnectError):
        return True
    if not isinstance(exc, httpx.RemoteProtocolError | httpx.ReadError | httpx.WriteError):
        return False
    return method in ("GET", "HEAD") or "Idempotency-Key" in headers


def timing(gigs_ms: float) -> str:
    """`Server-Timing` (W3C): how long Gigs took, as this gateway saw it; what a kiosk waited
    beyond that is what the gateway added (tests/bench/bench_gateway.py). `forward` adds
    `gw;dur=`: its own time from the request's arrival to the answer."""
    return f"gigs;dur={gigs_ms:.2f}"


def server_timing_ms(header: str, metric: str = "gigs") -> float:
    """A metric's duration in a `Server-Timing` header (`gigs;dur=…, gw;dur=…`); 0: none."""
    for part in header.split(","):
        name, _, dur = part.strip().partition(";dur=")
        if name == metric:
            try:
                return float(dur)
            except ValueError:
                return 0.0
    return 0.0


def gigs_ms(response: Response) -> float:
    """How long Gigs took for this answer, as the gateway saw it (0: not forwarded)."""
    return server_timing_ms(response.headers.get("server-timing", ""))


def _id_of(value: Any) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and isinstance(value.get("id"), str):
        return str(value["id"])
    return None


async def sim_subscriptions(upstream: Upstream, path: str, sim: str,
                            query: dict[str, str]) -> Response:
    """This SIM's subscriptions, checked item by item, as one page."""
    matches: list[Any] = []
    waited = 0.0
    ask = {"sim": sim, "limit": "200", **({"status": query["status"]} if "status" in query else {})}
    for _ in range(SIM_WALK_PAGES):
        answer = await upstream.send("GET", path, ask, None, {})
        waited += gigs_ms(answer)
        if answer.status_code != 200:
            return answer  # a refusal of the filter (422) goes back: the kiosk looks by user
        try:
            page = json.loads(bytes(answer.body))
            items = page["items"]
            after = page.get("moreItemsAfter")
        except (ValueError, KeyError, TypeError):
            return gigs_error(502, "unavailable", "Gigs answered with something unexpected")
        matches.extend(i for i in items if isinstance(i, dict) and _id_of(i.get("sim")) == sim)
        if not after:
            return Response(json.dumps({"object": "list", "items": matches,
                                        "moreItemsAfter": None, "moreItemsBefore": None}),
                            media_type="application/json",
                            headers={"Server-Timing": timing(waited)})
        ask = {**ask, "after": str(after)}
    return gigs_error(422, "invalid", "the SIM filter is not available: list by user")


def _masked_imei(body: Any) -> str | None:
    imei = body.get("imei") if isinstance(body, dict) else None
    return mask_digits(imei) if isinstance(imei, str) and allow.IMEI.fullmatch(imei) else None


async def forward(request: Request) -> Response:
    gw = gateway_of(request)
    started = time.monotonic()
    raw_path = request.scope.get("raw_path", b"").decode("latin-1") or request.url.path
    raw_query = request.scope.get("query_string", b"").decode("latin-1")
    kiosk: Kiosk | None = None
    endpoint = allow.endpoint_of(raw_path)
    imei: str | None = None

    async def done(response: Response, note: str | None = None,
                   refused: bool = True) -> Response:
        """Audited: a refusal of the gateway's own before it leaves, Gigs' answers after."""
        fields = {"kiosk": kiosk.kiosk if kiosk else None,
                  "store": kiosk.store if kiosk else None, "method": request.method,
                  "endpoint": endpoint, "status": response.status_code,
                  "latency_ms": (time.monotonic() - started) * 1000, "imei": imei,
                  "note": note}
        if refused:
            await gw.audit_now(**fields)
        else:
            gw.auditor.add(**fields)
            if "server-timing" in response.headers:  # and the gateway's whole time
                response.headers["Server-Timing"] += f", gw;dur={fields['latency_ms']:.2f}"
        return response

    async def forbidden(message: str) -> Response:
        return await done(gigs_error(403, "forbidden", f"the gateway refused this: {message}"),
                          "refused: " + message)

    kiosk, refusal = await admit(request)
    if kiosk is None:
        # Audited, but not without bound: a flood of bad tokens from one address past
        # UNAUTHENTICATED a minute is answered without filling the audit log.
        address = client_address(request.scope, gw.config)
        if await gw.db(gw.store.hit, f"a:{address}", UNAUTHENTICATED, 60) is not None:
            return gigs_error(401, *UNAUTHORIZED)
        return await done(gigs_error(401, *UNAUTHORIZED), "no valid kiosk token")
    if refusal is not None:
        return await done(refusal)
    try:
        body = await read_body(request, MAX_REQUEST)
    except BodyTooLarge:
        return await done(gigs_error(413, "forbidden", "the request body is too large"))
    policy = allow.Policy(gw.config.project, kiosk.payment_method or gw.config.payment_method,
                          gw.config.direct_subscriptions)
    try:
        allowed = allow.check(request.method, raw_path, raw_query, body, policy)
    except allow.Malformed as malformed:
        endpoint = malformed.endpoint
        return await done(gigs_error(400, "malformed", f"the gateway refused this: {malformed}"),
                          "malformed: " + malformed.message)
    except allow.Refused as refused:
        endpoint = refused.endpoint
        return await done(gigs_error(403, "forbidden", f"the gateway refused this: {refused}"),
                          "refused: " + refused.message)
    endpoint = allowed.endpoint
    imei = _masked_imei(allowed.body)
    upstream: Upstream = request.app.state.upstream
    if (allowed.rule.special == "own_sim"
            and await gw.sim_kiosk(allowed.params["sim"]) != kiosk.kiosk):
        return await forbidden("an eSIM's credentials and profile go only to the kiosk that "
                               "ordered for this SIM")
    # Two checks side by side (each its own connection): the customer is this kiosk's; an
    # order is within the kiosk's hourly cap (a stolen token, or a broken kiosk, orders at
    # most that many an hour). Then an order's SIM is claimed for this kiosk before the
    # order leaves: if this replica dies before Gigs answers, the kiosk
    # finds its order through another replica and still gets its eSIM code there
    # (tests/gateway/test_failover.py). A claim for an order Gigs refuses for sure is
    # released. A SIM another kiosk holds (its order, or its claim of the last minutes) is
    # refused before the order leaves: it would otherwise hand that kiosk's eSIM to this one.
    user = customers.user_in_question(allowed)
    ordering = allowed.rule.client in ("create_order", "create_subscription")
    sim = (allowed.body.get("subscriptionDetails") or allowed.body)["sim"] if ordering else None
    checks: dict[str, Any] = {}
    if user:
        checks["user"] = gw.knows_user(kiosk.kiosk, user, customers.KNOWN_SECONDS)
    if ordering:
        checks["hourly"] = gw.hit(HOURLY + kiosk.kiosk, gw.config.order_limit, 3600)
    checked = dict(zip(checks, await asyncio.gather(*checks.values()), strict=True))
    if user and not checked["user"]:
        return await forbidden("this customer was not created or found at this kiosk today")
    if ordering and checked["hourly"] is not None:
        return await done(gigs_error(429, "rateLimited", "too many orders from this kiosk "
                                     "this hour", {"Retry-After": str(int(checked["hourly"]))}),
                          "refused: order limit")
    # Claimed only once every other check has passed: a request refused here never holds
    # (or releases) a SIM.
    claimed = None
    if sim and sim != "auto":
        if await gw.claim_sim(sim, kiosk.kiosk):
            claimed = sim
        elif await gw.sim_kiosk(sim) != kiosk.kiosk:
            return await forbidden("this SIM is being ordered or was ordered at another kiosk")
    adopt = False
    asked: tuple[str, str | None] | None = None  # (the order or subscription, its kiosk)
    if allowed.rule.client in ("retrieve_order", "retrieve_subscription"):
        kind = "order" if allowed.rule.client == "retrieve_order" else "subscription"
        asked = (allowed.params[kind], await gw.owner_of(kind, allowed.params[kind]))
        if asked[1] not in (None, kiosk.kiosk):
            return await forbidden(SHOWN_ONLY[kind])
        adopt = kind == "order" and asked[1] is None
    if allowed.rule.special == "subscriptions" and "sim" in allowed.query:
        return await done(await sim_subscriptions(upstream, raw_path, allowed.query["sim"],
                                                  allowed.query), refused=False)
    headers = {}
    if allowed.body is not None:
        headers["Content-Type"] = "application/json"
    key = request.headers.get("idempotency-key")
    if key and len(key) <= 255 and key.isprintable():
        headers["Idempotency-Key"] = key
    # What was checked, re-serialised: never the raw bytes (a duplicate key or another
    # encoding could mean one thing to the check and another to Gigs).
    sent = (json.dumps(allowed.body, separators=(",", ":")).encode()
            if allowed.body is not None else None)
    answer = await upstream.send(request.method, raw_path, allowed.query, sent, headers)
    if adopt and answer.status_code == 200:
        # An order without an owner here (its creation's answer was lost with a replica):
        # shown only when its customer is this kiosk's; then it is this kiosk's.
        found_user = customers.order_user(answer)
        if not found_user or not await gw.knows_user(kiosk.kiosk, found_user,
                                             customers.KNOWN_SECONDS):
            return await forbidden(SHOWN_ONLY["order"])
    # Gigs acted on it: whatever happens to the bookkeeping now, the kiosk gets Gigs' answer
    # (an order placed must never look failed because the audit could not be written).
    try:
        if allowed.rule.client == "search_users":
            answer, found = customers.trimmed_search(answer, allowed.body["email"])
            await gw.users_seen(kiosk.kiosk, found)
        elif seen := customers.users_in_answer(allowed, answer):
            await gw.users_seen(kiosk.kiosk, seen)
        if claimed and answer.status_code in REFUSED:
            await gw.db(gw.store.release_sim, claimed, kiosk.kiosk)
        if 200 <= answer.status_code < 300 and allowed.rule.client in REMEMBERED:
            # Who owns the order and its SIM is recorded before the answer leaves (the
            # kiosk asks for the SIM's eSIM code right after, maybe through another
            # replica); an order's new status only after (`order_seen`, the fleet page's).
            later = await _remember(request, kiosk, allowed, answer, asked)
            if later is not None:
                answer.background = BackgroundTask(_status_later, later)
        return await done(answer, refused=False)
    except DATABASE_ERRORS as exc:
        log.warning("could not record %s %s (%s): answered anyway", request.method, endpoint,
                    type(exc).__name__)
        return answer


SHOWN_ONLY = {"order": "an order is shown only to the kiosk that placed it",
              "subscription": "a subscription is shown only to the kiosk that ordered it"}
REMEMBERED = ("create_order", "retrieve_order", "create_subscription", "retrieve_subscription")
#: Answers that say for sure that nothing was made.
REFUSED = (400, 401, 403, 404, 422)


async def _status_later(write: Callable[[], Awaitable[None]]) -> None:
    try:
        await write()
    except Exception as exc:  # the answer is out; the next poll or event records it again
        log.warning("could not record an order's status (%s)", type(exc).__name__)


async def _remember(request: Request, kiosk: Kiosk, allowed: allow.Allowed,
                    answer: Response, asked: tuple[str, str | None] | None = None
                    ) -> Callable[[], Awaitable[None]] | None:
    """Order id -> kiosk (its events go to this kiosk's stream) and SIM -> kiosk (its eSIM
    credentials go to this kiosk only), from what this kiosk sent and Gigs answered; and
    what may be written after the answer (a polled order's status), if anything. `asked`:
    the order or subscription asked for and its kiosk, as `forward` read them."""
    gw = gateway_of(request)

    async def owner(kind: str, object_id: str) -> str | None:
        if asked is not None and asked[0] == object_id:
            return asked[1]
        return await gw.owner_of(kind, object_id)

    try:
        found = json.loads(bytes(answer.body))
    except ValueError:
        return None
    found_id = _id_of(found)
    if not isinstance(found, dict) or not found_id or not allow.SEGMENT.fullmatch(found_id):
        return None
    client = allowed.rule.client
    later = None
    status = found.get("status") if isinstance(found.get("status"), str) else None
    sub = found.get("subscription")
    sims = [_id_of(found.get("sim")), _id_of(sub.get("sim")) if isinstance(sub, dict) else None]
    also: list[Awaitable[None]] = []  # written side by side with the SIMs
    if client == "create_order":
        sims.append(allowed.body["subscriptionDetails"]["sim"])
        also.append(gw.order_placed(found_id, kiosk, _id_of(sub), status))
    elif client == "create_subscription":
        sims.append(allowed.body["sim"])
    elif client == "retrieve_order":
        placed_by = await owner("order", found_id)
        if placed_by is None and found_id == allowed.params["order"]:  # adopted (forward)
            await gw.order_placed(found_id, kiosk, _id_of(sub), status)
        elif placed_by != kiosk.kiosk:
            return None
        seen = functools.partial(gw.order_seen, found_id, _id_of(sub), status)
        if _id_of(sub):
            # Its subscription is known now: recorded before the answer leaves, since the
            # kiosk reads that subscription next and its SIM is recorded only for a
            # subscription of this kiosk's order.
            await seen()
        else:
            later = seen
    elif await owner("subscription", found_id) != kiosk.kiosk:
        return None
    await asyncio.gather(*also, *(
        gw.sim_ordered(sim, kiosk.kiosk)
        for sim in {s for s in sims if s and s != "auto" and allow.SEGMENT.fullmatch(s)}))
    return later
