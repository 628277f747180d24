"""Which plans a SIM gets, in which order, and how they are summarised for display."""

from __future__ import annotations

from decimal import Decimal

import pytest

from kiosk.flow.catalog import (
    DeviceKind, choice_for, declared_device_types, display_name, fits_device, for_sim, kind_of,
    sellable, sim_choices, summary,
)
from kiosk.flow.states import SimChoice
from kiosk.gigs.models import Device, DeviceModel, DeviceType, Plan, Sim, SimType


def plan(**kw: object) -> Plan:
    base = {"id": "p", "name": "P", "status": "available", "simTypes": ["eSIM"],
            "price": {"amount": 999, "currency": "EUR"}}
    return Plan.model_validate({**base, **kw})


def test_choices_prefer_the_psim_and_offer_auto_only_without_an_esim() -> None:
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
    assert [p.id for p in sellable(plans, choices, kind=DeviceType.SMARTPHONE)] == [
        "cheap-unlimited", "cheap-small", "dear"]
    assert choice_for(plans[4], choices) is None


def test_summary_units() -> None:
    s = summary(plan(allowances={"dataBytes": None, "voiceSeconds": 18000, "smsMessages": 0},
                     validity={"value": 30, "unit": "day", "type": "oneTime"},
                     requirements={"address": "present"}, activationTrigger="usageStarted"))
    assert s.data_bytes is None and s.voice_minutes == 300 and s.sms == 0
    assert s.price == Decimal("9.99") and s.currency == "EUR" and s.validity_days == 30
    assert s.needs_address and s.starts_on_first_use and not s.recurring
    assert summary(plan(price={"amount": 500, "currency": "jpy"})).price == Decimal(500)


# -- which devices a plan is for (#13) ------------------------------------------------------------

PHONE_PLAN = plan(id="phone")  # names no device type: a phone plan
WATCH_PLAN = plan(id="watch", metadata={"deviceTypes": "smartwatch"})


@pytest.mark.parametrize(("kind", "offered"), [
    (DeviceType.SMARTPHONE, {"phone"}), (DeviceType.FEATURE_PHONE, {"phone"}),
    (DeviceType.TABLET, {"phone"}), (DeviceType.SMARTWATCH, {"watch"}),
    (DeviceType.WEARABLE, set()), (DeviceType.LAPTOP, set()), (DeviceType.UNKNOWN, set()),
])
def test_watch_plans_for_watches_and_phone_plans_for_phones_and_tablets(
        kind: DeviceType, offered: set[str]) -> None:
    assert {p.id for p in (PHONE_PLAN, WATCH_PLAN) if fits_device(p, kind)} == offered


def test_a_plan_may_name_several_device_types_and_an_unreadable_list_fits_nothing() -> None:
    both = plan(metadata={"deviceTypes": ["smartwatch", " Tablet "]})
    assert declared_device_types(both) == {DeviceType.SMARTWATCH, DeviceType.TABLET}
    assert fits_device(both, DeviceType.TABLET) and not fits_device(both, DeviceType.SMARTPHONE)
    for unreadable in (5, "", "toaster", ["fridge"]):
        odd = plan(metadata={"deviceTypes": unreadable})
        assert declared_device_types(odd) == frozenset()
        assert not any(fits_device(odd, kind) for kind in DeviceType)
    assert declared_device_types(PHONE_PLAN) is None


def test_sellable_takes_the_device_type_into_account() -> None:
    choices = (SimChoice(None, SimType.ESIM),)
    plans = [PHONE_PLAN, WATCH_PLAN]
    assert [p.id for p in sellable(plans, choices, kind=DeviceType.SMARTWATCH)] == ["watch"]
    assert [p.id for p in sellable(plans, choices, kind=DeviceType.TABLET)] == ["phone"]
    assert sellable(plans, choices, kind=DeviceType.UNKNOWN) == ()


def test_esim_only_plans_go_on_an_esim_only() -> None:
    esim_only, both, psim_only = (plan(id="e"), plan(id="b", simTypes=["eSIM", "pSIM"]),
                                  plan(id="p", simTypes=["pSIM"]))
    card = SimChoice(Sim.model_validate({"id": "s", "type": "pSIM"}), SimType.PSIM)
    new_esim = SimChoice(None, SimType.ESIM)
    assert [p.id for p in for_sim([esim_only, both, psim_only], card)] == ["b", "p"]
    assert [p.id for p in for_sim([esim_only, both, psim_only], new_esim)] == ["e", "b"]


def test_a_sim_card_phone_that_takes_esim_offers_a_new_esim_beside_the_card() -> None:
    model = {"id": "m", "simTypes": ["pSIM", "eSIM"], "type": "smartphone"}
    card = {"id": "p", "type": "pSIM", "status": "inactive"}
    with_card = Device.model_validate({"id": "d", "model": model, "sims": [card]})
    assert [c.ref for c in sim_choices(with_card)] == ["p", "auto"]
    # Never a second eSIM, nor one beside a SIM staff must look at.
    has_esim = Device.model_validate({"id": "d", "model": model, "sims": [
        card, {"id": "e", "type": "eSIM", "status": "retired"}]})
    assert [c.ref for c in sim_choices(has_esim)] == ["p"]
    retired = Device.model_validate({"id": "d", "model": model, "sims": [
        {**card, "status": "retired"}]})
    assert sim_choices(retired) == ()
    no_esim = Device.model_validate({"id": "d", "model": {**model, "simTypes": ["pSIM"]},
                                     "sims": [card]})
    assert [c.ref for c in sim_choices(no_esim)] == ["p"]


@pytest.mark.parametrize(("brand", "name", "shown"), [
    ("Fairphone", "Fairphone 5", "Fairphone 5"), ("Google", "Pixel 9", "Google Pixel 9"),
    ("Apple", "Apple Watch Series 9", "Apple Watch Series 9"),
    ("HMD Global", "HMD Pulse", "HMD Pulse"), ("fairphone", "FAIRPHONE 4", "FAIRPHONE 4"),
    ("Nokia", "105", "Nokia 105"), (None, "Pixel 9", "Pixel 9"), ("Google", None, "Google"),
])
def test_display_name_never_repeats_the_brand(brand: str | None, name: str | None,
                                              shown: str) -> None:
    model = DeviceModel.model_validate({"id": "m", "brand": brand, "name": name})
    assert display_name(model) == shown
    assert display_name(None) == ""


def test_device_kind_names_the_device_as_its_owner_would() -> None:
    assert kind_of(DeviceType.SMARTPHONE) is kind_of(DeviceType.FEATURE_PHONE) is DeviceKind.PHONE
    assert kind_of(DeviceType.UNKNOWN) is DeviceKind.PHONE  # the kiosk's own word
    assert kind_of(DeviceType.TABLET) is DeviceKind.TABLET
    assert kind_of(DeviceType.SMARTWATCH) is DeviceKind.WATCH
    assert kind_of(DeviceType.ROUTER) is kind_of(DeviceType.WEARABLE) is DeviceKind.OTHER


def test_summary_keeps_the_minimum_term() -> None:
    s = summary(plan(validity={"value": 1, "unit": "month", "type": "recurring",
                               "minimumPeriods": 12}))
    assert s.recurring and s.validity_months == 1 and s.minimum_periods == 12
    assert summary(plan()).minimum_periods == 1
