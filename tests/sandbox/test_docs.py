"""The sandbox documentation names every seeded IMEI and plan (no drift from the seed)."""

from __future__ import annotations

from pathlib import Path

from kiosk.sandbox.seed import DEMO_DEVICES, PLAN_IDS

DOC = (Path(__file__).parents[2] / "docs" / "sandbox.md").read_text()


def test_every_demo_imei_and_plan_is_documented() -> None:
    assert all(f"`{d.imei}`" in DOC for d in DEMO_DEVICES)
    assert all(f"`{plan_id}`" in DOC for plan_id in PLAN_IDS.values())
