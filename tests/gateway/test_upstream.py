"""The gateway's client to Gigs: one more send only where a second one cannot act twice."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from kiosk.gateway.proxy import Upstream, gigs_ms


class ClosingOnce(httpx.AsyncBaseTransport):
    """Fails the first request as a server closing its kept-alive connection would."""

    def __init__(self, error: type[httpx.TransportError]) -> None:
        self.error, self.calls = error, 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.calls += 1
        if self.calls == 1:
            raise self.error("Server disconnected without sending a response.",
                             request=request)
        return httpx.Response(200, json={"object": "plan"})


@pytest.mark.parametrize(("error", "method", "key", "sent_again"), [
    (httpx.RemoteProtocolError, "GET", False, True),
    (httpx.ReadError, "GET", False, True),
    (httpx.RemoteProtocolError, "POST", True, True),
    (httpx.RemoteProtocolError, "POST", False, False),  # it may have been acted on
    (httpx.ConnectError, "POST", False, True),  # it never left
])
def test_a_request_lost_on_a_closing_connection_goes_again_only_when_safe(
        error: type[httpx.TransportError], method: str, key: bool, sent_again: bool) -> None:
    async def go() -> tuple[int, int, float]:
        transport = ClosingOnce(error)
        upstream = Upstream("http://gigs.test", "key", transport)
        try:
            headers = {"Idempotency-Key": "k-1"} if key else {}
            answer = await upstream.send(method, "/projects/demo/plans", {}, None, headers)
        finally:
            await upstream.aclose()
        return answer.status_code, transport.calls, gigs_ms(answer)

    status, calls, took = asyncio.run(go())
    assert (status, calls) == ((200, 2) if sent_again else (502, 1))
    assert (took > 0) == sent_again  # Server-Timing on Gigs' answers only
