"""The `kiosk` command as a user runs it: output, one-line errors, exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from kiosk.sandbox.seed import DEMO_IMEIS
from kiosk.sandbox.serve import free_port

ENV = {k: v for k, v in os.environ.items() if not k.startswith("GIGS_")}


def kiosk(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "kiosk", *args], capture_output=True, text=True,
                          env={**ENV, **(env or {})}, timeout=60)


def test_lookup_found_is_masked_and_exits_0() -> None:
    result = kiosk("lookup", DEMO_IMEIS["esim"])
    assert result.returncode == 0, result.stderr
    assert "Google Pixel 9" in result.stdout and "eSIM" in result.stdout
    assert DEMO_IMEIS["esim"] not in result.stdout + result.stderr


def test_lookup_both_imeis_of_a_dual_sim_box() -> None:
    result = kiosk("lookup", "--json", DEMO_IMEIS["dual1"], DEMO_IMEIS["dual2"])
    data = json.loads(result.stdout)
    assert result.returncode == 0 and len(data["devices"]) == 1
    assert {s["type"] for s in data["devices"][0]["sims"]} == {"eSIM", "pSIM"}


def test_lookup_not_registered_exits_3_with_model_hint() -> None:
    result = kiosk("lookup", DEMO_IMEIS["unregistered_psim"])
    assert result.returncode == 3 and result.stdout == ""
    assert result.stderr.count("\n") == 1 and "Galaxy A15" in result.stderr and "pSIM" in result.stderr


@pytest.mark.parametrize("imei,says", [
    ("358507311042120", "check digit: it should be 3, not 0"),
    ("35850731104212", "15 digits"),
    ("35850731104212X", "digits only"),
])
def test_invalid_imei_exits_2_naming_the_failed_check(imei: str, says: str) -> None:
    result = kiosk("lookup", imei)
    assert result.returncode == 2 and says in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_plans_json_only_available_and_filtered() -> None:
    result = kiosk("plans", "--sim-type", "eSIM", "--json")
    plans = json.loads(result.stdout)
    assert result.returncode == 0 and plans
    assert all("eSIM" in p["simTypes"] and p["status"] == "available" for p in plans)


def test_demo_sheet_renders_and_verifies(tmp_path: Path) -> None:
    out = tmp_path / "sheet.png"
    result = kiosk("demo-sheet", "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert out.exists() and out.stat().st_size > 10_000


def test_sandbox_command_serves_and_the_cli_uses_it_with_a_token() -> None:
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "kiosk", "sandbox", "--port", str(port), "--token", "s3cret"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=ENV)
    try:
        first = server.stdout.readline()  # type: ignore[union-attr]
        assert f"http://127.0.0.1:{port}" in first and "project demo" in first
        deadline = time.monotonic() + 15
        while True:
            try:
                httpx.get(f"http://127.0.0.1:{port}/_sandbox", timeout=1)
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline, "sandbox did not come up"
                time.sleep(0.1)
        env = {"GIGS_API_URL": f"http://127.0.0.1:{port}", "GIGS_PROJECT": "demo"}
        wrong = kiosk("plans", env={**env, "GIGS_TOKEN": "nope"})
        assert wrong.returncode == 4 and "API key rejected" in wrong.stderr
        assert "nope" not in wrong.stderr
        right = kiosk("lookup", DEMO_IMEIS["psim"], env={**env, "GIGS_TOKEN": "s3cret"})
        assert right.returncode == 0 and "iPhone 13 Pro" in right.stdout
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_unreachable_api_is_one_line_exit_5() -> None:
    env = {"GIGS_API_URL": f"http://127.0.0.1:{free_port()}", "GIGS_TOKEN": "x"}
    result = kiosk("plans", env=env)
    assert result.returncode == 5 and "cannot reach the API" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_version() -> None:
    result = kiosk("--version")
    assert result.returncode == 0 and result.stdout.startswith("kiosk ")


def test_scan_an_image_lists_codes_and_marks_imeis(tmp_path: Path) -> None:
    import cv2

    from kiosk.scan import synth

    frame = synth.frames(1, seed=4)[0]
    path = tmp_path / "frame.png"
    cv2.imwrite(str(path), frame.image)
    result = kiosk("scan", "--image", str(path), "--json")
    assert result.returncode == 0 and set(json.loads(result.stdout)["imeis"]) == set(frame.imeis)


def test_scan_the_demo_camera_until_the_first_imei() -> None:
    result = kiosk("scan", "--once", "--seconds", "40")
    assert result.returncode == 0 and result.stdout.split() == [DEMO_IMEIS["esim"]]
    assert result.stderr == ""  # quiet on success
