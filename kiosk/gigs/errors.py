"""Errors of the Gigs client, one class per meaning (stripe/openai style); never carries the token."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


class GigsError(Exception):
    """Base of every error the Gigs client raises."""

    #: True when the same request may succeed if sent again later.
    should_retry: bool = False


class APIConnectionError(GigsError):
    """The API could not be reached, or the connection broke before a full answer arrived.

    `request_sent` says whether the request may have reached the server: False only when
    the connection was never established, so a POST without an idempotency key (and an
    order or subscription, keys or not) is safe to resend only then. After a send, the
    outcome is unknown and must be reconciled. When any attempt of a retried request may
    have arrived, the error raised says so, even if the last attempt never connected.
    """

    should_retry = True

    def __init__(self, message: str, *, method: str, path: str, request_sent: bool) -> None:
        super().__init__(message)
        self.method = method
        self.path = path
        self.request_sent = request_sent

    def __str__(self) -> str:
        return f"{self.args[0]} ({self.method} {self.path})"


class APITimeoutError(APIConnectionError):
    """The API did not answer in time: an attempt or the request's deadline ran out."""


class APIResponseValidationError(GigsError):
    """The API answered with something that is not the JSON it documents (or too much of it).

    The request did arrive: after a POST, whatever it asked for may have been done.
    """

    def __init__(
        self, message: str, *, method: str, path: str, status: int, request_id: str | None
    ) -> None:
        super().__init__(message)
        self.method = method
        self.path = path
        self.status = status
        self.request_id = request_id

    def __str__(self) -> str:
        rid = f", request {self.request_id}" if self.request_id else ""
        return f"{self.args[0]} ({self.method} {self.path} -> {self.status}{rid})"


class APIStatusError(GigsError):
    """The API answered with an error object (HTTP 4xx/5xx)."""

    def __init__(
        self,
        message: str,
        *,
        status: int,
        type: str | None = None,
        code: str | None = None,
        hint: str | None = None,
        details: list[Mapping[str, Any]] | None = None,
        documentation: list[str] | None = None,
        request_id: str | None = None,
        method: str = "",
        path: str = "",
        body: Mapping[str, Any] | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message)
        #: Seconds the server asked us to wait (Retry-After), if it said.
        self.retry_after = retry_after
        self.message = message
        self.status = status
        self.type = type
        self.code = code
        self.hint = hint
        self.details = list(details or [])
        self.documentation = list(documentation or [])
        self.request_id = request_id
        self.method = method
        self.path = path
        self.body = dict(body or {})

    def __str__(self) -> str:
        parts = [f"{self.status}"]
        if self.type:
            parts.append(self.type)
        if self.code:
            parts.append(self.code)
        where = f" ({self.method} {self.path})" if self.method else ""
        rid = f" [request {self.request_id}]" if self.request_id else ""
        return f"{' '.join(parts)}: {self.message}{where}{rid}"


class BadRequestError(APIStatusError):
    """400: the request was malformed (`type: malformed`)."""


class AuthenticationError(APIStatusError):
    """401: the API key is missing, expired or wrong."""


class PermissionDeniedError(APIStatusError):
    """403: the key may not do this."""


class NotFoundError(APIStatusError):
    """404: no such resource (or not visible to this project)."""


class ConflictError(APIStatusError):
    """409: the request conflicts with the current state (e.g. a concurrent idempotent request)."""

    should_retry = True


class InvalidRequestError(APIStatusError):
    """422 (and other 4xx): an invalid parameter or an incompatible system state; see `hint`."""


class RateLimitError(APIStatusError):
    """429: too many requests; `retry_after` is the server's wish in seconds, if it said one.

    The API documents a 429 as refused before acting, but a proxy in between (or a buggy
    server) may answer 429 after the request was acted on: orders are not resent on it.
    """

    should_retry = True


class ServerError(APIStatusError):
    """5xx: the API failed. 502/503/504 are worth retrying; a 500 after a POST is ambiguous."""

    @property
    def should_retry(self) -> bool:  # type: ignore[override]
        return self.status in (502, 503, 504)


_BY_STATUS: dict[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    422: InvalidRequestError,
    429: RateLimitError,
}
# When a proxy or a future API answers with an unusual status, the error `type` still says
# what happened.
_BY_TYPE: dict[str, type[APIStatusError]] = {
    "malformed": BadRequestError,
    "unauthenticated": AuthenticationError,
    "permissionDenied": PermissionDeniedError,
    "notFound": NotFoundError,
    "conflict": ConflictError,
    "invalid": InvalidRequestError,
    "tooManyRequests": RateLimitError,
}


def error_class_for(status: int, type_: str | None) -> type[APIStatusError]:
    """The error class for an HTTP status, falling back on the error object's `type`."""
    if status in _BY_STATUS:
        return _BY_STATUS[status]
    if status >= 500:
        return ServerError
    if type_ in _BY_TYPE:
        return _BY_TYPE[type_]
    return InvalidRequestError
