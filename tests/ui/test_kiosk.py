"""End to end through the real window (offscreen): every way a customer's visit can go."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QLabel, QLineEdit, QWidget

from kiosk.sandbox.faults import FaultRule
from kiosk.sandbox.seed import DEMO_IMEIS
from tests.ui.conftest import Kiosk


def texts(root: QWidget) -> str:
    """Everything a person could read on any widget, hidden or not."""
    out = []
    for w in [root, *root.findChildren(QWidget)]:
        if isinstance(w, (QLabel, QLineEdit)):
            out.append(w.text())
        out.append(w.accessibleName())
    return "\n".join(out)


def test_virtual_camera_to_the_esim_qr_code(kiosk: Kiosk) -> None:
    w = kiosk.window
    w.welcome.start.click()
    kiosk.wait_page("scan")
    kiosk.wait_page("device")  # the camera read the box, the flow found the phone
    assert "Pixel 9" in w.device.device.text()
    w.device.action.click()
    kiosk.wait_page("plan")
    kiosk.choose("Travel 5 GB")
    kiosk.customer()
    kiosk.wait_page("review")
    assert "Travel 5 GB" in w.review.lines.text() and "9.99" in w.review.confirm.text()
    w.review.confirm.click()
    kiosk.wait_page("ready")
    assert not w.ready.qr.pixmap().isNull() and w.ready.qr.drawn_size() >= 240
    code = w.flow.state.code
    assert w.ready.smdp.text() == code.smdp_address and w.ready.code.text() == code.matching_id


def test_psim_path_ends_with_restart_steps(kiosk: Kiosk) -> None:
    kiosk.to_plan(DEMO_IMEIS["psim"])
    kiosk.choose("Classic 10 GB")
    kiosk.customer(email="sam@example.com")
    kiosk.wait_page("review")
    kiosk.window.review.confirm.click()
    kiosk.wait_page("ready")
    assert "Restart the phone" in kiosk.window.ready.steps.text()
    assert kiosk.window.ready.qr.isHidden()


def test_device_not_found(kiosk: Kiosk) -> None:
    kiosk.window.submit([DEMO_IMEIS["unregistered_esim"]])
    kiosk.wait_page("device")
    assert "not registered" in kiosk.window.device.title.text()
    assert "supports eSIM" in kiosk.window.device.device.text()
    assert kiosk.window.device.action.isHidden()


def test_already_active_orders_nothing_and_shows_no_code(kiosk: Kiosk) -> None:
    w = kiosk.window
    w.submit([DEMO_IMEIS["active"]])
    kiosk.wait_page("device")
    assert "already active" in w.device.title.text()
    w.device.action.click()  # its status, for whoever holds the box
    kiosk.qtbot.waitUntil(lambda: "Plan:" in w.device.device.text())
    assert "Active since" in w.device.device.text() and "ask a member of staff" in \
        w.device.detail.text()
    assert w.current == "device" and w.device.action.isHidden()
    store = kiosk.sandbox.store
    assert store.requests.get("POST /orders", 0) == 0
    assert store.requests.get("GET /sims/{sim}/credentials", 0) == 0
    assert w.ready.qr.pixmap().isNull() and w.ready.code.text() == ""


def test_plan_needing_an_address(kiosk: Kiosk) -> None:
    kiosk.to_plan(DEMO_IMEIS["psim"])
    kiosk.choose("Resident 20 GB")
    kiosk.customer()
    kiosk.qtbot.waitUntil(lambda: kiosk.window.customer.errors["line1"].text() != "")
    assert kiosk.window.current == "customer"
    assert kiosk.window.customer.fields["line1"].property("invalid") is True
    kiosk.customer(line1="Hauptstr. 1", postal_code="10115", city="Berlin", country="DE")
    kiosk.wait_page("review")


def test_api_down_then_back(kiosk: Kiosk) -> None:
    rules = kiosk.sandbox.faults.rules
    rules.append(FaultRule("503", method="POST", path="*/devices/search"))
    kiosk.window.submit([DEMO_IMEIS["esim"]])
    kiosk.wait_page("error")
    assert "cannot be reached" in kiosk.window.error.subtitle.text()
    assert kiosk.window.error.retry.isVisible()
    rules.clear()
    kiosk.window.error.retry.click()
    kiosk.wait_page("device")


def test_idle_reset_wipes_every_trace(kiosk: Kiosk) -> None:
    w = kiosk.window
    kiosk.to_plan(DEMO_IMEIS["esim"])
    kiosk.choose("Travel 5 GB")
    kiosk.customer(email="secret.person@example.com")
    kiosk.wait_page("review")
    w.review.confirm.click()
    kiosk.wait_page("ready")
    code = w.flow.state.code.matching_id
    assert code in texts(w)
    w.idle.timer.setInterval(100)
    w.idle.poke()
    kiosk.qtbot.waitUntil(lambda: w.overlay.isVisible(), timeout=5000)
    assert "Starting over" in w.overlay.text.text()
    kiosk.wait_page("welcome", timeout=10_000)
    everything = texts(w)
    for secret in (code, DEMO_IMEIS["esim"], "secret.person@example.com"):
        assert secret not in everything
    assert w.ready.qr.pixmap().isNull()


def test_still_here_keeps_the_session(kiosk: Kiosk) -> None:
    w = kiosk.window
    kiosk.to_plan(DEMO_IMEIS["esim"])
    w.idle.timer.setInterval(100)
    w.idle.poke()
    kiosk.qtbot.waitUntil(lambda: w.overlay.isVisible(), timeout=5000)
    w.overlay.still_here.click()
    assert not w.overlay.isVisible() and w.current == "plan"


def test_operator_pin_gate(kiosk: Kiosk) -> None:
    w = kiosk.window
    for _ in range(5):
        QTest.mouseClick(w, Qt.MouseButton.LeftButton, pos=QPoint(10, 10))
    kiosk.wait_page("operator")
    w.operator.pin.setText("0000")
    w.operator.unlock.click()
    assert w.operator.message.text() == "Wrong PIN." and w.operator.actions.isHidden()
    w.operator.pin.setText("2468")
    w.operator.unlock.click()
    assert not w.operator.actions.isHidden()
    w.services.windowed = False  # the locked-down kiosk
    w.close()
    assert w.isVisible()  # no way out without the PIN
    with kiosk.qtbot.waitSignal(w.exit_requested, timeout=2000):
        w.operator.exit.click()
    assert w.allow_close


def test_language_switch(kiosk: Kiosk) -> None:
    w = kiosk.window
    assert w.welcome.title.text() == "Activate your new phone's SIM"
    w.header.lang.click()
    assert w.welcome.title.text() == "Aktivieren Sie die SIM Ihres neuen Telefons"
    assert w.header.lang.text() == "English"
    kiosk.to_plan(DEMO_IMEIS["psim"])
    assert "€" in texts(w.plans) and "14,99" in texts(w.plans)
    w.header.lang.click()
    assert "Choose a plan" in w.plans.title.text()


def test_keypad_explains_the_check_digit(kiosk: Kiosk) -> None:
    w = kiosk.window
    w.show_page("scan")
    w.scan.toggle_keypad()
    w.scan.keypad.field.setText("358507311042120")
    w.scan.keypad._submit()
    assert "should be 3" in w.scan.keypad.message.text()
    assert w.current == "scan"


def test_touch_targets_and_text_sizes(kiosk: Kiosk) -> None:
    from PySide6.QtWidgets import QPushButton

    w = kiosk.window
    kiosk.to_plan(DEMO_IMEIS["esim"])
    for b in w.findChildren(QPushButton):
        if b.isVisible():
            assert b.height() >= 56 and b.width() >= 56, b.text()
            assert b.accessibleName(), b.text()
    for lab in w.findChildren(QLabel):
        if lab.isVisible() and lab.text():
            assert lab.font().pointSizeF() >= 18, (lab.text(), lab.font().pointSizeF())
