"""Gateway mode in the config: the URL and project in the file, the kiosk token beside it."""

from __future__ import annotations

import logging
import os
import stat

import pytest

from kiosk.config import ConfigError, ConfigStore, KioskConfig
from kiosk.fleet_client import gateway_settings
from kiosk.redact import redact

TOKEN = "kt_ksk_abcdefghijkl_" + "A" * 43


def test_gateway_config_round_trip(store: ConfigStore) -> None:
    config = KioskConfig(api_mode="gateway", api_url="https://gw.example:8443",
                         project="shop-fleet", pin_hash="pbkdf2$1$00$00")
    store.save(config)  # (an empty pin_hash comes back as None: not this test's concern)
    assert store.load(env={}) == config
    assert stat.S_IMODE(store.path.stat().st_mode) == 0o600


def test_token_file_is_owner_only_and_written_whole(store: ConfigStore) -> None:
    store.set_gateway_token(TOKEN)
    assert stat.S_IMODE(store.token_path.stat().st_mode) == 0o600
    assert store.token_path.name == "gateway-token" and store.token_path.parent == store.path.parent
    assert sorted(os.listdir(store.path.parent)) == ["gateway-token"]  # no temporary left
    assert store.gateway_token() == TOKEN
    assert redact(f"sent {TOKEN} bare") == "sent [redacted] bare"  # registered when loaded
    store.set_gateway_token(None)
    assert not store.token_path.exists() and store.gateway_token() is None


def test_a_bound_on_the_token_file(store: ConfigStore) -> None:
    store.path.parent.mkdir(parents=True)
    store.token_path.write_bytes(b"x" * 5000)
    with pytest.raises(ConfigError, match="larger than"):
        store.gateway_token()


def test_gateway_mode_needs_a_url_and_keeps_the_url_rule() -> None:
    assert "api_url" in KioskConfig(api_mode="gateway").problems()
    assert "api_url" in KioskConfig(api_mode="gateway", api_url="http://gw.example").problems()
    assert not KioskConfig(api_mode="gateway", api_url="http://127.0.0.1:8080").problems()
    assert "api_mode" in KioskConfig(api_mode="fleet").problems()


def test_not_joined_is_one_line(store: ConfigStore) -> None:
    config = KioskConfig(api_mode="gateway", api_url="https://gw.example", project="p")
    with pytest.raises(ConfigError, match="kiosk join URL CODE"):
        gateway_settings(store, config, env={})


def test_the_api_key_is_ignored_and_said_once_without_its_value(
        store: ConfigStore, caplog: pytest.LogCaptureFixture) -> None:
    key = "gigs_sk_do_not_read_me_0123456789"
    store.set_gateway_token(TOKEN)
    store.set_api_key(key)
    config = KioskConfig(api_mode="gateway", api_url="https://gw.example", project="p")
    with caplog.at_level(logging.INFO):
        settings = gateway_settings(store, config, env={"GIGS_TOKEN": "another_key_123456"})
    assert settings.token == TOKEN and settings.bearer == TOKEN
    assert settings.base_url == "https://gw.example" and settings.project_id == "p"
    said = [r.getMessage() for r in caplog.records if "ignored" in r.getMessage()]
    assert len(said) == 1
    assert key not in caplog.text and "another_key" not in caplog.text
