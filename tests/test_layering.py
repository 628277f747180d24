"""Imports only point down: the Qt-free core never loads PySide6 or qasync."""

from __future__ import annotations

import subprocess
import sys

import pytest

CORE = ["kiosk.gigs", "kiosk.gigs.client", "kiosk.sandbox", "kiosk.sandbox.serve",
        "kiosk.scan.imei", "kiosk.scan.code128", "kiosk.settings", "kiosk.redact",
        "kiosk.connect", "kiosk.cli", "kiosk.pinlock", "kiosk.flow.machine", "kiosk.flow.guard",
        "kiosk.exports", "kiosk.payment_choice", "kiosk.pair.engine", "kiosk.qa.reader",
        "kiosk.gateway.app", "kiosk.gateway.store", "kiosk.gateway.allow", "kiosk.cli.gateway",
        "kiosk.fleet_client", "kiosk.fleet_client_join", "kiosk.flow.wake", "kiosk.cli.join"]


@pytest.mark.parametrize("module", CORE)
def test_core_module_does_not_import_qt(module: str) -> None:
    code = (f"import sys, {module}; "
            "bad = [m for m in ('PySide6', 'qasync') if m in sys.modules]; "
            "print(', '.join(bad)); sys.exit(1 if bad else 0)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, f"{module} imports {result.stdout} {result.stderr}"


def test_client_does_not_import_the_sandbox() -> None:
    code = "import sys, kiosk.gigs; sys.exit('sandbox' if 'kiosk.sandbox' in sys.modules else 0)"
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0
