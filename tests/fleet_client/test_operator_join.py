"""The operator page's "Join a fleet": the URL from API URL, the code typed, the token stored
owner-only and never shown; "Test connection" then sends the kiosk token, never the key."""

from __future__ import annotations

import asyncio
import stat
from pathlib import Path
from typing import Any

import pytest

from kiosk.config import ConfigStore
from kiosk.journal import Journal
from tests.fleet_client.conftest import Fleet


@pytest.fixture
def panel(qtbot: Any, qapp: Any, tmp_path: Path):  # type: ignore[no-untyped-def]
    import qasync

    from kiosk.ui.operator import OperatorPanel, OperatorServices

    loop = qasync.QEventLoop(qapp, already_running=True)
    asyncio.set_event_loop(loop)
    journal = Journal(tmp_path / "journal.sqlite3")
    services = OperatorServices(store=ConfigStore(tmp_path / "config" / "kiosk.toml"),
                                journal=journal, bundle_dir=tmp_path)
    widget = OperatorPanel(services)
    qtbot.addWidget(widget)
    widget.show()
    yield widget
    journal.close()
    # The panel's loop claims to be running (qasync's already_running): undone, or every
    # asyncio test after this one would find "a running event loop" (they run before tests/ui).
    asyncio.events._set_running_loop(None)
    asyncio.set_event_loop(None)


def shown(panel: Any) -> list[str]:
    from PySide6.QtWidgets import QLabel, QLineEdit, QWidget

    return [w.text() for w in panel.findChildren(QWidget) if isinstance(w, (QLabel, QLineEdit))]


def test_join_a_fleet_from_the_operator_page(panel: Any, qtbot: Any, fleet: Fleet) -> None:
    store = panel.services.store
    store.set_api_key("gigs_sk_typed_in_live_mode_once")
    panel.api_url.setText(fleet.gateway.url)
    panel.join_code.setText(fleet.gateway.enroll("STORE-9").lower())
    panel.join_button.click()
    assert panel.join_code.text() == ""  # wiped at once
    qtbot.waitUntil(lambda: panel.settings_message.text() != "", timeout=10_000)
    assert "Joined" in panel.settings_message.text() and "STORE-9" in panel.settings_message.text()
    token = store.gateway_token()
    assert token is not None and stat.S_IMODE(store.token_path.stat().st_mode) == 0o600
    assert panel.api_mode.currentText() == "gateway" and panel.project.text() == "demo"
    assert not any(token in text for text in shown(panel))
    fleet.gateway.bearers.clear()
    panel.on_test()  # through the gateway, with the kiosk token
    qtbot.waitUntil(lambda: "Connected" in panel.settings_message.text(), timeout=10_000)
    assert fleet.gateway.bearers == {token}
    fleet.gateway.tokens.clear()  # revoked
    panel.on_test()
    qtbot.waitUntil(lambda: "Kiosk token rejected" in panel.settings_message.text(),
                    timeout=10_000)


@pytest.mark.parametrize(("url", "code", "said"), [
    ("http://gateway.example", "7K3M-Q9TX-2HPW", "nothing sent"),
    ("", "7K3M-Q9TX-2HPW", "nothing sent"),
    ("https://gw.example", "1234", "3 groups of 4"),
])
def test_nothing_is_sent_for_a_bad_url_or_code(panel: Any, qtbot: Any, url: str, code: str,
                                               said: str) -> None:
    panel.api_url.setText(url)
    panel.join_code.setText(code)
    panel.on_join()
    qtbot.waitUntil(lambda: panel.settings_message.text() != "", timeout=5000)
    assert said in panel.settings_message.text()
    assert not panel.services.store.token_path.exists()


def test_a_refused_code_is_one_line(panel: Any, qtbot: Any, fleet: Fleet) -> None:
    panel.api_url.setText(fleet.gateway.url)
    panel.join_code.setText("7K3M-Q9TX-2HPW")  # never enrolled
    panel.on_join()
    qtbot.waitUntil(lambda: panel.settings_message.text() != "", timeout=10_000)
    assert "refused the code" in panel.settings_message.text()
    assert not panel.services.store.path.exists()
