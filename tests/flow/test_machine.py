"""The visit's state machine alone: no server, no event loop, no journal."""

from __future__ import annotations

from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.flow.customer import CustomerInput
from kiosk.flow.machine import (
    Arrived, Back, ChoosePlan, ChooseSim, Confirm, ConfirmDevice, EnterCustomer, FollowExisting,
    LookUp, PlaceOrder, Reset, Retry, ShowExisting, SubmitImeis, next_state,
)
from kiosk.flow.catalog import sim_choices
from kiosk.flow.errors import KioskError
from kiosk.flow.states import (
    AlreadySubscribed, ChoosingPlan, DeviceFound, EnteringCustomer, Failed, Idle, LookingUp,
    Placing, Ready, Review, Visit,
)
from kiosk.gigs.models import Device, Plan, Subscription

IMEI = "358507311042123"
DEVICE = Device.model_validate({
    "id": "dev_1", "model": {"id": "dmd_1", "brand": "Fairphone", "name": "5",
                             "type": "smartphone", "simTypes": ["eSIM", "pSIM"]},
    "sims": [{"id": "sim_1", "type": "eSIM", "status": "inactive", "iccid": "8949000000000000001"}]})
PLAN = Plan.model_validate({"id": "pln_1", "name": "Travel", "simTypes": ["eSIM"],
                            "status": "available"})
CUSTOMER = CustomerInput("pat@example.com", "Pat Doe")


def found() -> Visit:
    visit, effect = next_state(Visit(), SubmitImeis((IMEI,)))
    assert isinstance(visit.page, LookingUp) and effect == LookUp((IMEI,))
    page = DeviceFound(DEVICE, sim_choices(DEVICE), (PLAN,))
    visit, effect = next_state(visit, Arrived(page))
    assert effect is None and visit.imeis == (IMEI,)
    return visit


def step(visit: Visit, intent: object) -> Visit:
    visit, effect = next_state(visit, intent)  # type: ignore[arg-type]
    assert effect is None, effect
    return visit


def test_the_wizard_path_and_back_again() -> None:
    """scan -> phone -> plan -> details -> review -> back -> back, with no server."""
    visit = step(found(), ConfirmDevice())
    assert isinstance(visit.page, ChoosingPlan)
    visit = step(visit, ChoosePlan("pln_1"))
    assert isinstance(visit.page, EnteringCustomer)
    visit = step(visit, EnterCustomer(CustomerInput("not an email", "")))
    assert isinstance(visit.page, EnteringCustomer) and dict(visit.page.problems)["email"]
    visit = step(visit, EnterCustomer(CUSTOMER))
    assert isinstance(visit.page, Review) and visit.page.customer.email == CUSTOMER.email
    visit = step(visit, Back())
    assert isinstance(visit.page, EnteringCustomer)
    visit = step(visit, Back())
    assert isinstance(visit.page, ChoosingPlan)
    visit = step(visit, Back())
    assert isinstance(visit.page, DeviceFound)
    assert step(visit, Back()) == visit  # the way back ends at the phone
    assert visit.imeis == (IMEI,)


def review() -> Visit:
    visit = step(step(found(), ConfirmDevice()), ChoosePlan("pln_1"))
    return step(visit, EnterCustomer(CUSTOMER))


def test_confirm_moves_to_placing_at_once_and_a_second_confirm_does_nothing() -> None:
    visit, effect = next_state(review(), Confirm())
    assert isinstance(visit.page, Placing) and isinstance(effect, PlaceOrder)
    assert effect.review is not None and effect.activation_id is None
    for again in (Confirm(), Retry(), Back(), SubmitImeis((IMEI,)), ConfirmDevice()):
        assert next_state(visit, again) == (visit, None)


def test_try_again_after_an_order_attempt_resumes_that_activation() -> None:
    visit, _ = next_state(review(), Confirm())
    visit = step(visit, Arrived(Placing("act_1", "K7M2-Q9XD"), "act_1"))
    visit = step(visit, Arrived(Failed(KioskError("api_unavailable", retryable=True), True)))
    assert isinstance(visit.page, Failed) and visit.page.activation_id == "act_1"
    visit, effect = next_state(visit, Retry())
    assert effect == PlaceOrder(activation_id="act_1")  # never a new checkout
    assert isinstance(visit.page, Placing)


def test_try_again_before_anything_was_journaled_orders_from_the_review() -> None:
    start = review()
    visit, _ = next_state(start, Confirm())
    failed = Failed(KioskError("api_unavailable", retryable=True), True, None, start.page)
    visit = step(visit, Arrived(failed))
    _, effect = next_state(visit, Retry())
    assert effect == PlaceOrder(review=start.page)  # type: ignore[arg-type]


def test_reset_forgets_everything() -> None:
    assert step(review(), Reset()) == Visit(Idle())


def test_an_invalid_imei_is_one_clear_failure() -> None:
    visit = step(Visit(), SubmitImeis(("358507311042124",)))
    assert isinstance(visit.page, Failed) and visit.page.error.code == "invalid_imei"
    assert not visit.page.can_retry


CUSTOMER_INTENTS = st.sampled_from([
    Confirm(), Retry(), Back(), ShowExisting(), ConfirmDevice(), ChooseSim("sim_1"),
    ChooseSim("auto"), ChoosePlan("pln_1"),
    EnterCustomer(CUSTOMER), SubmitImeis((IMEI,)),
])


@settings(max_examples=300, deadline=None)
@given(st.lists(CUSTOMER_INTENTS, max_size=12), st.booleans())
def test_a_strangers_sim_never_leads_to_an_order_or_a_code(intents: list[object],
                                                          fail: bool) -> None:
    """From "already subscribed", nothing a visitor taps asks for an order or a code."""
    sub = Subscription.model_validate({"id": "sub_1", "status": "active", "sim": "sim_1"})
    visit = step(Visit(imeis=(IMEI,)), Arrived(AlreadySubscribed(DEVICE, DEVICE.sims[0], sub)))
    for intent in intents:
        if isinstance(intent, SubmitImeis):
            continue  # a new scan is a new visit, tested above
        visit, effect = next_state(visit, intent)  # type: ignore[arg-type]
        assert not isinstance(effect, PlaceOrder)
        assert not isinstance(visit.page, Ready)
        assert visit.activation_id is None
        if isinstance(effect, FollowExisting) and fail:
            visit = step(visit, Arrived(Failed(KioskError("api_unavailable", retryable=True),
                                               True, None, effect.existing)))


# -- a device with more than one SIM: the customer chooses which one (#13) ---------------------------

DUAL = Device.model_validate({
    "id": "dev_2", "model": {"id": "dmd_2", "brand": "Google", "name": "Pixel 9",
                             "type": "smartphone", "simTypes": ["eSIM", "pSIM"]},
    "sims": [{"id": "sim_card", "type": "pSIM", "status": "inactive", "iccid": "89490000000000000017"},
             {"id": "sim_esim", "type": "eSIM", "status": "inactive", "iccid": "89490000000000000025"}]})
ESIM_ONLY = Plan.model_validate({"id": "pln_e", "name": "Travel", "simTypes": ["eSIM"],
                                 "status": "available"})
BOTH = Plan.model_validate({"id": "pln_b", "name": "Unlimited", "simTypes": ["eSIM", "pSIM"],
                            "status": "available"})
CARD_ONLY = Plan.model_validate({"id": "pln_p", "name": "Classic", "simTypes": ["pSIM"],
                                 "status": "available", "requirements": {"user.birthday": "present"}})


def dual_found() -> Visit:
    visit = step(Visit(imeis=(IMEI,)), Arrived(DeviceFound(DUAL, sim_choices(DUAL), (ESIM_ONLY, BOTH),
                                                           (CARD_ONLY,))))
    assert isinstance(visit.page, DeviceFound) and visit.page.needs_sim_choice
    return visit


def test_the_customer_chooses_the_sim_and_sees_only_its_plans() -> None:
    visit = step(dual_found(), ChooseSim("sim_esim"))
    page = visit.page
    assert isinstance(page, ChoosingPlan)
    assert [c.ref for c in page.choices] == ["sim_esim"]
    assert [p.id for p in page.plans] == ["pln_e", "pln_b"] and page.withheld == 0
    visit = step(visit, Back())
    assert isinstance(visit.page, DeviceFound) and visit.page.needs_sim_choice
    visit = step(visit, ChooseSim("sim_card"))
    assert [p.id for p in visit.page.plans] == ["pln_b"] and visit.page.withheld == 1
    assert step(visit, ChoosePlan("pln_e")) == visit  # an eSIM plan is not for the SIM card


def test_the_chosen_sim_is_the_one_ordered_even_for_a_plan_that_fits_both() -> None:
    """Without a choice the plan goes on the SIM card (pSIM first); chosen, on the eSIM."""
    for ref in ("sim_esim", "sim_card"):
        visit = step(step(dual_found(), ChooseSim(ref)), ChoosePlan("pln_b"))
        visit = step(visit, EnterCustomer(CUSTOMER))
        assert isinstance(visit.page, Review) and visit.page.choice.ref == ref
        visit, effect = next_state(visit, Confirm())
        assert isinstance(effect, PlaceOrder) and effect.review.choice.ref == ref  # the guard's
    visit = step(step(dual_found(), ConfirmDevice()), ChoosePlan("pln_b"))
    assert visit.page.choice.ref == "sim_card"


def test_a_sim_that_was_not_offered_is_not_chosen() -> None:
    start = dual_found()
    for ref in ("sim_other", "auto", ""):
        assert step(start, ChooseSim(ref)) == start
    only_esim_plans = replace(start.page, plans=(ESIM_ONLY,), unsold=())
    visit = replace(start, page=only_esim_plans)
    assert step(visit, ChooseSim("sim_card")) == visit  # no plan goes on it
    chosen = step(start, ChooseSim("sim_esim"))
    assert step(chosen, ChooseSim("sim_card")) == chosen  # only on the device page


def test_a_new_esim_beside_the_sim_card_is_a_choice_too() -> None:
    card_phone = DUAL.model_copy(update={"sims": DUAL.sims[:1]})
    choices = sim_choices(card_phone)
    assert [c.ref for c in choices] == ["sim_card", "auto"]
    visit = step(Visit(imeis=(IMEI,)), Arrived(DeviceFound(card_phone, choices, (ESIM_ONLY, BOTH))))
    visit = step(step(visit, ChooseSim("auto")), ChoosePlan("pln_b"))
    assert visit.page.choice.sim is None and visit.page.choice.ref == "auto"
