"""The gateway's settings, from its environment (and `kiosk gateway serve` flags, which the CLI
puts into the environment so every worker process reads the same ones).

| Variable | What |
|---|---|
| `GIGS_TOKEN`, `GIGS_API_URL`, `GIGS_PROJECT` | the Gigs key and where it goes (required) |
| `KIOSK_PAYMENT_METHOD` | the default store payment method (a store's own, set at enrolment, wins) |
| `GATEWAY_DATABASE_URL` | `postgresql://…` for a fleet, `sqlite:///path` for one store |
| `GATEWAY_ADMIN_TOKEN` | the fleet page's password (no page without it) |
| `GATEWAY_WEBHOOK_SECRET`, `…_HEADER`, `…_ENCODING` | webhook HMAC (no webhooks without it) |
| `GATEWAY_RATE_LIMIT` | requests per kiosk per minute (default 120) |
| `GATEWAY_ORDER_LIMIT` | orders (and subscriptions) per kiosk per hour (default 30) |
| `GATEWAY_JOIN_LIMIT` | join attempts per client address per minute (default 10) |
| `GATEWAY_AUDIT_DAYS` | audit retention in days (default 90) |
| `GATEWAY_ALLOW_PLAIN_HTTP`, `GATEWAY_TRUSTED_PROXIES` | plain HTTP off loopback; TLS proxies |
| `GATEWAY_DIRECT_SUBSCRIPTIONS` | allow subscriptions without an order (default off) |
"""

from __future__ import annotations

import ipaddress
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from kiosk.redact import add_secret
from kiosk.settings import ApiSettings

_ID = re.compile(r"[A-Za-z0-9_-]{1,100}")
_TOKEN = re.compile(r"[\x21-\x7e]{16,2000}")
_HEADER = re.compile(r"[A-Za-z0-9-]{1,60}")


class ConfigError(ValueError):
    """One line naming the variable that is wrong (never its value when it is a secret)."""


@dataclass(frozen=True)
class GatewayConfig:
    api: ApiSettings
    database_url: str
    payment_method: str | None = None
    admin_token: str | None = field(default=None, repr=False)
    webhook_secret: str | None = field(default=None, repr=False)
    webhook_header: str = "X-Gigs-Signature"
    webhook_encoding: str = "hex"  # or "base64"
    rate_limit: int = 120
    order_limit: int = 30  # orders (and subscriptions) per kiosk per hour
    join_limit: int = 10  # joins per client address per minute
    audit_days: float = 90.0
    allow_plain_http: bool = False
    trusted_proxies: tuple[str, ...] = ()
    direct_subscriptions: bool = False
    # The contract: a keep-alive at least every 15 s; polls add up to `poll_seconds`.
    keepalive_seconds: float = 12.0
    poll_seconds: float = 0.4  # the event stream's look at the events table

    @property
    def project(self) -> str:
        return self.api.project_id

    def is_trusted_proxy(self, address: str | None) -> bool:
        if not address:
            return False
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return False
        return any(ip in ipaddress.ip_network(net, strict=False) for net in self.trusted_proxies)


def _flag(env: Mapping[str, str], name: str) -> bool:
    value = env.get(name, "").strip().lower()
    if value not in ("", "0", "1", "true", "false", "yes", "no", "on", "off"):
        raise ConfigError(f"{name} must be 0 or 1")
    return value in ("1", "true", "yes", "on")


def _number(env: Mapping[str, str], name: str, default: float, low: float, high: float) -> float:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a number from {low:g} to {high:g}") from None
    if not low <= value <= high:
        raise ConfigError(f"{name} must be a number from {low:g} to {high:g}")
    return value


def _secret(env: Mapping[str, str], name: str) -> str | None:
    value = env.get(name) or None
    if value is not None and not _TOKEN.fullmatch(value):
        raise ConfigError(f"{name} must be 16 or more printable characters, no spaces (not shown)")
    add_secret(value)
    return value


def from_env(env: Mapping[str, str] | None = None) -> GatewayConfig:
    """Read and check everything; `ConfigError` names the first problem."""
    from kiosk.config import api_url_problem
    from kiosk.gateway.db import default_url

    env = os.environ if env is None else env
    api = ApiSettings.from_env(env)
    if not api.token:
        raise ConfigError("GIGS_TOKEN is not set: the gateway holds the Gigs key")
    if not re.fullmatch(r"[\x21-\x7e]{1,2000}", api.token):
        raise ConfigError("the API key in GIGS_TOKEN has spaces or control characters (not shown)")
    if api.api_url and (problem := api_url_problem(api.api_url)):
        raise ConfigError(f"GIGS_API_URL: {problem}")
    if not api.project or not _ID.fullmatch(api.project):
        raise ConfigError("GIGS_PROJECT must be set: letters, digits, - and _ (at most 100)")
    method = env.get("KIOSK_PAYMENT_METHOD") or None
    if method is not None and not _ID.fullmatch(method):
        raise ConfigError("KIOSK_PAYMENT_METHOD: an id is letters, digits, _ and -")
    header = env.get("GATEWAY_WEBHOOK_HEADER") or "X-Gigs-Signature"
    if not _HEADER.fullmatch(header):
        raise ConfigError("GATEWAY_WEBHOOK_HEADER: a header name (letters, digits, -)")
    encoding = (env.get("GATEWAY_WEBHOOK_ENCODING") or "hex").lower()
    if encoding not in ("hex", "base64"):
        raise ConfigError("GATEWAY_WEBHOOK_ENCODING must be hex or base64")
    proxies = tuple(p.strip() for p in env.get("GATEWAY_TRUSTED_PROXIES", "").split(",") if p.strip())
    for proxy in proxies:
        try:
            ipaddress.ip_network(proxy, strict=False)
        except ValueError:
            raise ConfigError(f"GATEWAY_TRUSTED_PROXIES: {proxy[:60]!r} is not an address "
                              "or network") from None
    url = env.get("GATEWAY_DATABASE_URL") or default_url()
    if not url.startswith(("postgresql://", "postgres://", "postgresql+psycopg://", "sqlite:")):
        raise ConfigError("GATEWAY_DATABASE_URL: postgresql://… or sqlite:///path")
    return GatewayConfig(
        api=api, database_url=url, payment_method=method,
        admin_token=_secret(env, "GATEWAY_ADMIN_TOKEN"),
        webhook_secret=_secret(env, "GATEWAY_WEBHOOK_SECRET"),
        webhook_header=header, webhook_encoding=encoding,
        rate_limit=int(_number(env, "GATEWAY_RATE_LIMIT", 120, 1, 100_000)),
        join_limit=int(_number(env, "GATEWAY_JOIN_LIMIT", 10, 1, 10_000)),
        order_limit=int(_number(env, "GATEWAY_ORDER_LIMIT", 30, 1, 100_000)),
        audit_days=_number(env, "GATEWAY_AUDIT_DAYS", 90, 1, 3650),
        allow_plain_http=_flag(env, "GATEWAY_ALLOW_PLAIN_HTTP"),
        trusted_proxies=proxies,
        direct_subscriptions=_flag(env, "GATEWAY_DIRECT_SUBSCRIPTIONS"),
    )
