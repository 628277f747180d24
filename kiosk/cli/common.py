"""What every `kiosk` command shares: exit codes, connection flags, one-line errors."""

from __future__ import annotations

import argparse
import asyncio
import json
from collections.abc import Awaitable, Callable
from typing import Any

from kiosk.journal import JournalError
from kiosk.gigs import (
    APIConnectionError, APIResponseValidationError, APIStatusError, AuthenticationError,
    GigsClient, NotFoundError, PermissionDeniedError,
)
from kiosk.settings import ApiSettings

# Documented in the README; stable for scripts.
EXIT_OK = 0
EXIT_ERROR = 1          # unexpected
EXIT_INVALID = 2        # invalid input (IMEI, plan, customer details, flags)
EXIT_NOT_FOUND = 3      # IMEI not registered, unknown id
EXIT_AUTH = 4           # API key rejected or not allowed
EXIT_API = 5            # API unavailable or failing
EXIT_PENDING = 6        # activation still pending; it goes on (journal) and can be resumed
EXIT_ALREADY = 7        # the SIM already has a subscription: nothing was ordered
EXIT_REFUSED = 8        # cannot activate: no usable SIM, payment failed, order refused
EXIT_CHECK_FAILED = 9   # `qa`: at least one device failed its check (or a line was no IMEI)


class CliError(Exception):
    def __init__(self, message: str, code: int) -> None:
        super().__init__(message)
        self.code = code


def connection_parent() -> argparse.ArgumentParser:
    conn = argparse.ArgumentParser(add_help=False)
    conn.add_argument("--api-url", help="Gigs API base URL (env GIGS_API_URL); with neither it "
                      "nor GIGS_TOKEN set, the embedded sandbox runs in process")
    conn.add_argument("--project", help="Gigs project id (env GIGS_PROJECT; sandbox: demo)")
    conn.add_argument("--no-idempotency-keys", action="store_true",
                      help="do not send Idempotency-Key (for projects outside the beta)")
    conn.add_argument("--json", action="store_true", help="machine-readable output")
    conn.add_argument("-v", "--verbose", action="count", default=0, help="more logging (-vv)")
    return conn


def settings(args: argparse.Namespace) -> ApiSettings:
    return ApiSettings.from_env(
        api_url=args.api_url, project=args.project,
        idempotency_keys=False if args.no_idempotency_keys else None,
    )


def emit(args: argparse.Namespace, data: Any, text: str) -> None:
    print(json.dumps(data, indent=2, default=str) if args.json else text)


def dump(model: Any) -> Any:
    return model.model_dump(mode="json", by_alias=True)


def run_api(command: Callable[[GigsClient, argparse.Namespace], Awaitable[int]],
            args: argparse.Namespace) -> int:
    from kiosk.connect import make_client

    async def go() -> int:
        async with make_client(settings(args)) as client:
            return await command(client, args)

    return asyncio.run(go())


def api_error(exc: Exception) -> CliError:
    """One line for a failure that reached the top."""
    if isinstance(exc, AuthenticationError):
        return CliError("API key rejected (401): check GIGS_TOKEN", EXIT_AUTH)
    if isinstance(exc, PermissionDeniedError):
        return CliError(f"the API key may not do this (403): {exc.message}", EXIT_AUTH)
    if isinstance(exc, NotFoundError):
        return CliError(f"not found (404): {exc.message} [{exc.path}]", EXIT_NOT_FOUND)
    if isinstance(exc, APIStatusError):
        hint = f" Hint: {exc.hint}" if exc.hint else ""
        return CliError(f"the API refused the request: {exc}.{hint}", EXIT_API)
    if isinstance(exc, APIConnectionError):
        return CliError(f"cannot reach the API: {exc}", EXIT_API)
    if isinstance(exc, APIResponseValidationError):
        return CliError(f"the API answered with something unexpected: {exc}", EXIT_API)
    if isinstance(exc, JournalError):  # "the kiosk cannot write its journal: disk full"
        return CliError(str(exc), EXIT_ERROR)
    return CliError(f"unexpected error: {type(exc).__name__}: {exc}", EXIT_ERROR)
