"""The HTTP core of the Gigs client: one request with retries, errors mapped by meaning."""

from __future__ import annotations

import asyncio
import json as jsonlib
import logging
import random
import time
import uuid
from email.utils import parsedate_to_datetime
import zlib
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

import httpx
import pydantic

from kiosk import __version__
from kiosk.gigs._limits import Inflater, Watchdog, current_deadline
from kiosk.gigs.errors import (
    APIConnectionError,
    APIResponseValidationError,
    APIStatusError,
    APITimeoutError,
    GigsError,
    error_class_for,
)
from kiosk.gigs.models import ErrorObject
from kiosk.gigs.retry import RetryPolicy, parse_retry_after, should_retry
from kiosk.settings import ApiSettings

log = logging.getLogger("kiosk.gigs")

REQUEST_ID_HEADERS = ("x-request-id", "request-id", "gigs-request-id")

Sleep = Callable[[float], Awaitable[None]]


def _request_id(response: httpx.Response) -> str | None:
    for name in REQUEST_ID_HEADERS:
        if name in response.headers:
            return response.headers[name]
    return None


def describe_validation_error(exc: pydantic.ValidationError) -> str:
    """A one-line summary naming fields, never values (values may hold IMEIs or secrets)."""
    parts = []
    for err in exc.errors()[:3]:
        where = ".".join(str(p) for p in err["loc"]) or "body"
        parts.append(f"{where}: {err['msg']}")
    more = exc.error_count() - len(parts)
    return "; ".join(parts) + (f" (+{more} more)" if more > 0 else "")


class Requestor:
    """Sends requests to Gigs through one shared `httpx.AsyncClient`."""

    def __init__(
        self,
        settings: ApiSettings,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        retry: RetryPolicy | None = None,
        sleep: Sleep = asyncio.sleep,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], float] = time.time,
        rand: Callable[[], float] = random.random,
        new_key: Callable[[], str] = lambda: str(uuid.uuid4()),
    ) -> None:
        self.settings = settings
        self.retry = retry or RetryPolicy(max_retries=settings.max_retries)
        self._sleep = sleep
        self._clock = clock
        self._wall_clock = wall_clock
        self._rand = rand
        self._new_key = new_key
        self._watchdog = Watchdog()
        #: The API's clock minus ours (seconds, to about one), once a `Date` header was seen.
        self.server_clock_offset: float | None = None
        self._last_date: str | None = None
        self._http = httpx.AsyncClient(
            base_url=settings.base_url,
            transport=transport,
            timeout=httpx.Timeout(settings.read_timeout, connect=settings.connect_timeout),
            headers={
                "Authorization": f"Bearer {settings.bearer}",
                "Accept": "application/json",
                "User-Agent": f"sim-kiosk/{__version__}",
                # Only encodings `Inflater` decodes with bounded memory; httpx would
                # advertise (and inflate without bound) brotli or zstd once installed.
                "Accept-Encoding": "gzip, deflate",
            },
            follow_redirects=False,
        )

    @property
    def project_path(self) -> str:
        return f"/projects/{self.settings.project_id}"

    def new_idempotency_key(self) -> str:
        return self._new_key()

    async def aclose(self) -> None:
        await self._http.aclose()

    async def request(
        self,
        method: str,
        path: str,
        *,
        json: Mapping[str, Any] | None = None,
        params: Mapping[str, Any] | None = None,
        idempotency_key: str | None = None,
        resend: bool = True,
        read_only: bool = False,
    ) -> Any:
        """Send one logical request, retrying when safe; return the decoded JSON body.

        For POST/DELETE the idempotency key is fixed here, before the first attempt, and
        every retry sends the same one. A caller that must remember the key across a crash
        (placing an order) generates it itself and passes it in.

        `resend=False` is for requests that charge or activate: once an attempt may have
        reached the server, its failure goes straight to the caller, who reconciles
        before anything is sent again (keys or not: a server may ignore them).

        Each attempt is cut after `attempt_timeout` (body included), and the whole request,
        waits included, ends by `request_deadline` or an enclosing `deadline()`.

        `read_only`: a POST that only reads (a search): no Idempotency-Key (keys are for
        requests that create something; older docs say a key fails unenrolled projects),
        and retried like a GET.
        """
        method = method.upper()
        query = self._clean_params(params)
        headers: dict[str, str] = {}
        if method in ("POST", "DELETE") and self.settings.idempotency_keys and not read_only:
            headers["Idempotency-Key"] = idempotency_key or self._new_key()
        has_key = "Idempotency-Key" in headers
        end = self._clock() + self.settings.request_deadline
        cap = current_deadline()
        if cap is not None and cap < end:
            end = cap

        error: GigsError | None = None
        may_have_arrived = False
        attempt = 0
        while True:
            started = self._clock()
            budget = min(self.settings.attempt_timeout, end - started)
            if budget <= 0:
                error = error or APITimeoutError("no time left to ask the API", method=method,
                                                 path=path, request_sent=False)
                raise _give_up(error, may_have_arrived, method, path, attempt)
            result = await self._attempt(method, path, json, query, headers, budget)
            elapsed_ms = (self._clock() - started) * 1000
            if not isinstance(result, GigsError):
                log.debug("%s %s -> ok (%.0f ms, attempt %d)", method, path, elapsed_ms, attempt + 1)
                return result
            error = result
            may_have_arrived = may_have_arrived or not _never_sent(error)
            retryable = attempt < self.retry.max_retries and should_retry(
                "GET" if read_only else method, error, has_idempotency_key=has_key, resend=resend
            )
            delay = self.retry.delay(attempt, error, self._rand()) if retryable else None
            if delay is None:
                raise _give_up(error, may_have_arrived, method, path, attempt + 1)
            if self._clock() + delay >= end:
                # Waiting would end past the deadline: the caller hears now, not later.
                log.info("%s %s: a retry in %.2f s would pass the deadline", method, path, delay)
                raise _give_up(error, may_have_arrived, method, path, attempt + 1)
            log.info(
                "%s %s failed (%s); retry %d/%d in %.2f s",
                method, path, _short(error), attempt + 1, self.retry.max_retries, delay,
            )
            await self._sleep(delay)
            attempt += 1

    async def _attempt(
        self,
        method: str,
        path: str,
        json: Mapping[str, Any] | None,
        params: dict[str, str] | None,
        headers: dict[str, str],
        budget: float,
    ) -> Any:
        """One HTTP exchange; returns the decoded body, or the GigsError that ended it."""
        try:
            # httpx's timeouts bound each read; this bounds the whole exchange, so a
            # server dripping a byte a second is cut too.
            async with self._watchdog.cut_after(budget):
                response, body = await self._exchange(method, path, json, params, headers)
        except TimeoutError:
            # Cut from outside httpx we cannot tell whether the request was written yet,
            # so it may have arrived: the caller must reconcile.
            return APITimeoutError("the API did not answer in time", method=method, path=path,
                                   request_sent=True)
        except (httpx.ConnectTimeout, httpx.PoolTimeout):
            return APITimeoutError("timed out connecting to the API", method=method, path=path,
                                   request_sent=False)
        except httpx.TimeoutException:
            return APITimeoutError("the API did not answer in time", method=method, path=path,
                                   request_sent=True)
        except httpx.ConnectError:
            return APIConnectionError("could not connect to the API", method=method, path=path,
                                      request_sent=False)
        except httpx.TransportError as exc:
            # Read/write errors and a peer that hung up mid-answer: it may have acted.
            return APIConnectionError(f"connection to the API broke ({type(exc).__name__})",
                                      method=method, path=path, request_sent=True)
        self._note_server_clock(response.headers.get("date"))
        if response.is_success:
            return self._decode(response, body, method, path)
        return self._status_error(response, body, method, path)

    def _note_server_clock(self, date: str | None) -> None:
        """The API's clock minus ours, from its `Date` header (parsed once per new value).

        Reconciling compares the API's `createdAt` with the kiosk's journal; a kiosk whose
        clock is off by minutes must not miss its own order (or take a stranger's).
        """
        if not date or date == self._last_date:
            return
        self._last_date = date
        try:
            when = parsedate_to_datetime(date)
        except (TypeError, ValueError, IndexError):
            return
        if when is not None and when.tzinfo is not None:
            self.server_clock_offset = when.timestamp() - self._wall_clock()

    async def _exchange(
        self,
        method: str,
        path: str,
        json: Mapping[str, Any] | None,
        params: dict[str, str] | None,
        headers: dict[str, str],
    ) -> tuple[httpx.Response, bytes]:
        request = self._http.build_request(method, path, json=json, params=params,
                                           headers=headers)
        response = await self._http.send(request, stream=True)
        try:
            return response, await self._read_body(response, method, path)
        finally:
            # Unread bytes (an oversized answer, a cut) close the connection, not pool it.
            await response.aclose()

    async def _read_body(self, response: httpx.Response, method: str, path: str) -> bytes:
        """The decompressed body, refused as soon as it is known to exceed `max_body_bytes`."""
        limit = self.settings.max_body_bytes
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            raise _too_large(response, method, path)
        if response.is_stream_consumed:
            # Built in memory (MockTransport and friends) and already decoded by httpx.
            if len(response.content) > limit:
                raise _too_large(response, method, path)
            return response.content
        encoding = response.headers.get("content-encoding")
        try:
            inflater = Inflater.for_encoding(encoding) if encoding else None
        except ValueError:
            raise APIResponseValidationError(
                "the API answered in an unsupported encoding", method=method, path=path,
                status=response.status_code, request_id=_request_id(response),
            ) from None
        chunks: list[bytes] = []
        size = 0
        try:
            async for raw in response.aiter_raw():
                chunk = raw if inflater is None else inflater.feed(raw, limit - size)
                size += len(chunk)
                if size > limit:
                    raise _too_large(response, method, path)
                chunks.append(chunk)
            if inflater is not None:
                chunk = inflater.flush()
                size += len(chunk)
                if size > limit:
                    raise _too_large(response, method, path)
                chunks.append(chunk)
        except zlib.error:
            raise APIResponseValidationError(
                "the API's answer could not be decompressed", method=method, path=path,
                status=response.status_code, request_id=_request_id(response),
            ) from None
        return chunks[0] if len(chunks) == 1 else b"".join(chunks)

    def _decode(self, response: httpx.Response, body: bytes, method: str, path: str) -> Any:
        try:
            return jsonlib.loads(body)
        except (jsonlib.JSONDecodeError, UnicodeDecodeError, RecursionError) as exc:
            what = "nested too deeply" if isinstance(exc, RecursionError) else "malformed"
            raise APIResponseValidationError(
                f"the API answered with {what} JSON", method=method, path=path,
                status=response.status_code, request_id=_request_id(response),
            ) from None

    def _status_error(
        self, response: httpx.Response, body_bytes: bytes, method: str, path: str
    ) -> APIStatusError:
        request_id = _request_id(response)
        body: dict[str, Any] = {}
        try:
            decoded = jsonlib.loads(body_bytes)
            if isinstance(decoded, dict):
                body = decoded
        except (jsonlib.JSONDecodeError, UnicodeDecodeError, RecursionError):
            pass
        try:
            err = ErrorObject.model_validate(body)
        except pydantic.ValidationError:
            err = ErrorObject()
        message = err.message if body else f"HTTP {response.status_code} {response.reason_phrase}"
        cls = error_class_for(response.status_code, err.type)
        kwargs: dict[str, Any] = dict(
            status=response.status_code, type=err.type, code=err.code, hint=err.hint,
            details=err.details, documentation=err.documentation, request_id=request_id,
            method=method, path=path, body=body,
            retry_after=parse_retry_after(response.headers.get("retry-after"), self._wall_clock()),
        )
        return cls(message, **kwargs)

    @staticmethod
    def _clean_params(params: Mapping[str, Any] | None) -> dict[str, str] | None:
        """Drop unset filters; the API rejects empty values (`?user=`), so never send one."""
        if not params:
            return None
        clean: dict[str, str] = {}
        for key, value in params.items():
            if value is None:
                continue
            if isinstance(value, (list, tuple, set, frozenset)):
                value = ",".join(str(v) for v in value)
            value = str(value)
            if value == "":
                raise ValueError(f"empty value for query parameter {key!r}")
            clean[key] = value
        return clean or None


def _too_large(response: httpx.Response, method: str, path: str) -> APIResponseValidationError:
    return APIResponseValidationError(
        "the API's answer was too large", method=method, path=path,
        status=response.status_code, request_id=_request_id(response),
    )


def _never_sent(error: GigsError) -> bool:
    return isinstance(error, APIConnectionError) and not error.request_sent


def _give_up(
    error: GigsError, may_have_arrived: bool, method: str, path: str, attempts: int
) -> GigsError:
    """The error for the caller, saying the request may have arrived if ANY attempt may have.

    Without this, a POST whose first attempt timed out after sending and whose retry was
    refused would report `request_sent=False`, and its caller would skip reconciling.
    """
    if may_have_arrived and _never_sent(error):
        assert isinstance(error, APIConnectionError)
        error.request_sent = True
    log.info("%s %s failed after %d attempt(s): %s", method, path, attempts, error)
    return error


def _short(error: GigsError) -> str:
    if isinstance(error, APIStatusError):
        return f"{error.status} {error.type or ''}".strip()
    return type(error).__name__
