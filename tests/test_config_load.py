"""Issue 14: a bad config is one line naming the file or variable, the key and what is allowed.

Checked once at load with the operator page's own table (`RANGES`/`CHOICES`), read with a size
limit, never a traceback: `kiosk` prints the line and exits 2 (invalid input).
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kiosk import config as config_module
from kiosk.config import (
    MAX_CONFIG_BYTES, RANGES, ConfigError, ConfigStore, KioskConfig, read_bounded,
)

BAD_FILES = [
    ("malformed", "[kiosk\nidle_seconds = 30\n", "not valid TOML"),
    ("not a table header", "[api] = 5\n", "not valid TOML"),
    ("idle abc", '[kiosk]\nidle_seconds = "abc"\n',
     'idle_seconds must be a number from 15 to 3600 (got "abc")'),
    ("idle nan", "[kiosk]\nidle_seconds = nan\n", "idle_seconds must be a number from 15 to 3600 (got nan)"),
    ("idle inf", "[kiosk]\nidle_seconds = inf\n", "idle_seconds must be a number from 15 to 3600"),
    ("idle -inf string", '[kiosk]\nidle_seconds = "-inf"\n', "idle_seconds must be a number from 15 to 3600"),
    ("idle 1e12", "[kiosk]\nidle_seconds = 1e12\n", "idle_seconds must be a number from 15 to 3600"),
    ("idle 0", "[kiosk]\nidle_seconds = 0\n", "idle_seconds must be a number from 15 to 3600 (got 0)"),
    ("idle -5", "[kiosk]\nidle_seconds = -5\n", "idle_seconds must be a number from 15 to 3600 (got -5)"),
    ("idle bool", "[kiosk]\nidle_seconds = true\n", "idle_seconds must be a number from 15 to 3600"),
    ("idle huge int", "[kiosk]\nidle_seconds = " + "9" * 400 + "\n", "idle_seconds must be a number"),
    ("idle list", "[kiosk]\nidle_seconds = [30]\n", "idle_seconds must be a number"),
    ("countdown", "[kiosk]\ncountdown_seconds = 500\n", "countdown_seconds must be a number from 5 to 120"),
    ("deadline", "[kiosk]\ndeadline = 1\n", "deadline must be a number from 30 to 3600"),
    ("language", '[kiosk]\nlanguage = "fr"\n', 'language must be en or de (got "fr")'),
    ("mode", '[kiosk]\nmode = "shop"\n', "mode must be kiosk or qa"),
    ("api_mode", '[api]\napi_mode = 1\n', "api_mode must be a string"),
    ("sound", '[kiosk]\nsound = "loud"\n', "sound must be true or false"),
    ("sims", "[qa]\nqa_expect_sims = 1.5\n", "qa_expect_sims must be a whole number from 1 to 8"),
    ("sim types", '[qa]\nqa_expect_sim_types = ["nano"]\n', "qa_expect_sim_types must be eSIM and/or pSIM"),
    ("sim types type", "[qa]\nqa_expect_sim_types = 3\n", "qa_expect_sim_types must be a list"),
    ("section string", 'api = "x"\n', '[api] must be a table of settings (got "x")'),
    ("section number", "kiosk = 5\n", "[kiosk] must be a table of settings (got 5)"),
    ("section array", "qa = [1]\n", "[qa] must be a table of settings"),
    ("remote http", '[api]\napi_url = "http://u:secret@example.com"\n', "api_url: an API URL must"),
]


@pytest.mark.parametrize("text, said", [(t, s) for _, t, s in BAD_FILES],
                         ids=[name for name, _, _ in BAD_FILES])
def test_a_bad_file_is_one_line_naming_the_file_and_the_key(tmp_path: Path, text: str,
                                                            said: str) -> None:
    path = tmp_path / "kiosk.toml"
    path.write_text(text)
    with pytest.raises(ConfigError) as caught:
        ConfigStore(path).load(env={})
    message = str(caught.value)
    assert message.startswith(f"config {path}: ") and said in message
    assert "\n" not in message and len(message) < 300
    assert "secret" not in message  # a URL's password is never echoed


@pytest.mark.parametrize("var, value, said", [
    ("KIOSK_IDLE_SECONDS", "abc", 'idle_seconds must be a number from 15 to 3600 (got "abc")'),
    ("KIOSK_IDLE_SECONDS", "nan", "idle_seconds must be a number from 15 to 3600"),
    ("KIOSK_IDLE_SECONDS", "1e12", "idle_seconds must be a number from 15 to 3600"),
    ("KIOSK_IDLE_SECONDS", "0", "idle_seconds must be a number from 15 to 3600"),
    ("KIOSK_DEADLINE", "-5", "deadline must be a number from 30 to 3600"),
    ("KIOSK_LANGUAGE", "fr", "language must be en or de"),
    ("KIOSK_MODE", "shop", "mode must be kiosk or qa"),
    ("KIOSK_API_MODE", "prod", "api_mode must be sandbox or live"),
    ("GIGS_IDEMPOTENCY_KEYS", "maybe", "idempotency_keys must be true or false"),
    ("GIGS_API_URL", "http://example.com", "api_url: an API URL must start with https://"),
])
def test_a_bad_variable_is_one_line_naming_the_variable(tmp_path: Path, var: str, value: str,
                                                         said: str) -> None:
    with pytest.raises(ConfigError) as caught:
        ConfigStore(tmp_path / "missing.toml").load(env={var: value})
    message = str(caught.value)
    assert message.startswith(f"environment {var}: ") and said in message and "\n" not in message


def test_good_values_load_and_the_table_is_the_operator_pages(tmp_path: Path) -> None:
    path = tmp_path / "kiosk.toml"
    path.write_text('[kiosk]\nidle_seconds = 15\ncountdown_seconds = 120\ndeadline = "45"\n'
                    'camera = 0\nsound = "off"\nunknown = "kept ignored"\n[qa]\n'
                    'qa_expect_sims = 2\nqa_expect_sim_types = ["eSIM"]\n[other]\nx = 1\n')
    config = ConfigStore(path).load(env={"KIOSK_IDLE_SECONDS": "3600", "GIGS_IDEMPOTENCY_KEYS": "0"})
    assert (config.idle_seconds, config.countdown_seconds, config.deadline) == (3600, 120, 45)
    assert config.camera == "0" and config.sound is False and config.idempotency_keys is False
    assert config.qa_expect_sims == 2 and config.qa_expect_sim_types == ("eSIM",)
    # Save (the operator page) refuses by the same table that load uses.
    for name, (low, high) in RANGES.items():
        assert name in KioskConfig(**{name: low - 1}).problems()  # type: ignore[arg-type]
        assert name in KioskConfig(**{name: high + 1}).problems()  # type: ignore[arg-type]
        assert name not in KioskConfig(**{name: low}).problems()  # type: ignore[arg-type]
    assert "idle_seconds" in KioskConfig(idle_seconds=float("nan")).problems()
    with pytest.raises(ConfigError, match="command line: idle_seconds must be a number"):
        ConfigStore(path).load(env={}, overrides={"idle_seconds": 0.0})


def test_a_missing_file_means_the_defaults(tmp_path: Path) -> None:
    assert ConfigStore(tmp_path / "not-yet-saved.toml").load(env={}) == KioskConfig()


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero")
def test_special_files_are_one_line_each(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    (tmp_path / "big.toml").write_text("# " + "x" * MAX_CONFIG_BYTES)
    (tmp_path / "binary.toml").write_bytes(b"\xff\xfe\x00\x01")
    (tmp_path / "dangling.toml").symlink_to(tmp_path / "nowhere")
    cases = {Path("/dev/zero"): "larger than 64 KiB", fifo: "is a pipe", tmp_path: "is a directory",
             tmp_path / "big.toml": "larger than 64 KiB", tmp_path / "binary.toml": "not UTF-8",
             tmp_path / "dangling.toml": "does not exist"}
    if os.geteuid() != 0:
        locked = tmp_path / "locked.toml"
        locked.write_text("[kiosk]\n")
        locked.chmod(0)
        cases[locked] = "permission denied"
    for path, said in cases.items():
        with pytest.raises(ConfigError) as caught:
            ConfigStore(path).load(env={})
        assert str(caught.value).startswith(f"config {path}: ") and said in str(caught.value)
    assert ConfigStore(Path("/dev/null")).load(env={}) == KioskConfig()


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero")
def test_dev_zero_reads_stop_at_the_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    read = os.read
    total = 0

    def counting(fd: int, n: int) -> bytes:
        nonlocal total
        data = read(fd, n)
        total += len(data)
        return data

    monkeypatch.setattr(config_module.os, "read", counting)
    with pytest.raises(ConfigError, match="64 KiB"):
        read_bounded(Path("/dev/zero"))
    assert total == MAX_CONFIG_BYTES + 1


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero")
def test_dev_zero_in_a_small_address_space() -> None:
    code = ("import resource, sys\n"
            "from kiosk.config import ConfigError, ConfigStore\n"
            "soft, hard = resource.getrlimit(resource.RLIMIT_AS)\n"
            "resource.setrlimit(resource.RLIMIT_AS, (512 * 1024 * 1024, hard))\n"
            "try:\n    ConfigStore('/dev/zero').load(env={})\n"
            "except ConfigError as exc:\n    print(exc)\n")
    assert resource.RLIMIT_AS  # Linux
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "config /dev/zero: larger than 64 KiB, not a kiosk config"


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.one_of(
    st.binary(max_size=400),
    st.text(alphabet="[]=\"'.,{}#\n abcdeinfkosqlu_0123456789-+e", max_size=200).map(str.encode),
    st.sampled_from(["[kiosk]\nidle_seconds = ", "[api]\napi_url = ", "[qa]\nqa_expect_sims = ",
                     "kiosk = ", "[kiosk]\nsound = "]).flatmap(
        lambda head: st.text(max_size=40).map(lambda tail: (head + tail).encode(
            "utf-8", "surrogatepass")))))
def test_random_bytes_give_a_config_or_one_config_error(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "fuzz.toml"
    path.write_bytes(data)
    try:
        config: Any = ConfigStore(path).load(env={})
    except ConfigError as exc:
        assert str(exc).startswith(f"config {path}: ") and "\n" not in str(exc)
    else:
        assert isinstance(config, KioskConfig) and not config.problems()


def test_kiosk_with_a_bad_config_says_one_line_and_exits_2(tmp_path: Path) -> None:
    path = tmp_path / "kiosk.toml"
    path.write_text('[kiosk]\nidle_seconds = "abc"\n')
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KIOSK_", "GIGS_"))}
    env.update(QT_QPA_PLATFORM="offscreen", KIOSK_CONFIG=str(path))
    for argv in (["gui"], ["--config", str(path)]):
        done = subprocess.run([sys.executable, "-m", "kiosk", *argv], capture_output=True,
                              text=True, env=env, timeout=60)
        assert done.returncode == 2
        assert done.stderr == (f"error: config {path}: idle_seconds must be a number from 15 "
                               'to 3600 (got "abc")\n')
