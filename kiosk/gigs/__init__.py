"""Async client of the Gigs Core API (no Qt): models, errors, retries."""

from kiosk.gigs._limits import deadline
from kiosk.gigs.client import GigsClient
from kiosk.gigs.errors import (
    APIConnectionError,
    APIResponseValidationError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    GigsError,
    InvalidRequestError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ServerError,
)
from kiosk.gigs.retry import RetryPolicy

__all__ = [
    "APIConnectionError", "APIResponseValidationError", "APIStatusError", "APITimeoutError",
    "AuthenticationError", "BadRequestError", "ConflictError", "GigsClient", "GigsError",
    "InvalidRequestError", "NotFoundError", "PermissionDeniedError", "RateLimitError",
    "RetryPolicy", "ServerError", "deadline",
]
