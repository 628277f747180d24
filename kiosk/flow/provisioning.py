"""Following an order until the SIM is active (or the eSIM is ready), within a deadline."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from functools import partial
from typing import TypeVar

from kiosk.flow.context import Context, PollSchedule
from kiosk.flow.errors import KioskError, from_api_error
from kiosk.flow.lpa import ActivationCode, InvalidActivationCode, parse_activation_code
from kiosk.flow.states import Ready, Step
from kiosk.flow.wake import Watch
from kiosk.gigs import AuthenticationError, GigsError, NotFoundError, PermissionDeniedError
from kiosk.gigs.models import (
    ActivationTrigger, Order, OrderStatus, SimStatus, SimType, Subscription, SubscriptionStatus,
)
from kiosk.journal import Activation

log = logging.getLogger("kiosk.flow")
T = TypeVar("T")
Progress = Callable[[frozenset[Step]], None]
#: Seconds a poll may run past the activation's deadline before it is cut.
DEADLINE_GRACE = 2.0


async def _none() -> None:
    return None


class DeadlinePassed(Exception):
    """Provisioning took longer than the deadline; the activation goes on in the background."""

    def __init__(self, activation: Activation) -> None:
        super().__init__(activation.reference)
        self.activation = activation


@dataclass
class _Poll:
    ctx: Context
    act: Activation
    deadline_at: float | None
    schedule: PollSchedule
    #: Gateway mode: events about the order or subscription end a sleep early.
    watch: Watch | None = None

    async def get(self, fetch: Callable[[], Awaitable[T]]) -> T | None:
        """One poll: the value, or None after a transient error (waited for as asked).

        The poll itself ends at the deadline too (plus a little grace): a server that drips
        its answer, or asks again and again to retry after 59 s, cannot hold the activation
        past it.
        """
        if self.watch is not None:  # before sending: an event during the request counts
            self.watch.arm((self.act.order_id, self.act.subscription_id))
            self.watch.hub.counters.polls += 1
        try:
            if self.deadline_at is None:
                return await fetch()
            remaining = max(0.0, self.deadline_at - self.ctx.clock())
            try:
                async with asyncio.timeout(remaining + DEADLINE_GRACE):
                    return await fetch()
            except TimeoutError:
                raise DeadlinePassed(self.act) from None
        except (AuthenticationError, PermissionDeniedError) as exc:
            raise from_api_error(exc) from exc  # the journal keeps it open for later
        except NotFoundError as exc:
            # Marked so for staff; "lost" no longer blocks a new order for this SIM.
            await self.ctx.update(self.act, status="lost", error_type="NotFoundError",
                                  outcome="lost", detail="the API no longer knows it")
            raise KioskError("activation_lost", detail=self.act.reference,
                             cause_type="NotFoundError") from exc
        except GigsError as exc:
            log.info("activation %s: poll failed (%s); trying again", self.act.reference,
                     type(exc).__name__)
            await self.wait(getattr(exc, "retry_after", None))
            return None

    async def wait(self, retry_after: float | None = None, *, events: bool = False) -> None:
        """Sleep until the next poll; `events`: an order or subscription event may end it
        (the stream, when up, also lengthens it). A Retry-After is always waited out."""
        now = self.ctx.clock()
        if self.deadline_at is not None and now >= self.deadline_at:
            raise DeadlinePassed(self.act)
        delay = self.schedule.wait(now, retry_after)
        cap = None
        if self.deadline_at is not None:
            cap = max(0.0, self.deadline_at - now) + 0.001
            delay = min(delay, cap)
        if self.watch is None or not events or retry_after is not None:
            await self.ctx.sleep(delay)
        else:
            # A long sleep moves the schedule on as the polls it saved would have: should the
            # stream drop, polling goes on at the pace it would have reached by then.
            await self.watch.sleep(delay, self.ctx.sleep, lambda n: self.schedule.wait(now), cap)


class Provisioner:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        #: The API answered 404 for an order it had just confirmed: retrieving orders is not
        #: documented, so the order's subscription is looked for among the user's instead.
        self.no_order_retrieve = False

    async def _order_or_none(self, order_id: str) -> Order | None:
        try:
            return await self.ctx.client.retrieve_order(order_id)
        except NotFoundError:
            self.no_order_retrieve = True
            return None

    async def run(self, act: Activation, *, deadline_at: float | None,
                  progress: Progress = lambda steps: None) -> tuple[Activation, Ready]:
        watch = self.ctx.events.watch(()) if self.ctx.events is not None else None
        try:
            return await self._run(act, deadline_at, progress, watch)
        finally:
            if watch is not None:
                watch.close()

    async def _run(self, act: Activation, deadline_at: float | None, progress: Progress,
                   watch: Watch | None) -> tuple[Activation, Ready]:
        ctx, client = self.ctx, self.ctx.client
        poll = _Poll(ctx, act, deadline_at, PollSchedule(ctx.settings, ctx.clock()), watch)
        done = {Step.ORDER_PLACED}
        progress(frozenset(done))

        while act.subscription_id is None:  # orders: wait for the order to make one
            assert act.order_id is not None
            order = await poll.get(partial(self._order_or_none, act.order_id))
            if order is None and self.no_order_retrieve:
                found = await poll.get(partial(_subscription_of_order, ctx, act))
                if found is not None:
                    act = poll.act = await ctx.update(act, subscription_id=found,
                                                      detail="subscription found by user")
                    break
            if order is not None and order.status is OrderStatus.CANCELED:
                failure = order.last_payment.failure_code if order.last_payment else None
                await ctx.update(act, status="failed", outcome=failure or "canceled",
                                 error_type="OrderCanceled")
                raise KioskError("order_expired" if failure == "orderExpired" else
                                 "payment_failed", detail=f"order canceled: {failure}")
            if order is not None and order.status is OrderStatus.QUOTED:
                # A quote waits for a confirmation (not documented for this API): staff.
                await ctx.update(act, status="failed", outcome="quoted",
                                 error_type="OrderQuoted")
                raise KioskError("order_needs_confirmation", detail=f"{act.reference}: quoted")
            if order is not None and order.subscription:
                act = poll.act = await ctx.update(act, subscription_id=order.subscription,
                                                  detail="order completed")
                break
            await poll.wait(events=True)
        done.add(Step.SUBSCRIPTION_CREATED)
        progress(frozenset(done))

        assert act.subscription_id is not None
        sub_id: str = act.subscription_id
        first_use = False
        while True:
            sub = await poll.get(partial(client.retrieve_subscription, sub_id))
            if sub is not None:
                act, first_use, finished = await self._observe(act, sub, done, progress)
                poll.act = act
                if finished:
                    break
            await poll.wait(events=True)
        assert sub is not None and sub.sim is not None
        sim = sub.sim
        code = None
        # The SIM check and an eSIM's credentials do not depend on each other: together,
        # one round trip instead of two (the SIM's type is known from the subscription).
        # Confirm on the SIM itself that it is active, unless the subscription's own copy of
        # the SIM already says so (one round trip fewer for the customer).
        confirmed = sim.status is SimStatus.ACTIVE
        check = (poll.get(partial(client.retrieve_sim, sim.id)) if not (first_use or confirmed)
                 else _none())
        if sim.type is SimType.ESIM:
            checked, code = await asyncio.gather(check, self._activation_code(poll, sim.id))
        else:
            checked = await check
        sim = checked or sim
        if code is None and sim.type is SimType.ESIM:  # the type only the SIM itself told
            code = await self._activation_code(poll, sim.id)
        done.add(Step.ACTIVE)
        progress(frozenset(done))
        act = await ctx.update(act, status="ready" if first_use else "active",
                               outcome="activates on first use" if first_use else "active",
                               sim_id=sim.id, detail="ready")
        return act, Ready(act.id, act.reference, sim.type, code, first_use,
                          phone_number=sub.phone_number, provider=sim.provider, sim_id=sim.id)

    async def _observe(self, act: Activation, sub: Subscription, done: set[Step],
                       progress: Progress) -> tuple[Activation, bool, bool]:
        """Record what a subscription poll shows; (activation, first-use plan, finished)."""
        if sub.status is SubscriptionStatus.ENDED:
            await self.ctx.update(act, status="failed", outcome="ended",
                                  error_type="SubscriptionEnded")
            raise KioskError("order_rejected", detail="the subscription ended")
        if sub.sim is None:
            return act, False, False
        if Step.SIM_PROVISIONING not in done:
            done.add(Step.SIM_PROVISIONING)
            progress(frozenset(done))
        if act.sim_id != sub.sim.id:
            act = await self.ctx.update(act, sim_id=sub.sim.id, detail="SIM provisioned")
        first_use = (sub.plan is not None
                     and sub.plan.activation_trigger is ActivationTrigger.USAGE_STARTED)
        if sub.status is SubscriptionStatus.ACTIVE:
            return act, False, True
        # A plan that activates on first use stays pending: the eSIM is ready without it.
        return act, first_use, first_use

    async def _activation_code(self, poll: _Poll, sim_id: str) -> ActivationCode:
        client = self.ctx.client
        while True:
            creds = await poll.get(partial(client.sim_credentials, sim_id))
            if creds is not None and creds.activation_code is not None:
                try:
                    return parse_activation_code(creds.activation_code.get_secret_value())
                except InvalidActivationCode as exc:
                    raise KioskError("unexpected", detail=f"activation code: {exc}") from exc
            await poll.wait()


async def _subscription_of_order(ctx: Context, act: Activation) -> str | None:
    """The subscription our order made, from the user's list (`?user=` is documented),
    matched here: plan, open, the SIM (or, for a new eSIM, made after the intent in the
    API's time), and not another activation's."""
    from kiosk.flow.guard import OPEN_SUBS, _claimed, _recent

    assert act.user_id
    for sub in await ctx.client.list_subscriptions(user=act.user_id):
        if (sub.user is not None and sub.user.id == act.user_id and sub.status in OPEN_SUBS
                and sub.plan is not None and sub.plan.id == act.plan_id
                and (sub.sim is not None and sub.sim.id == act.sim_id if act.sim_id
                     else _recent(sub.created_at, act, ctx))
                and not await _claimed(ctx, act, subscription_id=sub.id)):
            return sub.id
    return None
