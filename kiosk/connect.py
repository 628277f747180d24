"""Builds the one Gigs client of the process: the real API, a sandbox URL, or the in-process
sandbox; and the connection a kiosk's settings describe (the operator page's and the command
line's alike)."""

from __future__ import annotations

from typing import Any

from kiosk.config import ConfigStore, KioskConfig
from kiosk.gigs import GigsClient
from kiosk.sandbox.config import SandboxConfig
from kiosk.settings import ApiSettings


def connection_secret(store: ConfigStore, api_mode: str, typed: str | None = None) -> str | None:
    """What to authenticate with: the kiosk token in gateway mode (the API key is never sent
    to a gateway), else the key as typed or stored."""
    if api_mode == "gateway":
        return store.gateway_token()
    return typed or store.api_key()


def api_settings(config: KioskConfig, key: str | None) -> ApiSettings:
    """The connection these (possibly unsaved) settings describe (in gateway mode `key` is the
    kiosk token: `connection_secret`); the embedded sandbox in sandbox mode."""
    if config.api_mode == "sandbox":
        return ApiSettings()
    return ApiSettings(api_url=config.api_url, project=config.project, token=key,
                       idempotency_keys=config.idempotency_keys)


def make_client(
    settings: ApiSettings, sandbox: SandboxConfig | None = None, **options: Any
) -> GigsClient:
    """The client for `settings`; with no API key and no URL, the embedded sandbox in process."""
    if settings.in_process and "transport" not in options:
        from kiosk.sandbox.serve import in_process_transport

        options["transport"] = in_process_transport(sandbox)
    return GigsClient(settings, **options)
