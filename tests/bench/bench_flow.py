"""Benchmark of the activation flow (issue 3's figures).

    python -m tests.bench.bench_flow [--runs 20] [--sequential 500]

1. Wall time from `submit_imei` to `Ready` for an immediate eSIM, in process, default flow
   settings: median (and spread) of `--runs` activations, each on a fresh device.
2. Requests per activation, by route (from the sandbox's own counters).
3. `--sequential` activations in one process against the sandbox served in another process
   (so RSS is the kiosk's alone): duplicate orders, RSS growth after a warm-up, open fds.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import os
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from kiosk.connect import make_client
from kiosk.flow import Context, CustomerInput, Flow, FlowSettings
from kiosk.flow.states import Ready
from kiosk.gigs import GigsClient
from kiosk.journal import Journal
from kiosk.sandbox.app import create_app
from kiosk.sandbox.seed import PLAN_IDS, STORE_PAYMENT_METHOD_ID
from kiosk.sandbox.serve import InProcessTransport
from kiosk.scan.imei import luhn_check_digit
from kiosk.settings import ApiSettings
from tests.bench.bench_client import start_sandbox


def imei(n: int) -> str:
    body = f"35850731{n:06d}"
    return body + luhn_check_digit(body)


def rss_kib() -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def open_fds() -> int:
    return len(os.listdir("/proc/self/fd"))


async def new_device(client: GigsClient, n: int) -> str:
    number = imei(n)
    await client._requestor.request("POST", "/projects/demo/devices",
                                    json={"imei": number, "sims": ["sim_test_esim"]})
    return number


async def activate(client: GigsClient, journal: Journal, number: str, n: int,
                   settings: FlowSettings) -> tuple[float, Any]:
    flow = Flow(Context(client, journal, settings))
    started = time.perf_counter()
    await flow.submit_imei(number)
    await flow.confirm_device()
    await flow.choose_plan(PLAN_IDS["travel"])
    await flow.enter_customer(CustomerInput(f"bench{n}@example.com", "Bench Mark"))
    await flow.confirm()
    elapsed = time.perf_counter() - started
    state = flow.state
    await flow.cancel()
    return elapsed, state


async def latency(runs: int) -> None:
    app = create_app()
    settings = FlowSettings(payment_method=STORE_PAYMENT_METHOD_ID)
    journal = Journal(":memory:")
    async with GigsClient(ApiSettings(), transport=InProcessTransport(app)) as client:
        numbers = [await new_device(client, n) for n in range(runs + 1)]
        store = app.state.sandbox.store
        await activate(client, journal, numbers[-1], runs, settings)  # warm-up
        times = []
        before = collections.Counter(store.requests)
        for n in range(runs):
            elapsed, state = await activate(client, journal, numbers[n], n, settings)
            assert isinstance(state, Ready), state
            times.append(elapsed * 1000)
        per_route = {k: (v - before[k]) / runs for k, v in store.requests.items()
                     if v - before[k] > 0}
    journal.close()
    print(f"submit_imei -> Ready, immediate eSIM, in process, default settings, {runs} runs")
    print(f"  median {statistics.median(times):.0f} ms  (min {min(times):.0f}, "
          f"max {max(times):.0f})  target < 300 ms")
    print("requests per activation (mean over the runs):")
    for route, count in sorted(per_route.items(), key=lambda kv: -kv[1]):
        print(f"  {count:5.2f}  {route}")


async def sequential(count: int) -> None:
    proc, url = start_sandbox()
    settings = FlowSettings(payment_method=STORE_PAYMENT_METHOD_ID, poll_initial=0.02)
    with tempfile.TemporaryDirectory() as tmp:
        journal = Journal(Path(tmp) / "journal.sqlite3")
        try:
            async with make_client(ApiSettings(api_url=url, token="bench")) as client:
                warmup = min(50, count // 5)
                fds_before = open_fds()
                rss_start = rss_kib()
                rss_after_warmup = rss_start
                started = time.perf_counter()
                for n in range(count):
                    number = await new_device(client, 10_000 + n)
                    _, state = await activate(client, journal, number, 10_000 + n, settings)
                    assert isinstance(state, Ready), (n, state)
                    if n + 1 == warmup:
                        rss_after_warmup = rss_kib()
                took = time.perf_counter() - started
                rss_end = rss_kib()
                fds_after = open_fds()
                orders = await client.list_orders()
                subscriptions = await client.list_subscriptions()
        finally:
            proc.terminate()
            proc.wait(timeout=10)
            journal.close()
    # Per SIM, from the subscriptions (orders carry `subscriptionDetails` only when quoted).
    per_sim = collections.Counter(s.sim.id for s in subscriptions if s.sim is not None
                                  and s.status.value in ("pending", "initiated", "active"))
    duplicates = sum(1 for c in per_sim.values() if c > 1)
    print(f"{count} sequential activations in one process (sandbox in another), {took:.0f} s")
    print(f"  orders: {len(orders)} for {len(per_sim)} SIMs; duplicate orders: {duplicates}")
    print(f"  RSS: {rss_start / 1024:.1f} MiB at start, {rss_after_warmup / 1024:.1f} after "
          f"{warmup} (warm-up), {rss_end / 1024:.1f} at the end: growth after warm-up "
          f"{(rss_end - rss_after_warmup) / 1024:.2f} MiB (target < 5)")
    print(f"  open file descriptors: {fds_before} before, {fds_after} after")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--sequential", type=int, default=500)
    args = parser.parse_args()
    asyncio.run(latency(args.runs))
    if args.sequential:
        asyncio.run(sequential(args.sequential))


if __name__ == "__main__":
    main()
