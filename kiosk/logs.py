"""Logging set-up for every entry point: one stderr handler, redaction always on."""

from __future__ import annotations

import logging
import sys

from kiosk.redact import RedactingFilter, install_redaction


def configure(verbosity: int = 0, quiet: int = logging.WARNING) -> None:
    """`quiet` by default (WARNING; the command line passes CRITICAL: its failures are its
    own one `error:` line), INFO with -v, DEBUG with -vv; IMEIs, ICCIDs and secrets masked,
    control characters shown as `?`."""
    install_redaction()
    level = {0: quiet, 1: logging.INFO}.get(verbosity, logging.DEBUG)
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "_kiosk", False):  # ours from an earlier call; leave others alone
            root.removeHandler(handler)
    handler = logging.StreamHandler(sys.stderr)
    handler._kiosk = True  # type: ignore[attr-defined]
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactingFilter())
    root.addHandler(handler)
    root.setLevel(level)
    # httpx logs every request URL at INFO; ours say more and stay masked.
    logging.getLogger("httpx").setLevel(max(level, logging.WARNING))
    logging.getLogger("httpcore").setLevel(max(level, logging.WARNING))
