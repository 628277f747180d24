"""Benchmark of a QA batch (issue 6's figure): lookups per second for 1,000 IMEIs.

    python -m tests.bench.bench_qa [--count 1000]

The sandbox runs as `kiosk sandbox` in its own process (loopback, its default latency); the
batch runs here, through `QaBatch` as the station and `kiosk qa` do. Half the IMEIs are the
seeded devices, half unregistered (which costs a second lookup: the device model).
"""

from __future__ import annotations

import argparse
import asyncio
import random
import time

from kiosk.gigs import GigsClient
from kiosk.qa import QaBatch
from kiosk.sandbox.seed import DEMO_IMEIS
from kiosk.scan.imei import luhn_check_digit
from kiosk.settings import ApiSettings
from tests.bench.bench_client import start_sandbox
from tests.bench.bench_flow import rss_kib


async def run(url: str, count: int) -> None:
    rng = random.Random(4)
    seeded = list(DEMO_IMEIS.values())
    imeis = []
    for n in range(count):
        if n % 2:
            imeis.append(seeded[n % len(seeded)])
        else:
            body = "35" + "".join(rng.choice("0123456789") for _ in range(12))
            imeis.append(body + luhn_check_digit(body))
    async with GigsClient(ApiSettings(api_url=url, token="bench")) as client:
        await client.list_plans()  # connected and warm
        before = rss_kib()
        batch = QaBatch(client)
        started = time.perf_counter()
        for imei in imeis:
            batch.add(imei)
        await batch.wait()
        took = time.perf_counter() - started
        after = rss_kib()
    s = batch.summary()
    print(f"{count} IMEIs in {took:.2f} s: {count / took:.0f} lookups/s (target >= 20); "
          f"{s['passed']} passed, {s['failed']} failed, {s['duplicates']} duplicates")
    print(f"RSS {before / 1024:.1f} MiB before the batch, {after / 1024:.1f} MiB after")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=1000)
    args = parser.parse_args()
    proc, url = start_sandbox()
    try:
        asyncio.run(run(url, args.count))
    finally:
        proc.terminate()
        proc.wait(timeout=10)


if __name__ == "__main__":
    main()
