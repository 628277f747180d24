"""A command run on a kiosk talks to what the kiosk talks to: its config's gateway or live
API, never an embedded sandbox that knows none of its orders (`journal --resume`)."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from kiosk.cli.common import CliError, settings
from kiosk.config import ConfigStore, KioskConfig

ARGS = argparse.Namespace(api_url=None, project=None, no_idempotency_keys=False)


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> ConfigStore:
    for var in ("GIGS_API_URL", "GIGS_TOKEN", "GIGS_PROJECT", "GIGS_IDEMPOTENCY_KEYS"):
        monkeypatch.delenv(var, raising=False)
    path = tmp_path / "kiosk.toml"
    monkeypatch.setenv("KIOSK_CONFIG", str(path))
    return ConfigStore(path)


def test_without_a_config_file_the_sandbox_runs_in_process(store: ConfigStore) -> None:
    assert settings(ARGS).in_process


def test_a_gateway_kiosk_s_commands_go_to_its_gateway_with_its_kiosk_token(
        store: ConfigStore) -> None:
    store.save(KioskConfig(api_mode="gateway", api_url="http://127.0.0.1:8460", project="demo"))
    store.set_gateway_token("kt_example_token_0123456789")
    got = settings(ARGS)
    assert (got.api_url, got.project, got.token) == (
        "http://127.0.0.1:8460", "demo", "kt_example_token_0123456789")
    assert not got.in_process
    no_keys = settings(argparse.Namespace(api_url=None, project="other",
                                          no_idempotency_keys=True))
    assert (no_keys.project, no_keys.idempotency_keys) == ("other", False)


def test_a_gateway_kiosk_without_its_token_is_one_clear_line(store: ConfigStore) -> None:
    store.save(KioskConfig(api_mode="gateway", api_url="http://127.0.0.1:8460", project="demo"))
    with pytest.raises(CliError, match="no kiosk token"):
        settings(ARGS)


def test_a_live_kiosk_s_commands_use_its_stored_key(store: ConfigStore) -> None:
    store.save(KioskConfig(api_mode="live", project="shop"))
    store.set_api_key("gk_live_example_key")
    got = settings(ARGS)
    assert (got.project, got.token, got.in_process) == ("shop", "gk_live_example_key", False)


def test_the_environment_and_the_flags_still_win(store: ConfigStore,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    store.save(KioskConfig(api_mode="gateway", api_url="http://127.0.0.1:8460", project="demo"))
    store.set_gateway_token("kt_example_token_0123456789")
    monkeypatch.setenv("GIGS_API_URL", "http://127.0.0.1:9999")
    assert settings(ARGS).api_url == "http://127.0.0.1:9999"
    monkeypatch.delenv("GIGS_API_URL")
    flags = argparse.Namespace(api_url="http://127.0.0.1:7777", project=None,
                               no_idempotency_keys=False)
    assert settings(flags).api_url == "http://127.0.0.1:7777"


def test_a_sandbox_kiosk_stays_on_the_sandbox(store: ConfigStore) -> None:
    store.save(KioskConfig(api_mode="sandbox"))
    assert settings(ARGS).in_process


def test_a_bad_url_in_the_config_file_is_reported_against_the_file(store: ConfigStore) -> None:
    """The URL came from the kiosk's file, not from GIGS_API_URL: the line says so."""
    store.save(KioskConfig(api_mode="live", project="shop"))
    store.path.write_text(store.path.read_text().replace(
        'api_mode = "live"', 'api_mode = "live"\napi_url = "http://gigs.example.com"'))
    store.set_api_key("gk_live_example_key")
    with pytest.raises(CliError) as raised:
        settings(ARGS)
    assert f"{store.path}: api_url: " in str(raised.value)
    assert "GIGS_API_URL" not in str(raised.value) and "gk_live" not in str(raised.value)
