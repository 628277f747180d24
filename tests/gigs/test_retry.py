"""The retry decision and backoff as pure functions."""

from __future__ import annotations

import pytest

from kiosk.gigs import (
    APIConnectionError, APITimeoutError, ConflictError, InvalidRequestError, RateLimitError,
    RetryPolicy, ServerError,
)
from kiosk.gigs.retry import parse_retry_after, should_retry


def status(cls, code: int):
    return cls("x", status=code)


SENT = APIConnectionError("x", method="POST", path="/", request_sent=True)
NOT_SENT = APIConnectionError("x", method="POST", path="/", request_sent=False)
TIMEOUT = APITimeoutError("x", method="GET", path="/", request_sent=True)


@pytest.mark.parametrize("method,error,has_key,expected", [
    ("GET", SENT, False, True), ("GET", TIMEOUT, False, True),
    ("GET", status(RateLimitError, 429), False, True),
    ("GET", status(ServerError, 502), False, True), ("GET", status(ServerError, 503), False, True),
    ("GET", status(ServerError, 504), False, True), ("GET", status(ServerError, 500), False, False),
    ("GET", status(InvalidRequestError, 422), False, False),
    ("PATCH", status(ServerError, 503), False, True),
    ("POST", SENT, True, True), ("POST", status(ServerError, 503), True, True),
    ("POST", status(ServerError, 500), True, False), ("POST", status(ConflictError, 409), True, True),
    ("POST", SENT, False, False), ("POST", TIMEOUT, False, False), ("POST", NOT_SENT, False, True),
    ("POST", status(ServerError, 503), False, False),
    ("POST", status(RateLimitError, 429), False, True),
    ("DELETE", SENT, False, False), ("DELETE", SENT, True, True),
])
def test_should_retry(method, error, has_key, expected) -> None:
    assert should_retry(method, error, has_idempotency_key=has_key) is expected


@pytest.mark.parametrize("error,expected", [
    (NOT_SENT, True), (APITimeoutError("x", method="POST", path="/", request_sent=False), True),
    (SENT, False), (TIMEOUT, False), (status(RateLimitError, 429), False),
    (status(ServerError, 502), False), (status(ServerError, 503), False),
    (status(ServerError, 504), False), (status(ServerError, 500), False),
    (status(ConflictError, 409), False), (status(InvalidRequestError, 422), False),
])
@pytest.mark.parametrize("has_key", [True, False])
def test_without_resend_only_a_request_that_never_left_is_retried(error, expected,
                                                                  has_key) -> None:
    assert should_retry("POST", error, has_idempotency_key=has_key, resend=False) is expected


def test_backoff_grows_is_jittered_and_capped() -> None:
    policy = RetryPolicy(base_delay=0.5, max_delay=4.0)
    for attempt in range(12):
        cap = min(4.0, 0.5 * 2**attempt)
        assert policy.backoff(attempt, 0.0) == cap / 2
        assert policy.backoff(attempt, 1.0) == cap
    assert policy.backoff(30, 0.99) <= 4.0


def test_retry_after_zero_still_waits_a_little() -> None:
    err = RateLimitError("x", status=429, retry_after=0.0)
    assert 0 < RetryPolicy().delay(0, err, 0.0) < 0.2


@pytest.mark.parametrize("value,expected", [
    ("2", 2.0), ("0.5", 0.5), ("-3", 0.0), ("", None), (None, None), ("soon", None),
    ("nan", None), ("Thu, 01 Jan 1970 00:00:10 GMT", 5.0),
])
def test_parse_retry_after(value, expected) -> None:
    assert parse_retry_after(value, now=5.0) == expected
