"""Running the sandbox: in-process through httpx, or on a loopback port with uvicorn."""

from __future__ import annotations

import logging
import socket
import threading
import time
from typing import Any, Self

import httpx
import uvicorn
from starlette.applications import Starlette

from kiosk.sandbox.app import create_app
from kiosk.sandbox.config import SandboxConfig
from kiosk.sandbox.faults import ConnectionDropped


class InProcessTransport(httpx.AsyncBaseTransport):
    """`httpx.ASGITransport` to the sandbox, turning a simulated drop into a real httpx error."""

    def __init__(self, app: Starlette) -> None:
        self.app = app
        self._inner = httpx.ASGITransport(app=app)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        try:
            return await self._inner.handle_async_request(request)
        except ConnectionDropped:
            raise httpx.RemoteProtocolError(
                "Server disconnected without sending a response.", request=request
            ) from None

    async def aclose(self) -> None:
        await self._inner.aclose()


def in_process_transport(config: SandboxConfig | None = None) -> InProcessTransport:
    return InProcessTransport(create_app(config))


class _QuietDrops(logging.Filter):
    """Simulated drops are the point of a fault, not an error worth a traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        return not isinstance(exc, ConnectionDropped)


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def _server(app: Starlette, host: str, port: int, log_level: str) -> uvicorn.Server:
    logging.getLogger("uvicorn.error").addFilter(_QuietDrops())
    # Python's own event loop and HTTP parser, as on every kiosk (uvloop and httptools are
    # installed for the gateway, and uvicorn would pick them by itself).
    config = uvicorn.Config(app, host=host, port=port, log_level=log_level, access_log=False,
                            lifespan="off", loop="asyncio", http="h11")
    return uvicorn.Server(config)


def run(config: SandboxConfig, host: str = "127.0.0.1", port: int = 8089,
        log_level: str = "warning") -> None:
    """Serve the sandbox until interrupted (the `kiosk sandbox` command)."""
    _server(create_app(config), host, port, log_level).run()


class ThreadedServer:
    """An ASGI app on a free loopback port in a background thread: real sockets for tests."""

    def __init__(self, app: Any, host: str = "127.0.0.1", port: int | None = None,
                 name: str = "server") -> None:
        self.app = app
        self.host = host
        self.port = port or free_port(host)
        self.name = name
        self._server = _server(self.app, self.host, self.port, "warning")
        self._thread = threading.Thread(target=self._server.run, name=name, daemon=True)

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self, timeout: float = 10.0) -> Self:
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError(f"the {self.name} did not start on {self.url}")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=10)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


class ThreadedSandbox(ThreadedServer):
    """The sandbox on a free loopback port in a background thread."""

    def __init__(self, config: SandboxConfig | None = None, host: str = "127.0.0.1",
                 port: int | None = None) -> None:
        super().__init__(create_app(config), host, port, name="sandbox")

    @property
    def sandbox(self) -> Any:
        return self.app.state.sandbox
