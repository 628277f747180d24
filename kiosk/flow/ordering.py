"""Placing an order (or a direct subscription) exactly once, whatever the network does.

The rule: the intent and its idempotency key are in the journal before the request leaves.
After an ambiguous failure (the request may have been acted on), look for what it created
before sending anything again; resend with the same key, or, with keys switched off, only
after looking twice a settle time apart.
"""

from __future__ import annotations

import logging
from datetime import datetime

from kiosk.flow.context import Context
from kiosk.flow.errors import KioskError, from_api_error
from kiosk.gigs import (
    APIConnectionError, APIResponseValidationError, ConflictError, GigsError,
    InvalidRequestError, NotFoundError, RateLimitError, ServerError,
)
from kiosk.gigs.models import OrderStatus, SubscriptionStatus
from kiosk.journal import Activation

log = logging.getLogger("kiosk.flow")
OPEN_SUBS = (SubscriptionStatus.PENDING, SubscriptionStatus.INITIATED, SubscriptionStatus.ACTIVE)
#: A subscription or order found for the user counts as ours if created this close to our intent.
SKEW = 600.0


def is_ambiguous(exc: GigsError) -> bool:
    """True when the request may have been acted on although we got no answer."""
    if isinstance(exc, APIConnectionError):
        return exc.request_sent
    return isinstance(exc, (APIResponseValidationError, ServerError, ConflictError))


def _recent(created: datetime | None, intent: float) -> bool:
    return created is None or created.timestamp() >= intent - SKEW


class Placer:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    async def place(self, act: Activation, *, fresh: bool = False) -> Activation:
        """Send the order for a journaled intent; returns it with its order/subscription id.

        `fresh`: the intent was journaled moments ago by this process, so nothing was sent.
        Otherwise (a restart found it `ordering`) an earlier process may have sent it: look first.
        """
        ctx = self.ctx
        for round_ in range(ctx.settings.place_rounds):
            if act.status == "unknown" or round_ > 0 or not fresh:
                found = await self.reconcile(act)
                if found is None and act.status == "unknown" and not ctx.keys:
                    await ctx.sleep(ctx.settings.reconcile_settle)
                    found = await self.reconcile(act)
                if found is not None:
                    return found
            act = await ctx.update(act, attempts=act.attempts + 1)
            try:
                return await self._send(act)
            except RateLimitError as exc:
                # Refused before acting: wait as asked, then go round again.
                log.info("activation %s: rate limited while ordering", act.reference)
                await ctx.sleep(min(exc.retry_after or 5.0, 60.0))
            except GigsError as exc:
                if is_ambiguous(exc):
                    log.warning("activation %s: order outcome unknown (%s); reconciling",
                                act.reference, type(exc).__name__)
                    act = await ctx.update(act, status="unknown", error_type=type(exc).__name__,
                                           detail="ambiguous")
                    continue
                if isinstance(exc, InvalidRequestError) and exc.code == "simInUse":
                    found = await self.reconcile(act)  # our own earlier attempt, most likely
                    if found is not None:
                        return found
                await ctx.update(act, status="failed", error_type=type(exc).__name__,
                                 outcome=getattr(exc, "code", None) or "rejected")
                raise from_api_error(exc) from exc
        raise KioskError("api_unavailable", retryable=True,
                         detail=f"order for {act.reference} still unconfirmed")

    async def _send(self, act: Activation) -> Activation:
        ctx, client = self.ctx, self.ctx.client
        key = act.idempotency_key if ctx.keys else None
        sim = act.sim_id or "auto"
        assert act.plan_id and act.user_id
        if act.mode == "subscriptions":
            sub = await client.create_subscription(plan=act.plan_id, sim=sim, user=act.user_id,
                                                   user_address=act.address_id, idempotency_key=key)
            return await ctx.update(act, subscription_id=sub.id, status="provisioning",
                                    sim_id=sub.sim.id if sub.sim else act.sim_id,
                                    detail="subscription created")
        assert act.payment_method_id
        order = await client.create_order(plan=act.plan_id, payment_method=act.payment_method_id,
                                          sim=sim, user=act.user_id, user_address=act.address_id,
                                          idempotency_key=key)
        return await ctx.update(act, order_id=order.id, subscription_id=order.subscription,
                                status="provisioning", detail="order placed")

    async def reconcile(self, act: Activation) -> Activation | None:
        """Find the order or subscription an earlier, unanswered attempt may have created."""
        ctx, client = self.ctx, self.ctx.client
        if act.mode == "orders" and act.user_id:
            try:
                orders = await client.list_orders(user=act.user_id)
            except NotFoundError:  # order listing is unconfirmed in the API reference
                orders = []
            for order in orders:
                details = order.subscription_details
                if (order.plan and order.plan.id == act.plan_id and details is not None
                        and details.sim == (act.sim_id or "auto")
                        and order.status is not OrderStatus.CANCELED
                        and (act.sim_id or _recent(order.created_at, act.created_at))):
                    log.info("activation %s: found its order by reconciling", act.reference)
                    return await ctx.update(act, order_id=order.id,
                                            subscription_id=order.subscription,
                                            status="provisioning", detail="reconciled order")
        if act.sim_id:
            subs = await client.list_subscriptions(sim=act.sim_id)
        elif act.user_id:
            subs = await client.list_subscriptions(user=act.user_id)
        else:
            return None
        for sub in subs:
            if (sub.status in OPEN_SUBS and sub.plan and sub.plan.id == act.plan_id
                    and (act.sim_id or _recent(sub.created_at, act.created_at))):
                log.info("activation %s: found its subscription by reconciling", act.reference)
                return await ctx.update(act, subscription_id=sub.id, status="provisioning",
                                        sim_id=sub.sim.id if sub.sim else act.sim_id,
                                        detail="reconciled subscription")
        return None
