"""A gateway replica dies in the middle of an activation: the kiosk finishes through the other
one, with exactly one order at Gigs.

Two `kiosk gateway serve` processes on one real PostgreSQL, a round-robin TCP balancer in
front (tests/gateway/replicas.py), the sandbox as Gigs. The kiosk is the real flow (its order
guard, journal, idempotency key and reconciliation), its client pointed at the balancer with
the kiosk token, as `api_mode = "gateway"` sets it up. A replica is SIGKILLed:

- `reconciled`: while the order POST waits at Gigs (the sandbox holds it 1.5 s before acting):
  the kiosk's connection is cut, it looks for the order through the other replica, finds
  nothing at first, then finds the order Gigs made meanwhile, and takes it;
- `resent`: the same, but Gigs holds the first POST for 4 s: the kiosk, finding nothing,
  sends again with the same idempotency key through the other replica; the first request
  then lands and is answered as a replay;
- `polls`: between the order and the first status poll: the poll goes to the other replica.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from kiosk.flow import Context, CustomerInput, Flow, FlowSettings
from kiosk.flow.states import Ready
from kiosk.gateway.store import Store
from kiosk.gigs import GigsClient, RetryPolicy
from kiosk.journal import Journal
from kiosk.sandbox.faults import FaultRule
from kiosk.sandbox.seed import PLAN_IDS, STORE_PAYMENT_METHOD_ID
from kiosk.sandbox.serve import ThreadedSandbox
from kiosk.scan.imei import luhn_check_digit
from kiosk.settings import ApiSettings
from tests.gateway.conftest import GatewayFactory
from tests.gateway.helpers import PSIM_IMEI, bearer, join
from tests.gateway.replicas import Replica, RoundRobin

ORDER_POST = b"POST /projects/demo/orders "
STATUS_POLL = b"GET /projects/demo/orders/ord_"
SCENARIOS = {
    # name: (the request whose bytes trigger the kill, seconds after it, Gigs holds the
    #        order POST this long before acting, the flow's reconcile_settle, unclear_quiet)
    "reconciled": (ORDER_POST, 0.3, 1.5, 0.5, 3.0),
    "resent": (ORDER_POST, 0.3, 4.0, 0.3, 1.0),
    "polls": (STATUS_POLL, 0.0, 0.0, 0.5, 3.0),
}


@pytest.fixture
def replicas(sandbox: ThreadedSandbox, pg_url: str) -> Iterator[list[Replica]]:
    Store.open(pg_url).close()  # migrated once: two replicas starting together just wait
    started = [Replica(sandbox.url, pg_url), Replica(sandbox.url, pg_url)]
    try:
        for replica in started:
            replica.wait_healthy()
        yield started
    finally:
        for replica in started:
            replica.stop()


def _new_device(sandbox: ThreadedSandbox, n: int) -> str:
    body = f"35850731{900_000 + n:06d}"  # a known TAC: a phone the plans are for
    imei = body + luhn_check_digit(body)
    answer = httpx.post(sandbox.url + "/projects/demo/devices", json={
        "imei": imei, "sims": ["sim_test_esim"]}, headers={"Authorization": "Bearer setup"})
    assert answer.status_code in (200, 201), answer.text
    return imei


@pytest.mark.timeout(90)
@pytest.mark.parametrize("scenario", list(SCENARIOS))
def test_a_replica_dies_mid_activation_and_the_kiosk_completes_with_one_order(
        scenario: str, sandbox: ThreadedSandbox, replicas: list[Replica], pg_url: str,
        tmp_path: Path) -> None:
    trigger, after, hold, settle, quiet = SCENARIOS[scenario]
    killed: list[int] = []

    def tap(backend: int, data: bytes) -> None:
        if data.startswith(trigger) and not killed:
            killed.append(backend)
            if after:
                threading.Timer(after, replicas[backend].kill).start()
            else:
                replicas[backend].kill()  # before these bytes are passed on

    balancer = RoundRobin([r.url for r in replicas], tap)
    gigs = sandbox.sandbox
    if hold:
        gigs.faults.rules.append(FaultRule(kind="slow_before", method="POST",
                                           path="/projects/demo/orders", seconds=hold, count=1))
    store = Store.open(pg_url)
    joined = join(replicas[0].url, store)
    imei = _new_device(sandbox, len(SCENARIOS) * 10 + list(SCENARIOS).index(scenario))
    orders_before = set(gigs.store.orders)
    settings = FlowSettings(payment_method=joined["payment_method"], reconcile_settle=settle,
                            unclear_quiet=quiet, poll_initial=0.1, profile_follow=0.0)
    assert joined["payment_method"] == STORE_PAYMENT_METHOD_ID

    async def activate() -> object:
        api = ApiSettings(api_url=balancer.url, project=joined["project"],
                          token=joined["token"])
        async with GigsClient(api, retry=RetryPolicy(base_delay=0.1)) as client:
            flow = Flow(Context(client, Journal(tmp_path / "journal.sqlite3"), settings))
            await flow.submit_imei(imei)
            await flow.confirm_device()
            await flow.choose_plan(PLAN_IDS["travel"])
            await flow.enter_customer(CustomerInput(f"{scenario}@example.com", "Fail Over"))
            await flow.confirm()
            for _ in range(200):  # Provisioning polls until Ready
                if isinstance(flow.state, Ready):
                    break
                await asyncio.sleep(0.05)
            return flow.state

    try:
        state = asyncio.run(activate())
    finally:
        balancer.close()
    assert killed, f"the replica was never killed: the trigger did not happen ({state})"
    assert replicas[killed[0]].process.poll() is not None
    assert isinstance(state, Ready) and state.code is not None, state  # the eSIM code shown
    new_orders = [o for o in gigs.store.orders.values() if o["id"] not in orders_before]
    assert len(new_orders) == 1, new_orders
    journal = Journal(tmp_path / "journal.sqlite3")
    [activation] = journal.activations(limit=5)
    assert activation.order_id == new_orders[0]["id"]
    if scenario != "polls":  # the order's answer was lost: the kiosk had to find it again
        assert activation.attempts >= 1 and activation.error_type is not None, activation
        assert gigs.store.requests["POST /orders"] == {"reconciled": 1, "resent": 2}[scenario]
    # The SIM's code is this kiosk's on every replica, the lost answer notwithstanding.
    assert store.sim_kiosk(gigs.store.meta[new_orders[0]["id"]]["sim"]) == joined["kiosk"]
    if scenario != "reconciled":  # Gigs' answer passed a live replica: the order is known
        assert store.owner_of("order", new_orders[0]["id"]) == joined["kiosk"]
    survivor = 1 - killed[0]
    assert survivor in balancer.picked[balancer.picked.index(killed[0]):]


def test_a_sim_claimed_for_an_order_is_released_when_gigs_refuses_it(
        make_gateway: GatewayFactory, tmp_path: Path) -> None:
    gw, store, _ = make_gateway(f"sqlite:///{tmp_path / 'g.sqlite3'}")
    first, second = join(gw.url, store), join(gw.url, store, name="till 2")
    sim = httpx.post(gw.url + "/projects/demo/devices/search", json={"imei": PSIM_IMEI},
                     headers=bearer(first["token"])).json()["items"][0]["sims"][0]["id"]
    user = httpx.post(gw.url + "/projects/demo/users", json={"email": "c@example.com"},
                      headers=bearer(first["token"])).json()["id"]  # this kiosk's customer
    order = {"paymentMethod": STORE_PAYMENT_METHOD_ID, "plan": "pln_doesnotexist",
             "subscriptionDetails": {"sim": sim, "user": user}}
    refused = httpx.post(gw.url + "/projects/demo/orders", json=order,
                         headers=bearer(first["token"]))
    assert refused.status_code == 422 and store.sim_kiosk(sim) is None
    assert store.claim_sim(sim, first["kiosk"]) and store.sim_kiosk(sim) == first["kiosk"]
    assert not store.claim_sim(sim, second["kiosk"])  # a kiosk's already: not taken over
    store.release_sim(sim, second["kiosk"])  # only its own claim is released
    assert store.sim_kiosk(sim) == first["kiosk"]
