"""The operator page fits every kiosk screen in both languages: the PIN keypad and the panel."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QLabel

from kiosk.config import ConfigStore
from kiosk.journal import Journal
from tests.ui.conftest import assert_fits


@pytest.fixture
def window(qtbot: Any, qapp: Any, tmp_path: Path) -> Iterator[Any]:
    """The real kiosk window (header, page scroll areas) with the operator panel behind it."""
    import qasync

    from kiosk.app import RESOURCES, Translations
    from kiosk.connect import make_client
    from kiosk.flow import Context, Flow, FlowSettings
    from kiosk.sandbox.seed import STORE_PAYMENT_METHOD_ID
    from kiosk.settings import ApiSettings
    from kiosk.ui.services import OperatorServices
    from kiosk.ui.window import KioskWindow, Services

    loop = qasync.QEventLoop(qapp, already_running=True)
    asyncio.set_event_loop(loop)
    qapp.setStyleSheet((RESOURCES / "kiosk.qss").read_text())
    client = make_client(ApiSettings())
    journal = Journal(tmp_path / "journal.sqlite3")
    ctx = Context(client, journal, FlowSettings(payment_method=STORE_PAYMENT_METHOD_ID))
    translations = Translations(qapp)
    operator = OperatorServices(store=ConfigStore(tmp_path / "kiosk.toml"), journal=journal,
                                bundle_dir=tmp_path)
    services = Services(make_flow=lambda: Flow(ctx), make_camera=lambda: None,
                        check_pin=lambda pin: pin == "2468", set_language=translations.set,
                        sound=False, operator=operator)
    win = KioskWindow(services)
    qtbot.addWidget(win)
    win.resize(1280, 800)
    win.show()
    win.show_page("operator")
    yield win
    translations.set("en")
    task = asyncio.ensure_future(win.shutdown())
    qtbot.waitUntil(task.done, timeout=10_000)
    task = asyncio.ensure_future(client.aclose())
    qtbot.waitUntil(task.done, timeout=10_000)
    journal.close()


def unlock(window: Any) -> Any:
    window.operator.pin.setText("2468")
    window.operator.unlock.click()
    assert window.operator.mode == "open"
    return window.operator.panel


def test_the_pin_keypad_fits(qtbot: Any, window: Any) -> None:
    assert_fits(qtbot, window, window.toggle_language)


def test_the_new_pin_step_with_a_lock_message_fits(qtbot: Any, window: Any) -> None:
    page = window.operator
    page.mode = "new"
    page.render()
    page.message.setText("Not one digit repeated: choose a harder PIN. " * 2)
    assert_fits(qtbot, window, window.toggle_language)


def fill(panel: Any, qtbot: Any, tab: str, tmp_path: Path) -> None:
    """Each tab at its fullest: long messages, loaded lists, the preview, the export chooser."""
    from PySide6.QtGui import QPixmap

    from kiosk.doctor import Check, Verdict
    from kiosk.exports import Destination
    from kiosk.ui.operator import PREVIEW_HEIGHT

    journal = panel.services.journal
    for n in range(40):  # a long list scrolls inside its table, never the page
        act = journal.begin(target="t", mode="orders", sim_type="eSIM",
                            imei_masked="35850731******3")
        journal.update(act.id, status="active", order_id=f"ord_{n:030d}")
    panel.activations.refresh()
    panel.settings_message.setText("✘ api_url: the URL must start with https://; "
                                   "idle_seconds: at least 30; pin: the two PINs differ")
    if tab == "payment":
        panel.payments.load()
        qtbot.waitUntil(lambda: len(panel.payments.choices) == 4, timeout=10_000)
    elif tab == "camera":
        panel.camera_preview.setFixedHeight(PREVIEW_HEIGHT)
        panel.camera_preview.setPixmap(QPixmap(PREVIEW_HEIGHT * 16 // 9, PREVIEW_HEIGHT))
    elif tab == "diagnostics":
        panel.diagnostics.refresh()  # its API line comes a moment later
        qtbot.waitUntil(lambda: "API" in panel.diagnostics.facts.text(), timeout=10_000)
        panel.diagnostics.project.show_checks([
            Check(name, verdict, "plans.ok", {"on_sale": 3, "total": 7})
            for name, verdict in (("auth", Verdict.OK), ("plans", Verdict.WARNING),
                                  ("requirements", Verdict.PROBLEM), ("deviceSearch", Verdict.OK),
                                  ("subscriptions", Verdict.OK), ("simFilter", Verdict.WARNING),
                                  ("orders", Verdict.OK), ("paymentMethod", Verdict.OK),
                                  ("idempotency", Verdict.OK))])
    elif tab == "export":
        tab_ = panel.activations
        tab_.chooser.find = lambda: [
            Destination("usb", f"STICK {n}", tmp_path / f"STICK {n}", 14_200_000_000)
            for n in range(5)] + [Destination("downloads", "Downloads", tmp_path, 10**11)]
        tab_.chooser.open()
        tab_.chooser.error.setText("✘ Not exported to /media/pat/STICK 0: the disk is full. "
                                   "Nothing is lost: choose another place.")


TABS = ["connection", "payment", "kiosk", "camera", "diagnostics", "activations", "export"]


@pytest.mark.parametrize("tab", TABS)
def test_every_tab_of_the_panel_fits(qtbot: Any, window: Any, tab: str, tmp_path: Path) -> None:
    panel = unlock(window)
    panel.tabs.setCurrentIndex(min(TABS.index(tab), 5))
    fill(panel, qtbot, tab, tmp_path)
    assert_fits(qtbot, window, window.toggle_language, allowed=window.allowed_scrolls())


def test_the_panel_speaks_the_language_it_is_shown_in(qtbot: Any, window: Any) -> None:
    panel = unlock(window)
    window.toggle_language()
    qtbot.wait(10)
    assert panel.tabs.tabText(0) == "Verbindung" and panel.save_button.text() == "Speichern"
    assert panel.activations.table.horizontalHeaderItem(0).text() == "Vorgangsnummer"
    window.toggle_language()
    qtbot.wait(10)
    assert panel.tabs.tabText(0) == "Connection"


def test_only_lists_may_scroll(window: Any) -> None:
    from PySide6.QtWidgets import QAbstractItemView, QScrollArea

    panel = unlock(window)
    allowed = window.allowed_scrolls()
    assert panel.activations.table in allowed and panel.payments.list in allowed
    for widget in allowed:  # tables and lists, and the check results (a list of lines)
        assert isinstance(widget, QAbstractItemView) or (
            isinstance(widget, QScrollArea) and widget is panel.diagnostics.project.results)
    assert not any(isinstance(w, QLabel) for w in allowed)


def test_the_fleet_note_on_the_payment_tab_follows_the_language(qtbot: Any,
                                                                window: Any) -> None:
    panel = unlock(window)
    panel.api_mode.setCurrentText("gateway")
    panel.api_url.setText("https://gateway.store.example")
    panel.tabs.setCurrentWidget(panel.payments)
    panel.payments.load()
    qtbot.waitUntil(lambda: "gateway sets" in panel.payments.message.text(), timeout=10_000)
    window.toggle_language()
    qtbot.wait(10)
    assert "Flotte" in panel.payments.message.text()
    assert "Vorgabe des Gateways" in panel.payments.message.text()
    window.toggle_language()
    qtbot.wait(10)
    assert "gateway sets" in panel.payments.message.text()
