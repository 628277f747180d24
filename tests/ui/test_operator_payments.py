"""Payment methods: listed with owner and status, never chosen silently, an unusable one refused."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from kiosk.gigs.models import PaymentMethod, User
from kiosk.payment_choice import describe, last_failures
from kiosk.redact import mask_email, mask_name
from kiosk.sandbox.seed import (
    DECLINED_PAYMENT_METHOD_ID, JERRY_PAYMENT_METHOD_ID, REQUIRES_CONFIRMATION_PAYMENT_METHOD_ID,
    STORE_PAYMENT_METHOD_ID,
)
from tests.ui.test_operator import panel  # noqa: F401 (the fixture)


def method(pm_id: str, status: str = "available", user: str = "usr_store") -> PaymentMethod:
    return PaymentMethod.model_validate({"id": pm_id, "status": status, "type": "card",
                                         "brand": "visa", "last4": pm_id[-4:], "user": user})


# -- the Qt-free rules -----------------------------------------------------------------------------

def test_owners_are_masked() -> None:
    assert mask_email("jerry@example.com") == "j…@example.com" and mask_email(None) == ""
    assert mask_name("Jerry Seinfeld") == "J… S…"


def test_why_a_method_cannot_pay() -> None:
    owners = {"usr_store": User(id="usr_store", email="counter@store.example",
                                full_name="Store counter", status="active"),
              "usr_gone": User(id="usr_gone", status="deleted")}
    choices = describe(
        [method("pm_ok_4242"), method("pm_confirm_1111", "requiresConfirmation"),
         method("pm_odd_2222", "suspended"), method("pm_declined_3333"),
         method("pm_gone_5555", user="usr_gone"), method("pm_test_0002")],
        owners, {"pm_declined_3333": "paymentCardDeclined"}, {"pm_test_0002": "test_declines"})
    assert [(c.id, c.problem) for c in choices] == [  # the API's order: none is put first
        ("pm_ok_4242", None), ("pm_confirm_1111", "requires_confirmation"),
        ("pm_odd_2222", "status"), ("pm_declined_3333", "declined"),
        ("pm_gone_5555", "owner_deleted"), ("pm_test_0002", "test_declines")]
    assert choices[0].owner == "S… c… · c…@store.example" and choices[0].usable
    assert "counter@" not in " ".join(c.owner for c in choices)


def test_the_journal_says_which_method_was_declined_last() -> None:
    def act(method_id: str, outcome: str | None, at: float) -> Any:
        return SimpleNamespace(payment_method_id=method_id, outcome=outcome, updated_at=at)

    failures = last_failures([
        act("pm_a", "paymentCardDeclined", 10), act("pm_a", "active", 20),  # paid since
        act("pm_b", "active", 10), act("pm_b", "paymentCardDeclined", 20),
        act("pm_c", "paymentMethodUserMismatch", 5), act("pm_d", "orderExpired", 5),
        act("pm_e", None, 5)])
    assert failures == {"pm_b": "paymentCardDeclined", "pm_c": "paymentMethodUserMismatch"}


# -- the payment tab -------------------------------------------------------------------------------

def loaded(panel: Any, qtbot: Any) -> Any:  # noqa: F811
    tab = panel.payments
    panel.setCurrentWidget(tab)
    tab.load()
    qtbot.waitUntil(lambda: len(tab.choices) == 4, timeout=10_000)
    return tab


def row_of(tab: Any, method_id: str) -> int:
    return next(n for n, c in enumerate(tab.choices) if c.id == method_id)


def lines(tab: Any, method_id: str) -> list[str]:
    return str(tab.list.item(row_of(tab, method_id)).text()).split("\n")


def test_the_list_shows_every_method_and_picks_none(panel: Any, qtbot: Any) -> None:  # noqa: F811
    tab = loaded(panel, qtbot)
    assert panel.payment.text() == ""  # nothing was put into the setting
    assert tab.list.selectedItems() == [] and tab.list.currentRow() == -1
    assert not tab.use_button.isEnabled()
    assert lines(tab, STORE_PAYMENT_METHOD_ID) == [
        "Visa ••4242 · card · available", "Owner: S… c… · c…@store.example", "✔ can pay"]
    assert lines(tab, DECLINED_PAYMENT_METHOD_ID)[2].startswith(
        "✘ cannot pay: the sandbox's test card")
    assert lines(tab, REQUIRES_CONFIRMATION_PAYMENT_METHOD_ID)[0].endswith("needs confirmation")
    assert lines(tab, REQUIRES_CONFIRMATION_PAYMENT_METHOD_ID)[2] == (
        "✘ cannot pay: it must be confirmed before it can pay")
    assert lines(tab, JERRY_PAYMENT_METHOD_ID)[1] == "Owner: J… S… · j…@example.com"
    assert "1 of 4 can pay" in tab.message.text()


def test_an_unusable_method_cannot_be_chosen(panel: Any, qtbot: Any) -> None:  # noqa: F811
    tab = loaded(panel, qtbot)
    for refused_id in (DECLINED_PAYMENT_METHOD_ID, REQUIRES_CONFIRMATION_PAYMENT_METHOD_ID,
                       JERRY_PAYMENT_METHOD_ID):
        tab.list.setCurrentRow(row_of(tab, refused_id))
        assert not tab.use_button.isEnabled()
        assert tab.message.objectName() == "Error" and "cannot be used" in tab.message.text()
        assert tab.use_selected() is False and tab.choose(refused_id) is False
        assert panel.payment.text() == ""
    assert panel.on_save() is True and panel.services.store.load(env={}).payment_method is None


def test_a_tap_and_use_this_one_choose_and_save_keeps_it(panel: Any, qtbot: Any) -> None:  # noqa: F811
    tab = loaded(panel, qtbot)
    row = row_of(tab, STORE_PAYMENT_METHOD_ID)
    rect = tab.list.visualItemRect(tab.list.item(row))
    QTest.mouseClick(tab.list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert tab.use_button.isEnabled()
    QTest.mouseClick(tab.use_button, Qt.MouseButton.LeftButton)
    assert panel.payment.text() == STORE_PAYMENT_METHOD_ID
    assert tab.message.objectName() == "Success" and "Save" in tab.message.text()
    assert lines(tab, STORE_PAYMENT_METHOD_ID)[0].startswith("➜ chosen, not saved · Visa ••4242")
    assert panel.on_save() is True
    assert panel.services.store.load(env={}).payment_method == STORE_PAYMENT_METHOD_ID
    assert lines(tab, STORE_PAYMENT_METHOD_ID)[0].startswith("✔ in use · Visa ••4242")


def test_a_configured_method_outside_the_list_is_pointed_out(panel: Any, qtbot: Any) -> None:  # noqa: F811
    panel.payment.setText("pm_typedByHand")
    tab = loaded(panel, qtbot)
    assert panel.payment.text() == "pm_typedByHand"  # loading changes nothing
    assert tab.message.objectName() == "Warning" and "pm_typedByHand" in tab.message.text()


def test_no_list_means_typing_the_id(panel: Any, qtbot: Any, monkeypatch: Any) -> None:  # noqa: F811
    from kiosk.gigs import NotFoundError

    async def no_list(self: Any, **_: Any) -> Any:
        raise NotFoundError("no list", method="GET", path="/paymentMethods", status=404,
                            request_id="req_1")

    monkeypatch.setattr("kiosk.gigs.GigsClient.list_payment_methods", no_list)
    tab = panel.payments
    tab.load()
    qtbot.waitUntil(lambda: "Cannot list" in tab.message.text(), timeout=10_000)
    assert tab.message.objectName() == "Error" and "NotFoundError" in tab.message.text()


def test_in_a_fleet_the_gateway_sets_the_method(panel: Any, qtbot: Any, monkeypatch: Any) -> None:  # noqa: F811
    """Gateway mode: the gateway pays with its store's method and refuses any other, so the
    tab says so and asks the API for nothing (a project's methods are not the kiosk's)."""
    asked: list[str] = []

    async def listed(self: Any, **_: Any) -> Any:
        asked.append("list")
        return []

    monkeypatch.setattr("kiosk.gigs.GigsClient.list_payment_methods", listed)
    panel.api_mode.setCurrentText("gateway")
    panel.api_url.setText("http://127.0.0.1:8765")
    panel.payment.setText("pm_storeOfTheFleet")
    tab = panel.payments
    tab.load()
    qtbot.waitUntil(lambda: "gateway sets" in tab.message.text(), timeout=10_000)
    assert "pm_storeOfTheFleet" in tab.message.text() and asked == []
