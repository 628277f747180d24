"""Fixtures of the gateway tests: a real throwaway PostgreSQL cluster, SQLite files, the real
sandbox as the upstream Gigs, and gateways served by uvicorn on loopback ports."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from kiosk.gateway.app import create_app
from kiosk.gateway.config import GatewayConfig, from_env
from kiosk.gateway.store import Store
from kiosk.sandbox.seed import STORE_PAYMENT_METHOD_ID
from kiosk.sandbox.serve import ThreadedSandbox, free_port
from tests.gateway import pg
from tests.gateway.replicas import ADMIN_TOKEN, GIGS_TOKEN, WEBHOOK_SECRET

__all__ = ["ADMIN_TOKEN", "GIGS_TOKEN", "WEBHOOK_SECRET"]  # the tests' own secrets, shared


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """A PostgreSQL cluster of its own on a free loopback port; its base URL."""
    if not pg.available():
        message = (f"PostgreSQL is not installed ({pg.PG_BIN}/initdb): scripts/setup.sh "
                   "installs it")
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    with pg.throwaway_cluster() as base:
        yield base


@pytest.fixture
def pg_url(postgres_server: str) -> Iterator[str]:
    """A fresh, empty PostgreSQL database for one test."""
    url = pg.new_database(postgres_server)
    yield url
    pg.drop_database(url)


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Each store test runs on SQLite (one store) and on PostgreSQL (a fleet)."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'gateway.sqlite3'}"
    url: str = request.getfixturevalue("pg_url")
    return url


@pytest.fixture
def sandbox() -> Iterator[ThreadedSandbox]:
    with ThreadedSandbox() as server:
        yield server


class Served:
    """A gateway app on a free loopback port, in a thread, with uvicorn."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.port = free_port()
        config = uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning",
                                access_log=False, proxy_headers=False, lifespan="on",
                                timeout_graceful_shutdown=1,
                                # Not uvloop's policy for the whole test process (the
                                # gateway replicas of tests/gateway/replicas.py run it).
                                loop="asyncio", http="h11")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            assert self.thread.is_alive() and time.monotonic() < deadline, "gateway did not start"
            time.sleep(0.01)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


def gateway_env(sandbox_url: str, database: str, **extra: str) -> dict[str, str]:
    return {"GIGS_TOKEN": GIGS_TOKEN, "GIGS_API_URL": sandbox_url, "GIGS_PROJECT": "demo",
            "GATEWAY_DATABASE_URL": database, "KIOSK_PAYMENT_METHOD": STORE_PAYMENT_METHOD_ID,
            "GATEWAY_WEBHOOK_SECRET": WEBHOOK_SECRET, "GATEWAY_ADMIN_TOKEN": ADMIN_TOKEN, **extra}


GatewayFactory = Callable[..., tuple[Served, Store, GatewayConfig]]


@pytest.fixture
def make_gateway(sandbox: ThreadedSandbox) -> Iterator[GatewayFactory]:
    """`make_gateway(database_url, clock=…, **env)`: one more replica on that database."""
    started: list[tuple[Served, Store]] = []

    def make(database: str, clock: Callable[[], float] = time.time,
             **env: str) -> tuple[Served, Store, GatewayConfig]:
        config = from_env(gateway_env(sandbox.url, database, **env))
        config = GatewayConfig(**{**config.__dict__, "keepalive_seconds": 0.5,
                                  "poll_seconds": 0.1})
        store = Store(Store.open(database).engine, clock)
        served = Served(create_app(config, store, prune_every=None))
        started.append((served, store))
        return served, store, config

    yield make
    for served, store in started:
        served.stop()
        store.close()
