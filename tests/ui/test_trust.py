"""The window under a hurried or hostile visitor: double taps, walking away mid-activation."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from kiosk.sandbox.seed import DEMO_IMEIS
from tests.ui.conftest import Kiosk


def to_review(kiosk: Kiosk, imei: str, plan: str = "Travel 5 GB") -> None:
    kiosk.to_plan(imei)
    kiosk.choose(plan)
    kiosk.customer(email="tap.tap@example.com")
    kiosk.wait_page("review")


def test_a_real_double_click_on_confirm_places_one_order(kiosk: Kiosk) -> None:
    w = kiosk.window
    to_review(kiosk, DEMO_IMEIS["nosim"])  # a new eSIM: the case that ordered twice
    QTest.mouseDClick(w.review.confirm, Qt.MouseButton.LeftButton)
    QTest.mouseClick(w.review.confirm, Qt.MouseButton.LeftButton)
    QTest.mouseClick(w.review.confirm, Qt.MouseButton.LeftButton)
    kiosk.wait_page("ready")
    store = kiosk.sandbox.store
    assert len(store.orders) == 1 and store.requests["POST /orders"] == 1


def test_confirm_is_disabled_while_the_order_is_placed(kiosk: Kiosk) -> None:
    w = kiosk.window
    kiosk.sandbox.faults.latency_ms = 200
    to_review(kiosk, DEMO_IMEIS["esim"])
    w.review.confirm.click()
    assert not w.review.confirm.isEnabled() and not w.review.back.isEnabled()
    kiosk.wait_page("activating")
    kiosk.sandbox.faults.latency_ms = 0
    kiosk.wait_page("ready")
    assert len(kiosk.sandbox.store.orders) == 1


def test_idle_reset_mid_activation_leaves_it_to_the_background(kiosk: Kiosk) -> None:
    w = kiosk.window
    handed = []
    w.flow._on_background = handed.append
    kiosk.sandbox.config.delayed_sim_seconds = 60  # the network takes its time
    kiosk.sandbox.reset()
    to_review(kiosk, DEMO_IMEIS["delayed"], "Classic 10 GB")
    w.review.confirm.click()
    kiosk.wait_page("activating")
    kiosk.qtbot.waitUntil(lambda: w.flow.visit.activation_id is not None)
    w.idle.timer.setInterval(100)
    w.idle.poke()
    kiosk.wait_page("welcome", timeout=10_000)
    assert [a.id for a in handed] == [w.flow.ctx.journal.activations()[0].id]
    assert handed[0].status in ("provisioning", "unknown")
