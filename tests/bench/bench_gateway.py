"""Benchmark of the fleet gateway (issue 17): many kiosks, two replicas, one PostgreSQL.

    python -m tests.bench.bench_gateway [--kiosks 200] [--seconds 60] [--json]

On loopback: a throwaway PostgreSQL cluster (tests/gateway/pg.py), `kiosk sandbox` as Gigs
(its own process; orders take `--order-seconds` to complete), two `kiosk gateway serve`
processes on that database. `--kiosks` simulated kiosks (asyncio tasks in this process, each
joined with its own code and token, kiosk i on replica i % 2) run activations, `--pause`
seconds apart on average, for `--seconds` (then the ones in flight finish, and it stops):
the request sequence of the kiosk flow for an eSIM (device search, the SIM's subscriptions,
plans, the store's payment method, user, address, order with an idempotency key, status
polls, subscription, eSIM code), and a heartbeat every 30 s. Kiosks start spread over one
pause, so the load is even from the start.

Half the kiosks follow their order with the event stream (`GET /gateway/v1/events`, opened
while an order is followed; a poll sleeps until an event about the order arrives, 15 s at
most, as kiosk/flow/wake.py does), half by polling only (0.1 s, x1.6, at most 3 s). The
events come from signed webhooks this benchmark posts to the gateway as the sandbox's orders
change (the sandbox sends none): a relay watches each placed order at the sandbox directly.

Latency added by the gateway: every read a kiosk sends (device search, plans, status polls)
is sent again straight to the sandbox right after its answer; the table gives both and the
per-request difference (paired), p50 and p99. That difference also holds whatever the
sandbox did differently between the two sends (a pause of its own lands on one of them);
so the gateway says in `Server-Timing: gigs;dur=…` how long Gigs took as it saw it, and
"added (Server-Timing)" is each forwarded request's time at the kiosk minus that: the
gateway's work, its database and the hops to it, on every forwarded request.

Both are measured inside this process, whose one event loop serves all the kiosks: an answer
that arrives while it is busy with others waits, and that wait counts too, though no real
kiosk (a machine of its own) would see it. So a probe kiosk in a process of its own
(`gateway_probe`) sends reads at a steady pace through both replicas for the whole run,
sharing the machine with everything else: its figures are the gateway's added latency.

Duplicate orders: orders the sandbox made during the run minus orders the kiosks were
answered for (must be 0); errors: any kiosk request answered >= 400 or not at all (must be 0).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import json
import os
import random
import re
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import httpx

from kiosk.gateway.proxy import server_timing_ms
from kiosk.gateway.webhooks import sign
from kiosk.sandbox.seed import PLAN_IDS, STORE_PAYMENT_METHOD_ID
from kiosk.scan.imei import luhn_check_digit
from tests.bench.gateway_probe import pct
from tests.bench.gateway_fleet import fleet
from tests.bench.gateway_report import table
from tests.gateway import pg
from tests.gateway.replicas import WEBHOOK_SECRET

P = "/projects/demo"
STREAM_INTERVAL = 15.0
HEARTBEAT_SECONDS = 30.0
ID = re.compile(r"(?<=/)[a-z]{2,4}_[A-Za-z0-9]+")


@dataclass
class Tally:
    requests: Counter[str] = field(default_factory=Counter)
    via: list[float] = field(default_factory=list)  # ms, reads through the gateway
    direct: list[float] = field(default_factory=list)  # ms, the same reads to the sandbox
    added: list[float] = field(default_factory=list)  # ms, paired differences
    beyond: list[float] = field(default_factory=list)  # ms, past Gigs' time (Server-Timing)
    all_via: list[float] = field(default_factory=list)  # ms, every kiosk request
    by_name: dict[str, list[float]] = field(default_factory=dict)  # ms, by request
    errors: Counter[str] = field(default_factory=Counter)
    placed: int = 0
    done: dict[str, int] = field(default_factory=lambda: {"stream": 0, "poll": 0})
    polls: dict[str, int] = field(default_factory=lambda: {"stream": 0, "poll": 0})
    events: int = 0
    webhooks: int = 0


class Kiosk:
    def __init__(self, n: int, url: str, token: str, http: httpx.AsyncClient,
                 direct: httpx.AsyncClient, tally: Tally, stream: bool, relay: Relay) -> None:
        self.n, self.url, self.http, self.direct, self.tally = n, url, http, direct, tally
        self.headers = {"Authorization": f"Bearer {token}"}
        self.stream, self.relay = stream, relay
        self.mode = "stream" if stream else "poll"
        self.woken: dict[str, asyncio.Event] = {}
        self.activations = 0
        self.last_event_id: str | None = None

    async def call(self, method: str, path: str, *, json_body: Any = None, paired: bool = False,
                   key: str | None = None) -> dict[str, Any]:
        headers = dict(self.headers)
        if key:
            headers["Idempotency-Key"] = key
        name = f"{method} {ID.sub('{id}', path.split('?')[0].replace(P, ''))}"
        started = time.perf_counter()
        try:
            answer = await self.http.request(method, self.url + path, json=json_body,
                                             headers=headers)
        except httpx.HTTPError as exc:
            self.tally.errors[f"{name}: {type(exc).__name__}"] += 1
            raise
        took = (time.perf_counter() - started) * 1000
        self.tally.requests[name] += 1
        self.tally.all_via.append(took)
        self.tally.by_name.setdefault(name, []).append(took)
        if gigs := server_timing_ms(answer.headers.get("server-timing", "")):
            self.tally.beyond.append(took - gigs)
        if answer.status_code >= 400:
            self.tally.errors[f"{name}: {answer.status_code}"] += 1
            raise RuntimeError(answer.text[:200])
        if paired:
            started = time.perf_counter()
            await self.direct.request(method, path, json=json_body)
            direct = (time.perf_counter() - started) * 1000
            self.tally.via.append(took)
            self.tally.direct.append(direct)
            self.tally.added.append(took - direct)
        result: dict[str, Any] = answer.json() if answer.content else {}
        return result

    async def heartbeats(self, stop: asyncio.Event) -> None:
        with contextlib.suppress(TimeoutError):  # kiosks switched on over half a minute
            await asyncio.wait_for(stop.wait(), random.uniform(0, HEARTBEAT_SECONDS))
        while not stop.is_set():
            await self.call("POST", "/gateway/v1/heartbeat", json_body={
                "version": "0.1.0", "mode": "kiosk", "camera_fps": 15.0,
                "activations_today": self.activations, "failures_today": 0, "pending": 0})
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), HEARTBEAT_SECONDS)

    async def activate(self, serial: int) -> None:
        body = f"35850731{self.n * 4000 + serial:06d}"
        imei = body + luhn_check_digit(body)
        made = await self.direct.post(P + "/devices", json={"imei": imei,
                                                            "sims": ["sim_test_esim"]})
        made.raise_for_status()  # setup, not the kiosk's: not counted
        found = await self.call("POST", P + "/devices/search", json_body={"imei": imei},
                                paired=True)
        sim = found["items"][0]["sims"][0]["id"]
        await self.call("GET", f"{P}/subscriptions?sim={sim}")
        await self.call("GET", P + "/plans?status=available", paired=True)
        await self.call("GET", f"{P}/paymentMethods/{STORE_PAYMENT_METHOD_ID}")
        email = f"k{self.n}-{serial}@bench.example"
        user = await self.call("POST", P + "/users",
                               json_body={"email": email, "fullName": "Bench Mark"})
        address = await self.call("POST", f"{P}/users/{user['id']}/addresses", json_body={
            "line1": "Main St 1", "city": "Berlin", "postalCode": "10115", "country": "DE"})
        order = await self.call("POST", P + "/orders", key=f"bench-{self.n}-{serial}", json_body={
            "paymentMethod": STORE_PAYMENT_METHOD_ID, "plan": PLAN_IDS["travel"],
            "subscriptionDetails": {"sim": sim, "user": user["id"],
                                    "userAddress": address["id"]}})
        self.tally.placed += 1
        final = await self.follow(order["id"])
        await self.call("GET", f"{P}/subscriptions/{final['subscription']}")
        await self.call("GET", f"{P}/sims/{sim}/credentials")
        self.activations += 1
        self.tally.done[self.mode] += 1

    async def follow(self, order_id: str) -> dict[str, Any]:
        woken = self.woken[order_id] = asyncio.Event()
        listener = asyncio.create_task(self.listen()) if self.stream else None
        if self.stream:
            self.relay.watch(order_id, self.url)
        wait = 0.1
        try:
            while True:
                woken.clear()
                order = await self.call("GET", f"{P}/orders/{order_id}", paired=True)
                self.tally.polls[self.mode] += 1
                if order["status"] == "completed":
                    return order
                if self.stream:
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(woken.wait(), max(wait, STREAM_INTERVAL))
                else:
                    await asyncio.sleep(wait)
                wait = min(wait * 1.6, 3.0)
        finally:
            self.woken.pop(order_id, None)
            if listener:
                listener.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await listener

    async def listen(self) -> None:
        headers = dict(self.headers)
        if self.last_event_id:  # as the kiosk's fleet client resumes: no replay of old events
            headers["Last-Event-ID"] = self.last_event_id
        async with self.http.stream("GET", self.url + "/gateway/v1/events",
                                    headers=headers, timeout=None) as answer:
            async for line in answer.aiter_lines():
                if line.startswith("id: "):
                    self.last_event_id = line[4:]
                elif line.startswith("data: "):
                    event = json.loads(line[6:])
                    self.tally.events += 1
                    if event["id"] in self.woken:
                        self.woken[event["id"]].set()


class Relay:
    """Webhooks for the gateway, as Gigs would send them: each placed order is watched at
    the sandbox directly, and every change of its status is posted, signed, to the replica
    the kiosk uses."""

    def __init__(self, direct: httpx.AsyncClient, http: httpx.AsyncClient, tally: Tally,
                 order_seconds: float) -> None:
        self.direct, self.http, self.tally, self.delay = direct, http, tally, order_seconds
        self.tasks: set[asyncio.Task[None]] = set()

    def watch(self, order_id: str, gateway: str) -> None:
        task = asyncio.create_task(self._watch(order_id, gateway))
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    async def _watch(self, order_id: str, gateway: str) -> None:
        try:
            await self._follow(order_id, gateway)
        except (httpx.HTTPError, ValueError, KeyError) as exc:
            self.tally.errors[f"webhook relay: {type(exc).__name__}"] += 1

    async def _follow(self, order_id: str, gateway: str) -> None:
        seen = "pending"
        await asyncio.sleep(self.delay / 2)
        while seen != "completed":
            order = (await self.direct.get(f"{P}/orders/{order_id}")).json()
            if order["status"] != seen:
                seen = order["status"]
                body = json.dumps({"object": "event", "id": f"evt_{order_id}_{seen}",
                                   "project": "demo", "type": "com.gigs.order.updated",
                                   "data": {"object": "order", "id": order_id,
                                            "status": seen}}).encode()
                answer = await self.http.post(gateway + "/webhooks/gigs", content=body, headers={
                    "X-Gigs-Signature": sign(WEBHOOK_SECRET, body)})
                answer.raise_for_status()
                self.tally.webhooks += 1
            else:
                await asyncio.sleep(0.2)


async def kiosk_loop(kiosk: Kiosk, deadline: float, stop: asyncio.Event,
                     pause: float) -> None:
    beats = asyncio.create_task(kiosk.heartbeats(stop))
    with contextlib.suppress(TimeoutError):  # not all at once
        await asyncio.wait_for(stop.wait(), random.uniform(0, pause))
    serial = 0
    try:
        while time.monotonic() < deadline and not stop.is_set():
            serial += 1
            with contextlib.suppress(httpx.HTTPError, RuntimeError, KeyError):
                await kiosk.activate(serial)
            with contextlib.suppress(TimeoutError):  # the next customer, or the end
                await asyncio.wait_for(stop.wait(), random.uniform(0.5, 1.5) * pause)
    finally:
        await stop.wait()
        await beats


async def drive(args: argparse.Namespace, urls: list[str], tokens: list[str],
                sandbox: str) -> dict[str, Any]:
    tally = Tally()
    limits = httpx.Limits(max_connections=4 * args.kiosks + 50, max_keepalive_connections=None)
    timeout = httpx.Timeout(30.0)
    async with httpx.AsyncClient(limits=limits, timeout=timeout) as http, \
            httpx.AsyncClient(base_url=sandbox, limits=limits, timeout=timeout,
                              headers={"Authorization": "Bearer bench"}) as direct:
        before = (await direct.get("/_sandbox/stats")).json()["counts"]["orders"]
        relay = Relay(direct, http, tally, args.order_seconds)
        kiosks = [Kiosk(n, urls[n % len(urls)], token, http, direct, tally, n % 2 == 1, relay)
                  for n, token in enumerate(tokens[:-1])]
        # The probe kiosk, in its own process, reads once the kiosks are all under way. It
        # is started first: it keeps the machine's usual priority when this process lowers
        # its own (`--kiosk-nice`).
        delay = min(5.0, args.seconds / 10)
        prober = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "tests.bench.gateway_probe", "--urls", ",".join(urls),
            "--sandbox", sandbox, "--seconds", str(args.seconds - delay), "--delay", str(delay),
            stdout=asyncio.subprocess.PIPE, env={**os.environ, "GATEWAY_PROBE_TOKEN": tokens[-1]})
        if args.kiosk_nice:
            os.nice(args.kiosk_nice)
        stop = asyncio.Event()
        # Objects made so far live to the end: out of the collector's sight (its full
        # collections paused this process for up to 45 ms, counted in kiosks' latencies).
        gc.collect()
        gc.freeze()
        started = time.monotonic()
        loops = [asyncio.create_task(kiosk_loop(k, started + args.seconds, stop, args.pause))
                 for k in kiosks]
        probed, _ = await prober.communicate()
        stop.set()  # heartbeats end; activations in flight finish (bounded)
        await asyncio.wait_for(asyncio.gather(*loops), args.seconds + 60)
        took = time.monotonic() - started
        for task in list(relay.tasks):
            task.cancel()
        after = (await direct.get("/_sandbox/stats")).json()["counts"]["orders"]
    total = sum(tally.requests.values())
    done = sum(tally.done.values())
    return {
        "kiosks": args.kiosks, "kiosk_nice": args.kiosk_nice, "seconds": round(took, 1),
        "pause": args.pause, "requests": total,
        "requests_per_s": round(total / took, 1), "activations": done,
        "activations_per_min": round(done / took * 60, 1),
        "latency_ms": {"all_via_gateway_p50": round(pct(tally.all_via, 0.5), 1),
                       "all_via_gateway_p99": round(pct(tally.all_via, 0.99), 1),
                       "reads_via_gateway_p50": round(pct(tally.via, 0.5), 1),
                       "reads_via_gateway_p99": round(pct(tally.via, 0.99), 1),
                       "reads_direct_p50": round(pct(tally.direct, 0.5), 1),
                       "reads_direct_p99": round(pct(tally.direct, 0.99), 1),
                       "added_p50": round(pct(tally.added, 0.5), 1),
                       "added_p99": round(pct(tally.added, 0.99), 1),
                       "paired_samples": len(tally.added),
                       "beyond_gigs_p50": round(pct(tally.beyond, 0.5), 1),
                       "beyond_gigs_p99": round(pct(tally.beyond, 0.99), 1),
                       "beyond_gigs_samples": len(tally.beyond)},
        "by_request_p50_p99_ms": {name: [round(pct(v, 0.5), 1), round(pct(v, 0.99), 1)]
                                  for name, v in sorted(tally.by_name.items())},
        "errors": sum(tally.errors.values()), "error_kinds": dict(tally.errors),
        "orders_placed": tally.placed, "orders_in_sandbox": after - before,
        "duplicate_orders": max(0, after - before - tally.placed),
        "polls_per_activation": {
            mode: round(tally.polls[mode] / tally.done[mode], 2) if tally.done[mode] else None
            for mode in ("poll", "stream")},
        "activations_by_mode": dict(tally.done), "events_received": tally.events,
        "webhooks_posted": tally.webhooks,
        "requests_per_activation": round(total / max(done, 1), 1),
        "probe": json.loads(probed),
    }


def run(args: argparse.Namespace) -> dict[str, Any]:
    with fleet(args) as (urls, tokens, sandbox):
        return asyncio.run(drive(args, urls, tokens, sandbox))


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--kiosks", type=int, default=200)
    p.add_argument("--seconds", type=float, default=60.0)
    p.add_argument("--order-seconds", type=float, default=3.0,
                   help="how long the sandbox takes from order to completed")
    p.add_argument("--pause", type=float, default=0.6, help="mean seconds a kiosk waits "
                   "between two activations (default 0.6: a stress test; a real kiosk waits "
                   "minutes)")
    p.add_argument("--postgres", metavar="URL", help="a running cluster's base URL "
                   "(default: start a throwaway one)")
    p.add_argument("--kiosk-nice", type=int, default=10, metavar="N",
                   help="the simulated kiosks (this process) run N steps nicer than the "
                   "gateway, its database, the sandbox and the probe: on a real fleet they "
                   "are machines of their own, not the gateway's CPU (0: same priority)")
    p.add_argument("--json", action="store_true")
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if not args.postgres and not pg.available():
        print(f"PostgreSQL is not installed ({pg.PG_BIN}): scripts/setup.sh", file=sys.stderr)
        return 2
    result = run(args)
    print(json.dumps(result, indent=2) if args.json else table(result))
    errors = result["errors"] + result["probe"]["errors"]
    return 0 if errors == 0 and result["duplicate_orders"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
