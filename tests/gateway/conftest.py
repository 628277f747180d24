"""Fixtures of the gateway tests: a real throwaway PostgreSQL cluster, SQLite files, the real
sandbox as the upstream Gigs, and gateways served by uvicorn on loopback ports."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import threading
import time
import uuid
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

def _pg_bin() -> Path:
    """PG_BIN, or the newest /usr/lib/postgresql/N/bin (Debian's layout; 15 on bookworm)."""
    if os.environ.get("PG_BIN"):
        return Path(os.environ["PG_BIN"])
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"),
                   key=lambda p: int(p.parts[-3]) if p.parts[-3].isdigit() else 0)
    return found[-1].parent if found else Path("/usr/lib/postgresql/15/bin")


PG_BIN = _pg_bin()
GIGS_TOKEN = "gigs-live-key-TEST-0123456789abcdef"
WEBHOOK_SECRET = "whsec-test-0123456789abcdef"
ADMIN_TOKEN = "admin-test-0123456789abcdef"


def _as_postgres(cmd: list[str]) -> list[str]:
    # PostgreSQL refuses to run as root; tests and CI run as root.
    return ["runuser", "-u", "postgres", "--", *cmd] if os.geteuid() == 0 else cmd


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """A PostgreSQL cluster of its own on a free loopback port; its base URL."""
    if not (PG_BIN / "initdb").exists():
        message = f"PostgreSQL is not installed ({PG_BIN}/initdb): scripts/setup.sh installs it"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    root = Path(tempfile.mkdtemp(prefix="gateway-pg-"))
    data, sockets = root / "data", root / "sockets"
    sockets.mkdir()
    if os.geteuid() == 0:
        shutil.chown(root, "postgres")
        shutil.chown(sockets, "postgres")
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.PIPE, "check": True}
    subprocess.run(_as_postgres([str(PG_BIN / "initdb"), "-D", str(data), "-A", "trust",
                                 "-U", "postgres", "-E", "UTF8", "--no-sync"]), **quiet)
    port = free_port()
    options = (f"-p {port} -k {sockets} -c listen_addresses=127.0.0.1 -c fsync=off "
               "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200")
    subprocess.run(_as_postgres([str(PG_BIN / "pg_ctl"), "-D", str(data), "-o", options, "-w",
                                 "-l", str(root / "log"), "start"]), **quiet)
    try:
        yield f"postgresql://postgres@127.0.0.1:{port}"
    finally:
        subprocess.run(_as_postgres([str(PG_BIN / "pg_ctl"), "-D", str(data), "-m", "immediate",
                                     "-w", "stop"]), stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, check=False)
        shutil.rmtree(root, ignore_errors=True)


def _pg_admin(base: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(base + "/postgres", autocommit=True) as conn:
        conn.execute(sql)  # type: ignore[arg-type]


@pytest.fixture
def pg_url(postgres_server: str) -> Iterator[str]:
    """A fresh, empty PostgreSQL database for one test."""
    name = "t_" + uuid.uuid4().hex[:12]
    _pg_admin(postgres_server, f"CREATE DATABASE {name}")
    yield f"{postgres_server}/{name}"
    _pg_admin(postgres_server, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


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
                                timeout_graceful_shutdown=1)
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
