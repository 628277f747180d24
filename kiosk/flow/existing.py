"""A SIM that already has a subscription: what the kiosk may say about it, and nothing more.

Whoever holds a box is not necessarily whoever bought its line, so this never fetches the
eSIM's credentials and never returns the owner, the email or the phone number: only the
status, the plan's name and since when. An activation this kiosk placed and that is still
being provisioned is handed to the background to finish; its reference is shown.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from kiosk.flow.context import Context
from kiosk.flow.errors import KioskError
from kiosk.flow.states import AlreadySubscribed, ExistingStatus
from kiosk.gigs import NotFoundError
from kiosk.gigs.models import SimType, Subscription
from kiosk.journal import Activation

log = logging.getLogger("kiosk.flow")


async def follow_existing(ctx: Context, state: AlreadySubscribed,
                          on_background: Callable[[Activation], None] | None) -> ExistingStatus:
    sim_type = state.sim.type if state.sim else None
    act = None
    if state.activation_id is not None:
        act = await ctx.record(ctx.journal.get, state.activation_id)
        if act.sim_type and sim_type is None:
            sim_type = SimType(act.sim_type)
    sub_id = state.subscription.id if state.subscription else act.subscription_id if act else None
    sub = state.subscription
    if sub_id is not None:
        try:
            sub = await ctx.client.retrieve_subscription(sub_id)
        except NotFoundError as exc:
            if act is not None:
                await ctx.update(act, status="lost", outcome="lost", error_type="NotFoundError",
                                 detail="the API no longer knows its subscription")
            raise KioskError("activation_lost", detail=act.reference if act else "",
                             cause_type="NotFoundError") from exc
        if state.sim is not None and (sub.sim is None or sub.sim.id != state.sim.id):
            sub = state.subscription  # not this SIM's: never describe a stranger's line
    finishing = act is not None and act.status in ("ordering", "unknown", "provisioning",
                                                   "pending")
    if finishing and on_background is not None:
        assert act is not None
        on_background(act)
    return ExistingStatus(
        sim_type=sim_type, status=sub.status if sub else None,
        plan_name=sub.plan.name if sub and sub.plan else None,
        since=_since(sub), reference=act.reference if act else None, finishing=finishing)


def _since(sub: Subscription | None) -> datetime | None:
    if sub is None:
        return None
    return sub.activated_at or sub.created_at
