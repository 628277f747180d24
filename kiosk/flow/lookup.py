"""Looking up a scanned phone: which state the session goes to next."""

from __future__ import annotations

import asyncio

from kiosk.flow.catalog import sellable, sim_choices
from kiosk.flow.context import Context
from kiosk.flow.states import (
    AlreadySubscribed, DeviceFound, FlowState, NoUsableSim, NotRegistered,
)
from kiosk.gigs.models import Device, Plan, SimStatus, Subscription, SubscriptionStatus

OPEN = (SubscriptionStatus.PENDING, SubscriptionStatus.INITIATED, SubscriptionStatus.ACTIVE)


async def look_up(ctx: Context, imeis: list[str]) -> FlowState:
    """Devices for every IMEI of the box and the plans on sale, concurrently."""
    client = ctx.client
    found, plans = await asyncio.gather(
        asyncio.gather(*(client.search_devices(i) for i in imeis)),
        client.list_plans(status="available"))
    devices: dict[str, Device] = {}
    for result in found:
        for device in result:
            devices.setdefault(device.id, device)
    if not devices:
        for imei in imeis:
            models = await client.search_device_models(imei)
            if models:
                return NotRegistered(tuple(models))
        return NotRegistered(())
    device = next(iter(devices.values()))
    return await _for_device(ctx, device, plans)


async def _for_device(ctx: Context, device: Device, plans: list[Plan]) -> FlowState:
    # Our own journal first: it knows about orders the API may not show yet.
    for sim in device.sims:
        ours = await ctx.record(ctx.journal.ordered_for, ctx.target, sim_id=sim.id)
        if ours is not None:
            return AlreadySubscribed(device, sim, None, ours.id)
    if not device.sims:
        ours = await ctx.record(ctx.journal.ordered_for, ctx.target, device_id=device.id)
        if ours is not None:
            return AlreadySubscribed(device, None, None, ours.id)
    # Then the API: an active SIM, or an inactive one with a pending subscription.
    watched = [s for s in device.sims if s.status in (SimStatus.ACTIVE, SimStatus.INACTIVE)]
    subs = await asyncio.gather(*(ctx.client.list_subscriptions(sim=s.id) for s in watched))
    for sim, sim_subs in zip(watched, subs, strict=True):
        # Filtered again here: a server that ignores `?sim=` returns strangers' lines too.
        open_sub = _newest_open([s for s in sim_subs if s.sim is not None and s.sim.id == sim.id])
        if open_sub is not None or sim.status is SimStatus.ACTIVE:
            return AlreadySubscribed(device, sim, open_sub)
    choices = sim_choices(device)
    if not choices:
        reason = "retired" if device.sims else "no_sim"
        return NoUsableSim(device, reason)
    offer = sellable(plans, choices)
    if not offer:
        return NoUsableSim(device, "no_plans")
    return DeviceFound(device, choices, offer)


def _newest_open(subs: list[Subscription]) -> Subscription | None:
    open_subs = [s for s in subs if s.status in OPEN]
    return open_subs[0] if open_subs else None  # lists are newest first
