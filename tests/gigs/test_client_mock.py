"""Edge cases the sandbox cannot produce, through httpx.MockTransport."""

from __future__ import annotations

from collections.abc import Callable
from email.utils import formatdate

import httpx
import pytest

from kiosk.gigs import (
    APIConnectionError, APIResponseValidationError, APITimeoutError, AuthenticationError,
    BadRequestError, ConflictError, GigsClient, InvalidRequestError, NotFoundError,
    PermissionDeniedError, RateLimitError, RetryPolicy, ServerError,
)
from kiosk.settings import ApiSettings
from tests.conftest import RecordedSleep

pytestmark = pytest.mark.asyncio
TOKEN = "sk_test_secret_token_value"


def make(handler: Callable[[httpx.Request], httpx.Response], sleep: RecordedSleep,
         keys: bool = True, now: float = 1_000_000.0) -> GigsClient:
    counter = iter(range(1000))
    return GigsClient(
        ApiSettings(api_url="https://api.example", project="p", token=TOKEN,
                    idempotency_keys=keys),
        transport=httpx.MockTransport(handler), sleep=sleep, rand=lambda: 0.0,
        wall_clock=lambda: now, new_key=lambda: f"key-{next(counter)}",
        retry=RetryPolicy(max_retries=3, base_delay=0.5, max_delay=4.0, max_retry_after=30),
    )


def error(status: int, type_: str | None = None, **headers: str) -> httpx.Response:
    body = {"object": "error", "message": "nope", **({"type": type_} if type_ else {})}
    return httpx.Response(status, json=body, headers={"x-request-id": "req_1", **headers})


PLAN = {"object": "plan", "id": "pln_1", "status": "available", "simTypes": ["eSIM"]}


@pytest.mark.parametrize("status,type_,cls", [
    (400, "malformed", BadRequestError), (401, "unauthenticated", AuthenticationError),
    (403, "permissionDenied", PermissionDeniedError), (404, "notFound", NotFoundError),
    (409, "conflict", ConflictError), (422, "invalid", InvalidRequestError),
    (429, "tooManyRequests", RateLimitError), (500, "internal", ServerError),
    (501, "notImplemented", ServerError), (418, "notFound", NotFoundError),
    (418, None, InvalidRequestError),
])
async def test_every_status_maps_to_its_error_class(status, type_, cls, sleep) -> None:
    async with make(lambda r: error(status, type_), sleep) as c:
        with pytest.raises(cls) as info:
            await c.retrieve_plan("pln_1")
    err = info.value
    assert err.status == status and err.type == type_ and err.request_id == "req_1"
    assert TOKEN not in str(err) and TOKEN not in repr(vars(err))


async def test_non_json_error_body_still_maps(sleep) -> None:
    async with make(lambda r: httpx.Response(502, text="<html>bad gateway</html>"), sleep) as c:
        with pytest.raises(ServerError) as info:
            await c.retrieve_plan("pln_1")
    assert info.value.status == 502 and "502" in info.value.message
    assert len(sleep.delays) == 3


async def test_retry_after_as_http_date(sleep) -> None:
    now = 1_700_000_000.0
    responses = iter([error(429, "tooManyRequests", **{"retry-after": formatdate(now + 7, usegmt=True)}),
                      httpx.Response(200, json=PLAN)])
    async with make(lambda r: next(responses), sleep, now=now) as c:
        await c.retrieve_plan("pln_1")
    assert sleep.delays == [7.0]


async def test_retry_after_beyond_the_cap_is_left_to_the_caller(sleep) -> None:
    async with make(lambda r: error(429, **{"retry-after": "120"}), sleep) as c:
        with pytest.raises(RateLimitError) as info:
            await c.retrieve_plan("pln_1")
    assert info.value.retry_after == 120 and sleep.delays == []


async def test_503_retry_after_is_honoured_too(sleep) -> None:
    responses = iter([error(503, **{"retry-after": "3"}), httpx.Response(200, json=PLAN)])
    async with make(lambda r: next(responses), sleep) as c:
        await c.retrieve_plan("pln_1")
    assert sleep.delays == [3.0]


async def test_same_idempotency_key_on_every_retry_of_one_post(sleep) -> None:
    seen: list[str | None] = []
    responses = iter([error(503), error(502), httpx.Response(200, json={"id": "usr_1"}),
                      httpx.Response(200, json={"id": "usr_2"})])

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers.get("idempotency-key"))
        return next(responses)

    async with make(handler, sleep) as c:
        await c.create_user(email="a@b.example")
        await c.create_user(email="c@d.example")  # the next logical POST gets a new key
    assert seen[:3] == ["key-0"] * 3 and seen[3] == "key-1"


async def test_caller_supplied_key_is_sent_and_reused(sleep) -> None:
    seen: list[str | None] = []
    responses = iter([httpx.ReadTimeout("slow"), httpx.Response(200, json={"id": "ord_1"})])

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers.get("idempotency-key"))
        item = next(responses)
        if isinstance(item, Exception):
            raise item
        return item

    # Orders are never resent by the client (test_resend.py); a user's keyed POST is.
    async with make(handler, sleep) as c:
        await c.create_user(email="a@b.example", idempotency_key="journaled-key")
    assert seen == ["journaled-key", "journaled-key"]


async def test_keys_switched_off_means_no_header_and_no_blind_resend(sleep) -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return error(503)

    async with make(handler, sleep, keys=False) as c:
        with pytest.raises(ServerError):
            await c.create_user(email="a@b.example")
    assert len(seen) == 1 and "idempotency-key" not in seen[0].headers


async def test_post_without_key_is_resent_only_if_it_never_left(sleep) -> None:
    calls = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(1)
        if len(calls) == 1:
            raise httpx.ConnectError("refused")
        return httpx.Response(200, json={"id": "usr_1"})

    async with make(handler, sleep, keys=False) as c:
        user = await c.create_user(email="a@b.example")
    assert user.id == "usr_1" and len(calls) == 2


async def test_read_timeout_after_post_without_key_is_ambiguous(sleep) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("no answer")

    async with make(handler, sleep, keys=False) as c:
        with pytest.raises(APITimeoutError) as info:
            await c.create_order(plan="p", payment_method="pm", sim="s", user="u")
    assert info.value.request_sent is True and sleep.delays == []


async def test_get_is_retried_on_timeouts_and_drops(sleep) -> None:
    outcomes = iter([httpx.ReadTimeout("slow"), httpx.RemoteProtocolError("hung up"),
                     httpx.ConnectTimeout("no route"), httpx.Response(200, json=PLAN)])

    def handler(request: httpx.Request) -> httpx.Response:
        item = next(outcomes)
        if isinstance(item, Exception):
            raise item
        return item

    async with make(handler, sleep) as c:
        plan = await c.retrieve_plan("pln_1")
    assert plan.id == "pln_1" and len(sleep.delays) == 3


async def test_connection_errors_exhaust_into_a_clear_error(sleep) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused")

    async with make(handler, sleep) as c:
        with pytest.raises(APIConnectionError) as info:
            await c.retrieve_plan("pln_1")
    assert info.value.request_sent is False and len(sleep.delays) == 3


async def test_unknown_enums_and_extra_fields_are_tolerated(sleep) -> None:
    device = {
        "object": "device", "id": "dev_1", "imei": "358507311042123", "brandNewField": {"x": 1},
        "model": {"id": "dmd_1", "type": "hoverboard", "simTypes": ["eSIM", "iSIM"]},
        "sims": [{"id": "sim_1", "status": "suspendedForever", "type": "iSIM", "iccid": None}],
        "user": None, "metadata": None,
    }
    body = {"object": "list", "items": [device], "moreItemsAfter": None, "moreItemsBefore": None}
    async with make(lambda r: httpx.Response(200, json=body), sleep) as c:
        [parsed] = await c.search_devices("358507311042123")
    assert parsed.model and parsed.model.type.value == "unknown"
    assert [t.value for t in parsed.model.sim_types] == ["eSIM", "unknown"]
    assert parsed.sims[0].status.value == "unknown" and parsed.sims[0].type.value == "unknown"
    assert parsed.metadata == {}


async def test_hostile_json_is_a_clear_error_without_values(sleep) -> None:
    body = {"object": "list", "items": [{"id": ["358507311042123"], "imei": 5}]}
    async with make(lambda r: httpx.Response(200, json=body), sleep) as c:
        with pytest.raises(APIResponseValidationError) as info:
            await c.search_devices("358507311042123")
    assert "items.0.id" in str(info.value) and "358507311042123" not in str(info.value)


async def test_pagination_follows_cursors_and_stops_on_a_loop(sleep) -> None:
    pages = {None: (["a", "b"], "b"), "b": (["c"], "c"), "c": (["d"], "b")}
    seen: list[str | None] = []

    def handler(request: httpx.Request) -> httpx.Response:
        after = request.url.params.get("after")
        seen.append(after)
        ids, more = pages[after]
        return httpx.Response(200, json={"object": "list", "items": [{**PLAN, "id": i} for i in ids],
                                         "moreItemsAfter": more, "moreItemsBefore": None})

    async with make(handler, sleep) as c:
        plans = await c.list_plans()
    assert [p.id for p in plans] == ["a", "b", "c", "d"] and seen == [None, "b", "c"]


async def test_filters_are_comma_joined_and_empty_values_never_sent(sleep) -> None:
    urls: list[httpx.URL] = []

    def handler(request: httpx.Request) -> httpx.Response:
        urls.append(request.url)
        return httpx.Response(200, json={"object": "list", "items": []})

    async with make(handler, sleep) as c:
        await c.list_sims(status=["active", "inactive"], user=None)
        with pytest.raises(ValueError):
            await c.list_subscriptions(user="")
    assert urls[0].params["status"] == "active,inactive" and "user" not in urls[0].params
    assert len(urls) == 1


async def test_headers_are_bearer_and_json(sleep) -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"id": "usr_1"})

    async with make(handler, sleep) as c:
        await c.create_user(email="a@b.example", full_name="A B")
    request = seen[0]
    assert request.headers["authorization"] == f"Bearer {TOKEN}"
    assert request.headers["accept"] == "application/json"
    assert request.headers["content-type"] == "application/json"
    assert request.url.path == "/projects/p/users"


async def test_idempotency_keys_only_on_requests_that_create(sleep: RecordedSleep) -> None:
    """Searches are POSTs that read: no key (older docs: a key fails unenrolled projects),
    and a 503 is retried as for a GET."""
    seen: list[tuple[str, str | None]] = []
    answers = iter([error(503, "internal"), httpx.Response(200, json={
        "object": "list", "items": [], "moreItemsAfter": None, "moreItemsBefore": None})])

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append((request.url.path, request.headers.get("idempotency-key")))
        if request.url.path.endswith("/search"):
            return next(answers)
        return httpx.Response(201, json={"object": "user", "id": "usr_1",
                                         "email": "a@example.com"})

    async with make(handler, sleep) as client:
        assert await client.search_devices("358507311042123") == []
        await client.create_user(email="a@example.com")
    assert [key for path, key in seen if path.endswith("/search")] == [None, None]
    assert [key for path, key in seen if path.endswith("/users")] == ["key-0"]
