"""Fixtures for flow tests: a flow on the loopback sandbox with a journal file."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest_asyncio

from kiosk.flow import Context, CustomerInput, Flow, FlowSettings
from kiosk.flow.states import ChoosingPlan, DeviceFound, EnteringCustomer, Review
from kiosk.gigs import GigsClient
from kiosk.journal import Journal
from kiosk.sandbox.seed import STORE_PAYMENT_METHOD_ID
from kiosk.sandbox.serve import ThreadedSandbox
from tests.conftest import RecordedSleep, client_for

FAST = dict(poll_initial=0.01, poll_cap=0.05, reconcile_settle=0.05, unclear_quiet=0.05,
            payment_method=STORE_PAYMENT_METHOD_ID)


@dataclass
class Kit:
    sandbox: ThreadedSandbox
    client: GigsClient
    journal: Journal
    sleep: RecordedSleep
    states: list[Any] = field(default_factory=list)

    def flow(self, client: GigsClient | None = None, **settings: Any) -> Flow:
        ctx = Context(client or self.client, self.journal, FlowSettings(**{**FAST, **settings}))
        flow = Flow(ctx)
        flow.subscribe(self.states.append)
        return flow

    @property
    def store(self) -> Any:
        return self.sandbox.sandbox.store

    def requests(self, route: str) -> int:
        return self.store.requests.get(route, 0)

    def total_requests(self) -> int:
        return sum(self.store.requests.values())

    def plan_id(self, name: str) -> str:
        return next(p["id"] for p in self.store.plans.values() if p["name"] == name)


@pytest_asyncio.fixture
async def kit(sandbox: ThreadedSandbox, sleep: RecordedSleep, tmp_path: Path) -> AsyncIterator[Kit]:
    journal = Journal(tmp_path / "journal.sqlite3")
    async with client_for(sandbox, sleep) as client:
        yield Kit(sandbox, client, journal, sleep)
    journal.close()


async def drive(flow: Flow, imeis: list[str], plan_id: str,
                customer: CustomerInput | None = None) -> Any:
    """Scan, choose the plan, enter the customer if asked, confirm: the final state."""
    await flow.submit_imei(*imeis)
    if isinstance(flow.state, DeviceFound):
        await flow.confirm_device()
    if isinstance(flow.state, ChoosingPlan):
        await flow.choose_plan(plan_id)
    if isinstance(flow.state, EnteringCustomer):
        await flow.enter_customer(customer or CustomerInput("pat@example.com", "Pat Doe"))
    if isinstance(flow.state, Review):
        await flow.confirm()
    return flow.state
