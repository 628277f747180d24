"""`kiosk gateway …`: serve the fleet gateway, enrol and revoke kiosks, read the audit log."""

from __future__ import annotations

import argparse
import json
import os
import re
import time
from datetime import UTC, datetime
from typing import Any

from kiosk.cli.common import (
    EXIT_ERROR, EXIT_INVALID, EXIT_NOT_FOUND, EXIT_OK, CliError, bounded, emit, ident, text,
)
from kiosk.redact import printable

_DURATION = re.compile(r"([0-9]{1,6}(?:\.[0-9]+)?)([smhd])")
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_STORE = re.compile(r"[A-Za-z0-9_-]{1,64}")


def duration(value: str) -> float:
    """An argparse type: `90s`, `30m`, `2h`, `7d` in seconds."""
    match = _DURATION.fullmatch(value.strip().lower())
    if not match:
        raise argparse.ArgumentTypeError(f"{printable(value, 40)!r} is not a duration "
                                         "(e.g. 30m, 2h, 7d)")
    return float(match.group(1)) * _UNITS[match.group(2)]


def valid_for(value: str) -> float:
    seconds = duration(value)
    if not 60 <= seconds <= 30 * 86400:
        raise argparse.ArgumentTypeError("must be 1m to 30d")
    return seconds


def store_id(value: str) -> str:
    if not _STORE.fullmatch(value):
        raise argparse.ArgumentTypeError("a store id is letters, digits, _ and - (at most 64)")
    return value


def since(value: str) -> float:
    """An argparse type: a duration back from now (`2h`) or a UTC date (`2026-11-27[T10:00]`)."""
    try:
        return time.time() - duration(value)
    except argparse.ArgumentTypeError:
        pass
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{printable(value, 40)!r}: a duration (2h) or a "
                                         "date (2026-11-27T10:00, UTC)") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp()


def _database(args: argparse.Namespace) -> str:
    from kiosk.gateway.db import default_url

    url: str = args.database or os.environ.get("GATEWAY_DATABASE_URL") or default_url()
    if not url.startswith(("postgresql://", "postgres://", "postgresql+psycopg://", "sqlite:")):
        raise CliError("--database: postgresql://… or sqlite:///path", EXIT_INVALID)
    return url


def _open(args: argparse.Namespace) -> Any:
    from sqlalchemy.exc import SQLAlchemyError

    from kiosk.gateway.store import Store

    try:
        return Store.open(_database(args))
    except SQLAlchemyError as exc:
        raise CliError(f"cannot open the gateway's database: {type(exc).__name__}: "
                       f"{str(exc).splitlines()[0][:200]}", EXIT_ERROR) from None


def _when(ts: float | None) -> str:
    return "-" if ts is None else time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(ts))


def serve(args: argparse.Namespace) -> int:
    from kiosk.gateway.app import serve as run
    from kiosk.gateway.config import ConfigError, from_env

    overrides = {"GATEWAY_DATABASE_URL": args.database,
                 "GATEWAY_AUDIT_DAYS": None if args.audit_days is None else str(args.audit_days),
                 "GATEWAY_ALLOW_PLAIN_HTTP": "1" if args.allow_plain_http else None,
                 "GATEWAY_TRUSTED_PROXIES": ",".join(args.trusted_proxy) or None}
    for name, value in overrides.items():
        if value:
            os.environ[name] = value  # the workers read the same settings
    try:
        config = from_env()
    except ConfigError as exc:
        raise CliError(str(exc), EXIT_INVALID) from None
    _open(args).close()  # migrate once, here, so a broken database is one line, not N tracebacks
    scheme = config.database_url.split(":", 1)[0]
    print(f"Gateway on http://{args.host}:{args.port} for project {config.project} "
          f"({args.workers} worker(s), {scheme} database). Ctrl-C stops.", flush=True)
    if not config.allow_plain_http and args.host not in ("127.0.0.1", "::1", "localhost"):
        print("Plain HTTP is answered from this machine only: put a TLS proxy in front "
              "(--trusted-proxy) or pass --allow-plain-http.", flush=True)
    if not config.admin_token:
        print("The fleet page is off: set GATEWAY_ADMIN_TOKEN to turn it on.", flush=True)
    if not config.webhook_secret:
        print("Webhooks are refused: set GATEWAY_WEBHOOK_SECRET to receive them.", flush=True)
    run(args.host, int(args.port), int(args.workers),
        log_level="info" if args.verbose else "warning")
    return EXIT_OK


def enroll(args: argparse.Namespace) -> int:
    store = _open(args)
    code = store.enroll(args.store, valid_seconds=args.valid, payment_method=args.payment_method)
    expires = _when(time.time() + args.valid)
    emit(args, {"store": args.store, "code": code, "expires": expires + "Z"},
         f"{code}\n(one kiosk of {args.store}, single use, until {expires} UTC: "
         "kiosk join URL CODE)")
    return EXIT_OK


def revoke(args: argparse.Namespace) -> int:
    if not _open(args).revoke(args.kiosk):
        raise CliError(f"no kiosk {args.kiosk} that is not revoked already", EXIT_NOT_FOUND)
    print(f"revoked {args.kiosk}: refused from its next request on")
    return EXIT_OK


def kiosks(args: argparse.Namespace) -> int:
    rows = _open(args).kiosks()
    lines = [f"{r['kiosk']}  {r['store']:<12} {r['name'][:20]:<20} "
             f"{'revoked ' + _when(r['revoked_at']) if r['revoked_at'] else 'active'}  "
             f"last seen {_when(r['last_seen'])}  {r['version'] or ''} {r['mode'] or ''}"
             for r in rows]
    emit(args, rows, "\n".join(lines) or "no kiosks enrolled")
    return EXIT_OK


def audit(args: argparse.Namespace) -> int:
    rows = _open(args).audit_rows(kiosk=args.kiosk, since=args.since, limit=int(args.limit))
    lines = [f"{_when(r['at'])}  {r['kiosk'] or '-':<16} {r['method']:<6} {r['endpoint']:<44} "
             f"{r['status']} {r['latency_ms']:>5} ms{'  ' + r['imei'] if r['imei'] else ''}"
             f"{'  ' + r['note'] if r['note'] else ''}" for r in rows]
    if args.json:
        print(json.dumps(rows, indent=2, default=str))
    else:
        emit(args, rows, "\n".join(lines) or "nothing audited")
    return EXIT_OK


COMMANDS = {"serve": serve, "enroll": enroll, "revoke": revoke, "kiosks": kiosks,
            "audit": audit}


def gateway(args: argparse.Namespace) -> int:
    if args.gateway_command is None:
        raise CliError("which gateway command? serve, enroll, revoke, kiosks or audit "
                       "(see `kiosk gateway --help`)", EXIT_INVALID)
    import importlib.util

    # The kiosk bundle leaves the gateway and its database drivers out (packaging/kiosk.spec).
    if any(importlib.util.find_spec(m) is None for m in ("sqlalchemy", "kiosk.gateway")):
        raise CliError("the gateway is not part of this kiosk build: install sim-kiosk from "
                       "source on the server (packaging/README.md)", EXIT_ERROR)
    return COMMANDS[args.gateway_command](args)


def add_parsers(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    from kiosk.cli.common import Parser

    db = Parser(add_help=False)
    db.add_argument("--database", type=text(2000), metavar="URL",
                    help="postgresql://… or sqlite:///path (env GATEWAY_DATABASE_URL; "
                    "default: a SQLite file in the user data folder)")
    out = Parser(add_help=False)
    out.add_argument("--json", action="store_true", help="machine-readable output")
    p = sub.add_parser("gateway", help="the fleet gateway: holds the Gigs key for many kiosks")
    g = p.add_subparsers(dest="gateway_command", metavar="COMMAND")
    s = g.add_parser("serve", parents=[db], help="serve the gateway (GIGS_TOKEN, GIGS_API_URL, "
                     "GIGS_PROJECT in the environment)")
    s.add_argument("--host", default="127.0.0.1", type=text(253))
    s.add_argument("--port", type=bounded(1, 65535, integer=True), default=8090)
    s.add_argument("--workers", type=bounded(1, 64, integer=True), default=1)
    s.add_argument("--audit-days", type=bounded(1, 3650, unit="days"),
                   help="keep the audit log this long (env GATEWAY_AUDIT_DAYS, default 90)")
    s.add_argument("--allow-plain-http", action="store_true",
                   help="accept plain HTTP from other machines (default: loopback only)")
    s.add_argument("--trusted-proxy", action="append", default=[], type=text(64),
                   metavar="ADDRESS", help="a TLS proxy whose X-Forwarded-Proto/-For count "
                   "(an address or network; repeatable)")
    s.add_argument("-v", "--verbose", action="count", default=0, help="more logging")
    e = g.add_parser("enroll", parents=[db, out], help="print a one-time code for a new kiosk")
    e.add_argument("store", type=store_id, metavar="STORE", help="e.g. STORE-042")
    e.add_argument("--payment-method", type=ident, metavar="ID",
                   help="the store's payment method for its orders (default: "
                   "KIOSK_PAYMENT_METHOD of the gateway)")
    e.add_argument("--valid", type=valid_for, default=1800.0, metavar="DURATION",
                   help="how long the code works (default 30m)")
    r = g.add_parser("revoke", parents=[db], help="revoke a kiosk's token")
    r.add_argument("kiosk", type=text(40), metavar="KIOSK")
    g.add_parser("kiosks", parents=[db, out], help="list the enrolled kiosks")
    a = g.add_parser("audit", parents=[db, out], help="read the audit log, newest first")
    a.add_argument("--kiosk", type=text(40))
    a.add_argument("--since", type=since, metavar="WHEN", help="2h, 7d, or a UTC date")
    a.add_argument("--limit", type=bounded(1, 100_000, integer=True), default=100)
