"""A scripted HTTP/1.1 server on 127.0.0.1 for what the sandbox cannot do: drip, hang, bomb.

Real sockets and real bytes, so the client's streaming, timeouts and decoding are exercised
as in production. Each connection carries one request; the script writes the whole answer.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import zlib
from collections.abc import AsyncIterator, Awaitable, Callable

Script = Callable[[int, bytes, asyncio.StreamWriter], Awaitable[None]]


class RawServer:
    """Counts every request that fully reached it, then lets `script` answer (or not)."""

    def __init__(self, script: Script, port: int = 0) -> None:
        self.script = script
        self.port = port
        self.requests: list[bytes] = []  # request heads, in arrival order
        self._server: asyncio.Server | None = None
        self._handlers: set[asyncio.Task[None]] = set()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def start(self) -> RawServer:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", self.port)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def stop(self) -> None:
        for task in list(self._handlers):
            task.cancel()
        if self._server is not None:
            self._server.close()
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._server.wait_closed(), 2)

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._handlers.add(task)
        try:
            head = await reader.readuntil(b"\r\n\r\n")
            length = 0
            for line in head.split(b"\r\n"):
                name, _, value = line.partition(b":")
                if name.strip().lower() == b"content-length":
                    length = int(value)
            await reader.readexactly(length)
            self.requests.append(head)
            await self.script(len(self.requests), head, writer)
        except (asyncio.IncompleteReadError, ConnectionError, asyncio.CancelledError):
            pass
        finally:
            self._handlers.discard(task)
            writer.close()


@contextlib.asynccontextmanager
async def raw_server(script: Script, port: int = 0) -> AsyncIterator[RawServer]:
    server = await RawServer(script, port).start()
    try:
        yield server
    finally:
        await server.stop()


def head(status: int = 200, length: int | None = None, **headers: str) -> bytes:
    """Status line and headers; `length` None leaves Content-Length out."""
    lines = [f"HTTP/1.1 {status} X", "Content-Type: application/json", "Connection: close"]
    if length is not None:
        lines.append(f"Content-Length: {length}")
    lines += [f"{k.replace('_', '-')}: {v}" for k, v in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


async def send(writer: asyncio.StreamWriter, data: bytes) -> None:
    writer.write(data)
    await writer.drain()


async def hang(n: int, head_: bytes, writer: asyncio.StreamWriter) -> None:
    """Take the request and never answer."""
    await asyncio.sleep(3600)


async def hang_up(n: int, head_: bytes, writer: asyncio.StreamWriter) -> None:
    """Take the request, then close without a byte: the client cannot know what happened."""


def free_port() -> int:
    """A port nothing listens on (yet): connecting to it is refused."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def gzip_bomb(compressed_size: int = 1 << 20) -> tuple[bytes, int]:
    """A gzip stream of zeros about `compressed_size` long, and how big it inflates to.

    After a full flush, deflate forgets its history, so each further 1 MiB of zeros
    compresses to the same bytes: repeat that segment instead of compressing a gigabyte.
    The trailer (CRC, size) is never reached by a client that stops in time, so it is
    left out.
    """
    zeros = bytes(1 << 20)
    comp = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS | 16)
    first = comp.compress(zeros) + comp.flush(zlib.Z_FULL_FLUSH)
    segment = comp.compress(zeros) + comp.flush(zlib.Z_FULL_FLUSH)
    count = max(1, (compressed_size - len(first)) // len(segment))
    return first + segment * count, (count + 1) * len(zeros)
