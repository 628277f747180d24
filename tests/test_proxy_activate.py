"""`kiosk activate` through a proxy that behaves as the Gigs docs allow, not as our sandbox does.

The proxy (tests/proxy.py) sits between the CLI and the loopback sandbox and ignores the
undocumented `?sim=` filter, refuses it with 422, or strips `subscriptionDetails` from orders
that are not quoted; the first answer to `POST /orders` is lost on the way back.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from kiosk.sandbox.seed import DEMO_IMEIS, PLAN_IDS, STORE_PAYMENT_METHOD_ID
from tests.proxy import GigsProxy

MODES = {"ignore-sim": dict(sim_filter="ignore"), "refuse-sim": dict(sim_filter="refuse"),
         "strip-details": dict(strip_subscription_details=True)}


def activate(proxy: GigsProxy, tmp_path: Path, imei: str, *extra: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIGS_", "KIOSK_"))}
    env["GIGS_TOKEN"] = "sk_test_proxy"
    return subprocess.run(
        [sys.executable, "-m", "kiosk", "activate", imei, "--plan", PLAN_IDS["travel"],
         "--email", "proxy.customer@example.com", "--name", "Proxy Customer", "--json",
         "--api-url", proxy.url, "--project", "demo",
         "--payment-method", STORE_PAYMENT_METHOD_ID,
         "--journal", str(tmp_path / "journal.sqlite3"), *extra],
        capture_output=True, text=True, env=env, timeout=120)


@pytest.fixture
def upstream(sandbox: Any) -> Any:
    sandbox.sandbox.config.undocumented_filters = "honour"  # the proxy decides what is ignored
    return sandbox


@pytest.mark.parametrize("keys", [True, False], ids=["keys-on", "keys-off"])
@pytest.mark.parametrize("phone", ["esim", "nosim"])
@pytest.mark.parametrize("mode", sorted(MODES))
def test_a_fresh_esim_phone_with_a_lost_order_answer(upstream: Any, tmp_path: Path, mode: str,
                                                     phone: str, keys: bool) -> None:
    with GigsProxy(upstream.url, lose_order_answers=1, **MODES[mode]) as proxy:  # type: ignore[arg-type]
        result = activate(proxy, tmp_path, DEMO_IMEIS[phone],
                          *([] if keys else ["--no-idempotency-keys"]))
        lost = proxy.count("POST", r"/orders$", "lost")
    assert result.returncode == 0, result.stdout + result.stderr[-2000:]
    data = json.loads(result.stdout)
    store = upstream.sandbox.store
    ours = [s for s in store.subscriptions.values() if s["sim"] == data["simId"]
            and s["status"] in ("pending", "initiated", "active")]
    assert len(ours) == 1, ours
    assert len([o for o in store.orders.values() if o["user"] == data["userId"]]) == 1
    assert lost == 1  # the answer really was lost, and the kiosk found its order anyway


@pytest.mark.parametrize("mode", sorted(MODES))
def test_a_strangers_active_sim_exits_7_without_any_code(upstream: Any, tmp_path: Path,
                                                         mode: str) -> None:
    with GigsProxy(upstream.url, **MODES[mode]) as proxy:  # type: ignore[arg-type]
        result = activate(proxy, tmp_path, DEMO_IMEIS["active"], "--show-code")
    assert result.returncode == 7, result.stdout + result.stderr[-2000:]
    assert json.loads(result.stdout)["status"] == "alreadySubscribed"
    assert "LPA:" not in result.stdout + result.stderr and "█" not in result.stderr
    assert upstream.sandbox.store.requests.get("POST /orders", 0) == 0
