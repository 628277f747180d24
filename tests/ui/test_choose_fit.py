"""The device, plan, customer and review pages fit every kiosk screen, in English and German,
with nothing scrolling and no text cut; the customer page also above the on-screen keyboard (#13)."""

from __future__ import annotations

from typing import Any

from kiosk.sandbox.seed import DEMO_IMEIS
from kiosk.ui.layout_check import problems
from tests.ui.conftest import SIZES, Kiosk, assert_fits
from tests.ui.test_choose_pages import to_form, wire_sim_choice


def keyboard_height(height: int) -> int:
    """The docked keyboard's height in a window this high (the keyboard helper's rule)."""
    return round(min(height * 0.36, 420))


def fits(kiosk: Kiosk) -> None:
    w = kiosk.window
    assert_fits(kiosk.qtbot, w, toggle_language=w.toggle_language, allowed=w.allowed_scrolls())


def fits_above_the_keyboard(kiosk: Kiosk, field: str) -> None:
    """With the keyboard docked below the page: the window's own when it has one (its height
    follows the window's), else the page alone at the height the keyboard leaves."""
    w = kiosk.window
    dock = getattr(w, "osk", None)
    if dock is not None:
        w.customer.back.setFocus()  # a field that gets the focus brings the keyboard up
        w.customer.fields[field].setFocus()
        kiosk.qtbot.waitUntil(dock.is_shown, timeout=2000)
        fits(kiosk)
        assert dock.is_shown()
        return
    found: list[str] = []
    for language in ("en", "de"):
        for width, height in SIZES:
            w.resize(width, height - keyboard_height(height))
            kiosk.qtbot.wait(30)
            found += [f"{width}x{height} {language}: {p}" for p in problems(w, w.allowed_scrolls())]
        w.toggle_language()
    w.resize(1280, 800)
    assert not found, "\n".join(found[:30])


def test_device_page_with_a_sim_choice_fits(kiosk: Kiosk) -> None:
    wire_sim_choice(kiosk)
    kiosk.window.submit([DEMO_IMEIS["dual1"]])
    kiosk.wait_page("device")
    assert len(kiosk.window.device.sim_buttons) == 2
    fits(kiosk)


def test_plan_page_with_six_plans_fits(kiosk: Kiosk) -> None:
    store = kiosk.sandbox.store
    base = next(p for p in store.plans.values() if p["name"] == "Unlimited Europe")
    for n, name in enumerate(["Unlimited Europe Plus", "Weekend 3 GB"]):
        store.put(store.plans, {**base, "id": f"pln_extra{n}", "name": name,
                                "price": {"amount": 2999 + n, "currency": "EUR"}})
    wire_sim_choice(kiosk)
    kiosk.window.submit([DEMO_IMEIS["dual1"]])
    kiosk.wait_page("device")
    kiosk.window.device.sim_buttons[1].click()  # the eSIM: six plans
    kiosk.wait_page("plan")
    assert len(kiosk.window.plans.cards) == 6
    fits(kiosk)


def test_customer_page_with_an_address_fits_with_and_without_the_keyboard(kiosk: Kiosk) -> None:
    w = kiosk.window
    to_form(kiosk)  # "Resident 20 GB": name, email and the address fields
    assert all(f.isVisible() for f in w.customer.fields.values())
    fits_above_the_keyboard(kiosk, "email")
    dock: Any = getattr(w, "osk", None)
    if dock is not None:
        dock.hide_keyboard()
    fits(kiosk)


def test_customer_page_with_every_problem_shown_fits(kiosk: Kiosk) -> None:
    w = kiosk.window
    to_form(kiosk)
    w.customer.next.click()  # nothing typed: a message for every field
    kiosk.qtbot.waitUntil(lambda: w.customer.errors["country"].text() != "")
    dock: Any = getattr(w, "osk", None)
    if dock is not None:
        dock.hide_keyboard()
    fits(kiosk)
    fits_above_the_keyboard(kiosk, "line1")


def test_review_page_fits(kiosk: Kiosk) -> None:
    to_form(kiosk)
    kiosk.customer(email="a.very.long.address@example.com", name="Maximiliane Mustermann-Beispiel",
                   line1="Schöneberger Hauptstraße 100", postal_code="10115", city="Berlin",
                   country="DE")
    kiosk.wait_page("review")
    fits(kiosk)
