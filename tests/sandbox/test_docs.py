"""The sandbox documentation names every seeded IMEI, plan, payment method and switch."""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path

from kiosk.sandbox.config import SandboxConfig
from kiosk.sandbox.seed import DEMO_DEVICES, PLAN_IDS
from kiosk.sandbox.validate import DOCUMENTED_FILTERS

DOC = (Path(__file__).parents[2] / "docs" / "sandbox.md").read_text()


def test_every_demo_imei_and_plan_is_documented() -> None:
    assert all(f"`{d.imei}`" in DOC for d in DEMO_DEVICES)
    assert all(f"`{plan_id}`" in DOC for plan_id in PLAN_IDS.values())


def test_every_payment_method_and_strictness_switch_is_documented(api) -> None:
    methods = api.get("/projects/demo/paymentMethods", params={"limit": 200}).json()["items"]
    assert methods and all(f"`{m['id']}`" in DOC for m in methods)
    switches = ("undocumented_filters", "idempotency", "user_exists_status", "orders_start_as",
                "device_search")
    assert all(f"`{name}`" in DOC for name in switches)
    assert set(switches) <= {f.name for f in fields(SandboxConfig)}
    for route, documented in DOCUMENTED_FILTERS.items():
        assert f"`{route}" in DOC and all(f"`{name}`" in DOC for name in documented)
