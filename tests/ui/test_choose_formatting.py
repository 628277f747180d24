"""Phone numbers, prices with their period, allowances and terms as people write them (#13)."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import QLocale

from kiosk.flow.catalog import summary
from kiosk.gigs.models import Plan
from kiosk.ui import formatting as fmt

EN, DE = QLocale("en"), QLocale("de_DE")
GB = 1_000_000_000


def plan(**kw: Any) -> Plan:
    base = {"id": "p", "name": "P", "status": "available", "simTypes": ["eSIM"],
            "price": {"amount": 1499, "currency": "EUR"},
            "validity": {"value": 1, "unit": "month", "type": "recurring", "minimumPeriods": 1}}
    return Plan.model_validate({**base, **kw})


@pytest.mark.parametrize(("given", "shown"), [
    ("+4915123456789", "+49 1512 3456789"),
    ("+4930123456", "+49 30 123456"),
    ("+12125551234", "+1 212-555-1234"),
    ("+44 20 7946 0958", "+44 20 7946 0958"),
    (" +4915123456789 ", "+49 1512 3456789"),
    ("+49 1512 345 67 89", "+49 1512 3456789"),
    ("+19591234567", "+1 959-123-4567"),  # the reference's example: possible, not assigned
    ("+491511234567", "+49 1511234567"),  # a digit short: at least the country code apart
])
def test_phone_numbers_are_grouped_for_people(given: str, shown: str) -> None:
    assert fmt.phone_number(given, EN) == shown
    assert fmt.phone_number(given, DE) == shown


def test_a_number_without_country_code_is_read_in_the_locales_country() -> None:
    assert fmt.phone_number("015123456789", DE) == "+49 1512 3456789"


@pytest.mark.parametrize("given", ["", None, "not a number", "+", "12", "+49 151 000"])
def test_what_is_not_a_phone_number_is_shown_as_given(given: str | None) -> None:
    assert fmt.phone_number(given, EN) == (given or "").strip()


def test_price_with_its_period(qapp: Any) -> None:
    monthly = summary(plan())
    assert fmt.price_period(monthly, EN) == "€14.99 a month"
    quarterly = summary(plan(validity={"value": 3, "unit": "month", "type": "recurring"}))
    assert fmt.price_period(quarterly, EN) == "€14.99 every 3 months"
    trip = summary(plan(validity={"value": 30, "unit": "day", "type": "oneTime"}))
    assert fmt.price_period(trip, EN) == "€14.99 for 30 days"
    assert fmt.price_period(summary(plan(price=None)), EN) == ""


def test_allowances_in_few_words(qapp: Any) -> None:
    def said(data: int | None, voice: int | None, sms: int | None) -> str:
        return fmt.allowances(summary(plan(allowances={
            "dataBytes": data, "voiceSeconds": voice, "smsMessages": sms})), EN)

    assert said(None, None, None) == "Unlimited data, calls and texts"
    assert said(5 * GB, 0, 0) == "5 GB, data only"
    assert said(20 * GB, None, None) == "20 GB · unlimited calls and texts"
    assert said(10 * GB, 18_000, 100) == "10 GB · 300 minutes · 100 texts"


def test_terms_say_whether_it_renews_and_from_when(qapp: Any) -> None:
    assert fmt.terms(summary(plan())) == ("Renews every month until you cancel · starts when it "
                                          "is activated")
    year = summary(plan(validity={"value": 1, "unit": "month", "type": "recurring",
                                  "minimumPeriods": 12}))
    assert "minimum 12 months" in fmt.terms(year)
    once = summary(plan(validity={"value": 7, "unit": "day", "type": "oneTime"},
                        activationTrigger="usageStarted"))
    assert fmt.terms(once) == "One-off: does not renew · starts when you first use it"
