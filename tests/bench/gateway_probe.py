"""A probe kiosk for `bench_gateway`: one kiosk in a process of its own, paced reads.

The benchmark's 200 simulated kiosks share one Python event loop: an answer that arrives
while that loop is busy with other kiosks' answers waits for it, and the wait counts in their
latency although neither the gateway nor Gigs had any part in it. A real kiosk is a machine
of its own. The probe is one more kiosk, in its own process on the same machine (so it
shares the two cores with everything else), sending reads at a steady pace through both
replicas for the whole run: each read's time at the probe minus Gigs' time as the gateway
saw it (`Server-Timing: gigs;dur=`), and minus the same read sent straight to the sandbox
right after (paired).

    GATEWAY_PROBE_TOKEN=… python -m tests.bench.gateway_probe --urls A,B --sandbox S --seconds 50

(The kiosk token comes in the environment, not on a command line that `ps` shows.)
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import random
import sys
import time
from typing import Any

import httpx

from kiosk.gateway.proxy import server_timing_ms
from kiosk.sandbox.seed import STORE_PAYMENT_METHOD_ID
from kiosk.scan.imei import luhn_check_digit

P = "/projects/demo"


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def probe(urls: list[str], sandbox: str, token: str, seconds: float,
                rate: float, delay: float = 0.0) -> dict[str, Any]:
    await asyncio.sleep(delay)  # started early (at the driver's priority), reads later
    beyond: list[float] = []
    added: list[float] = []
    inside: list[float] = []  # the gateway's own time, less Gigs'
    outside: list[float] = []  # the probe's time, less the gateway's own
    direct_ms: list[float] = []  # the same read sent straight to the sandbox: the machine's
    # round trip to a Python server doing the same work, without the gateway
    errors = 0
    auth = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(timeout=30) as http, \
            httpx.AsyncClient(base_url=sandbox, timeout=30,
                              headers={"Authorization": "Bearer bench"}) as direct:
        body = f"35850799{random.randrange(10**6):06d}"
        imei = body + luhn_check_digit(body)
        (await direct.post(P + "/devices", json={"imei": imei, "sims": ["sim_test_esim"]})
         ).raise_for_status()
        reads: list[tuple[str, str, Any]] = [
            ("POST", P + "/devices/search", {"imei": imei}),
            ("GET", P + "/plans?status=available", None),
            ("GET", f"{P}/paymentMethods/{STORE_PAYMENT_METHOD_ID}", None)]
        deadline = time.monotonic() + seconds
        n = 0
        # The probe's own garbage collector paused it for up to 44 ms at a time, in the
        # middle of a timed read: its pauses are taken between reads instead.
        gc.collect()
        gc.freeze()
        gc.disable()
        while time.monotonic() < deadline:
            method, path, payload = reads[n % len(reads)]
            url = urls[n % len(urls)]
            n += 1
            started = time.perf_counter()
            try:
                answer = await http.request(method, url + path, json=payload, headers=auth)
            except httpx.HTTPError:
                errors += 1
                continue
            took = (time.perf_counter() - started) * 1000
            if answer.status_code >= 400:
                errors += 1
            elif gigs := server_timing_ms(timing := answer.headers.get("server-timing", "")):
                beyond.append(took - gigs)
                if own := server_timing_ms(timing, "gw"):
                    inside.append(own - gigs)
                    outside.append(took - own)
                started = time.perf_counter()
                await direct.request(method, path, json=payload)
                direct_ms.append((time.perf_counter() - started) * 1000)
                added.append(took - direct_ms[-1])
            if n % 50 == 0:
                gc.collect()
            await asyncio.sleep(random.expovariate(rate))
    return {"samples": len(beyond), "errors": errors,
            "beyond_gigs_p50": round(pct(beyond, 0.5), 1),
            "beyond_gigs_p99": round(pct(beyond, 0.99), 1),
            "added_p50": round(pct(added, 0.5), 1), "added_p99": round(pct(added, 0.99), 1),
            "in_gateway_p50": round(pct(inside, 0.5), 1),
            "in_gateway_p99": round(pct(inside, 0.99), 1),
            "to_and_from_gateway_p50": round(pct(outside, 0.5), 1),
            "to_and_from_gateway_p99": round(pct(outside, 0.99), 1),
            "direct_p50": round(pct(direct_ms, 0.5), 1),
            "direct_p99": round(pct(direct_ms, 0.99), 1)}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--urls", required=True, help="the replicas, comma-separated")
    p.add_argument("--sandbox", required=True)
    p.add_argument("--seconds", type=float, default=50.0)
    p.add_argument("--rate", type=float, default=20.0, help="reads a second, on average")
    p.add_argument("--delay", type=float, default=0.0, help="seconds before the first read")
    args = p.parse_args(argv)
    result = asyncio.run(probe(args.urls.split(","), args.sandbox,
                               os.environ["GATEWAY_PROBE_TOKEN"], args.seconds, args.rate,
                               args.delay))
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
