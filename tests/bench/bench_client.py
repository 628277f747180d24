"""Benchmark of the Gigs client and the sandbox (issue 2's figures).

    python -m tests.bench.bench_client [--requests 3000] [--runs 3]

1. Requests per second the loopback sandbox sustains with the client at concurrency 8:
   the sandbox runs as `kiosk sandbox` in its own process (real sockets), the client here;
   a mix of device searches and plan retrievals; median of `--runs` runs.
2. The client's added latency per request, in process: `client.retrieve_plan()` (retry
   wrapper, error mapping, JSON decode, pydantic model) minus a bare httpx GET plus
   `response.json()` to the same in-process app, interleaved; medians in microseconds.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import time

import httpx

from kiosk.gigs import GigsClient
from kiosk.sandbox.app import create_app
from kiosk.sandbox.seed import DEMO_IMEIS, PLAN_IDS
from kiosk.sandbox.serve import InProcessTransport, free_port
from kiosk.settings import ApiSettings


def start_sandbox() -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIGS_")}
    proc = subprocess.Popen([sys.executable, "-m", "kiosk", "sandbox", "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    while True:
        try:
            httpx.get(url + "/_sandbox", timeout=1)
            return proc, url
        except httpx.TransportError:
            if time.monotonic() > deadline:
                proc.kill()
                raise
            time.sleep(0.05)


async def throughput(url: str, total: int, concurrency: int = 8) -> float:
    imeis = [DEMO_IMEIS[k] for k in ("esim", "psim", "dual1", "watch")]
    plan = PLAN_IDS["travel"]
    async with GigsClient(ApiSettings(api_url=url, token="bench")) as client:
        await client.retrieve_plan(plan)  # connect and warm up
        counter = iter(range(total))

        async def worker() -> None:
            for n in counter:
                if n % 2:
                    await client.retrieve_plan(plan)
                else:
                    await client.search_devices(imeis[n % len(imeis)])

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        return total / (time.perf_counter() - started)


async def added_latency(samples: int) -> tuple[float, float]:
    app = create_app()
    plan = PLAN_IDS["travel"]
    path = f"/projects/demo/plans/{plan}"
    bare = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://x",
                             headers={"Authorization": "Bearer b"})
    client = GigsClient(ApiSettings(), transport=InProcessTransport(app))
    bare_us, client_us = [], []
    for i in range(samples + 200):
        t0 = time.perf_counter()
        (await bare.get(path)).json()
        t1 = time.perf_counter()
        await client.retrieve_plan(plan)
        t2 = time.perf_counter()
        if i >= 200:  # warm-up
            bare_us.append((t1 - t0) * 1e6)
            client_us.append((t2 - t1) * 1e6)
    await bare.aclose()
    await client.aclose()
    return statistics.median(bare_us), statistics.median(client_us)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--samples", type=int, default=3000)
    args = parser.parse_args()

    proc, url = start_sandbox()
    try:
        rates = [asyncio.run(throughput(url, args.requests)) for _ in range(args.runs)]
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    print(f"loopback sandbox, client concurrency 8, {args.requests} requests x {args.runs} runs")
    print(f"  requests/s per run: {', '.join(f'{r:.0f}' for r in rates)}")
    print(f"  median: {statistics.median(rates):.0f} requests/s")

    bare, full = asyncio.run(added_latency(args.samples))
    print(f"in-process GET plan, {args.samples} samples (medians)")
    print(f"  bare httpx + json: {bare:.0f} us; GigsClient.retrieve_plan: {full:.0f} us")
    print(f"  client's added latency: {full - bare:.0f} us per request")


if __name__ == "__main__":
    main()
