"""The choosing pages in the real window: the device named by its type, the SIM a customer
chooses, plan cards that line up, a form a touch keyboard can fill, and a review that says what
is confirmed (#13)."""

from __future__ import annotations

from itertools import pairwise
from typing import Any

import pytest
from PySide6.QtCore import QLocale, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QLabel, QPushButton, QWidget

from kiosk.flow.catalog import sim_choices
from kiosk.flow.customer import Address, CustomerInput
from kiosk.flow.states import NotRegistered, NoUsableSim, Review
from kiosk.gigs.models import Device, DeviceModel, Plan, User
from kiosk.redact import mask_digits
from kiosk.sandbox.seed import DEMO_IMEIS, plans
from kiosk.ui.pages_choose import DevicePage, ReviewPage, masked_iccid
from tests.ui.conftest import Kiosk


def shown_texts(root: QWidget) -> str:
    """What a person can read on `root` right now (visible labels and buttons)."""
    out = [w.text() for w in root.findChildren(QLabel) + root.findChildren(QPushButton)
           if w.isVisible() and w.text()]
    return "\n".join(out)


def wire_sim_choice(kiosk: Kiosk) -> None:
    """The device page's SIM buttons, connected as the window does (or should: see the report)."""
    w = kiosk.window
    if not w.device.receivers("2sim_chosen(QString)"):
        w.device.sim_chosen.connect(lambda ref: w.flow_call("sim", lambda fl: fl.choose_sim(ref)))


def to_device(kiosk: Kiosk, key: str) -> None:
    kiosk.window.submit([DEMO_IMEIS[key]])
    kiosk.wait_page("device")


# -- the device, by its type ----------------------------------------------------------------------

@pytest.mark.parametrize(("key", "title", "noun"), [
    ("tablet", "We found your tablet", "Tablet"),
    ("watch", "We found your watch", "Watch"),
    ("esim", "We found your phone", "Phone"),
])
def test_the_device_is_named_by_its_type_up_to_the_review(kiosk: Kiosk, key: str, title: str,
                                                          noun: str) -> None:
    w = kiosk.window
    to_device(kiosk, key)
    assert w.device.title.text() == title
    if noun != "Phone":
        assert "phone" not in shown_texts(w.device).lower()
    w.device.action.click()
    kiosk.wait_page("plan")
    kiosk.choose(w.flow.state.plans[0].name)
    kiosk.customer()
    kiosk.wait_page("review")
    facts = dict(w.review.facts(w.flow.state, QLocale("en")))
    assert noun in facts and ("Phone" in facts) == (noun == "Phone")
    if noun != "Phone":
        assert "phone" not in shown_texts(w.review).lower()


def test_tablet_words_in_german_too(kiosk: Kiosk) -> None:
    w = kiosk.window
    to_device(kiosk, "tablet")
    w.toggle_language()
    assert w.device.title.text() == "Wir haben Ihr Tablet gefunden"
    assert "telefon" not in shown_texts(w.device).lower()


def test_the_brand_is_not_repeated(kiosk: Kiosk) -> None:
    to_device(kiosk, "nosim")  # brand "Fairphone", model "Fairphone 5"
    assert kiosk.window.device.device.text() == "Fairphone 5"
    assert "Fairphone Fairphone" not in shown_texts(kiosk.window)


def test_pages_that_refuse_name_the_device_too(qapp: Any) -> None:
    page = DevicePage()
    watch = DeviceModel.model_validate({"id": "m", "type": "smartwatch", "simTypes": ["eSIM"]})
    page.render(NotRegistered((watch,)))
    assert page.title.text() == "This watch is not registered here"
    tablet = Device.model_validate({"id": "d", "model": {"id": "m", "type": "tablet"}})
    page.render(NoUsableSim(tablet, "no_plans"))
    assert page.title.text() == "This tablet cannot be activated here"
    assert page.back.text() == "Scan another device"


def test_a_watch_is_offered_watch_plans_only(kiosk: Kiosk) -> None:
    kiosk.to_plan(DEMO_IMEIS["watch"])
    assert [c.summary.name for c in kiosk.window.plans.cards] == ["Watch Connect"]
    kiosk.run(kiosk.window.reset())
    kiosk.to_plan(DEMO_IMEIS["esim"])
    assert "Watch Connect" not in [c.summary.name for c in kiosk.window.plans.cards]


# -- the SIM a customer chooses -----------------------------------------------------------------

def test_dual_sim_the_customer_taps_the_sim_to_activate(kiosk: Kiosk) -> None:
    w = kiosk.window
    wire_sim_choice(kiosk)
    to_device(kiosk, "dual1")
    found = w.flow.state
    card, esim = found.choices
    buttons = w.device.sim_buttons
    assert [b.text() for b in buttons] == [f"SIM card\n{masked_iccid(card.sim.iccid)}",
                                           f"eSIM\n{masked_iccid(esim.sim.iccid)}"]
    for choice, pick in zip(found.choices, buttons, strict=True):
        iccid = choice.sim.iccid
        assert masked_iccid(iccid) == f"{iccid[:8]}…{iccid[-1]}"
        assert mask_digits(iccid)[:8] == iccid[:8] and iccid not in shown_texts(w)
        assert pick.isVisible() and pick.height() >= 56 and pick.accessibleName()
    assert w.device.action.isHidden()  # the SIM buttons are the way on
    buttons[1].click()
    kiosk.wait_page("plan")
    assert w.plans.title.text() == "Choose a plan for your eSIM"
    assert all("eSIM" in p.sim_types for p in w.flow.state.plans)
    w.plans.back.click()
    kiosk.wait_page("device")
    assert len(w.device.sim_buttons) == 2
    w.device.sim_buttons[0].click()
    kiosk.wait_page("plan")
    assert w.plans.title.text() == "Choose a plan for your SIM card"
    assert "Travel 5 GB" not in [c.summary.name for c in w.plans.cards]  # eSIM only
    kiosk.choose("Unlimited Europe")
    kiosk.customer(email="dual@example.com")
    kiosk.wait_page("review")
    assert dict(w.review.facts(w.flow.state, QLocale("en")))["SIM"] == (
        f"SIM card {masked_iccid(card.sim.iccid)}")
    w.review.confirm.click()
    kiosk.wait_page("ready", timeout=30_000)
    act = w.flow.ctx.journal.activations()[0]
    assert act.sim_id == card.sim.id and act.sim_type == "pSIM"


def test_a_sim_card_phone_offers_a_new_esim(kiosk: Kiosk) -> None:
    w = kiosk.window
    wire_sim_choice(kiosk)
    to_device(kiosk, "psim")
    assert [b.text().split("\n")[0] for b in w.device.sim_buttons] == ["SIM card", "New eSIM"]
    w.device.sim_buttons[1].click()
    kiosk.wait_page("plan")
    assert w.plans.title.text() == "Choose a plan for your new eSIM"


# -- plan cards line up ---------------------------------------------------------------------------

def test_plan_cards_in_a_row_line_up(kiosk: Kiosk) -> None:
    w = kiosk.window
    kiosk.to_plan(DEMO_IMEIS["psim"])  # no SIM chosen: every plan of both SIMs, 5 cards
    cards = w.plans.cards
    assert len(cards) >= 5
    for width, height in ((1280, 800), (1080, 1920)):
        w.resize(width, height)
        kiosk.qtbot.wait(30)
        columns = w.plans.columns()
        rows = [cards[n:n + columns] for n in range(0, len(cards), columns)]
        for row in rows:
            for part in ("name", "price", "facts", "note", "pick"):
                tops = {getattr(card, part).mapTo(w, getattr(card, part).rect().topLeft()).y()
                        for card in row}
                assert len(tops) == 1, (width, part, tops)
            assert len({card.pick.height() for card in row}) == 1
            boxes = [w.plans.card_rect(card) for card in row]
            assert len({(b.top(), b.height()) for b in boxes}) == 1  # boxes of one size
        first = [w.plans.card_rect(c) for c in rows[0]]
        gaps = {b.left() - a.right() for a, b in pairwise(first)}
        assert len(gaps) <= 1  # even spacing
    w.resize(1280, 800)


# -- the customer form on a touch screen --------------------------------------------------------

def to_form(kiosk: Kiosk) -> dict[str, Any]:
    kiosk.to_plan(DEMO_IMEIS["psim"])
    kiosk.choose("Resident 20 GB")
    kiosk.wait_page("customer")
    return kiosk.window.customer.fields


def test_fields_tell_the_keyboard_what_they_take(kiosk: Kiosk) -> None:
    fields = to_form(kiosk)
    hints = {k: f.inputMethodHints() for k, f in fields.items()}
    assert hints["email"] & Qt.InputMethodHint.ImhEmailCharactersOnly
    assert hints["postal_code"] & Qt.InputMethodHint.ImhPreferNumbers
    assert hints["country"] & Qt.InputMethodHint.ImhPreferUppercase
    for hint in hints.values():  # personal data: never learnt, never suggested to the next one
        assert hint & Qt.InputMethodHint.ImhSensitiveData
        assert hint & Qt.InputMethodHint.ImhNoPredictiveText


def test_return_moves_to_the_next_field_and_submits_in_the_last(kiosk: Kiosk) -> None:
    w = kiosk.window
    fields = to_form(kiosk)
    values = {"email": "ret@example.com", "full_name": "Re Turn", "line1": "Hauptstr. 1",
              "postal_code": "10115", "city": "Berlin", "country": "DE"}
    order = list(values)
    w.activateWindow()
    for n, key in enumerate(order):
        fields[key].setFocus()
        kiosk.qtbot.waitUntil(fields[key].hasFocus, timeout=2000)
        fields[key].setText(values[key])
        QTest.keyClick(fields[key], Qt.Key.Key_Return)
        if n + 1 < len(order):
            kiosk.qtbot.waitUntil(fields[order[n + 1]].hasFocus, timeout=2000)
            assert w.current == "customer"
    kiosk.wait_page("review")


def test_short_form_keeps_fields_and_labels_readable(kiosk: Kiosk) -> None:
    w = kiosk.window
    fields = to_form(kiosk)
    page = w.customer
    w.resize(1366, 440)  # lower than any keyboard leaves
    kiosk.qtbot.waitUntil(page.is_short, timeout=2000)
    for key, field in fields.items():
        assert field.height() >= 48, key
        assert page.labels[key].font().pointSizeF() >= 16
        assert page.labels[key].isVisible() and field.isVisible()
    assert page.subtitle.isHidden()
    page.next.click()  # nothing typed: every field has a problem, one message at a time
    kiosk.qtbot.waitUntil(lambda: page.errors["email"].text() != "")
    assert [k for k, e in page.errors.items() if e.isVisible()] == ["email"]
    fields["city"].setFocus()
    kiosk.qtbot.waitUntil(fields["city"].hasFocus, timeout=2000)
    assert [k for k, e in page.errors.items() if e.isVisible()] == ["city"]
    assert page.labels["email"].text().startswith("⚠")  # marked in words, not colour alone
    w.resize(1280, 800)


# -- the review says what is confirmed ----------------------------------------------------------

def test_review_shows_name_email_address_price_period_and_terms(kiosk: Kiosk) -> None:
    w = kiosk.window
    to_form(kiosk)
    kiosk.customer(email="rev@example.com", name="Rita Review", line1="Hauptstr. 1",
                   postal_code="10115", city="Berlin", country="DE")
    kiosk.wait_page("review")
    facts = dict(w.review.facts(w.flow.state, QLocale("en")))
    assert facts["Name"] == "Rita Review" and facts["Email"] == "rev@example.com"
    assert facts["Address"] == "Hauptstr. 1, 10115 Berlin, DE"
    assert facts["Plan"] == "Resident 20 GB" and facts["Price"] == "€19.99 a month"
    assert facts["Terms"] == "Renews every month until you cancel · starts when it is activated"
    for value in facts.values():
        assert value.replace("&", "&amp;") in w.review.lines.text()
    w.toggle_language()
    german = w.review.lines.text().replace("\xa0", " ")
    assert "19,99 € im Monat" in german and "Verlängert sich jeden Monat, bis Sie kündigen" in german


def test_review_without_address_and_for_a_devices_owner(qapp: Any) -> None:
    raw = {p["name"]: p for p in plans()}
    device = Device.model_validate({"id": "d", "model": {"id": "m", "brand": "Apple",
                                                         "name": "iPad Air", "type": "tablet",
                                                         "simTypes": ["eSIM"]}})
    choice = sim_choices(device)[0]
    travel = Plan.model_validate(raw["Travel 5 GB"])
    page = ReviewPage()
    facts = dict(page.facts(Review(device, choice, travel, CustomerInput(
        "a@example.com", "<b>Ann</b>", None), None), QLocale("en")))
    assert "Address" not in facts and facts["Tablet"] == "Apple iPad Air"
    assert facts["SIM"] == "a new eSIM" and facts["Price"] == "€9.99 for 30 days"
    assert facts["Terms"] == "One-off: does not renew · starts when it is activated"
    page.render(Review(device, choice, travel, CustomerInput("a@example.com", "<b>Ann</b>", None),
                       None), QLocale("en"))
    assert "&lt;b&gt;Ann&lt;/b&gt;" in page.lines.text()  # typed text is text, never markup
    # The owner's account: a hint the owner recognises, not what a stranger may read.
    owner = User.model_validate({"id": "u", "email": "jerry@example.com",
                                 "fullName": "Jerry Seinfeld"})
    facts = dict(page.facts(Review(device, choice, travel, None, owner), QLocale("en")))
    assert facts["Name"] == "J… S…" and facts["Email"] == "j…@example.com"
    resident = Plan.model_validate(raw["Resident 20 GB"])
    typed = CustomerInput("", "", Address("Weg 2", "Bonn", "DE", postal_code="53111"))
    facts = dict(page.facts(Review(device, choice, resident, typed, owner), QLocale("en")))
    assert facts["Address"] == "Weg 2, 53111 Bonn, DE" and facts["Name"] == "J… S…"
