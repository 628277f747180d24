"""One order, whatever the customer, the network, the server or a crash does (issue 11).

Every test here counts the orders the loopback sandbox actually holds.
"""

from __future__ import annotations

import asyncio
import os
import time

import pytest

from kiosk.flow import CustomerInput, guard
from kiosk.flow.machine import Confirm
from kiosk.flow.states import Failed, Placing, Provisioning, Ready, Review
from kiosk.sandbox.faults import FaultRule
from kiosk.sandbox.seed import DEMO_IMEIS
from tests.conftest import client_for
from tests.flow.conftest import Kit, drive

pytestmark = pytest.mark.asyncio
TRAVEL = "Travel 5 GB"
#: An existing eSIM the device carries, and a device with no SIM that gets a new one.
KINDS = {"existing-sim": DEMO_IMEIS["esim"], "new-esim": DEMO_IMEIS["nosim"]}


async def to_review(kit: Kit, flow, imei: str) -> None:  # type: ignore[no-untyped-def]
    await flow.submit_imei(imei)
    await flow.confirm_device()
    await flow.choose_plan(kit.plan_id(TRAVEL))
    if not isinstance(flow.state, Review):
        await flow.enter_customer(CustomerInput("twice@example.com", "Tap Twice"))
    assert isinstance(flow.state, Review), flow.state


def orders(kit: Kit) -> int:
    return len(kit.store.orders)


@pytest.fixture(autouse=True)
def order_report(request: pytest.FixtureRequest, kit: Kit):  # type: ignore[no-untyped-def]
    """With KIOSK_ORDER_REPORT=FILE, append each case's orders and order POSTs (for the note)."""
    yield
    path = os.environ.get("KIOSK_ORDER_REPORT")
    if path:
        with open(path, "a", encoding="utf-8") as out:
            out.write(f"{request.node.name}\t{orders(kit)}\t{kit.requests('POST /orders')}\n")


@pytest.mark.parametrize("gap_ms", [0, 5, 20, 50])
@pytest.mark.parametrize("kind", sorted(KINDS))
async def test_two_confirms_place_one_order(kit: Kit, kind: str, gap_ms: int) -> None:
    kit.sandbox.sandbox.faults.latency_ms = 15  # the first confirm is mid-flight
    flow = kit.flow()
    await to_review(kit, flow, KINDS[kind])
    first = asyncio.ensure_future(flow.confirm())
    await asyncio.sleep(0)
    assert isinstance(flow.state, Placing)  # before any await of the first confirm returned
    await asyncio.sleep(gap_ms / 1000)
    second = asyncio.ensure_future(flow.confirm())
    await asyncio.gather(first, second)
    assert isinstance(flow.state, Ready), flow.state
    assert orders(kit) == 1 and kit.requests("POST /orders") == 1
    assert len(kit.journal.activations()) == 1


@pytest.mark.parametrize("kind", sorted(KINDS))
async def test_a_second_visit_for_the_same_purchase_reuses_the_intent(kit: Kit, kind: str) -> None:
    """Two flows (a double tap that outlived a reset, two windows) on one journal: one order."""
    kit.sandbox.sandbox.faults.latency_ms = 15
    one, two = kit.flow(), kit.flow()
    await to_review(kit, one, KINDS[kind])
    await to_review(kit, two, KINDS[kind])
    await asyncio.gather(one.confirm(), two.confirm())
    assert orders(kit) == 1
    assert len(kit.journal.activations()) == 1
    # One of them placed it and shows the code; the other learns only the status.
    states = sorted((type(one.state).__name__, type(two.state).__name__))
    assert states == ["ExistingStatus", "Ready"], states


@pytest.mark.parametrize("keys", [True, False], ids=["keys-on", "keys-off"])
async def test_try_again_after_a_lost_answer_and_a_failed_reconcile(kit: Kit, sandbox, sleep,
                                                                    keys: bool) -> None:
    faults = kit.sandbox.sandbox.faults
    faults.rules += [FaultRule("drop_after", method="POST", path="*/orders", count=1),
                     FaultRule("503", method="GET", path="*/orders", count=50),
                     FaultRule("503", method="GET", path="*/subscriptions", count=50)]
    async with client_for(sandbox, sleep, idempotency_keys=keys) as client:
        flow = kit.flow(client=client)
        await to_review(kit, flow, DEMO_IMEIS["nosim"])
        await flow.confirm()
        failed = flow.state
        assert isinstance(failed, Failed) and failed.can_retry, failed
        assert failed.activation_id is not None  # "Try again" continues this activation
        assert orders(kit) == 1  # the lost answer's order exists
        faults.rules.clear()
        await flow.retry()
        assert isinstance(flow.state, Ready), flow.state
        assert flow.state.activation_id == failed.activation_id
    assert orders(kit) == 1 and kit.requests("POST /orders") == 1
    (act,) = kit.journal.activations()
    assert act.order_id == next(iter(kit.store.orders))


FAULTS = {
    "cut": dict(kind="drop_after"),
    "502": dict(kind="status_after", status=502),
    "503": dict(kind="status_after", status=503),
    "504": dict(kind="status_after", status=504),
    "429-after-acting": dict(kind="status_after", status=429, retry_after=1),
    "timeout": dict(kind="slow_after", seconds=1.5),
}


@pytest.mark.parametrize("keys", [True, False], ids=["keys-on", "keys-off"])
@pytest.mark.parametrize("fault", sorted(FAULTS))
async def test_server_ignoring_keys_plus_a_lost_answer(kit: Kit, sandbox, sleep, fault: str,
                                                       keys: bool) -> None:
    kit.sandbox.sandbox.config.idempotency = "ignored"
    kit.sandbox.sandbox.faults.rules.append(
        FaultRule(method="POST", path="*/orders", count=2, **FAULTS[fault]))  # type: ignore[arg-type]
    async with client_for(sandbox, sleep, idempotency_keys=keys, read_timeout=0.5,
                          connect_timeout=0.5) as client:
        state = await drive(kit.flow(client=client), [DEMO_IMEIS["nosim"]], kit.plan_id(TRAVEL))
    assert isinstance(state, Ready), state
    assert orders(kit) == 1, f"{orders(kit)} orders after {fault}"


@pytest.mark.parametrize("keys", [True, False], ids=["keys-on", "keys-off"])
@pytest.mark.parametrize("point", ["journaled", "in-flight", "answered"])
async def test_a_crash_at_any_point_then_resume(kit: Kit, sandbox, sleep, keys: bool,
                                                point: str) -> None:
    """The process dies at `point`; a new one (new client, same journal) resumes."""
    if point == "in-flight":  # the API takes its time; the kiosk dies meanwhile
        kit.sandbox.sandbox.faults.rules.append(
            FaultRule("slow_before", method="POST", path="*/orders", count=1, seconds=1.0))
    async with client_for(sandbox, sleep, idempotency_keys=keys) as client:
        flow = kit.flow(client=client)
        await to_review(kit, flow, DEMO_IMEIS["nosim"])
        if point == "journaled":  # the intent is on disk, nothing was sent
            act, _ = await guard._intent(flow.ctx, flow.state, None)
        else:
            task = flow.dispatch(Confirm())
            assert task is not None
            def there() -> bool:
                if point == "in-flight":  # the API holds the whole request (not a half one)
                    return kit.requests("POST /orders") == 1
                rows = kit.journal.activations()
                return bool(rows and rows[0].order_id is not None)

            for _ in range(1000):
                if there():
                    break
                await asyncio.sleep(0.005)
            if point == "in-flight":
                await asyncio.sleep(0.3)  # its body is read: the API is now working on it
            task.cancel()  # the process dies here
            await asyncio.gather(task, return_exceptions=True)
            (act,) = kit.journal.activations()
            if point == "answered":  # ... before the answer was recorded
                kit.journal.update(act.id, order_id=None, subscription_id=None,
                                   status="ordering")
    async with client_for(sandbox, sleep, idempotency_keys=keys, read_timeout=1.0,
                          connect_timeout=0.5, attempt_timeout=1.5) as client:
        # A short quiet period (the default is 15 s) that still outlasts the API's hold.
        restarted = kit.flow(client=client, unclear_quiet=2.0)
        restarted.ctx.sleep = asyncio.sleep  # really wait for the first request to land
        started = time.monotonic()
        await restarted.resume(act.id)
    assert isinstance(restarted.state, Ready), restarted.state
    assert orders(kit) == 1, f"{orders(kit)} orders after a crash at {point}"
    if point == "in-flight":  # it waited for the first request instead of resending
        assert time.monotonic() - started >= 1.0
        assert kit.requests("POST /orders") == 1


async def test_resume_nobody_waits_for_never_sends(kit: Kit) -> None:
    """At start-up the customer has gone: an intent never sent is closed, not ordered."""
    flow = kit.flow()
    await to_review(kit, flow, DEMO_IMEIS["nosim"])
    act, _ = await guard._intent(flow.ctx, flow.state, None)
    background = kit.flow()
    await background.resume(act.id, may_send=False)
    assert isinstance(background.state, Failed)
    assert background.state.error.code == "order_not_placed"
    assert orders(kit) == 0 and kit.journal.get(act.id).outcome == "not placed"


async def test_reset_while_provisioning_hands_over_to_the_background(kit: Kit) -> None:
    kit.sandbox.sandbox.config.delayed_sim_seconds = 30
    kit.sandbox.sandbox.reset()
    handed = []
    flow = kit.flow()
    flow._on_background = handed.append
    await flow.submit_imei(DEMO_IMEIS["delayed"])
    await flow.confirm_device()
    await flow.choose_plan(kit.plan_id("Classic 10 GB"))
    await flow.enter_customer(CustomerInput("slow@example.com", "Slow Network"))
    task = flow.dispatch(Confirm())
    for _ in range(400):
        if isinstance(flow.state, Provisioning):
            break
        await asyncio.sleep(0.01)
    assert isinstance(flow.state, Provisioning)
    await flow.reset()
    assert task is not None and task.done()
    assert [a.id for a in handed] == [kit.journal.activations()[0].id]
    assert handed[0].status == "provisioning"


async def test_an_order_the_api_no_longer_knows(kit: Kit) -> None:
    """A sandbox reset under a lasting journal: marked lost, said plainly, not 'unexpected'."""
    state = await drive(kit.flow(), [DEMO_IMEIS["esim"]], kit.plan_id(TRAVEL))
    assert isinstance(state, Ready)
    kit.sandbox.sandbox.reset()  # the API forgets everything; the journal does not
    flow = kit.flow()
    await flow.submit_imei(DEMO_IMEIS["esim"])
    await flow.show_existing()
    assert isinstance(flow.state, Failed) and flow.state.error.code == "activation_lost"
    assert kit.journal.get(state.activation_id).status == "lost"
    again = await drive(kit.flow(), [DEMO_IMEIS["esim"]], kit.plan_id(TRAVEL))
    assert isinstance(again, Ready)  # "lost" does not block the phone for ever


async def test_retry_after_59_on_every_poll_ends_at_the_deadline(kit: Kit, sandbox) -> None:  # type: ignore[no-untyped-def]
    """A server that answers every poll with `Retry-After: 59` cannot hold a 2 s deadline."""
    from kiosk.flow.states import PendingInBackground

    kit.sandbox.sandbox.faults.rules.append(
        FaultRule("429", method="GET", path="*/orders/*", retry_after=59))
    async with client_for(sandbox, asyncio.sleep) as client:  # really waits, as in the field
        flow = kit.flow(client=client, deadline=2.0)
        flow.ctx.sleep = asyncio.sleep
        await to_review(kit, flow, DEMO_IMEIS["esim"])
        started = time.monotonic()
        await flow.confirm()
        took = time.monotonic() - started
    assert isinstance(flow.state, PendingInBackground), flow.state
    assert took < 2.0 + 3.0, f"{took:.1f} s for a 2 s deadline"
    assert orders(kit) == 1


# -- found by a red-team pass -------------------------------------------------------------------


@pytest.mark.parametrize("keys", [True, False], ids=["keys-on", "keys-off"])
async def test_an_api_still_working_after_the_kiosk_gave_up(kit: Kit, sandbox, keys: bool) -> None:
    """The API holds the order 2 s before acting; the kiosk's attempt ends after 0.5 s."""
    kit.sandbox.sandbox.config.idempotency = "ignored"
    kit.sandbox.sandbox.faults.rules.append(
        FaultRule("slow_before", method="POST", path="*/orders", count=1, seconds=2.0))
    async with client_for(sandbox, asyncio.sleep, idempotency_keys=keys, read_timeout=0.5,
                          attempt_timeout=0.5) as client:
        flow = kit.flow(client=client, unclear_quiet=3.0)
        flow.ctx.sleep = asyncio.sleep
        state = await drive(flow, [DEMO_IMEIS["nosim"]], kit.plan_id(TRAVEL))
    assert isinstance(state, Ready), state
    assert orders(kit) == 1 and kit.requests("POST /orders") == 1


async def test_a_sibling_phones_subscription_is_never_adopted(kit: Kit) -> None:
    """One customer, two new eSIMs on one plan: the second visit's refused order does not
    take the first phone's subscription (nor show its code)."""
    from kiosk.sandbox import ids

    store = kit.store
    second = ids.imei("35188620", "731951")
    store.put(store.devices, {"object": "device", "id": "dev_phone2", "metadata": {},
                              "createdAt": "2024-01-01T00:00:00Z", "imei": second,
                              "model": ids.stable_id("dmd", "fairphone5"), "name": None,
                              "sims": [], "user": None})
    first = await drive(kit.flow(), [DEMO_IMEIS["nosim"]], kit.plan_id(TRAVEL),
                        CustomerInput("two.phones@example.com", "Two Phones"))
    assert isinstance(first, Ready)
    kit.journal.update(first.activation_id, subscription_id=None)  # not recorded yet
    kit.sandbox.sandbox.faults.rules.append(FaultRule("503", method="POST", path="*/orders",
                                                      count=1))
    flow = kit.flow()
    state = await drive(flow, [second], kit.plan_id(TRAVEL),
                        CustomerInput("two.phones@example.com", "Two Phones"))
    assert isinstance(state, Ready), state
    assert state.sim_id != first.sim_id and state.code.text != first.code.text
    assert orders(kit) == 2  # one per phone


async def test_a_clock_set_back_does_not_stall_try_again(kit: Kit, sandbox, sleep) -> None:
    offset = [3 * 3600.0]
    kit.journal._clock = lambda: time.time() + offset[0]
    flow = kit.flow()
    flow.ctx.wall = lambda: time.time() + offset[0]
    flow.ctx.sleep = kit.sleep
    await to_review(kit, flow, DEMO_IMEIS["esim"])
    faults = kit.sandbox.sandbox.faults
    faults.rules += [FaultRule("drop_after", method="POST", path="*/orders", count=1),
                     FaultRule("503", method="GET", path="*/orders", count=50),
                     FaultRule("503", method="GET", path="*/subscriptions", count=50)]
    await flow.confirm()
    assert isinstance(flow.state, Failed) and flow.state.can_retry
    faults.rules.clear()
    offset[0] = 0.0  # the clock is corrected
    await flow.retry()
    assert isinstance(flow.state, Ready), flow.state
    assert max(kit.sleep.delays) <= flow.ctx.attempt_timeout + flow.ctx.settings.unclear_quiet
    assert orders(kit) == 1


async def test_a_journal_failure_after_the_send_never_says_nothing_was_ordered(kit: Kit) -> None:
    from kiosk.journal import JournalError

    real = kit.journal.update

    def failing(activation_id: str, **values):  # type: ignore[no-untyped-def]
        if values.get("order_id"):
            raise JournalError("disk full")
        return real(activation_id, **values)

    kit.journal.update = failing  # type: ignore[method-assign]
    handed = []
    flow = kit.flow()
    flow._on_background = handed.append
    state = await drive(flow, [DEMO_IMEIS["esim"]], kit.plan_id(TRAVEL))
    assert isinstance(state, Failed) and state.error.code == "order_unsaved"
    assert "went through" in state.error.user_message
    assert state.activation_id is not None
    kit.journal.update = real  # type: ignore[method-assign]
    await flow.reset()  # the customer leaves: the activation is followed, not forgotten
    assert [a.id for a in handed] == [state.activation_id]


async def test_a_reset_while_the_order_is_in_flight_hands_it_over(kit: Kit) -> None:
    kit.sandbox.sandbox.faults.rules.append(
        FaultRule("slow_after", method="POST", path="*/orders", count=1, seconds=1.0))
    handed = []
    flow = kit.flow()
    flow._on_background = handed.append
    await to_review(kit, flow, DEMO_IMEIS["nosim"])
    flow.dispatch(Confirm())
    for _ in range(400):
        rows = kit.journal.activations()
        if rows and rows[0].sent_at is not None:
            break
        await asyncio.sleep(0.005)
    await flow.reset()
    assert len(handed) == 1 and handed[0].status == "ordering" and handed[0].sent_at


async def test_a_user_search_that_ignores_its_filter_never_picks_a_stranger(kit: Kit) -> None:
    client = kit.client
    real = client.search_users

    async def everyone(email: str):  # type: ignore[no-untyped-def]
        return [*(await client.list_users()), *(await real(email))]

    client.search_users = everyone  # type: ignore[method-assign]
    state = await drive(kit.flow(), [DEMO_IMEIS["esim"]], kit.plan_id(TRAVEL),
                        CustomerInput("brand.new@example.com", "Brand New"))
    assert isinstance(state, Ready)
    user = kit.store.users[kit.journal.get(state.activation_id).user_id]
    assert user["email"] == "brand.new@example.com"


@pytest.mark.parametrize("keys", [True, False], ids=["keys-on", "keys-off"])
async def test_a_kiosk_clock_eleven_minutes_ahead_still_finds_its_order(
        kit: Kit, sandbox, sleep, keys: bool) -> None:  # type: ignore[no-untyped-def]
    """Matching by time uses the API's clock (its `Date` header), not the kiosk's."""
    ahead = lambda: time.time() + 660  # noqa: E731
    kit.journal._clock = ahead
    kit.sandbox.sandbox.config.idempotency = "ignored"
    async with client_for(sandbox, sleep, idempotency_keys=keys) as client:
        client._requestor._wall_clock = ahead
        flow = kit.flow(client=client)
        flow.ctx.wall = ahead
        await to_review(kit, flow, DEMO_IMEIS["nosim"])
        assert client.server_clock_offset is not None and client.server_clock_offset < -600
        kit.sandbox.sandbox.faults.rules.append(
            FaultRule("drop_after", method="POST", path="*/orders", count=1))
        await flow.confirm()
    assert isinstance(flow.state, Ready), flow.state
    assert orders(kit) == 1 and kit.requests("POST /orders") == 1
