"""Which plans a SIM gets, in which order, and how they are summarised for display."""

from __future__ import annotations

from decimal import Decimal

from kiosk.flow.catalog import choice_for, sellable, sim_choices, summary
from kiosk.gigs.models import Device, Plan


def plan(**kw: object) -> Plan:
    base = {"id": "p", "name": "P", "status": "available", "simTypes": ["eSIM"],
            "price": {"amount": 999, "currency": "EUR"}}
    return Plan.model_validate({**base, **kw})


def test_choices_prefer_the_psim_and_offer_auto_only_without_sims() -> None:
    dual = Device.model_validate({"id": "d", "sims": [
        {"id": "e", "type": "eSIM", "status": "inactive"},
        {"id": "p", "type": "pSIM", "status": "inactive"},
        {"id": "x", "type": "pSIM", "status": "retired"}]})
    assert [c.ref for c in sim_choices(dual)] == ["p", "e"]
    bare = Device.model_validate({"id": "d", "sims": [], "model": {"id": "m", "simTypes": ["eSIM"]}})
    assert [c.ref for c in sim_choices(bare)] == ["auto"]
    old = Device.model_validate({"id": "d", "sims": [], "model": {"id": "m", "simTypes": ["pSIM"]}})
    assert sim_choices(old) == ()


def test_sellable_filters_and_sorts() -> None:
    plans = [plan(id="dear", price={"amount": 2000, "currency": "EUR"}),
             plan(id="cheap-small", allowances={"dataBytes": 1}),
             plan(id="cheap-unlimited", allowances={"dataBytes": None}),
             plan(id="archived", status="archived"), plan(id="psim", simTypes=["pSIM"])]
    dual = Device.model_validate({"id": "d", "sims": [{"id": "e", "type": "eSIM",
                                                         "status": "inactive"}]})
    choices = sim_choices(dual)
    assert [p.id for p in sellable(plans, choices)] == ["cheap-unlimited", "cheap-small", "dear"]
    assert choice_for(plans[4], choices) is None


def test_summary_units() -> None:
    s = summary(plan(allowances={"dataBytes": None, "voiceSeconds": 18000, "smsMessages": 0},
                     validity={"value": 30, "unit": "day", "type": "oneTime"},
                     requirements={"address": "present"}, activationTrigger="usageStarted"))
    assert s.data_bytes is None and s.voice_minutes == 300 and s.sms == 0
    assert s.price == Decimal("9.99") and s.currency == "EUR" and s.validity_days == 30
    assert s.needs_address and s.starts_on_first_use and not s.recurring
    assert summary(plan(price={"amount": 500, "currency": "jpy"})).price == Decimal(500)
