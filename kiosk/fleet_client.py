"""The kiosk's side of the fleet gateway while it runs: heartbeats and the event stream.

Qt-free, on the asyncio loop (qasync's in the kiosk): nothing here blocks the UI. Every 30 s a
heartbeat (version, mode, camera fps, activations and failures today, pending) goes to
`POST /gateway/v1/heartbeat`. `GET /gateway/v1/events` is read as a server-sent event stream
(resumed with Last-Event-ID, reconnected with backoff), in the kiosk only while an activation
is followed (and a minute after: `linger`); its order and subscription events wake the flow's status polls
(`kiosk.flow.wake.StatusEvents`), which poll as before while the stream is down. A failure
is logged once when it starts and once when it ends, never the token. The protocol:
docs/gateway-protocol.md. Joining a fleet: `kiosk.fleet_client_join`.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import random
import re
import time
from collections.abc import AsyncIterator, Callable, Mapping
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

import httpx

from kiosk import __version__
from kiosk.config import ID
from kiosk.flow.wake import StatusEvents
from kiosk.redact import add_secret, printable
from kiosk.settings import ApiSettings

if TYPE_CHECKING:
    from kiosk.config import ConfigStore, KioskConfig
    from kiosk.journal import Journal

log = logging.getLogger("kiosk.fleet")
HEARTBEAT_PATH = "/gateway/v1/heartbeat"
EVENTS_PATH = "/gateway/v1/events"
EVENT_TYPES = ("order.updated", "subscription.updated")
#: One SSE line (an event's data is a short JSON object); anything longer ends the stream.
MAX_LINE = 16 * 1024
#: One event's lines together: past this its data is dropped (and the event ignored), so a
#: stream of endless `data:` lines cannot grow the kiosk's memory.
MAX_EVENT = 64 * 1024
#: The gateway sends `: keep-alive` at least every 15 s: three missed, the stream is dead.
STREAM_SILENCE = 45.0
_EOL = re.compile(rb"\r\n|\r|\n")


@dataclass
class FleetCounters:
    heartbeats_sent: int = 0
    heartbeat_failures: int = 0
    stream_connects: int = 0
    stream_drops: int = 0
    events: int = 0
    #: Events whose data was not the contract's (ignored).
    events_ignored: int = 0


class Once:
    """Logs a condition when it starts and when it ends, not on every repetition."""

    def __init__(self, what: str) -> None:
        self.what = what
        self.failing: str | None = None

    def failed(self, reason: str) -> None:
        if reason != self.failing:
            log.warning("%s: %s", self.what, reason)
        self.failing = reason

    def ok(self) -> None:
        if self.failing is not None:
            log.info("%s: working again", self.what)
        self.failing = None


def reason(exc: BaseException | None = None, status: int | None = None) -> str:
    """A failure in a few words, without the request (it carries the token)."""
    if status == 401:
        return "the kiosk token was refused (401): revoked? join the fleet again"
    if status is not None:
        return f"the gateway answered {status}"
    if isinstance(exc, TimeoutError | httpx.TimeoutException):
        return "no answer in time"
    return f"cannot reach the gateway ({type(exc).__name__})"


class FleetClient:
    """Heartbeats and the event stream of one kiosk, started and stopped by the app."""

    def __init__(self, url: str, token: str, events: StatusEvents,
                 status: Callable[[], Any], *, heartbeat_every: float = 30.0,
                 backoff: tuple[float, float] = (1.0, 30.0), silence: float = STREAM_SILENCE,
                 linger: float | None = None,
                 transport: httpx.AsyncBaseTransport | None = None) -> None:
        add_secret(token)
        self.url = url.rstrip("/")
        self.events = events
        #: What the heartbeat says (a dict, or an awaitable of one: journal reads run off
        #: the loop); `version` defaults to this kiosk's.
        self.status = status
        self.heartbeat_every = heartbeat_every
        self.backoff = backoff
        self.silence = silence
        #: None: the stream is kept open all the time; seconds: it is open only while an
        #: activation is followed (the protocol's "while an order is pending") and this long
        #: after the last one ended (the kiosk: a minute).
        self.linger = linger
        self.counters = FleetCounters()
        self.last_event_id: str | None = None
        self._http = httpx.AsyncClient(
            base_url=self.url, transport=transport, follow_redirects=False,
            headers={"Authorization": f"Bearer {token}", "User-Agent": f"sim-kiosk/{__version__}"},
            timeout=httpx.Timeout(10.0, connect=5.0))
        self._tasks: list[asyncio.Task[None]] = []
        self._heartbeat_log = Once("fleet heartbeat")
        self._stream_log = Once("fleet event stream")

    def start(self) -> None:
        if not self._tasks:
            self._tasks = [asyncio.ensure_future(self._heartbeats()),
                           asyncio.ensure_future(self._listen())]

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks = []
        self.events.set_connected(False)
        await self._http.aclose()
        log.info("fleet: %s", " ".join(f"{k}={v}" for k, v in self.snapshot().items()))

    def snapshot(self) -> dict[str, Any]:
        """Every counter (the fleet's and the polls'), for the benchmark and diagnostics."""
        return {**asdict(self.counters), **self.events.counters.as_dict(),
                "stream_up": self.events.connected}

    # -- heartbeats ---------------------------------------------------------------------------

    async def heartbeat(self) -> bool:
        """Send one heartbeat now; True when the gateway took it (204)."""
        try:
            body = self.status()
            if asyncio.iscoroutine(body) or isinstance(body, asyncio.Future):
                body = await body
            body = {"version": __version__, **body}
            async with asyncio.timeout(15.0):  # the whole exchange, not one read
                response = await self._http.post(HEARTBEAT_PATH, json=body)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # never the end of the loop: logged once, tried again
            self.counters.heartbeat_failures += 1
            self._heartbeat_log.failed(reason(exc))
            return False
        if response.status_code not in (200, 204):
            self.counters.heartbeat_failures += 1
            self._heartbeat_log.failed(reason(status=response.status_code))
            return False
        self.counters.heartbeats_sent += 1
        self._heartbeat_log.ok()
        return True

    async def _heartbeats(self) -> None:
        while True:
            await self.heartbeat()
            await asyncio.sleep(self.heartbeat_every)

    # -- the event stream ---------------------------------------------------------------------

    async def _listen(self) -> None:
        failures = 0
        while True:
            if self.linger is not None:
                await self.events.wanted.wait()  # only while an activation is followed
            started = time.monotonic()
            try:
                if await self._stream() == "idle":
                    self.events.set_connected(False)  # closed by us: nothing pending
                    continue
                why = "the gateway ended the stream"
            except asyncio.CancelledError:
                raise
            except _Refused as exc:
                why = str(exc)
            except Exception as exc:
                why = reason(exc)
            if self.events.connected:
                self.counters.stream_drops += 1
            self.events.set_connected(False)  # the flow polls as before from now on
            self._stream_log.failed(why)
            # A stream that stayed up a while starts the backoff afresh.
            failures = 1 if time.monotonic() - started > 60 else min(failures + 1, 30)
            low, high = self.backoff
            delay = min(high, low * 2 ** (failures - 1))
            await asyncio.sleep(delay * (0.5 + random.random() / 2))

    def _idle(self) -> bool:
        return (self.linger is not None and not self.events.wanted.is_set()
                and time.monotonic() - self.events.idle_since > self.linger)

    async def _stream(self) -> str:
        """Read the stream until it ends ("ended") or nothing is pending ("idle")."""
        headers = {"Accept": "text/event-stream", "Cache-Control": "no-cache"}
        if self.last_event_id is not None:
            headers["Last-Event-ID"] = self.last_event_id
        timeout = httpx.Timeout(10.0, read=self.silence)  # no line for 45 s: dead
        async with self._http.stream("GET", EVENTS_PATH, headers=headers,
                                     timeout=timeout) as response:
            if response.status_code != 200:
                raise _Refused(reason(status=response.status_code))
            kind = response.headers.get("content-type", "")
            if not kind.startswith("text/event-stream"):
                raise _Refused(f"the gateway's events are not an event stream ({kind[:40]})")
            self.counters.stream_connects += 1
            self.events.set_connected(True)  # wakes the waiting polls once: nothing missed
            self._stream_log.ok()
            event = SseEvent()
            async for line in lines(response):
                if line == "":
                    self._dispatch(event)
                    event = SseEvent()
                else:
                    event.feed(line)
                if self._idle():  # checked at least at every keep-alive (15 s)
                    return "idle"
        return "ended"

    def _dispatch(self, event: SseEvent) -> None:
        if event.id is not None:
            self.last_event_id = event.id
        if event.event is None and not event.data:
            return  # a comment (keep-alive) or an empty block
        self.counters.events += 1
        update = parse_update(event)
        if update is None:
            self.counters.events_ignored += 1
            return
        self.events.publish(*update)


class _Refused(Exception):
    """The gateway answered, but not with a stream."""


@dataclass
class SseEvent:
    """One event's fields as the lines of a text/event-stream block give them."""

    id: str | None = None
    event: str | None = None
    data: str = ""
    size: int = 0
    too_big: bool = False

    def feed(self, line: str) -> None:
        if line.startswith(":"):
            return  # a comment: `: keep-alive`
        self.size += len(line) + 1
        if self.size > MAX_EVENT:
            self.too_big, self.data = True, ""
            return
        name, _, value = line.partition(":")
        value = value[1:] if value.startswith(" ") else value
        if name == "id" and "\0" not in value:
            self.id = value
        elif name == "event":
            self.event = value
        elif name == "data":
            self.data = f"{self.data}\n{value}" if self.data else value


def parse_update(event: SseEvent) -> tuple[str, str | None] | None:
    """(order or subscription id, status) from an event the contract describes, else None."""
    if event.event not in EVENT_TYPES or event.too_big:
        return None
    try:
        data = json.loads(event.data)
    except (ValueError, RecursionError):
        return None
    if not isinstance(data, dict):
        return None
    ident, status = data.get("id"), data.get("status")
    prefix = "ord_" if event.event == "order.updated" else "sub_"
    if not isinstance(ident, str) or not ID.fullmatch(ident) or not ident.startswith(prefix):
        return None
    return ident, printable(status, 40) if isinstance(status, str) else None


async def lines(response: httpx.Response) -> AsyncIterator[str]:
    """The stream's lines (ended by CR, LF or CRLF), each at most MAX_LINE bytes, decoded."""
    buffer, skip_lf = b"", False
    async for chunk in response.aiter_bytes():
        if skip_lf and chunk.startswith(b"\n"):
            chunk = chunk[1:]  # the LF of a CRLF split between two chunks
        skip_lf = False
        buffer += chunk
        while (end := _EOL.search(buffer)) is not None:
            if end.group() == b"\r" and end.end() == len(buffer):
                skip_lf = True
            line, buffer = buffer[:end.start()], buffer[end.end():]
            yield line.decode("utf-8", "replace")
        if len(buffer) > MAX_LINE:
            raise _Refused("a line of the event stream is too long")


def gateway_settings(store: ConfigStore, config: KioskConfig, *,
                     env: Mapping[str, str] | None = None) -> ApiSettings:
    """The Gigs client's settings in gateway mode: the gateway's URL, the kiosk token, the
    project `join` stored. No API key is read: one beside the config (or in GIGS_TOKEN) is
    ignored, and said so once, without its value. ConfigError when the kiosk has not joined."""
    from kiosk.config import ConfigError

    if not config.api_url:
        raise ConfigError(f"config {store.path}: api_mode is gateway but api_url is not set: "
                          "run `kiosk join URL CODE`")
    token = store.gateway_token()
    if not token:
        raise ConfigError(f"config {store.path}: api_mode is gateway but there is no kiosk "
                          f"token in {store.token_path}: run `kiosk join URL CODE`")
    env = os.environ if env is None else env
    if store.key_path.exists() or env.get("GIGS_TOKEN"):
        log.warning("gateway mode: the Gigs API key (%s) is ignored, never read or sent; the "
                    "gateway holds the key", "the api-key file" if store.key_path.exists()
                    else "GIGS_TOKEN")
    return ApiSettings(api_url=config.api_url, project=config.project, token=token,
                       idempotency_keys=config.idempotency_keys)


def today(journal: Journal, now: float | None = None) -> dict[str, int]:
    """Activations finished, failed and still pending since local midnight (off the loop)."""
    now = time.time() if now is None else now
    midnight = time.mktime((*time.localtime(now)[:3], 0, 0, 0, 0, 0, -1))
    done = failed = 0
    for act in journal.activations(limit=5000):
        if act.created_at < midnight:
            break  # newest first
        done += act.status in ("ready", "active")
        failed += act.status in ("failed", "lost")
    return {"activations_today": done, "failures_today": failed,
            "pending": len(journal.unfinished())}
