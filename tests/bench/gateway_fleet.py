"""The fleet `bench_gateway` drives: PostgreSQL, the sandbox as Gigs, two gateway replicas,
and the kiosks joined to them."""

from __future__ import annotations

import argparse
import contextlib
from collections.abc import Iterator

import httpx

from kiosk.gateway.store import Store
from tests.bench.bench_client import start_sandbox
from tests.gateway import pg
from tests.gateway.replicas import Replica


@contextlib.contextmanager
def fleet(args: argparse.Namespace) -> Iterator[tuple[list[str], list[str], str]]:
    """PostgreSQL, the sandbox, two replicas, the kiosks joined: (replica URLs, tokens,
    sandbox URL)."""
    with contextlib.ExitStack() as stack:
        base = args.postgres or stack.enter_context(pg.throwaway_cluster(max_connections=300))
        database = pg.new_database(base)
        stack.callback(pg.drop_database, database)
        proc, sandbox = start_sandbox()
        stack.callback(proc.wait, 10)
        stack.callback(proc.terminate)
        httpx.patch(sandbox + "/_sandbox/settings", json={
            "order_delay": args.order_seconds, "undocumented_filters": "honour"}).raise_for_status()
        Store.open(database).close()
        replicas = [Replica(sandbox, database, GATEWAY_RATE_LIMIT="100000",
                            GATEWAY_JOIN_LIMIT="10000") for _ in range(2)]
        for replica in replicas:
            stack.callback(replica.stop)
        for replica in replicas:
            replica.wait_healthy()
        store = Store.open(database)
        stack.callback(store.close)
        tokens = []
        with httpx.Client(timeout=30) as http:
            for n in range(args.kiosks + 1):  # and the probe kiosk
                code = store.enroll(f"STORE-{n % 20:03d}", valid_seconds=600, payment_method=None)
                answer = http.post(replicas[n % 2].url + "/gateway/v1/join",
                                   json={"code": code, "name": f"bench {n}", "version": "0.1.0"})
                answer.raise_for_status()
                tokens.append(answer.json()["token"])
        yield [r.url for r in replicas], tokens, sandbox
