"""Never the same order twice: dropped connections, ambiguous errors, crashes mid-order."""

from __future__ import annotations

import pytest

from kiosk.flow.context import Context, FlowSettings
from kiosk.flow import guard
from kiosk.flow.states import Ready
from kiosk.sandbox.faults import FaultRule
from kiosk.sandbox.seed import DEMO_IMEIS, STORE_PAYMENT_METHOD_ID
from tests.conftest import client_for
from tests.flow.conftest import FAST, Kit, drive

pytestmark = pytest.mark.asyncio


def one_order_one_subscription(kit: Kit) -> None:
    store = kit.store
    assert len(store.orders) == 1
    ours = [s for s in store.subscriptions.values() if s["user"] == next(
        iter(store.orders.values()))["user"]]
    assert len(ours) == 1


@pytest.mark.parametrize("keys", [True, False], ids=["keys-on", "keys-off"])
@pytest.mark.parametrize("mode", ["orders", "subscriptions"])
async def test_connection_dropped_after_commit(kit: Kit, sandbox, sleep, keys: bool,
                                               mode: str) -> None:
    route = "*/orders" if mode == "orders" else "*/subscriptions"
    kit.sandbox.sandbox.faults.rules.append(
        FaultRule("drop_after", method="POST", path=route, count=1))
    async with client_for(sandbox, sleep, idempotency_keys=keys) as client:
        state = await drive(kit.flow(client=client, mode=mode), [DEMO_IMEIS["esim"]],
                            kit.plan_id("Travel 5 GB"))
    assert isinstance(state, Ready), state
    if mode == "orders":
        one_order_one_subscription(kit)
    else:
        assert len(kit.store.subscriptions) == 3  # two seeded, one ours
    act = kit.journal.get(state.activation_id)
    events = [status for _, status, _ in kit.journal.events(act.id)]
    if not keys:
        assert "unknown" in events  # it reconciled instead of resending blindly
        assert kit.requests(f"POST /{route[2:]}") == 1


@pytest.mark.parametrize("keys", [True, False], ids=["keys-on", "keys-off"])
async def test_500_after_commit_is_reconciled_not_resent(kit: Kit, sandbox, sleep,
                                                         keys: bool) -> None:
    # A 500 comes after the server may have acted: the client never resends it on its own.
    kit.sandbox.sandbox.faults.rules.append(
        FaultRule("drop_after", method="POST", path="*/orders", count=1))
    kit.sandbox.sandbox.faults.rules.append(
        FaultRule("500", method="POST", path="*/orders", count=1))
    async with client_for(sandbox, sleep, idempotency_keys=keys) as client:
        state = await drive(kit.flow(client=client), [DEMO_IMEIS["esim"]],
                            kit.plan_id("Travel 5 GB"))
    assert isinstance(state, Ready)
    one_order_one_subscription(kit)


async def _journaled_intent(kit: Kit, client):  # type: ignore[no-untyped-def]
    """What `confirm` leaves behind if the process dies right after the journal write."""
    device = (await client.search_devices(DEMO_IMEIS["esim"]))[0]
    user = await client.create_user(email="crash@example.com", full_name="Crash Test")
    ctx = Context(client, kit.journal, FlowSettings(**FAST))
    act = kit.journal.begin(target=ctx.target, mode="orders", device_id=device.id,
                            sim_id=device.sims[0].id, sim_type="eSIM", user_id=user.id,
                            plan_id=kit.plan_id("Travel 5 GB"),
                            payment_method_id=STORE_PAYMENT_METHOD_ID,
                            idempotency_key=client.new_idempotency_key())
    return ctx, act


@pytest.mark.parametrize("keys", [True, False], ids=["keys-on", "keys-off"])
async def test_crash_before_the_order_was_sent(kit: Kit, sandbox, sleep, keys: bool) -> None:
    async with client_for(sandbox, sleep, idempotency_keys=keys) as client:
        _, act = await _journaled_intent(kit, client)
        # ... the process died here. On restart:
        flow = kit.flow(client=client)
        await flow.resume(act.id)
    assert isinstance(flow.state, Ready)
    one_order_one_subscription(kit)
    assert kit.requests("POST /orders") == 1


@pytest.mark.parametrize("keys", [True, False], ids=["keys-on", "keys-off"])
async def test_crash_after_the_order_was_sent(kit: Kit, sandbox, sleep, keys: bool) -> None:
    async with client_for(sandbox, sleep, idempotency_keys=keys) as client:
        ctx, act = await _journaled_intent(kit, client)
        claimed = kit.journal.claim_send(act.id, attempts=0)
        await guard._send(ctx, claimed)  # the order went out ...
        kit.journal.update(act.id, order_id=None, subscription_id=None, status="ordering")
        # ... but the process died before recording the answer. On restart:
        flow = kit.flow(client=client)
        await flow.resume(act.id)
    assert isinstance(flow.state, Ready)
    one_order_one_subscription(kit)
    assert kit.requests("POST /orders") == 1  # found by reconciling, never resent


async def test_a_rejected_order_fails_cleanly_and_frees_the_sim(kit: Kit) -> None:
    kit.sandbox.sandbox.faults.rules.append(
        FaultRule("drop_before", method="POST", path="*/orders", count=1))
    state = await drive(kit.flow(), [DEMO_IMEIS["esim"]], kit.plan_id("Travel 5 GB"))
    assert isinstance(state, Ready)  # dropped before acting: resent with the same key
    one_order_one_subscription(kit)
