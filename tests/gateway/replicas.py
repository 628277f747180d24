"""Gateway replicas as real processes (`kiosk gateway serve`), and a round-robin load balancer
in front of them: the failover test and the benchmark run the fleet's shape on loopback."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import httpx

from kiosk.sandbox.seed import STORE_PAYMENT_METHOD_ID
from kiosk.sandbox.serve import free_port

ROOT = Path(__file__).resolve().parents[2]
GIGS_TOKEN = "gigs-live-key-TEST-0123456789abcdef"
WEBHOOK_SECRET = "whsec-test-0123456789abcdef"
ADMIN_TOKEN = "admin-test-0123456789abcdef"


def replica_env(upstream: str, database: str, **extra: str) -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("GIGS_", "GATEWAY_",
                                                                      "KIOSK_"))}
    return {**clean, "PYTHONPATH": str(ROOT), "GIGS_TOKEN": GIGS_TOKEN,
            "GIGS_API_URL": upstream, "GIGS_PROJECT": "demo", "GATEWAY_DATABASE_URL": database,
            "KIOSK_PAYMENT_METHOD": STORE_PAYMENT_METHOD_ID,
            "GATEWAY_WEBHOOK_SECRET": WEBHOOK_SECRET, "GATEWAY_ADMIN_TOKEN": ADMIN_TOKEN, **extra}


class Replica:
    """One `kiosk gateway serve` process on a free loopback port."""

    def __init__(self, upstream: str, database: str, workers: int = 1, **env: str) -> None:
        self.port = free_port()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "kiosk", "gateway", "serve", "--host", "127.0.0.1",
             "--port", str(self.port), "--workers", str(workers)],
            env=replica_env(upstream, database, **env), cwd=ROOT,
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def wait_healthy(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while True:
            if self.process.poll() is not None:
                raise RuntimeError("the gateway replica exited: " + self._stderr())
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(self.url + "/gateway/v1/health", timeout=2).status_code == 200:
                    return
            if time.monotonic() > deadline:
                raise RuntimeError("the gateway replica did not become healthy")
            time.sleep(0.1)

    def _stderr(self) -> str:
        assert self.process.stderr is not None
        return self.process.stderr.read().decode(errors="replace")[-2000:]

    def kill(self) -> None:
        """As a crash: SIGKILL, no graceful shutdown, requests in flight are cut."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()
        if self.process.stderr:
            self.process.stderr.close()


Tap = Callable[[int, bytes], None]


class RoundRobin:
    """A TCP load balancer on loopback, as HAProxy in tcp mode or nginx's stream module: each
    new connection goes to the next backend that accepts one (a dead one is skipped); bytes
    are piped both ways; when either side closes, so does the other. `tap(backend, data)`
    sees what clients send, before it is passed on (tests act on a request's first bytes)."""

    def __init__(self, backends: list[str], tap: Tap | None = None) -> None:
        self.backends = [b.removeprefix("http://").rsplit(":", 1) for b in backends]
        self.tap = tap
        self.port = free_port()
        self.picked: list[int] = []  # the backend of each connection, in order
        self._next = 0
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, name="balancer", daemon=True)
        self._thread.start()
        if not self._ready.wait(10):
            raise RuntimeError("the balancer did not start")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        server = self._loop.run_until_complete(
            asyncio.start_server(self._serve, "127.0.0.1", self.port, backlog=1024))
        self._ready.set()
        try:
            self._loop.run_forever()
        finally:
            server.close()
            # Connections still piping are cancelled and run to their end here: left to the
            # garbage collector, their `finally` would touch a closed loop (an unraisable
            # error that fails whichever test happens to be running).
            pending = asyncio.all_tasks(self._loop)
            for task in pending:
                task.cancel()
            self._loop.run_until_complete(
                asyncio.gather(*pending, return_exceptions=True))
            self._loop.run_until_complete(server.wait_closed())
            self._loop.close()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        for _ in range(len(self.backends)):
            index = self._next % len(self.backends)
            self._next += 1
            host, port = self.backends[index]
            try:
                back_reader, back_writer = await asyncio.open_connection(host, int(port))
            except OSError:
                continue  # refused: a dead replica, try the next one
            break
        else:
            writer.close()
            return
        self.picked.append(index)

        async def pipe(src: asyncio.StreamReader, dst: asyncio.StreamWriter,
                       tap: Tap | None) -> None:
            try:
                while data := await src.read(65536):
                    if tap is not None:
                        tap(index, data)
                    dst.write(data)
                    await dst.drain()
            except (ConnectionError, OSError):
                pass
            finally:
                dst.close()

        await asyncio.gather(pipe(reader, back_writer, self.tap),
                             pipe(back_reader, writer, None))

    def close(self) -> None:
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)
