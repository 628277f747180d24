"""The next customer meets the kiosk's own language, whatever the last one chose (#13)."""

from __future__ import annotations

from kiosk.sandbox.seed import DEMO_IMEIS
from tests.ui.conftest import Kiosk


def test_idle_reset_returns_to_the_default_language(kiosk: Kiosk) -> None:
    w = kiosk.window
    w.services.default_language = "en"  # what app.py passes: the configured language
    kiosk.to_plan(DEMO_IMEIS["esim"])
    english = w.plans.title.text()
    w.header.lang.click()  # the customer reads German
    assert w.language == "de" and w.header.lang.text() == "English"
    assert w.plans.title.text() != english
    w.idle.timer.setInterval(100)
    w.idle.poke()
    kiosk.qtbot.waitUntil(lambda: w.overlay.isVisible(), timeout=5000)
    kiosk.wait_page("welcome", timeout=10_000)
    assert w.language == "en" and w.header.lang.text() == "Deutsch"
    assert w.welcome.title.text() == "Activate your new phone's SIM"
    assert w.welcome.start.text() == "Start"


def test_done_returns_to_the_default_language(kiosk: Kiosk) -> None:
    w = kiosk.window
    w.services.default_language = "en"
    w.header.lang.click()
    w.ready.done_requested.emit()  # "I'm done" (the same restart from any page)
    kiosk.qtbot.waitUntil(lambda: w.language == "en", timeout=5000)
    assert w.current == "welcome" and w.welcome.start.text() == "Start"


def test_a_german_kiosk_stays_german_after_a_reset(kiosk: Kiosk) -> None:
    w = kiosk.window
    w.services.default_language = "de"
    w.header.lang.click()  # as app.py starts a kiosk configured for German
    start = w.welcome.start.text()
    assert start != "Start"
    w.restart()
    kiosk.qtbot.wait(300)
    assert w.language == "de" and w.welcome.start.text() == start


def test_without_a_default_the_language_is_left_alone(kiosk: Kiosk) -> None:
    w = kiosk.window
    w.header.lang.click()
    w.restart()
    kiosk.qtbot.wait(300)
    assert w.language == "de"
