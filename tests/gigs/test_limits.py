"""Every request has an overall deadline and every answer a size limit (DESIGN.md section 6).

Real loopback HTTP (tests/gigs/rawhttp.py) for dripping, hanging and bombing servers;
httpx.MockTransport for the decoding edge cases.
"""

from __future__ import annotations

import asyncio
import gzip
import json
import resource
import time
import tracemalloc
import zlib
from collections.abc import AsyncIterator, Awaitable, Callable

import httpx
import pytest

from kiosk.gigs import (
    APIResponseValidationError, APITimeoutError, GigsClient, RateLimitError, RetryPolicy,
    ServerError, deadline,
)
from kiosk.gigs._limits import Watchdog
from kiosk.settings import ApiSettings
from tests.conftest import RecordedSleep
from tests.gigs.rawhttp import gzip_bomb, hang, head, raw_server, send

pytestmark = pytest.mark.asyncio

PLAN = {"object": "plan", "id": "pln_1", "status": "available", "simTypes": ["eSIM"]}
PLAN_BYTES = json.dumps(PLAN).encode()
Sleep = Callable[[float], Awaitable[None]]


def client(url: str = "https://api.example", *, sleep: Sleep = asyncio.sleep,
           transport: httpx.AsyncBaseTransport | None = None, retries: int = 3,
           clock: Callable[[], float] = time.monotonic, **settings: float) -> GigsClient:
    return GigsClient(ApiSettings(api_url=url, project="p", token="t", **settings),  # type: ignore[arg-type]
                      transport=transport, sleep=sleep, clock=clock, rand=lambda: 0.0,
                      retry=RetryPolicy(max_retries=retries, base_delay=0.5, max_delay=4.0))


def mock(handler: Callable[[httpx.Request], httpx.Response]) -> httpx.MockTransport:
    return httpx.MockTransport(handler)


# -- deadlines -----------------------------------------------------------------------------

async def drip(n: int, head_: bytes, writer: asyncio.StreamWriter) -> None:
    """Headers at once, then the body one byte a second: no read ever waits long."""
    await send(writer, head(200, len(PLAN_BYTES)))
    for byte in PLAN_BYTES:
        await send(writer, bytes([byte]))
        await asyncio.sleep(1.0)


async def test_a_dripping_server_is_cut_after_attempt_timeout() -> None:
    async with raw_server(drip) as server, client(server.url, retries=0, attempt_timeout=0.5) as c:
        started = time.monotonic()
        with pytest.raises(APITimeoutError) as info:
            await c.retrieve_plan("pln_1")
        took = time.monotonic() - started
    assert info.value.request_sent is True
    assert 0.4 < took < 1.5, took


async def test_retries_of_a_dripping_server_end_by_the_request_deadline() -> None:
    async with raw_server(drip) as server, client(server.url, retries=10, attempt_timeout=0.5,
                      request_deadline=1.5) as c:
        started = time.monotonic()
        with pytest.raises(APITimeoutError):
            await c.retrieve_plan("pln_1")
        took = time.monotonic() - started
    assert took < 2.0, took
    assert 2 <= len(server.requests) <= 3


@pytest.mark.parametrize("status,cls", [(503, ServerError), (429, RateLimitError)])
@pytest.mark.parametrize("retry_after", ["59", "0.8"])
async def test_retry_after_is_not_waited_for_past_the_deadline(status, cls, retry_after) -> None:
    async def busy(n: int, head_: bytes, writer: asyncio.StreamWriter) -> None:
        body = b'{"object": "error", "message": "busy"}'
        await send(writer, head(status, len(body), retry_after=retry_after) + body)

    async with raw_server(busy) as server, client(server.url, request_deadline=2.0) as c:
        started = time.monotonic()
        with pytest.raises(cls) as info:
            await c.retrieve_plan("pln_1")
        took = time.monotonic() - started
    assert info.value.retry_after == float(retry_after)
    assert took < 2.0, took
    # 59: not waited at all; 0.8: two waits fit in 2 s, a third would end past it.
    assert len(server.requests) == (1 if retry_after == "59" else 3)


async def test_deadline_block_caps_a_request() -> None:
    async with raw_server(hang) as server, client(server.url, attempt_timeout=20) as c:
        started = time.monotonic()
        with deadline(time.monotonic() + 0.5), pytest.raises(APITimeoutError) as info:
            await c.retrieve_plan("pln_1")
        took = time.monotonic() - started
    assert info.value.request_sent is True and 0.4 < took < 1.2, took


async def test_deadline_is_per_task_and_nested_blocks_only_tighten() -> None:
    async def slow(n: int, head_: bytes, writer: asyncio.StreamWriter) -> None:
        await asyncio.sleep(0.6)
        await send(writer, head(200, len(PLAN_BYTES)) + PLAN_BYTES)

    async with raw_server(slow) as server, client(server.url, retries=0) as c:
        async def hurried() -> None:
            with deadline(time.monotonic() + 0.3), deadline(time.monotonic() + 60):
                await c.retrieve_plan("pln_1")

        results = await asyncio.gather(hurried(), c.retrieve_plan("pln_1"),
                                       return_exceptions=True)
    assert isinstance(results[0], APITimeoutError)
    assert not isinstance(results[1], BaseException) and results[1].id == "pln_1"


async def test_deadline_caps_backoff_sleeps_on_the_injected_clock() -> None:
    now = [100.0]

    async def sleep(seconds: float) -> None:
        now[0] += seconds

    calls: list[int] = []

    def storm(request: httpx.Request) -> httpx.Response:
        calls.append(1)
        return httpx.Response(503, json={"object": "error", "message": "down"})

    async with client(transport=mock(storm), sleep=sleep, clock=lambda: now[0],
                      retries=10) as c:
        with deadline(now[0] + 1.0), pytest.raises(ServerError):
            await c.retrieve_plan("pln_1")
        # Backoff 0.25 then 0.5; the next (1.0) would end past 101.0, so it is not taken.
        assert now[0] == 100.75 and len(calls) == 3
        with deadline(now[0] - 1), pytest.raises(APITimeoutError) as info:
            await c.retrieve_plan("pln_1")
    assert info.value.request_sent is False and len(calls) == 3


async def test_watchdog_cuts_each_block_at_its_own_time() -> None:
    dog = Watchdog()
    started = time.monotonic()

    async def block(limit: float, work: float) -> float:
        async with dog.cut_after(limit):
            await asyncio.sleep(work)
        return time.monotonic() - started

    # The latest cut registers first, so the shared timer must move earlier twice.
    results = await asyncio.gather(block(5, 0.4), block(0.3, 5), block(0.1, 5),
                                   return_exceptions=True)
    assert isinstance(results[1], TimeoutError) and isinstance(results[2], TimeoutError)
    assert isinstance(results[0], float) and 0.35 < results[0] < 1.0
    assert time.monotonic() - started < 1.0


async def test_watchdog_leaves_other_cancellations_alone() -> None:
    dog = Watchdog()

    async def block() -> None:
        async with dog.cut_after(5):
            await asyncio.sleep(5)

    task = asyncio.create_task(block())
    await asyncio.sleep(0.01)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task

    async def quick() -> str:
        async with dog.cut_after(0.05):
            await asyncio.sleep(0)
        await asyncio.sleep(0.1)  # past the cut: nothing may fire once the block is left
        return "done"

    assert await quick() == "done"


async def test_one_client_across_event_loops() -> None:
    c = client(transport=mock(lambda r: httpx.Response(200, json=PLAN)), attempt_timeout=0.2)

    def two_runs() -> list[str]:  # e.g. two `asyncio.run` in one CLI process
        return [asyncio.run(c.retrieve_plan("pln_1")).id for _ in range(2)]

    assert await asyncio.to_thread(two_runs) == ["pln_1", "pln_1"]


# -- body size ----------------------------------------------------------------------------

async def test_a_gzip_bomb_is_refused_quickly_with_bounded_memory() -> None:
    bomb, inflated = gzip_bomb(1 << 20)
    assert inflated > 1_000_000_000  # ~1 GB from ~1 MB

    async def serve_bomb(n: int, head_: bytes, writer: asyncio.StreamWriter) -> None:
        await send(writer, head(200, len(bomb), content_encoding="gzip") + bomb)

    async with raw_server(serve_bomb) as server, client(server.url) as c:
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
        tracemalloc.start()
        started = time.monotonic()
        try:
            with pytest.raises(APIResponseValidationError) as info:
                await c.retrieve_plan("pln_1")
            took = time.monotonic() - started
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        rss_growth = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 - rss_before
    assert "too large" in str(info.value)
    assert took < 2.0, took
    # The limit is 2 MiB; httpx alone would inflate 64 MiB per network chunk.
    assert peak < 20 * 2**20, peak
    assert rss_growth < 100 * 2**20, rss_growth
    assert len(server.requests) == 1  # not retried


async def test_a_declared_oversized_body_is_refused_before_reading() -> None:
    async def huge(n: int, head_: bytes, writer: asyncio.StreamWriter) -> None:
        await send(writer, head(200, 10**10))
        await asyncio.sleep(3600)  # the body never comes: waiting for it would hang

    async with raw_server(huge) as server, client(server.url, attempt_timeout=5) as c:
        started = time.monotonic()
        with pytest.raises(APIResponseValidationError, match="too large"):
            await c.retrieve_plan("pln_1")
    assert time.monotonic() - started < 1.0


def streamed(chunks: list[bytes] | None = None, forever: bytes | None = None,
             sent: list[int] | None = None) -> AsyncIterator[bytes]:
    async def gen() -> AsyncIterator[bytes]:
        for chunk in chunks or []:
            yield chunk
        while forever is not None:
            if sent is not None:
                sent.append(len(forever))
            yield forever
    return gen()


async def test_an_endless_chunked_body_is_cut_at_the_limit() -> None:
    sent: list[int] = []

    def endless(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=streamed(forever=b" " * 65536, sent=sent))

    async with client(transport=mock(endless), max_body_bytes=200_000) as c:
        with pytest.raises(APIResponseValidationError, match="too large"):
            await c.retrieve_plan("pln_1")
    assert sum(sent) <= 200_000 + 65536


async def test_error_bodies_have_the_same_limit(sleep: RecordedSleep) -> None:
    def big_error(request: httpx.Request) -> httpx.Response:
        return httpx.Response(503, content=b" " * 300_000)

    async with client(transport=mock(big_error), sleep=sleep, max_body_bytes=200_000) as c:
        with pytest.raises(APIResponseValidationError, match="too large"):
            await c.retrieve_plan("pln_1")


async def test_a_body_at_the_limit_is_accepted() -> None:
    body = PLAN_BYTES + b" " * 1000

    def exact(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=streamed([body[:500], body[500:]]))

    async with client(transport=mock(exact), max_body_bytes=len(body)) as c:
        assert (await c.retrieve_plan("pln_1")).id == "pln_1"


@pytest.mark.parametrize("encoding,encode", [
    ("gzip", gzip.compress),
    ("deflate", zlib.compress),
    ("deflate", lambda b: zlib.compress(b)[2:-4]),  # raw deflate, as some servers send
    ("identity", lambda b: b),
])
async def test_compressed_answers_are_decoded(encoding, encode) -> None:
    data = encode(PLAN_BYTES)

    def answer(request: httpx.Request) -> httpx.Response:
        assert request.headers["accept-encoding"] == "gzip, deflate"
        return httpx.Response(200, headers={"content-encoding": encoding},
                              content=streamed([data[:3], data[3:]]))

    async with client(transport=mock(answer)) as c:
        assert (await c.retrieve_plan("pln_1")).id == "pln_1"


async def test_gzip_over_loopback_is_decoded() -> None:
    data = gzip.compress(PLAN_BYTES)

    async def answer(n: int, head_: bytes, writer: asyncio.StreamWriter) -> None:
        await send(writer, head(200, len(data), content_encoding="gzip") + data)

    async with raw_server(answer) as server, client(server.url) as c:
        assert (await c.retrieve_plan("pln_1")).id == "pln_1"


@pytest.mark.parametrize("encoding", ["br", "zstd", "gzip, gzip", "compress"])
async def test_encodings_without_a_bounded_decoder_are_refused(encoding) -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers={"content-encoding": encoding},
                              content=streamed([b"\x00" * 10]))

    async with client(transport=mock(answer)) as c:
        with pytest.raises(APIResponseValidationError, match="unsupported encoding"):
            await c.retrieve_plan("pln_1")


async def test_a_corrupt_gzip_body_is_a_clear_error() -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers={"content-encoding": "gzip"},
                              content=streamed([b"not gzip at all"]))

    async with client(transport=mock(answer)) as c:
        with pytest.raises(APIResponseValidationError, match="decompressed"):
            await c.retrieve_plan("pln_1")


@pytest.mark.parametrize("status", [200, 500])
async def test_json_nested_past_any_sane_depth_is_an_unexpected_answer(status: int) -> None:
    """`[[[[...` 200,000 deep fits the size limit but would blow Python's recursion limit:
    a clear API error (exit 5 on the command line), never a RecursionError."""
    body = b"[" * 200_000 + b"]" * 200_000

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(status, content=body, headers={"content-type": "application/json"})

    async with client(transport=mock(handler), retries=0) as c:
        with pytest.raises((APIResponseValidationError, ServerError)) as info:
            await c.retrieve_plan("pln_1")
    if status == 200:
        assert "nested too deeply" in str(info.value)


@pytest.mark.parametrize("keys", [True, False])
async def test_a_search_is_a_read_and_is_retried_like_a_get(keys: bool) -> None:
    """POST /devices/search changes nothing: one 502 (keys on or off) is retried, not fatal."""
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if len(seen) == 1:
            return httpx.Response(502, json={"object": "error", "type": "serverError"})
        return httpx.Response(200, json={"object": "list", "items": [], "moreItemsAfter": None,
                                         "moreItemsBefore": None})

    sleeps = RecordedSleep()
    async with client(transport=mock(handler), sleep=sleeps, idempotency_keys=keys) as c:
        assert await c.search_devices("358507311042123") == []
    assert len(seen) == 2
    assert all("idempotency-key" not in r.headers for r in seen)
