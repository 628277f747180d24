"""Builds the one Gigs client of the process: the real API, a sandbox URL, or the in-process sandbox."""

from __future__ import annotations

from typing import Any

from kiosk.gigs import GigsClient
from kiosk.sandbox.config import SandboxConfig
from kiosk.settings import ApiSettings


def make_client(
    settings: ApiSettings, sandbox: SandboxConfig | None = None, **options: Any
) -> GigsClient:
    """The client for `settings`; with no API key and no URL, the embedded sandbox in process."""
    if settings.in_process and "transport" not in options:
        from kiosk.sandbox.serve import in_process_transport

        options["transport"] = in_process_transport(sandbox)
    return GigsClient(settings, **options)
