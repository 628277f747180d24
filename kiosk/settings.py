"""Connection settings for the Gigs API, read from arguments and the environment."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from kiosk.redact import add_secret

DEFAULT_API_URL = "https://api.gigs.com"
SANDBOX_PROJECT = "demo"
# The base URL the in-process sandbox answers on; never resolved, the transport is in memory.
IN_PROCESS_URL = "http://gigs-sandbox.invalid"


def _env_flag(value: str | None, default: bool) -> bool:
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() not in {"0", "false", "no", "off"}


@dataclass(frozen=True)
class ApiSettings:
    """Where and how to reach Gigs. No API key means the embedded sandbox, in process."""

    api_url: str | None = None
    project: str | None = None
    token: str | None = field(default=None, repr=False)
    connect_timeout: float = 5.0
    read_timeout: float = 15.0
    # The reference calls idempotency keys a private beta that breaks unenrolled projects:
    # on by default (they are what makes order retries safe), switchable per environment.
    idempotency_keys: bool = True
    max_retries: int = 3
    # read_timeout only bounds the wait for each chunk, so a server dripping a byte a
    # second never trips it: these bound the whole exchange (connect, send, headers and
    # every byte of the body) and the whole logical request (all attempts and backoff).
    attempt_timeout: float = 20.0
    request_deadline: float = 45.0
    # Answers are small JSON documents; anything bigger (after decompression, so a gzip
    # bomb is cut early) is refused rather than held in memory.
    max_body_bytes: int = 2 * 1024 * 1024

    def __post_init__(self) -> None:
        add_secret(self.token)  # masked in every log line and message from now on

    @property
    def in_process(self) -> bool:
        """True when requests go to the embedded sandbox inside this process."""
        return not self.api_url and not self.token

    @property
    def base_url(self) -> str:
        if self.api_url:
            return self.api_url.rstrip("/")
        return IN_PROCESS_URL if self.in_process else DEFAULT_API_URL

    @property
    def project_id(self) -> str:
        return self.project or SANDBOX_PROJECT

    @property
    def bearer(self) -> str:
        # The sandbox accepts any non-empty token unless one is configured.
        return self.token or "sandbox"

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **overrides: object) -> ApiSettings:
        """Settings from GIGS_API_URL, GIGS_PROJECT, GIGS_TOKEN, GIGS_IDEMPOTENCY_KEYS; overrides win."""
        env = os.environ if env is None else env
        settings = cls(
            api_url=env.get("GIGS_API_URL") or None,
            project=env.get("GIGS_PROJECT") or None,
            token=env.get("GIGS_TOKEN") or None,
            idempotency_keys=_env_flag(env.get("GIGS_IDEMPOTENCY_KEYS"), True),
        )
        clean = {k: v for k, v in overrides.items() if v is not None}
        return replace(settings, **clean)  # type: ignore[arg-type]
