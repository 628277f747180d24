"""Whole activations against the sandbox over loopback HTTP, one path per test."""

from __future__ import annotations

import asyncio

import pytest

from kiosk.flow import Address, CustomerInput
from kiosk.flow.states import (
    DeviceFound, ExistingStatus,
    AlreadySubscribed, ChoosingPlan, EnteringCustomer, Failed, NoUsableSim, NotRegistered,
    PendingInBackground, Provisioning, Ready, Review, Step,
)
from kiosk.gigs.models import DeviceType, SimType, SubscriptionStatus
from kiosk.sandbox.seed import DEMO_IMEIS, DECLINED_PAYMENT_METHOD_ID
from tests.conftest import client_for
from tests.flow.conftest import Kit, drive

pytestmark = pytest.mark.asyncio


async def test_immediate_esim_to_activation_code(kit: Kit) -> None:
    flow = kit.flow()
    state = await drive(flow, [DEMO_IMEIS["esim"]], kit.plan_id("Travel 5 GB"))
    assert isinstance(state, Ready) and state.sim_type is SimType.ESIM
    assert state.code is not None and state.code.smdp_address == "smdp.sandbox.gigs.example"
    assert state.code.text.startswith("LPA:1$") and not state.activates_on_first_use
    act = kit.journal.get(state.activation_id)
    assert act.status == "active" and act.order_id and act.subscription_id
    assert kit.requests("POST /orders") == 1
    sim = kit.store.sims[act.sim_id]
    assert sim["status"] == "active"
    steps = [s.done for s in kit.states if isinstance(s, Provisioning)]
    assert steps[-1] >= {Step.ORDER_PLACED, Step.SUBSCRIPTION_CREATED, Step.SIM_PROVISIONING}


async def test_psim_already_inside_the_phone(kit: Kit) -> None:
    state = await drive(kit.flow(), [DEMO_IMEIS["psim"]], kit.plan_id("Classic 10 GB"))
    assert isinstance(state, Ready) and state.sim_type is SimType.PSIM and state.code is None
    assert kit.journal.get(state.activation_id).status == "active"
    assert kit.requests("GET /sims/{sim}/credentials") == 0


async def test_dual_sim_box_searches_both_imeis(kit: Kit) -> None:
    flow = kit.flow()
    await flow.submit_imei(DEMO_IMEIS["dual2"], DEMO_IMEIS["dual1"])
    state = flow.state
    assert isinstance(state, DeviceFound)
    assert [c.type for c in state.choices] == [SimType.PSIM, SimType.ESIM]
    assert kit.requests("POST /devices/search") == 2 and kit.requests("GET /plans") == 1


async def test_delayed_activation(kit: Kit) -> None:
    kit.sandbox.sandbox.config.delayed_sim_seconds = 0.6
    kit.sandbox.sandbox.reset()
    loop = asyncio.get_running_loop()
    started = loop.time()
    state = await drive(kit.flow(), [DEMO_IMEIS["delayed"]], kit.plan_id("Classic 10 GB"))
    assert isinstance(state, Ready) and loop.time() - started >= 0.6
    assert kit.requests("GET /subscriptions/{subscription}") >= 3  # it polled while pending


async def test_sim_already_active_places_no_order(kit: Kit) -> None:
    flow = kit.flow()
    await flow.submit_imei(DEMO_IMEIS["active"])
    state = flow.state
    assert isinstance(state, AlreadySubscribed) and state.can_show_esim
    assert state.subscription and state.subscription.status is SubscriptionStatus.ACTIVE
    await flow.show_existing()
    # Whoever holds the box learns the status, never the code of someone else's line.
    shown = flow.state
    assert isinstance(shown, ExistingStatus) and shown.status is SubscriptionStatus.ACTIVE
    assert shown.plan_name and shown.since is not None
    assert kit.requests("GET /sims/{sim}/credentials") == 0
    await flow.reset()
    await flow.submit_imei(DEMO_IMEIS["pending"])
    assert isinstance(flow.state, AlreadySubscribed)
    assert flow.state.subscription.status is SubscriptionStatus.PENDING
    assert kit.requests("POST /orders") == 0 and kit.requests("POST /subscriptions") == 0


async def test_unknown_imei_and_unregistered_models(kit: Kit) -> None:
    flow = kit.flow()
    await flow.submit_imei(DEMO_IMEIS["unknown"])
    assert flow.state == NotRegistered(())
    await flow.submit_imei(DEMO_IMEIS["unregistered_esim"])
    assert isinstance(flow.state, NotRegistered) and flow.state.supports_esim is True
    await flow.submit_imei(DEMO_IMEIS["unregistered_psim"])
    assert isinstance(flow.state, NotRegistered) and flow.state.supports_esim is False
    await flow.submit_imei("358507311042120")  # a typo: rejected before any request
    assert isinstance(flow.state, Failed) and flow.state.error.code == "invalid_imei"


async def test_unsupported_device_has_no_sim_and_no_esim(kit: Kit) -> None:
    await kit.client._requestor.request(
        "POST", "/projects/demo/devices", json={"imei": "351775120000015"})  # a Nokia 105
    flow = kit.flow()
    await flow.submit_imei("351775120000015")
    assert isinstance(flow.state, NoUsableSim) and flow.state.reason == "no_sim"


@pytest.mark.parametrize("mode", ["orders", "subscriptions"])
async def test_device_without_sim_gets_a_new_esim(kit: Kit, mode: str) -> None:
    state = await drive(kit.flow(mode=mode), [DEMO_IMEIS["nosim"]], kit.plan_id("Travel 5 GB"))
    assert isinstance(state, Ready) and state.code is not None
    act = kit.journal.get(state.activation_id)
    assert act.sim_id and kit.store.sims[act.sim_id]["type"] == "eSIM"
    flow = kit.flow()
    await flow.submit_imei(DEMO_IMEIS["nosim"])  # the journal remembers the device
    assert isinstance(flow.state, AlreadySubscribed)


async def test_plan_requiring_an_address(kit: Kit) -> None:
    flow = kit.flow()
    await flow.submit_imei(DEMO_IMEIS["psim"])
    await flow.confirm_device()
    await flow.choose_plan(kit.plan_id("Resident 20 GB"))
    assert isinstance(flow.state, EnteringCustomer) and flow.state.needs_address
    await flow.enter_customer(CustomerInput("home@example.com", "Hanna Heim"))
    assert isinstance(flow.state, EnteringCustomer)
    assert dict(flow.state.problems)["address"] == "This plan needs your home address."
    assert kit.requests("POST /users") == 0  # validated locally, nothing sent
    await flow.enter_customer(CustomerInput("home@example.com", "Hanna Heim", Address(
        "Hauptstr. 1", "Berlin", "de", postal_code="10115")))
    assert isinstance(flow.state, Review)
    await flow.confirm()
    assert isinstance(flow.state, Ready), flow.state
    act = kit.journal.get(flow.state.activation_id)
    assert act.address_id and kit.store.addresses[act.address_id]["country"] == "DE"


async def test_existing_user_is_reused_by_email(kit: Kit) -> None:
    state = await drive(kit.flow(), [DEMO_IMEIS["esim"]], kit.plan_id("Travel 5 GB"),
                        CustomerInput("Jerry@Example.com", "Jerry Seinfeld"))
    assert isinstance(state, Ready)
    assert kit.journal.get(state.activation_id).user_id.startswith("usr_0SNl")  # the seeded one
    assert kit.requests("POST /users") == 0


async def test_device_owner_skips_the_customer_form(kit: Kit) -> None:
    jerry = next(u for u in kit.store.users.values() if u["email"] == "jerry@example.com")
    await kit.client._requestor.request("POST", "/projects/demo/devices", json={
        "imei": "358507310000015", "sims": ["sim_test_esim"], "user": jerry["id"]})
    flow = kit.flow()
    await flow.submit_imei("358507310000015")
    await flow.confirm_device()
    await flow.choose_plan(kit.plan_id("Travel 5 GB"))
    assert isinstance(flow.state, Review) and flow.state.owner.id == jerry["id"]
    await flow.confirm()
    assert isinstance(flow.state, Ready)


async def test_back_walks_the_interactive_pages(kit: Kit) -> None:
    flow = kit.flow()
    await flow.submit_imei(DEMO_IMEIS["psim"])
    await flow.confirm_device()
    await flow.choose_plan(kit.plan_id("Classic 10 GB"))
    await flow.enter_customer(CustomerInput("b@example.com", "B Back"))
    assert isinstance(flow.state, Review)
    await flow.back()
    assert isinstance(flow.state, EnteringCustomer)
    await flow.back()
    assert isinstance(flow.state, ChoosingPlan)
    await flow.back()
    assert isinstance(flow.state, DeviceFound)
    await flow.back()  # the start of the way back: nothing further
    assert isinstance(flow.state, DeviceFound)
    await flow.confirm_device()
    await flow.choose_plan(kit.plan_id("Unlimited Europe"))
    assert flow.state.plan.name == "Unlimited Europe"


async def test_401_is_a_failed_state_for_staff(kit: Kit) -> None:
    kit.sandbox.sandbox.config.token = "the-real-key"
    flow = kit.flow()
    await flow.submit_imei(DEMO_IMEIS["esim"])
    assert isinstance(flow.state, Failed) and flow.state.error.code == "auth_failed"
    assert "API key" in flow.state.error.what_to_do


async def test_bursts_of_429_with_retry_after(kit: Kit) -> None:
    faults = kit.sandbox.sandbox.faults
    from kiosk.sandbox.faults import FaultRule
    faults.rules += [FaultRule("429", path="*/plans", count=2, retry_after=1),
                     FaultRule("429", method="POST", path="*/orders", count=3, retry_after=2),
                     FaultRule("429", path="*/orders/*", count=2, retry_after=1)]
    flow = kit.flow()
    flow.ctx.sleep = kit.sleep
    state = await drive(flow, [DEMO_IMEIS["esim"]], kit.plan_id("Travel 5 GB"))
    assert isinstance(state, Ready)
    # A 429 on the order may come after the API acted: each is waited for as asked, then
    # reconciled before the next send (by the order guard, not by the HTTP client).
    assert kit.sleep.delays.count(2.0) == 3 and kit.sleep.delays.count(1.0) == 4
    assert len(kit.store.orders) == 1 and kit.requests("POST /orders") == 4


async def test_5xx_storms(kit: Kit) -> None:
    from kiosk.sandbox.faults import FaultRule
    kit.sandbox.sandbox.faults.rules += [FaultRule("503", method="GET", rate=0.4),
                                         FaultRule("502", method="POST", rate=0.3)]
    state = await drive(kit.flow(), [DEMO_IMEIS["esim"]], kit.plan_id("Travel 5 GB"))
    assert isinstance(state, Ready), state
    assert len(kit.store.orders) == 1 and len(kit.store.subscriptions) == 3  # 2 seeded + 1


async def test_api_down_then_back_can_retry(kit: Kit) -> None:
    from kiosk.sandbox.faults import FaultRule
    kit.sandbox.sandbox.faults.rules.append(FaultRule("503", method="POST", path="*/search"))
    flow = kit.flow()
    await flow.submit_imei(DEMO_IMEIS["esim"])
    assert isinstance(flow.state, Failed) and flow.state.can_retry
    kit.sandbox.sandbox.faults.rules.clear()
    await flow.retry()
    assert isinstance(flow.state, DeviceFound)


async def test_declined_payment(kit: Kit) -> None:
    state = await drive(kit.flow(payment_method=DECLINED_PAYMENT_METHOD_ID),
                        [DEMO_IMEIS["esim"]], kit.plan_id("Travel 5 GB"))
    assert isinstance(state, Failed) and state.error.code == "payment_failed"
    assert kit.journal.activations()[0].status == "failed"


async def test_usage_started_plan_is_ready_without_waiting_for_active(kit: Kit) -> None:
    state = await drive(kit.flow(), [DEMO_IMEIS["esim"]], kit.plan_id("Starter 1 GB"))
    assert isinstance(state, Ready) and state.activates_on_first_use and state.code
    act = kit.journal.get(state.activation_id)
    assert act.status == "ready"
    assert kit.store.subscriptions[act.subscription_id]["status"] == "pending"


async def test_direct_subscription_mode(kit: Kit) -> None:
    state = await drive(kit.flow(mode="subscriptions"), [DEMO_IMEIS["esim"]],
                        kit.plan_id("Travel 5 GB"))
    assert isinstance(state, Ready) and state.code is not None
    assert kit.requests("POST /orders") == 0 and kit.requests("POST /subscriptions") == 1


async def test_deadline_leaves_it_pending_then_resume_completes(kit: Kit) -> None:
    kit.sandbox.sandbox.config.delayed_sim_seconds = 1.0
    kit.sandbox.sandbox.reset()
    adopted = []
    flow = kit.flow(deadline=0.3)
    flow._on_background = adopted.append
    state = await drive(flow, [DEMO_IMEIS["delayed"]], kit.plan_id("Classic 10 GB"))
    assert isinstance(state, PendingInBackground) and state.reference
    act = kit.journal.get(state.activation_id)
    assert act.status == "pending" and [a.id for a in adopted] == [act.id]
    assert [a.id for a in kit.journal.unfinished()] == [act.id]
    later = kit.flow()
    await later.resume(act.id)
    assert isinstance(later.state, Ready)
    assert kit.journal.get(act.id).status == "active" and len(kit.store.orders) == 1


async def test_profile_status_is_followed_for_p3(kit: Kit) -> None:
    kit.sandbox.sandbox.config.profile_step_seconds = 0.2
    flow = kit.flow(profile_follow=5)
    state = await drive(flow, [DEMO_IMEIS["profile"]], kit.plan_id("Resident 20 GB"),
                        CustomerInput("p@example.com", "P Three", Address("A 1", "B", "DE")))
    assert isinstance(state, Ready) and state.provider == "p3"
    for _ in range(200):
        if flow.state.profile.value == "enabled":
            break
        await asyncio.sleep(0.02)
    assert flow.state.profile.value == "enabled"
    assert "installed" in {s.profile.value for s in kit.states if isinstance(s, Ready)}
    await flow.cancel()


async def test_second_kiosk_client_sees_the_journal(kit: Kit, sandbox, sleep) -> None:
    state = await drive(kit.flow(), [DEMO_IMEIS["esim"]], kit.plan_id("Travel 5 GB"))
    assert isinstance(state, Ready)
    async with client_for(sandbox, sleep) as other:
        flow = kit.flow(client=other)
        await flow.submit_imei(DEMO_IMEIS["esim"])
        assert isinstance(flow.state, AlreadySubscribed)


# -- the SIM the customer chooses, and plans by device (#13) ---------------------------------------

async def test_dual_sim_the_chosen_esim_is_the_one_activated(kit: Kit) -> None:
    """"Unlimited Europe" fits both SIMs: the one the customer chose is ordered (by the guard)."""
    flow = kit.flow()
    await flow.submit_imei(DEMO_IMEIS["dual1"])
    found = flow.state
    assert isinstance(found, DeviceFound) and found.needs_sim_choice
    esim = next(c for c in found.choices if c.type is SimType.ESIM)
    await flow.choose_sim(esim.ref)
    assert isinstance(flow.state, ChoosingPlan)
    assert all(SimType.ESIM in p.sim_types for p in flow.state.plans)
    await flow.choose_plan(kit.plan_id("Unlimited Europe"))
    await flow.enter_customer(CustomerInput("two@example.com", "Two Sims"))
    await flow.confirm()
    state = flow.state
    assert isinstance(state, Ready) and state.sim_type is SimType.ESIM and state.code is not None
    act = kit.journal.get(state.activation_id)
    assert act.sim_id == esim.ref and act.sim_type == "eSIM"
    card = next(c for c in found.choices if c.type is SimType.PSIM)
    assert len(kit.store.orders) == 1 and kit.store.sims[esim.ref]["status"] == "active"
    assert kit.store.sims[card.ref]["status"] == "inactive"


async def test_sim_card_phone_can_get_a_new_esim_instead(kit: Kit) -> None:
    flow = kit.flow()
    await flow.submit_imei(DEMO_IMEIS["psim"])
    found = flow.state
    assert isinstance(found, DeviceFound)
    assert [(c.type, c.sim is None) for c in found.choices] == [(SimType.PSIM, False),
                                                                (SimType.ESIM, True)]
    await flow.choose_sim("auto")
    await flow.choose_plan(kit.plan_id("Travel 5 GB"))
    await flow.enter_customer(CustomerInput("new.esim@example.com", "New Esim"))
    await flow.confirm()
    assert isinstance(flow.state, Ready) and flow.state.code is not None
    card = found.choices[0].sim
    assert kit.store.sims[card.id]["status"] == "inactive"  # the card in the box is untouched
    again = kit.flow()
    await again.submit_imei(DEMO_IMEIS["psim"])  # the journal knows its new eSIM
    assert isinstance(again.state, AlreadySubscribed)


@pytest.mark.parametrize(("key", "offered", "absent"), [
    ("watch", {"Watch Connect"}, {"Travel 5 GB", "Starter 1 GB", "Unlimited Europe"}),
    ("esim", {"Travel 5 GB", "Unlimited Europe"}, {"Watch Connect"}),
    ("tablet", {"Travel 5 GB", "Unlimited Europe"}, {"Watch Connect"}),
    ("psim", {"Classic 10 GB", "Travel 5 GB"}, {"Watch Connect", "Legacy 2 GB"}),
])
async def test_plans_are_offered_by_the_device_type(kit: Kit, key: str, offered: set[str],
                                                    absent: set[str]) -> None:
    flow = kit.flow()
    await flow.submit_imei(DEMO_IMEIS[key])
    assert isinstance(flow.state, DeviceFound)
    names = {p.name for p in flow.state.plans}
    assert offered <= names and not absent & names


async def test_ready_names_the_device_type(kit: Kit) -> None:
    state = await drive(kit.flow(), [DEMO_IMEIS["tablet"]], kit.plan_id("Travel 5 GB"))
    assert isinstance(state, Ready) and state.device_type is DeviceType.TABLET
