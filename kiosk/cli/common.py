"""What every `kiosk` command shares: exit codes, connection flags, one-line errors."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import errno
import json
import math
import os
import re
import stat
import sys
from collections.abc import Awaitable, Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, NoReturn, TypeVar

from kiosk.journal import JournalError
from kiosk.gigs import (
    APIConnectionError, APIResponseValidationError, APIStatusError, AuthenticationError,
    GigsClient, NotFoundError, PermissionDeniedError,
)
from kiosk.redact import printable, redact
from kiosk.settings import ApiSettings

T = TypeVar("T")

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
EXIT_CHECK_FAILED = 9   # `qa`/`pair`: at least one device or row failed (or was no IMEI)


class Parser(argparse.ArgumentParser):
    """argparse, with its errors as one line (`error: ... (see kiosk qa --help)`) and exit 2,
    like every other invalid input, instead of a usage block and the message."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_INVALID, f"error: {printable(message)} (see `{self.prog} --help`)\n")


def bounded(low: float, high: float, *, unit: str = "",
            integer: bool = False) -> Callable[[str], float]:
    """An argparse type: a finite number in [low, high] (nan, inf and words refused)."""
    what = "a whole number" if integer else "a number"
    allowed = f"{low:g} to {high:g}{' ' + unit if unit else ''}"

    def parse(text: str) -> float:
        try:
            value = int(text) if integer else float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"{printable(text, 40)!r} is not {what} ({allowed})") from None
        if not math.isfinite(value) or not low <= value <= high:
            raise argparse.ArgumentTypeError(f"must be {allowed}")
        return value

    return parse


def text(limit: int) -> Callable[[str], str]:
    """An argparse type: text of at most `limit` characters, no control characters."""

    def parse(value: str) -> str:
        if len(value) > limit:
            raise argparse.ArgumentTypeError(f"longer than {limit} characters")
        if printable(value, limit) != value:
            raise argparse.ArgumentTypeError("control characters or bytes that are not UTF-8")
        return value

    return parse


def ident(value: str) -> str:
    """An argparse type: a Gigs id (`pln_…`, `pm_…`): letters, digits, `_` and `-`."""
    from kiosk.config import ID

    if not ID.fullmatch(value):
        raise argparse.ArgumentTypeError("an id is letters, digits, _ and - (at most 100)")
    return value


class CliError(Exception):
    def __init__(self, message: str, code: int) -> None:
        super().__init__(message)
        self.code = code


def connection_parent() -> Parser:
    conn = Parser(add_help=False)
    conn.add_argument("--api-url", type=text(2000),
                      help="Gigs API base URL (env GIGS_API_URL); with neither it nor "
                      "GIGS_TOKEN set: the kiosk's own connection (its config file, "
                      "gateway or live), else the embedded sandbox in process")
    conn.add_argument("--project", type=text(100),
                      help="Gigs project id (env GIGS_PROJECT; sandbox: demo)")
    conn.add_argument("--no-idempotency-keys", action="store_true",
                      help="do not send Idempotency-Key (for projects outside the beta)")
    conn.add_argument("--json", action="store_true", help="machine-readable output")
    conn.add_argument("-v", "--verbose", action="count", default=0, help="more logging (-vv)")
    return conn


_FLAGS = {"", "0", "1", "true", "false", "yes", "no", "on", "off"}
_PROJECT = re.compile(r"[A-Za-z0-9_-]{1,100}")
_TOKEN = re.compile(r"[\x21-\x7e]{1,2000}")


def settings(args: argparse.Namespace) -> ApiSettings:
    """Connection settings from the flags and the environment, checked: a bad value is one
    line and exit 2 before anything is sent (the key itself is never shown)."""
    from kiosk.config import api_url_problem

    keys = os.environ.get("GIGS_IDEMPOTENCY_KEYS", "")
    if keys.strip().lower() not in _FLAGS:
        raise CliError(f"GIGS_IDEMPOTENCY_KEYS must be 0 or 1 (got {printable(keys, 20)!r})",
                       EXIT_INVALID)
    result = ApiSettings.from_env(
        api_url=args.api_url, project=args.project,
        idempotency_keys=False if args.no_idempotency_keys else None,
    )
    url_from = "--api-url" if args.api_url else "GIGS_API_URL"
    if not (args.api_url or os.environ.get("GIGS_API_URL") or os.environ.get("GIGS_TOKEN")):
        configured = kiosk_connection()
        if configured is not None:
            found, url_from = configured
            result = dataclasses.replace(
                found, project=args.project or found.project,
                idempotency_keys=False if args.no_idempotency_keys
                else found.idempotency_keys)
    if result.api_url and (problem := api_url_problem(result.api_url)):
        raise CliError(f"{url_from}: {problem}", EXIT_INVALID)
    if result.project and not _PROJECT.fullmatch(result.project):
        raise CliError(f"{'--project' if args.project else 'GIGS_PROJECT'}: a project id is "
                       "letters, digits, - and _ (at most 100)", EXIT_INVALID)
    if result.token and not _TOKEN.fullmatch(result.token):
        raise CliError("the API key in GIGS_TOKEN has spaces or control characters (not shown)",
                       EXIT_INVALID)
    return result


def kiosk_connection() -> tuple[ApiSettings, str] | None:
    """This kiosk's own connection, from its config file (`KIOSK_CONFIG` or the default),
    when it is a gateway's or a live API's, and where its URL was read: a command run on a
    kiosk (`journal --resume` after a crash, `activate`, `doctor`) talks to what the kiosk
    talks to, never to an embedded sandbox that knows none of its orders. None: no config
    file, or the sandbox. The same rules as the operator page's (`kiosk.connect`)."""
    from kiosk.config import ConfigError, ConfigStore
    from kiosk.connect import api_settings, connection_secret

    store = ConfigStore()
    if not store.path.exists():
        return None
    try:
        config = store.load()
    except ConfigError as exc:
        raise CliError(str(exc), EXIT_INVALID) from None
    if config.api_mode not in ("gateway", "live"):
        return None
    token = connection_secret(store, config.api_mode)
    if config.api_mode == "gateway" and not token:
        raise CliError(f"{store.path}: gateway mode, but no kiosk token beside it "
                       "(kiosk join URL CODE)", EXIT_INVALID)
    return api_settings(config, token), f"{store.path}: api_url"


def emit(args: argparse.Namespace, data: Any, text: str) -> None:
    """The result on stdout: JSON (controls escaped, ASCII) or text, each line `printable`
    (names and ids from the API could carry terminal escape sequences)."""
    if args.json:
        print(json.dumps(data, indent=2, default=str))
    else:
        print("\n".join(printable(line, limit=2000) for line in text.split("\n")))


def say(message: object) -> None:
    """One line on stderr, redacted like the logs (IMEIs, ICCIDs, codes, tokens) and
    `printable`: messages can quote the API or a file, and reach a terminal or a log."""
    text = " ".join(str(message).split())  # one line, whatever the message held
    if sys.stderr is not None:  # None when started with stderr closed (2>&-): stdout stays clean
        print(printable(redact(text), limit=1000), file=sys.stderr, flush=True)


def fail(args: argparse.Namespace, data: Any, message: str, code: int) -> CliError:
    """A result that is not success: its JSON still goes to stdout with --json; the message
    is the one line on stderr (raise what this returns)."""
    if args.json:
        print(json.dumps(data, indent=2, default=str))
    return CliError(message, code)


def dump(model: Any) -> Any:
    return model.model_dump(mode="json", by_alias=True)


def run_api(command: Callable[[GigsClient, argparse.Namespace], Awaitable[int]],
            args: argparse.Namespace) -> int:
    from kiosk.connect import make_client

    async def go() -> int:
        async with make_client(settings(args)) as client:
            return await command(client, args)

    return asyncio.run(go())


def output_file(text: str, *, not_over: Iterable[tuple[str | None, str]] = (),
                seekable: bool = False) -> Path:
    """A file a command is about to write: its folder must exist and be writable (checked
    first, so nothing is looked up or computed for a file that cannot be written).

    `not_over`: (path, what) pairs the output must not be, e.g. the input or the journal
    (writing the export over them would destroy them). `seekable`: a device or a pipe will
    not do (an image writer seeks)."""
    path = Path(text)
    shown = printable(text)
    if path.is_dir():
        raise CliError(f"{shown} is a folder: give a file name", EXIT_INVALID)
    folder = path.parent
    if not folder.is_dir():
        raise CliError(f"cannot write {shown}: the folder {printable(folder)} does not exist",
                       EXIT_INVALID)
    if not os.access(folder, os.W_OK):
        raise CliError(f"cannot write {shown}: no permission to write in {printable(folder)}",
                       EXIT_INVALID)
    for other, what in not_over:
        if other and _same_file(path, Path(other)):
            raise CliError(f"cannot write {shown}: it is {what}", EXIT_INVALID)
    if seekable and path.exists() and not path.is_file():
        raise CliError(f"cannot write {shown}: not a regular file", EXIT_INVALID)
    return path


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.exists() and b.exists() and os.path.samefile(a, b)
    except OSError:
        return False


@contextlib.contextmanager
def reader_present(path: Path) -> Iterator[None]:
    """Around opening `path` for writing: a pipe (FIFO) nobody reads fails at once, in one
    line, instead of blocking for ever; while the block runs, a writer is held open so the
    reader does not see the end of the stream between the check and the real opening."""
    probe = None
    try:
        if stat.S_ISFIFO(os.stat(path).st_mode):
            probe = os.open(path, os.O_WRONLY | os.O_NONBLOCK)
    except FileNotFoundError:
        pass
    except OSError as exc:
        if exc.errno == errno.ENXIO:
            raise CliError(f"cannot write {printable(path)}: a pipe that nobody is reading",
                           EXIT_INVALID) from None
        raise write_error(path, exc) from None
    try:
        yield
    finally:
        if probe is not None:
            os.close(probe)


def write_whole(path: Path, write: Callable[[Path], T]) -> T:
    """`write(temporary)` beside `path`, then rename: `path` is whole or untouched. A full
    disk is exit 1 (EXIT_ERROR), a folder that went away or turned read-only exit 2."""
    if path.exists() and not path.is_file():  # /dev/stdout, a FIFO: written, never replaced
        try:
            with reader_present(path):
                return write(path)
        except OSError as exc:
            raise write_error(path, exc) from None
    temporary = path.with_name(f".{path.name}.part")
    try:
        result = write(temporary)
        os.replace(temporary, path)
        return result
    except OSError as exc:
        with contextlib.suppress(OSError):
            temporary.unlink(missing_ok=True)
        raise write_error(path, exc) from None


def write_error(path: Path, exc: OSError) -> CliError:
    """One line for a write that failed: a full disk is exit 1, anything else exit 2."""
    full = exc.errno in (errno.ENOSPC, errno.EDQUOT)
    reason = "disk full" if full else (exc.strerror or type(exc).__name__).lower()
    return CliError(f"cannot write {printable(path)}: {reason}",
                    EXIT_ERROR if full or exc.errno == errno.EIO else EXIT_INVALID)


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
    if isinstance(exc, RecursionError):  # JSON nested past any sane depth
        return CliError("the API answered with something unexpected: nested too deeply",
                        EXIT_API)
    if isinstance(exc, MemoryError):
        return CliError("out of memory", EXIT_ERROR)
    if isinstance(exc, JournalError):  # "the kiosk cannot write its journal: disk full"
        return CliError(str(exc), EXIT_ERROR)
    return CliError(f"unexpected error: {type(exc).__name__}: {exc}", EXIT_ERROR)
