"""Latency as in real life (issue 12): an activation against a sandbox that adds 150 ms a request.

    python -m tests.bench.bench_latency [--latency-ms 150] [--runs 5]

The sandbox runs in its own process with `--latency-ms`. Each run resets it and activates the
demo eSIM phone as `kiosk activate` does (scan, plan, customer, confirm, until Ready), timing
the whole and recording every request's start and end. It prints the median wall time and the
critical path: the longest chain of requests each of which started after the previous ended,
i.e. the round trips a customer waits for one after another.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field

import httpx

from kiosk.flow import Context, CustomerInput, Flow, FlowSettings
from kiosk.flow.states import Ready
from kiosk.gigs import GigsClient
from kiosk.journal import Journal
from kiosk.sandbox.seed import DEMO_IMEIS, PLAN_IDS, STORE_PAYMENT_METHOD_ID
from kiosk.settings import ApiSettings
from tests.bench.bench_client import free_port


@dataclass
class Recorder(httpx.AsyncBaseTransport):
    inner: httpx.AsyncBaseTransport = field(default_factory=httpx.AsyncHTTPTransport)
    spans: list[tuple[float, float, str]] = field(default_factory=list)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        started = time.perf_counter()
        response = await self.inner.handle_async_request(request)
        await response.aread()
        path = request.url.path.split("/projects/demo", 1)[-1]
        self.spans.append((started, time.perf_counter(), f"{request.method} {path}"))
        return response

    async def aclose(self) -> None:
        await self.inner.aclose()


def critical_path(spans: list[tuple[float, float, str]]) -> list[str]:
    """The longest chain of requests, each starting after the one before it ended."""
    ordered = sorted(spans)
    best: list[list[str]] = []
    for i, (start, _, name) in enumerate(ordered):
        chain = max((best[j] for j in range(i) if ordered[j][1] <= start), key=len, default=[])
        best.append([*chain, name])
    return max(best, key=len, default=[])


async def one_run(url: str) -> tuple[float, list[str], int]:
    recorder = Recorder()
    settings = ApiSettings(api_url=url, project="demo", token="bench")
    async with GigsClient(settings, transport=recorder) as client:
        flow = Flow(Context(client, Journal(":memory:"), FlowSettings(
            payment_method=STORE_PAYMENT_METHOD_ID)))
        email = f"late.{time.time_ns()}@example.com"
        started = time.perf_counter()
        if hasattr(flow, "prefetch_customer"):  # as `kiosk activate --email` does
            flow.prefetch_customer(email)
        await flow.submit_imei(DEMO_IMEIS["esim"])
        if hasattr(flow, "confirm_device"):
            await flow.confirm_device()
        await flow.choose_plan(PLAN_IDS["travel"])
        await flow.enter_customer(CustomerInput(email, "Pat Late"))
        await flow.confirm()
        took = time.perf_counter() - started
        assert isinstance(flow.state, Ready), flow.state
        await flow.cancel()
    return took, critical_path(recorder.spans), len(recorder.spans)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--latency-ms", type=float, default=150.0)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIGS_")}
    proc = subprocess.Popen([sys.executable, "-m", "kiosk", "sandbox", "--port", str(port),
                             "--latency-ms", str(args.latency_ms)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                httpx.get(url + "/_sandbox", timeout=1)
                break
            except httpx.TransportError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        times: list[float] = []
        path: list[str] = []
        count = 0
        for _ in range(args.runs):
            httpx.post(url + "/_sandbox/reset", timeout=5)
            took, path, count = asyncio.run(one_run(url))
            times.append(took)
        print(f"activation of a fresh eSIM phone, sandbox latency {args.latency_ms:.0f} ms, "
              f"{args.runs} runs")
        print(f"  median {statistics.median(times):.2f} s  (min {min(times):.2f}, "
              f"max {max(times):.2f})  target < 1.2 s")
        print(f"  {count} requests; {len(path)} round trips one after another:")
        for step in path:
            print(f"    {step}")
    finally:
        proc.terminate()
        proc.wait(10)


if __name__ == "__main__":
    main()
