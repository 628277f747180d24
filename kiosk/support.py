"""The support bundle: one zip with what support needs, and no secret or full IMEI in it."""

from __future__ import annotations

import io
import json
import platform
import sys
import time
import zipfile
from dataclasses import asdict
from pathlib import Path
from typing import Any

from kiosk import __version__
from kiosk.config import KioskConfig
from kiosk.journal import Journal
from kiosk.redact import redact

HIDDEN = {"pin_hash"}


def make_bundle(path: str | Path, *, config: KioskConfig, journal: Journal | None = None,
                logs: list[Path] | None = None, diagnostics: dict[str, Any] | None = None) -> Path:
    """Write the bundle: configuration (no key, no PIN), logs and journal, each redacted."""
    path = Path(path)
    settings = {k: v for k, v in asdict(config).items() if k not in HIDDEN}
    about = {"version": __version__, "python": sys.version.split()[0],
             "platform": platform.platform(), "created": time.strftime("%Y-%m-%dT%H:%M:%SZ",
                                                                        time.gmtime())}
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as bundle:
        bundle.writestr("about.json", json.dumps(about, indent=2))
        bundle.writestr("config.json", redact(json.dumps(settings, indent=2, default=str)))
        bundle.writestr("diagnostics.json",
                        redact(json.dumps(diagnostics or {}, indent=2, default=str)))
        for log in logs or []:
            if log.exists():
                text = log.read_text(encoding="utf-8", errors="replace")[-2_000_000:]
                bundle.writestr(f"logs/{log.name}", redact(text))
        if journal is not None:
            buffer = io.StringIO()
            tmp = path.with_suffix(".journal.csv")
            journal.export_csv(tmp)
            buffer.write(tmp.read_text(encoding="utf-8"))
            tmp.unlink()
            bundle.writestr("journal.csv", redact(buffer.getvalue()))
    path.chmod(0o600)
    return path
