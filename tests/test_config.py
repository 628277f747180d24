"""Configuration: file < environment < flags; owner-only files; the key never shown or logged."""

from __future__ import annotations

import logging
import stat
from pathlib import Path

import pytest

from kiosk.config import ConfigStore, KioskConfig, check_pin, hash_pin


def test_precedence_file_then_environment_then_flags(tmp_path: Path) -> None:
    store = ConfigStore(tmp_path / "kiosk.toml")
    store.save(KioskConfig(language="de", idle_seconds=120, project="from-file",
                           qa_expect_sim_types=("pSIM",)))
    loaded = store.load(env={})
    assert (loaded.language, loaded.idle_seconds, loaded.project) == ("de", 120, "from-file")
    assert loaded.qa_expect_sim_types == ("pSIM",)
    env = {"GIGS_PROJECT": "from-env", "KIOSK_IDLE_SECONDS": "60"}
    assert store.load(env=env).project == "from-env" and store.load(env=env).idle_seconds == 60
    flags = store.load(env=env, overrides={"project": "from-flag", "language": None})
    assert flags.project == "from-flag" and flags.language == "de"


def test_files_are_owner_only_and_the_key_is_never_shown(tmp_path: Path, caplog) -> None:
    store = ConfigStore(tmp_path / "kiosk.toml")
    store.save(KioskConfig())
    store.set_api_key("sk_live_very_secret")
    for path in (store.path, store.key_path):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert "sk_live" not in store.path.read_text()
    assert store.api_key() == "sk_live_very_secret"
    config = store.load(env={})
    with caplog.at_level(logging.DEBUG):
        logging.getLogger("kiosk.test").info("config %r", config)
    assert "sk_live" not in caplog.text and "sk_live" not in repr(config)
    store.set_api_key(None)
    assert store.api_key() is None


def test_validation_before_saving(tmp_path: Path) -> None:
    store = ConfigStore(tmp_path / "kiosk.toml")
    bad = KioskConfig(api_mode="live", api_url="http://plain.example", idle_seconds=1)
    assert set(bad.problems()) == {"api_url", "idle_seconds"}
    with pytest.raises(ValueError):
        store.save(bad)
    assert not store.path.exists()


def test_pin_is_hashed_and_checked() -> None:
    stored = hash_pin("8642")
    assert "8642" not in stored and check_pin("8642", stored) and not check_pin("2468", stored)
    assert KioskConfig().check_pin("2468")  # the documented default until changed
    assert KioskConfig(pin_hash=stored).check_pin("8642")
    assert not check_pin("8642", "garbage")
