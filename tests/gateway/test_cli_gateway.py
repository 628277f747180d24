"""`kiosk gateway …` on the command line: one-line errors and exit codes, and `serve` with
several worker processes for real."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from kiosk.cli import main
from kiosk.gateway.store import Store
from kiosk.gateway.tokens import normal_code
from kiosk.sandbox.serve import ThreadedSandbox, free_port
from tests.gateway.conftest import gateway_env
from tests.gateway.helpers import bearer


@pytest.fixture
def database(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'g.sqlite3'}"


def test_enroll_kiosks_revoke_and_audit(database: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["gateway", "enroll", "STORE-042", "--payment-method", "pm_store", "--valid",
                 "10m", "--database", database]) == 0
    code = capsys.readouterr().out.splitlines()[0]
    assert normal_code(code) is not None
    store = Store.open(database)
    joined = store.join(code, name="till 1", version="0.1.0")
    assert joined is not None
    assert main(["gateway", "kiosks", "--json", "--database", database]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [k["kiosk"] for k in listed] == [joined.kiosk] and "token_hash" not in listed[0]
    store.audit(kiosk=joined.kiosk, store="STORE-042", method="GET", endpoint="/x",
                status=200, latency_ms=5)
    assert main(["gateway", "audit", "--kiosk", joined.kiosk, "--since", "1h",
                 "--database", database]) == 0
    assert "GET" in capsys.readouterr().out
    assert main(["gateway", "revoke", joined.kiosk, "--database", database]) == 0
    assert main(["gateway", "revoke", joined.kiosk, "--database", database]) == 3
    assert "not revoked already" in capsys.readouterr().err


@pytest.mark.parametrize(("argv", "message"), [
    (["gateway"], "which gateway command"),
    (["gateway", "enroll", "STORE/042"], "store id"),
    (["gateway", "enroll", "S", "--valid", "10y"], "not a duration"),
    (["gateway", "enroll", "S", "--valid", "5s"], "1m to 30d"),
    (["gateway", "enroll", "S", "--payment-method", "pm/x"], "an id is"),
    (["gateway", "audit", "--since", "yesterday"], "a duration"),
    (["gateway", "kiosks", "--database", "mysql://x"], "postgresql://"),
])
def test_bad_input_is_one_line_and_exit_2(argv: list[str], message: str, database: str,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    if "--database" not in argv:
        argv = [*argv, "--database", database] if len(argv) > 1 else argv
    with pytest.raises(SystemExit) as exited:
        code = main(argv)
        raise SystemExit(code)
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1


@pytest.mark.parametrize(("env", "message"), [
    ({"GIGS_TOKEN": ""}, "GIGS_TOKEN is not set"),
    ({"GIGS_PROJECT": ""}, "GIGS_PROJECT must be set"),
    ({"GIGS_API_URL": "http://gigs.example.com"}, "https"),
    ({"GATEWAY_RATE_LIMIT": "lots"}, "GATEWAY_RATE_LIMIT"),
    ({"GATEWAY_ADMIN_TOKEN": "short"}, "GATEWAY_ADMIN_TOKEN"),
    ({"GATEWAY_TRUSTED_PROXIES": "the proxy"}, "GATEWAY_TRUSTED_PROXIES"),
    ({"GATEWAY_WEBHOOK_ENCODING": "rot13"}, "hex or base64"),
])
def test_serve_checks_its_settings_first(env: dict[str, str], message: str, database: str,
                                         monkeypatch: pytest.MonkeyPatch,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    for name, value in {**gateway_env("http://127.0.0.1:9", database), **env}.items():
        monkeypatch.setenv(name, value)
    assert main(["gateway", "serve", "--database", database]) == 2
    err = capsys.readouterr().err
    assert message in err and "short" not in err


def test_serve_with_two_workers_forwards_for_a_joined_kiosk(tmp_path: Path) -> None:
    database = f"sqlite:///{tmp_path / 'g.sqlite3'}"
    port = free_port()
    with ThreadedSandbox() as sandbox:
        env = {**os.environ, **gateway_env(sandbox.url, database)}
        server = subprocess.Popen(
            [sys.executable, "-m", "kiosk", "gateway", "serve", "--port", str(port),
             "--workers", "2", "--database", database],
            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
            cwd=Path(__file__).resolve().parents[2])
        try:
            url = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + 30
            while True:
                try:
                    if httpx.get(url + "/gateway/v1/health").json() == {"ok": True}:
                        break
                except httpx.HTTPError:
                    pass
                assert server.poll() is None and time.monotonic() < deadline, "did not start"
                time.sleep(0.2)
            code = Store.open(database).enroll("STORE-1", valid_seconds=600, payment_method=None)
            token = httpx.post(url + "/gateway/v1/join", json={"code": code}).json()["token"]
            for _ in range(4):  # spread over both workers
                plans = httpx.get(url + "/projects/demo/plans?status=available",
                                  headers=bearer(token))
                assert plans.status_code == 200 and plans.json()["object"] == "list"
        finally:
            server.terminate()
            output, _ = server.communicate(timeout=20)
    assert "Gateway on" in output and gateway_env("", "")["GIGS_TOKEN"] not in output
