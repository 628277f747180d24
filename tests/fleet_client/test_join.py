"""`kiosk join URL CODE` against the gateway double on loopback: real HTTP, real files."""

from __future__ import annotations

import json
import stat

import pytest

from kiosk.cli import main
from kiosk.config import ConfigStore
from kiosk.sandbox.serve import free_port
from tests.fleet_client.conftest import Fleet


def join(store: ConfigStore, *args: str) -> int:
    return main(["join", *args, "--config", str(store.path)])


def test_join_writes_the_token_and_the_config_and_prints_no_token(
        fleet: Fleet, store: ConfigStore, capsys: pytest.CaptureFixture[str]) -> None:
    code = fleet.gateway.enroll("STORE-042")
    assert join(store, fleet.gateway.url + "/", code.lower()) == 0  # case and / forgiven
    out, err = capsys.readouterr()
    token = store.gateway_token()
    assert token is not None and token in fleet.gateway.tokens
    kiosk = fleet.gateway.tokens[token]
    assert kiosk in out and "STORE-042" in out and err == ""
    assert token not in out + err and token[-43:] not in out + err
    assert stat.S_IMODE(store.token_path.stat().st_mode) == 0o600
    config = store.load(env={})
    assert (config.api_mode, config.api_url, config.project) == ("gateway", fleet.gateway.url,
                                                                 "demo")
    assert token not in store.path.read_text()
    assert not store.key_path.exists()


def test_join_json(fleet: Fleet, store: ConfigStore, capsys: pytest.CaptureFixture[str]) -> None:
    assert join(store, fleet.gateway.url, fleet.gateway.enroll("STORE-7"), "--json") == 0
    data = json.loads(capsys.readouterr().out)
    assert data["store"] == "STORE-7" and data["kiosk"].startswith("ksk_")
    assert "token" not in data


def test_a_used_code_is_refused_in_one_line(fleet: Fleet, store: ConfigStore,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    code = fleet.gateway.enroll()
    assert join(store, fleet.gateway.url, code) == 0
    token = store.gateway_token()
    capsys.readouterr()
    assert join(store, fleet.gateway.url, code) == 4
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "refused" in err and "403" in err
    assert store.gateway_token() == token  # the first join stands


@pytest.mark.parametrize(("url", "code", "said"), [
    ("http://gateway.example", "7K3M-Q9TX-2HPW", "https://"),
    ("ftp://127.0.0.1", "7K3M-Q9TX-2HPW", "https://"),
    ("https://user:pw@gw.example", "7K3M-Q9TX-2HPW", "no user name"),
    ("https://gw.example", "7K3M-Q9TX-2HP", "3 groups of 4"),
    ("https://gw.example", "7K3M-Q9TX-2HP0", "3 groups of 4"),  # 0 is not in the alphabet
])
def test_invalid_input_is_exit_2_before_anything_is_sent(
        store: ConfigStore, capsys: pytest.CaptureFixture[str], url: str, code: str,
        said: str) -> None:
    assert join(store, url, code) == 2
    err = capsys.readouterr().err
    assert said in err and err.count("\n") == 1
    assert not store.path.exists() and not store.token_path.exists()


def test_no_gateway_there_is_exit_5(store: ConfigStore,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    assert join(store, f"http://127.0.0.1:{free_port()}", "7K3M-Q9TX-2HPW") == 5
    assert "cannot reach the gateway" in capsys.readouterr().err
    assert not store.token_path.exists()


def test_not_a_gateway_is_exit_5(fleet: Fleet, store: ConfigStore,
                                 capsys: pytest.CaptureFixture[str]) -> None:
    assert join(store, fleet.sandbox.url, "7K3M-Q9TX-2HPW") == 5  # the sandbox: no such path
    assert "expected 201" in capsys.readouterr().err
    assert not store.token_path.exists()


@pytest.mark.parametrize("said", ["pm_1SandboxStoreCounter4242", None])
def test_the_stores_payment_method_and_the_rest_stays(fleet: Fleet, store: ConfigStore,
                                                      said: str | None) -> None:
    store.path.parent.mkdir(parents=True)
    store.path.write_text('[kiosk]\nlanguage = "de"\ncamera = "2"\n'
                          '[api]\npayment_method = "pm_from_live_mode"\n')
    fleet.gateway.payment_method = said
    assert join(store, fleet.gateway.url, fleet.gateway.enroll()) == 0
    config = store.load(env={})
    assert (config.language, config.camera, config.payment_method) == ("de", "2", said)


def test_a_payment_method_that_is_no_id_is_refused(fleet: Fleet, store: ConfigStore,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    fleet.gateway.payment_method = "pm_1/../users"
    assert join(store, fleet.gateway.url, fleet.gateway.enroll()) == 5
    assert "payment method" in capsys.readouterr().err
    assert not store.token_path.exists() and not store.path.exists()
