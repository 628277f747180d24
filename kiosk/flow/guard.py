"""The order guard: the one place an order (or a direct subscription) is ever sent.

Whatever asks for an order goes through `order()`: a tap on Confirm, a double tap, "Try
again", a resume from the journal at start-up, from the CLI or from the operator page. Its
rules, each enforced here and nowhere else:

1. One intent per purchase. An activation already journaled for this SIM, or for this
   device and plan when a new eSIM (`sim: "auto"`) is ordered, is reused with its
   idempotency key; a new intent is journaled (one transaction) before anything is sent.
2. One sender at a time. The right to send is a compare-and-set in the journal
   (`claim_send`), so two flows or two processes cannot both send the same intent, and the
   time it left is on disk before the request does.
3. No resend without looking first. After any answer that leaves the outcome open (a cut
   connection, a timeout, 5xx, 409, even 429, which a proxy may send after the server
   acted), wait until an earlier request can no longer be in flight, then reconcile: look
   for the order or subscription it may have created, filtered on the kiosk field by field
   (never trusting a server-side filter), and resend only when nothing is found. This holds
   with idempotency keys on, off, or ignored by the server: the key is an optimisation.
4. `may_send=False` (a resume nobody is waiting for) only ever reconciles: an intent that
   was never sent is closed as "not placed" instead of charging a customer who has left.
"""

from __future__ import annotations

import asyncio
import logging
import weakref
from collections.abc import Callable
from datetime import datetime

from kiosk.flow import checkout
from kiosk.flow.context import Context
from kiosk.flow.errors import KioskError, from_api_error
from kiosk.flow.states import Review
from kiosk.gigs import (
    APIConnectionError, AuthenticationError, GigsError, InvalidRequestError, NotFoundError,
    PermissionDeniedError, RateLimitError,
)
from kiosk.gigs.models import Order, OrderStatus, SubscriptionStatus
from kiosk.journal import Activation, JournalError
from kiosk.redact import mask_digits

log = logging.getLogger("kiosk.flow")
OPEN_SUBS = (SubscriptionStatus.PENDING, SubscriptionStatus.INITIATED, SubscriptionStatus.ACTIVE)
#: An order or subscription counts as ours only if the API made it no earlier than this
#: before our intent: CLOSE when the API's clock is known (its `Date` header), else SKEW.
CLOSE = 60.0
SKEW = 600.0
#: The API's answer when the SIM already has a subscription (older docs said `simInUse`).
SIM_TAKEN = frozenset({"simAlreadyUsed", "simInUse"})
_locks: weakref.WeakValueDictionary[str, asyncio.Lock] = weakref.WeakValueDictionary()


def _lock(key: str) -> asyncio.Lock:
    lock = _locks.get(key)
    if lock is None:
        lock = _locks[key] = asyncio.Lock()
    return lock


async def order(ctx: Context, *, review: Review | None = None, activation_id: str | None = None,
                imei: str | None = None, may_send: bool = True,
                on_intent: Callable[[Activation, bool], None] = lambda act, reused: None,
                ) -> Activation:
    """Place the order for `review` (or continue `activation_id`) exactly once.

    Returns the activation once an order or subscription is known (status `provisioning`,
    or later). `on_intent` is told the journaled activation as soon as there is one, so a
    failure after that point can name it (and "Try again" resume it), and whether a new
    purchase found an intent journaled before (by another visit): that one's code is not
    this visit's to show.
    """
    if activation_id is None and review is None:
        raise ValueError("order() needs a review or an activation id")
    key = activation_id or _purchase_key(ctx, review)  # type: ignore[arg-type]
    async with _lock(key):
        reused = False
        if activation_id is not None:
            act = await ctx.record(ctx.journal.get, activation_id)
        else:
            assert review is not None
            act, reused = await _intent(ctx, review, imei)
        on_intent(act, reused)
        return await _place(ctx, act, may_send=may_send)


def _purchase_key(ctx: Context, review: Review) -> str:
    sim = review.choice.sim
    return f"{ctx.target}|sim:{sim.id}" if sim else f"{ctx.target}|auto:{review.device.id}"


async def _intent(ctx: Context, review: Review, imei: str | None) -> tuple[Activation, bool]:
    """The journaled intent for this purchase: (the one already there, True), else (a new one,
    False)."""
    sim = review.choice.sim
    if sim is not None:
        ours = await ctx.record(ctx.journal.ordered_for, ctx.target, sim_id=sim.id)
    else:
        ours = await ctx.record(ctx.journal.ordered_for, ctx.target, device_id=review.device.id,
                                plan_id=review.plan.id)
    if ours is not None:
        log.info("activation %s: already ordered for this SIM; continuing it", ours.reference)
        return ours, True
    user, pm = await asyncio.gather(checkout.ensure_user(ctx, review),
                                     checkout.payment_method(ctx))
    address_id = await checkout.ensure_address(ctx, review, user, review.customer)
    act = await ctx.record(
        ctx.journal.begin, target=ctx.target, mode=ctx.settings.mode,
        imei_masked=mask_digits(imei) if imei else None, device_id=review.device.id,
        sim_id=sim.id if sim else None, sim_type=review.choice.type.value, user_id=user.id,
        plan_id=review.plan.id, address_id=address_id, payment_method_id=pm,
        idempotency_key=ctx.client.new_idempotency_key(), api_offset=ctx.server_offset())
    return act, False


async def _place(ctx: Context, act: Activation, *, may_send: bool) -> Activation:
    for _ in range(ctx.settings.place_rounds):
        if act.status not in ("ordering", "unknown"):
            if act.status in ("failed", "lost"):
                raise KioskError("order_rejected", detail=f"{act.reference}: {act.outcome}")
            return act  # placed already (by an earlier attempt, process or tap)
        if act.sent_at is not None:  # a request may have reached the API: look before sending
            found = await _look(ctx, act)
            if found is not None:
                return found
        if not may_send:
            await ctx.update(act, status="failed", outcome="not placed",
                             detail="nobody waiting; nothing found")
            raise KioskError("order_not_placed", detail=act.reference)
        claimed = await ctx.record(ctx.journal.claim_send, act.id, attempts=act.attempts)
        if claimed is None:  # another flow or process sent it meanwhile
            act = await ctx.record(ctx.journal.get, act.id)
            continue
        act = claimed
        try:
            try:
                return await _send(ctx, act)
            except GigsError as exc:
                act = await _after_failure(ctx, act, exc)
        except JournalError as exc:
            # The request left: the order may exist although the journal could not say so.
            # Never "nothing was ordered" here; the activation stays open for the background.
            raise KioskError("order_unsaved", detail=f"{act.reference}: {exc}",
                             cause_type="JournalError") from exc
    raise KioskError("api_unavailable", retryable=True,
                     detail=f"order for {act.reference} still unconfirmed")


async def _after_failure(ctx: Context, act: Activation, exc: GigsError) -> Activation:
    """Record what a failed send means; raise when it is final, else return for another round."""
    if isinstance(exc, APIConnectionError) and not exc.request_sent:
        # Provably never left this machine: nothing to reconcile.
        return await ctx.update(act, sent_at=None, ended_at=None,
                                error_type=type(exc).__name__, detail="not sent")
    if isinstance(exc, (AuthenticationError, PermissionDeniedError)):
        await ctx.update(act, sent_at=None, error_type=type(exc).__name__, detail="refused: auth")
        raise from_api_error(exc) from exc
    if isinstance(exc, (InvalidRequestError, NotFoundError)):
        if exc.code in SIM_TAKEN:  # our own earlier attempt, most likely
            found = await reconcile(ctx, act)
            if found is not None:
                return found
        await ctx.update(act, status="failed", error_type=type(exc).__name__,
                         outcome=exc.code or "rejected")
        raise from_api_error(exc) from exc
    # Anything else may have been acted on (a 429 too: a proxy may send it after the API).
    log.warning("activation %s: order outcome unknown (%s); reconciling before any resend",
                act.reference, type(exc).__name__)
    act = await ctx.update(act, status="unknown", ended_at=ctx.wall(),
                           error_type=type(exc).__name__, detail="ambiguous")
    if isinstance(exc, RateLimitError) and exc.retry_after:
        await ctx.sleep(min(exc.retry_after, 60.0))
    return act


async def _look(ctx: Context, act: Activation) -> Activation | None:
    """Reconcile once the last request can no longer be in flight; None: nothing was made.

    A first look soon after the attempt ended finds what a lost answer created (the common
    case). Finding nothing, look again after `unclear_quiet`: an API (or a gateway in front
    of it) may still be working on a request the kiosk gave up on.
    """
    await _wait_quiet(ctx, act, ctx.settings.reconcile_settle)
    found = await reconcile(ctx, act)
    if found is not None or ctx.settings.unclear_quiet <= ctx.settings.reconcile_settle:
        return found
    await _wait_quiet(ctx, act, ctx.settings.unclear_quiet)
    return await reconcile(ctx, act)


async def _wait_quiet(ctx: Context, act: Activation, quiet: float) -> None:
    """Wait until `quiet` seconds after the last attempt for this intent ended."""
    assert act.sent_at is not None
    now = ctx.wall()
    sent = min(act.sent_at, now)  # a clock set back since: never wait for a time to come
    ended = min(act.ended_at, now) if act.ended_at else sent + ctx.attempt_timeout
    wait = min(ended + quiet - now, ctx.attempt_timeout + quiet)
    if wait > 0:
        log.info("activation %s: waiting %.1f s before reconciling", act.reference, wait)
        await ctx.sleep(wait)


async def _send(ctx: Context, act: Activation) -> Activation:
    client = ctx.client
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
    placed = await client.create_order(plan=act.plan_id, payment_method=act.payment_method_id,
                                       sim=sim, user=act.user_id, user_address=act.address_id,
                                       idempotency_key=key)
    return await ctx.update(act, order_id=placed.id, subscription_id=placed.subscription,
                            status="provisioning", detail="order placed")


def _recent(created: datetime | None, act: Activation, ctx: Context) -> bool:
    """Whether the API made this after our intent, in the API's own time where it is known."""
    if created is None:
        return False
    # The offset when the intent was journaled: our clock may have been corrected since.
    offset = act.api_offset if act.api_offset is not None else ctx.server_offset()
    skew = SKEW if offset is None else CLOSE
    return created.timestamp() >= act.created_at + (offset or 0.0) - skew


async def _claimed(ctx: Context, act: Activation, *, order_id: str | None = None,
                   subscription_id: str | None = None) -> bool:
    return bool(order_id and await ctx.record(ctx.journal.claimed, act.target,
                                              order_id=order_id, besides=act.id)) or bool(
        subscription_id and await ctx.record(ctx.journal.claimed, act.target,
                                             subscription_id=subscription_id, besides=act.id))


async def _orders_of(ctx: Context, user_id: str) -> list[Order] | None:
    """The orders that may be this user's (filtered by the caller), or None if the API has
    no order list. Neither the list nor its `user` filter is documented: a refused filter
    falls back to the unfiltered list (newest first, capped by the client)."""
    try:
        return await ctx.client.list_orders(user=user_id)
    except NotFoundError:
        return None
    except InvalidRequestError:
        try:
            return await ctx.client.list_orders()
        except (NotFoundError, InvalidRequestError):
            return None


async def reconcile(ctx: Context, act: Activation) -> Activation | None:
    """Find the order or subscription an unanswered attempt may have created.

    Lists are filtered by the server where the docs allow it, and always again here, field
    by field: a server that ignores a filter returns strangers' orders too. Nothing another
    activation of ours already owns is taken. In orders mode a new eSIM's subscription is
    taken only through its order: a bare subscription of the same user and plan may be the
    customer's other phone.
    """
    client = ctx.client
    if not act.user_id:
        return None
    subs = {s.id: s for s in await client.list_subscriptions(user=act.user_id)
            if s.user is not None and s.user.id == act.user_id and s.status in OPEN_SUBS
            and s.plan is not None and s.plan.id == act.plan_id}
    if act.mode == "orders":
        orders = await _orders_of(ctx, act.user_id)
        for found in orders or []:
            details = found.subscription_details
            sub = subs.get(found.subscription or "")
            if (found.user is None or found.user.id != act.user_id or found.plan is None
                    or found.plan.id != act.plan_id or found.status is OrderStatus.CANCELED
                    or not _recent(found.created_at, act, ctx)
                    or (details is not None and details.sim not in (None, act.sim_id or "auto"))
                    or (act.sim_id and sub is not None and sub.sim is not None
                        and sub.sim.id != act.sim_id)
                    or await _claimed(ctx, act, order_id=found.id,
                                      subscription_id=found.subscription)):
                continue
            log.info("activation %s: found its order by reconciling", act.reference)
            return await ctx.update(act, order_id=found.id, subscription_id=found.subscription,
                                    status="provisioning", detail="reconciled order")
        candidates = [s for s in subs.values() if act.sim_id and s.sim is not None
                      and s.sim.id == act.sim_id]  # the SIM's own: a strong match
        unprovable = orders is None
    else:
        candidates = [s for s in subs.values() if (
            s.sim is not None and s.sim.id == act.sim_id if act.sim_id
            else _recent(s.created_at, act, ctx))]
        unprovable = False
    for sub in candidates:
        if await _claimed(ctx, act, subscription_id=sub.id):
            continue
        log.info("activation %s: found its subscription by reconciling", act.reference)
        return await ctx.update(act, subscription_id=sub.id, status="provisioning",
                                sim_id=sub.sim.id if sub.sim else act.sim_id,
                                detail="reconciled subscription")
    if unprovable:
        # A pending order shows in no subscription list: without the order list, absence
        # cannot be proved, so nothing is resent. The activation stays open for staff.
        raise KioskError("order_unclear", retryable=True,
                         detail=f"{act.reference}: orders cannot be listed to check")
    return None
