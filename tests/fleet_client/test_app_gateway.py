"""The kiosk in gateway mode: it refuses to start unjoined (one line, exit 2, before Qt); joined,
it starts with the fleet client and stops it, and never reads the API key."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from kiosk.cli import main
from kiosk.config import ConfigStore, KioskConfig
from tests.fleet_client.conftest import Fleet

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


def test_a_pairing_station_cannot_run_in_gateway_mode(tmp_path: Path) -> None:
    """Pairing edits devices across the project, which the gateway never forwards: refused
    at start, one line, before Qt (not a station whose every scan fails with 403)."""
    store = ConfigStore(tmp_path / "kiosk.toml")
    store.save(KioskConfig(api_mode="gateway", api_url="https://gw.example", project="p",
                           mode="pair"))
    result = start(store.path)
    assert result.returncode == 2, result.stderr
    assert result.stderr.strip().count("\n") == 0 and "pairing station" in result.stderr
    assert result.stdout.strip() == "no qt"


def test_a_joined_kiosk_starts_with_the_fleet_client_and_stops_it(fleet: Fleet,
                                                                  tmp_path: Path) -> None:
    store = ConfigStore(tmp_path / "kiosk.toml")
    assert main(["join", fleet.gateway.url, fleet.gateway.enroll(), "--config",
                 str(store.path)]) == 0
    store.set_api_key("gigs_sk_left_from_live_mode_0123456789")
    result = subprocess.run(
        [sys.executable, "-m", "kiosk", "gui", "--probe-startup", "--windowed", "--no-sound",
         "-v", "--config", str(store.path), "--journal", str(tmp_path / "journal.sqlite3")],
        capture_output=True, text=True, cwd=ROOT, timeout=120,
        env={"PATH": "/usr/bin:/bin", "QT_QPA_PLATFORM": "offscreen", "HOME": str(tmp_path)})
    assert result.returncode == 0, result.stderr[-2000:]
    assert "welcome shown" in result.stdout
    assert "API key (the api-key file) is ignored" in result.stderr  # said once, no value
    assert "fleet: heartbeats_sent=" in result.stderr  # started, and stopped at the end
    token = store.gateway_token()
    assert token is not None
    for secret in (fleet.key, token, "gigs_sk_left"):
        assert secret not in result.stdout + result.stderr
