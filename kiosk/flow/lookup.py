"""Looking up a scanned phone: which state the session goes to next."""

from __future__ import annotations

import asyncio

from kiosk.flow.catalog import collectable, device_type, for_sim, sellable, sim_choices
from kiosk.flow.context import Context
from kiosk.flow.states import (
    AlreadySubscribed, DeviceFound, FlowState, NoUsableSim, NotRegistered,
)
from kiosk.gigs.models import Device, Plan, Sim, SimStatus, Subscription, SubscriptionStatus

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
    # A new eSIM (`auto`) we ordered for this device: it may not be attached to the device yet,
    # beside its SIM card or alone.
    ours = await ctx.record(ctx.journal.ordered_for, ctx.target, device_id=device.id)
    if ours is not None:
        return AlreadySubscribed(device, None, None, ours.id)
    # Then the API: an active SIM, or an inactive one with a pending subscription.
    watched = [s for s in device.sims if s.status in (SimStatus.ACTIVE, SimStatus.INACTIVE)]
    subs = await asyncio.gather(*(_of_sim(ctx, device, s) for s in watched))
    for sim, sim_subs in zip(watched, subs, strict=True):
        open_sub = _newest_open(sim_subs)
        if open_sub is not None or sim.status is SimStatus.ACTIVE:  # the SIM's own word
            return AlreadySubscribed(device, sim, open_sub)
    choices = sim_choices(device)
    if not choices:
        reason = "retired" if device.sims else "no_sim"
        return NoUsableSim(device, reason)
    fitting = sellable(plans, choices, kind=device_type(device))
    offer = tuple(p for p in fitting if collectable(p))
    if not offer:
        return NoUsableSim(device, "plans_need_details" if fitting else "no_plans")
    # Only SIMs some plan goes on are offered to choose from.
    choices = tuple(c for c in choices if for_sim(offer, c))
    unsold = tuple(p for p in fitting if not collectable(p))
    return DeviceFound(device, choices, offer, unsold)


async def _of_sim(ctx: Context, device: Device, sim: Sim) -> list[Subscription]:
    """The SIM's subscriptions, whether the API honours, ignores or refuses `?sim=`.

    Where the filter does not work, the device owner's subscriptions (`?user=` is
    documented) are filtered here by SIM; with no owner the API cannot be asked, and an
    order for a SIM that has a plan after all is refused by the API (`simAlreadyUsed`).
    """
    found = await ctx.client.subscriptions_of_sim(sim.id)
    if found is None and device.user is not None:
        found = [s for s in await ctx.client.list_subscriptions(user=device.user.id)
                 if s.sim is not None and s.sim.id == sim.id]
    return found or []


def _newest_open(subs: list[Subscription]) -> Subscription | None:
    open_subs = [s for s in subs if s.status in OPEN]
    return open_subs[0] if open_subs else None  # lists are newest first
