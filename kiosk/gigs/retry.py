"""When to retry a Gigs request and how long to wait: pure functions, easy to test."""

from __future__ import annotations

from dataclasses import dataclass
from email.utils import parsedate_to_datetime

from kiosk.gigs.errors import (
    APIConnectionError,
    ConflictError,
    GigsError,
    RateLimitError,
    ServerError,
)

# Methods whose repetition cannot change the outcome: reading, and PATCH, which sets fields
# to given values (the kiosk never sends relative updates).
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PATCH", "PUT"})
RETRYABLE_STATUSES = frozenset({429, 502, 503, 504})


@dataclass(frozen=True)
class RetryPolicy:
    """Exponential backoff with jitter, capped, and honouring the server's Retry-After."""

    max_retries: int = 3
    base_delay: float = 0.5
    max_delay: float = 8.0
    #: A Retry-After longer than this is not waited for: the error goes to the caller, who
    #: can tell the customer instead of freezing the kiosk for minutes.
    max_retry_after: float = 60.0

    def backoff(self, attempt: int, rand: float) -> float:
        """Delay before retry number `attempt` (0-based), "equal jitter": in [cap/2, cap]."""
        cap = min(self.max_delay, self.base_delay * float(2**attempt))
        return cap / 2 + (cap / 2) * rand

    def delay(self, attempt: int, error: GigsError, rand: float) -> float | None:
        """Seconds to wait before retrying after `error`, or None if it is not worth waiting."""
        retry_after: float | None = getattr(error, "retry_after", None)
        if retry_after is not None:
            if retry_after > self.max_retry_after:
                return None
            # The server knows its load better than our backoff does, but never wait less
            # than a jittered minimum so a "Retry-After: 0" storm does not hammer it.
            return max(retry_after, self.backoff(0, rand) / 4)
        return self.backoff(attempt, rand)


def should_retry(
    method: str, error: GigsError, *, has_idempotency_key: bool, resend: bool = True
) -> bool:
    """Whether a failed request may be sent again without risking a duplicate effect.

    `resend=False` (placing an order or a subscription: anything that charges or
    activates): only when the request provably never left this machine (the connection
    was never made). Every other failure, a 429 included (a proxy or server may answer 429
    after acting), goes to the caller, who reconciles before anything is sent again; an
    idempotency key does not change that, because a server may ignore it.
    GET-like requests: connection failures, timeouts, 429 and 502/503/504.
    POST/DELETE with an Idempotency-Key: the same, plus 409 (a concurrent request with the
    same key is still running); the server replays a stored success, so a resend is safe.
    POST/DELETE without a key: only when the request provably never left this machine,
    or on 429, which the API documents as refused before acting.
    A 500 is never retried for a POST: the API cannot guarantee it was side-effect free.
    """
    if not resend:
        return isinstance(error, APIConnectionError) and not error.request_sent
    method = method.upper()
    if method in SAFE_METHODS or has_idempotency_key:
        if isinstance(error, APIConnectionError):
            return True
        if isinstance(error, RateLimitError):
            return True
        if isinstance(error, ServerError):
            return error.status in RETRYABLE_STATUSES
        if isinstance(error, ConflictError):
            return has_idempotency_key
        return False
    if isinstance(error, APIConnectionError):
        return not error.request_sent
    return isinstance(error, RateLimitError)


def parse_retry_after(value: str | None, now: float) -> float | None:
    """Seconds from a Retry-After header (delta-seconds or an HTTP date), or None."""
    if value is None:
        return None
    value = value.strip()
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        if when is None:
            return None
        seconds = when.timestamp() - now
    if seconds != seconds or seconds in (float("inf"), float("-inf")):  # NaN, inf
        return None
    return max(0.0, seconds)
