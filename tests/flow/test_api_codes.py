"""Every documented error code and order/payment status, end to end through the flow (issue 12).

Each reaches the customer as words of its own (and the CLI as its exit code, see
kiosk/cli/activate.py), never as "Something went wrong".
"""

from __future__ import annotations

import pytest

from kiosk.flow import Address, CustomerInput
from kiosk.flow.errors import MESSAGES
from kiosk.flow.states import EnteringCustomer, Failed, Ready, Review
from kiosk.sandbox.faults import FaultRule
from kiosk.sandbox.seed import (
    DECLINED_PAYMENT_METHOD_ID, DEMO_IMEIS, REQUIRES_CONFIRMATION_PAYMENT_METHOD_ID,
)
from tests.flow.conftest import Kit, drive

pytestmark = pytest.mark.asyncio
TRAVEL = "Travel 5 GB"


def failed_with(state: object, code: str) -> None:
    assert isinstance(state, Failed), state
    assert state.error.code == code, state.error
    assert state.error.user_message == MESSAGES[code][0] != MESSAGES["unexpected"][0]


async def test_sim_already_used_is_said_as_such(kit: Kit) -> None:
    """A SIM with a pending plan the kiosk could not see (no owner, `?sim=` refused): the
    API says `simAlreadyUsed`, and nothing else is tried."""
    kit.sandbox.sandbox.config.undocumented_filters = "refuse"
    kit.sandbox.sandbox.config.delayed_sim_seconds = 600  # stays inactive meanwhile
    kit.sandbox.sandbox.reset()
    store = kit.store
    device = next(d for d in store.devices.values() if d["imei"] == DEMO_IMEIS["delayed"])
    await kit.client.create_subscription(plan=kit.plan_id("Classic 10 GB"), sim=device["sims"][0],
                                         user=next(iter(store.users)))
    state = await drive(kit.flow(), [DEMO_IMEIS["delayed"]], kit.plan_id("Classic 10 GB"))
    failed_with(state, "already_subscribed")
    assert len(store.orders) == 0 or all(o["status"] == "canceled" for o in store.orders.values())


@pytest.mark.parametrize("status", [409, 422])
async def test_user_already_exists_uses_that_user(kit: Kit, status: int) -> None:
    """`userAlreadyExists` (its status undocumented) after a search that missed the user."""
    kit.sandbox.sandbox.config.user_exists_status = status
    client = kit.client
    real = client.search_users
    misses = [True]

    async def once_blind(email: str):  # type: ignore[no-untyped-def]
        if misses.pop() if misses else False:
            return []
        return await real(email)

    client.search_users = once_blind  # type: ignore[method-assign]
    state = await drive(kit.flow(), [DEMO_IMEIS["esim"]], kit.plan_id(TRAVEL),
                        CustomerInput("jerry@example.com", "Jerry Seinfeld"))
    assert isinstance(state, Ready), state
    user = kit.store.users[kit.journal.get(state.activation_id).user_id]
    assert user["email"] == "jerry@example.com"


async def test_user_address_invalid_goes_back_to_the_form(kit: Kit) -> None:
    flow = kit.flow()
    bad = CustomerInput("home@example.com", "Hanna Heim",
                        Address("Hauptstr. 1", "Berlin", "DE", postal_code="00000"))
    state = await drive(flow, [DEMO_IMEIS["psim"]], kit.plan_id("Resident 20 GB"), bad)
    assert isinstance(state, EnteringCustomer), state
    assert "verify this address" in dict(state.problems)["line1"]
    assert state.draft == bad  # what was typed stays
    assert len(kit.store.orders) == 0 and kit.journal.activations() == []
    await flow.enter_customer(CustomerInput("home@example.com", "Hanna Heim",
                                            Address("Hauptstr. 1", "Berlin", "DE",
                                                    postal_code="10115")))
    assert isinstance(flow.state, Review)
    await flow.confirm()
    assert isinstance(flow.state, Ready), flow.state


async def test_user_address_already_exists_reuses_it(kit: Kit) -> None:
    """Two kiosks add the same address at once: the second gets `userAddressAlreadyExists`."""
    client = kit.client
    real = client.list_user_addresses
    blind = [True]

    async def first_blind(user_id: str):  # type: ignore[no-untyped-def]
        if blind and blind.pop():
            made = await real(user_id)
            await client.create_user_address(user_id, line1="Hauptstr. 1", city="Berlin",
                                             country="DE", postal_code="10115")
            return made
        return await real(user_id)

    client.list_user_addresses = first_blind  # type: ignore[method-assign]
    state = await drive(kit.flow(), [DEMO_IMEIS["psim"]], kit.plan_id("Resident 20 GB"),
                        CustomerInput("home@example.com", "Hanna Heim", Address(
                            "Hauptstr. 1", "Berlin", "DE", postal_code="10115")))
    assert isinstance(state, Ready), state
    assert len(kit.store.addresses) == 1


async def test_order_expired(kit: Kit) -> None:
    kit.sandbox.sandbox.faults.rules.append(FaultRule(
        "status", status=422, code="orderExpired", method="POST", path="*/orders", count=1))
    state = await drive(kit.flow(), [DEMO_IMEIS["esim"]], kit.plan_id(TRAVEL))
    failed_with(state, "order_expired")
    assert kit.journal.activations()[0].outcome == "orderExpired"


async def test_payment_card_declined(kit: Kit) -> None:
    state = await drive(kit.flow(payment_method=DECLINED_PAYMENT_METHOD_ID),
                        [DEMO_IMEIS["esim"]], kit.plan_id(TRAVEL))
    failed_with(state, "payment_failed")


async def test_a_quoted_order_goes_to_staff(kit: Kit) -> None:
    kit.sandbox.sandbox.config.orders_start_as = "quoted"
    state = await drive(kit.flow(), [DEMO_IMEIS["esim"]], kit.plan_id(TRAVEL))
    failed_with(state, "order_needs_confirmation")
    assert kit.journal.activations()[0].outcome == "quoted"


async def test_a_payment_method_needing_confirmation_is_never_used(kit: Kit) -> None:
    state = await drive(kit.flow(payment_method=REQUIRES_CONFIRMATION_PAYMENT_METHOD_ID),
                        [DEMO_IMEIS["esim"]], kit.plan_id(TRAVEL))
    failed_with(state, "no_payment_method")
    assert "requiresConfirmation" in state.error.detail  # type: ignore[union-attr]
    assert len(kit.store.orders) == 0 and kit.journal.activations() == []


async def test_no_store_payment_method_means_no_order(kit: Kit) -> None:
    """Never a customer's own method from a list: only the store's, or none."""
    state = await drive(kit.flow(payment_method=None), [DEMO_IMEIS["esim"]], kit.plan_id(TRAVEL),
                        CustomerInput("jerry@example.com", "Jerry Seinfeld"))
    failed_with(state, "no_payment_method")
    assert kit.requests("GET /paymentMethods") == 0 and len(kit.store.orders) == 0


@pytest.mark.parametrize("phone", ["esim", "nosim"])
async def test_no_order_retrieve_endpoint_still_finds_the_subscription(kit: Kit,
                                                                       phone: str) -> None:
    """Retrieving an order is not documented: if the API has no such path (404), the order's
    subscription is found among the user's, and the order is not taken for lost."""
    from kiosk.gigs import NotFoundError

    async def no_such_path(order_id: str):  # type: ignore[no-untyped-def]
        raise NotFoundError("Unknown endpoint.", status=404, code="notFound")

    kit.client.retrieve_order = no_such_path  # type: ignore[method-assign]
    state = await drive(kit.flow(), [DEMO_IMEIS[phone]], kit.plan_id(TRAVEL))
    assert isinstance(state, Ready), state
    act = kit.journal.get(state.activation_id)
    assert act.status == "active" and act.subscription_id in kit.store.subscriptions
