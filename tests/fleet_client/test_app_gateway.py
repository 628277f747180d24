"""The kiosk refuses to start in gateway mode until it has joined: one line, exit 2, before Qt."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from kiosk.config import ConfigStore, KioskConfig

ROOT = Path(__file__).resolve().parents[2]


def start(config: Path) -> subprocess.CompletedProcess[str]:
    code = ("import sys; from kiosk.cli import main; rc = main(['gui', '--config', sys.argv[1], "
            "'--journal', sys.argv[2]]); "
            "print('qt' if 'PySide6' in sys.modules else 'no qt'); sys.exit(rc)")
    return subprocess.run([sys.executable, "-c", code, str(config),
                           str(config.with_name("journal.sqlite3"))],
                          capture_output=True, text=True, cwd=ROOT, timeout=60,
                          env={"PATH": "/usr/bin:/bin", "QT_QPA_PLATFORM": "offscreen",
                               "HOME": str(config.parent)})


def test_gateway_mode_without_a_token_is_one_line_and_exit_2(tmp_path: Path) -> None:
    store = ConfigStore(tmp_path / "kiosk.toml")
    store.save(KioskConfig(api_mode="gateway", api_url="https://gw.example", project="p"))
    store.set_api_key("gigs_sk_would_be_used_in_live_mode")
    result = start(store.path)
    assert result.returncode == 2, result.stderr
    assert result.stderr.strip().count("\n") == 0 and "kiosk join URL CODE" in result.stderr
    assert result.stdout.strip() == "no qt"
    assert "gigs_sk" not in result.stderr


def test_gateway_mode_without_a_url_is_one_line_and_exit_2(tmp_path: Path) -> None:
    store = ConfigStore(tmp_path / "kiosk.toml")
    store.path.write_text('[api]\napi_mode = "gateway"\n')
    result = start(store.path)
    assert result.returncode == 2 and "api_url" in result.stderr
