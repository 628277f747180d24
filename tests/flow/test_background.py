"""Activations past their deadline are finished in the background, once."""

from __future__ import annotations

import asyncio

import pytest

from kiosk.flow.background import BackgroundActivations
from kiosk.flow.context import Context, FlowSettings
from kiosk.flow.states import PendingInBackground
from kiosk.sandbox.seed import DEMO_IMEIS
from tests.flow.conftest import FAST, Kit, drive

pytestmark = pytest.mark.asyncio


async def test_deadline_hands_over_and_the_background_finishes(kit: Kit) -> None:
    kit.sandbox.sandbox.config.delayed_sim_seconds = 1.0
    kit.sandbox.sandbox.reset()
    finished = []
    background = BackgroundActivations(Context(kit.client, kit.journal, FlowSettings(**FAST)),
                                       on_finished=lambda act, state: finished.append(act))
    background.ctx = Context(kit.client, kit.journal, FlowSettings(**FAST))  # fast polls
    flow = kit.flow(deadline=0.2)
    flow._on_background = background.adopt
    state = await drive(flow, [DEMO_IMEIS["delayed"]], kit.plan_id("Classic 10 GB"))
    assert isinstance(state, PendingInBackground)
    await flow.reset()  # the next customer; the activation goes on
    await asyncio.wait_for(background.wait(), 10)
    assert [a.status for a in finished] == ["active"]
    assert kit.journal.get(state.activation_id).status == "active"
    assert len(kit.store.orders) == 1


async def test_resume_all_at_start_up(kit: Kit) -> None:
    flow = kit.flow(deadline=0.0)
    kit.sandbox.sandbox.config.delayed_sim_seconds = 0.5
    kit.sandbox.sandbox.reset()
    state = await drive(flow, [DEMO_IMEIS["delayed"]], kit.plan_id("Classic 10 GB"))
    assert isinstance(state, PendingInBackground)
    background = BackgroundActivations(Context(kit.client, kit.journal, FlowSettings(**FAST)))
    background.ctx = Context(kit.client, kit.journal, FlowSettings(**FAST))
    resumed = await background.resume_all()
    background.adopt(resumed[0])  # adopting twice does not follow it twice
    assert len(background.running) == 1
    await asyncio.wait_for(background.wait(), 10)
    assert kit.journal.get(state.activation_id).status == "active"
    assert kit.journal.unfinished() == []
