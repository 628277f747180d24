"""One activation session: the pure machine (`machine.py`) plus the effects it asks for.

The UI never calls the API: it sends intents (`submit_imei`, `confirm_device`,
`choose_sim`, `choose_plan`, `enter_customer`, `confirm`, `back`, `retry`, `show_existing`,
`cancel`, `reset`) and renders `state`. Each intent is applied synchronously, before anything is
awaited; an effect then runs as a tracked task and its outcome is fed back to the machine.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from kiosk.flow import checkout, guard
from kiosk.flow.context import Context, PollSchedule
from kiosk.flow.customer import CustomerInput, address_refused
from kiosk.flow.errors import KioskError, from_api_error
from kiosk.flow.existing import follow_existing
from kiosk.flow.lookup import look_up
from kiosk.flow.machine import (
    Arrived, Back, ChoosePlan, ChooseSim, Confirm, ConfirmDevice, Effect, EnterCustomer,
    FollowExisting, Intent, LookUp, PlaceOrder, Reset, Retry, ShowExisting, SubmitImeis, next_state,
)
from kiosk.flow.provisioning import DeadlinePassed, Provisioner
from kiosk.flow.states import (
    Cancelled, EnteringCustomer, ExistingStatus, Failed, FlowState, PendingInBackground, Placing,
    Provisioning, Ready, Review, Visit,
)
from kiosk.gigs import GigsError
from kiosk.gigs.models import ESimProfileStatus, SimType
from kiosk.journal import Activation, JournalError

log = logging.getLogger("kiosk.flow")
PROFILE_PROVIDERS = frozenset({"p3", "p14", "p15"})  # the only ones that report profile status
Listener = Callable[[FlowState], None]


class Flow:
    def __init__(self, ctx: Context, *,
                 on_background: Callable[[Activation], None] | None = None) -> None:
        self.ctx = ctx
        self._visit = Visit()
        self._serial = 0  # bumped by every reset: outcomes of an older visit are dropped
        self._listeners: list[Listener] = []
        self._tasks: set[asyncio.Task[Any]] = set()
        self._on_background = on_background

    # -- state --------------------------------------------------------------------------------

    @property
    def state(self) -> FlowState:
        return self._visit.page

    @property
    def visit(self) -> Visit:
        return self._visit

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    def _publish(self, visit: Visit) -> None:
        changed = visit.page is not self._visit.page
        self._visit = visit
        if changed:
            log.debug("flow -> %s", type(visit.page).__name__)
            for listener in list(self._listeners):
                listener(visit.page)

    def dispatch(self, intent: Intent) -> asyncio.Task[None] | None:
        """Apply an intent now (synchronously); start its effect, if any, as a task."""
        visit, effect = next_state(self._visit, intent)
        before = self._visit.page
        self._publish(visit)
        page = visit.page
        if isinstance(page, Review) and page.customer is not None and page is not before:
            checkout.prefetch_users(self.ctx, page.customer.email)  # while they review
        if effect is None:
            return None
        task = asyncio.ensure_future(self._effect(effect, self._serial))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    async def _apply(self, intent: Intent) -> None:
        task = self.dispatch(intent)
        if task is not None:
            try:
                await asyncio.shield(task)
            except asyncio.CancelledError:
                if not task.cancelled():
                    raise  # our caller was cancelled, not the flow

    def _arrive(self, serial: int, page: FlowState, activation_id: str | None = None) -> None:
        if serial == self._serial:  # else the visit was reset meanwhile: not ours to show
            self._publish(next_state(self._visit, Arrived(page, activation_id))[0])

    # -- intents ----------------------------------------------------------------------------------

    async def submit_imei(self, *texts: str) -> None:
        """One IMEI, or both of a dual-SIM box."""
        await self._apply(SubmitImeis(texts))

    async def confirm_device(self) -> None:
        await self._apply(ConfirmDevice())

    async def choose_sim(self, ref: str) -> None:
        """The device is theirs, and this SIM (`SimChoice.ref`) is the one to activate."""
        await self._apply(ChooseSim(ref))

    async def choose_plan(self, plan_id: str) -> None:
        await self._apply(ChoosePlan(plan_id))

    async def enter_customer(self, customer: CustomerInput) -> None:
        await self._apply(EnterCustomer(customer))

    async def confirm(self) -> None:
        await self._apply(Confirm())

    async def show_existing(self) -> None:
        """For a SIM that already has a subscription: its status, never its code."""
        await self._apply(ShowExisting())

    async def retry(self) -> None:
        await self._apply(Retry())

    async def back(self) -> None:
        await self._apply(Back())

    async def resume(self, activation_id: str, *, may_send: bool = True) -> None:
        """Continue an activation from the journal (staff, the CLI, or at start-up)."""
        self._serial += 1
        self._publish(Visit(Placing(activation_id), activation_id=activation_id))
        await self._effect(PlaceOrder(activation_id=activation_id), self._serial,
                           may_send=may_send)

    def prefetch_customer(self, email: str) -> None:
        """The customer's email is known early (the CLI): look the user up meanwhile."""
        checkout.prefetch_users(self.ctx, email)

    async def cancel(self) -> None:
        """Stop everything this session started; no request is sent after this returns.

        An activation already placed in this visit is not abandoned: it is handed to the
        background (`on_background`), which follows it to the end.
        """
        self._serial += 1
        visit = self._visit
        tasks = [t for t in self._tasks if t is not asyncio.current_task()]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        self._tasks.clear()
        for early in self.ctx.prefetched.values():  # nothing of this visit for the next one
            early.cancel()
        self.ctx.prefetched.clear()
        if visit.activation_id is not None and self._on_background is not None:
            act = await self.ctx.record(self.ctx.journal.get, visit.activation_id)
            if act.is_open:  # even `ordering`: a request may be in flight (it only reconciles)
                self._on_background(act)
        self._publish(Visit(Cancelled()))  # drops the Ready state and its code

    async def reset(self) -> None:
        await self.cancel()
        self._publish(next_state(self._visit, Reset())[0])

    # -- effects ----------------------------------------------------------------------------------

    async def _effect(self, effect: Effect, serial: int, *, may_send: bool = True) -> None:
        """Run one effect; its outcome (an error included) arrives as the next page."""
        origin = self._visit.page
        known: list[str] = []  # the activation, once the guard has journaled it
        try:
            if isinstance(effect, LookUp):
                self._arrive(serial, await look_up(self.ctx, list(effect.imeis)))
            elif isinstance(effect, FollowExisting):
                self._arrive(serial, await follow_existing(self.ctx, effect.existing,
                                                           self._on_background))
            else:
                await self._order(effect, serial, known, may_send)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # every failure becomes a page, never an escaped exception
            activation_id = known[0] if known else effect.activation_id if isinstance(
                effect, PlaceOrder) else None
            review = getattr(effect, "review", None)
            if (isinstance(exc, KioskError) and exc.code == "address_invalid"
                    and isinstance(review, Review) and activation_id is None):
                self._arrive(serial, _address_again(review))  # nothing was ordered
                return
            retry_from = review or getattr(effect, "existing", None)
            self._arrive(serial, _failed(exc, activation_id, retry_from or origin),
                         activation_id)

    async def _order(self, effect: PlaceOrder, serial: int, known: list[str],
                     may_send: bool) -> None:
        ctx = self.ctx

        elsewhere: list[Activation] = []

        def journaled(act: Activation, reused: bool) -> None:
            if reused:  # another visit's purchase: followed, never this visit's to show
                elsewhere.append(act)
                return
            known.append(act.id)
            self._arrive(serial, Placing(act.id, act.reference), act.id)

        imei = self._visit.imeis[0] if self._visit.imeis else None
        act = await guard.order(ctx, review=effect.review, activation_id=effect.activation_id,
                                imei=imei, may_send=may_send, on_intent=journaled)
        if elsewhere:
            finishing = act.status in ("unknown", "provisioning", "pending")
            if finishing and self._on_background is not None:
                self._on_background(act)
            sim_type = effect.review.choice.type if effect.review else None
            self._arrive(serial, ExistingStatus(sim_type, None, finishing=finishing,
                                                plan_name=effect.review.plan.name
                                                if effect.review else None))
            return
        started = ctx.clock()
        state = Provisioning(act.id, act.reference, started=started)
        self._arrive(serial, state, act.id)

        def progress(done: frozenset[Any]) -> None:
            self._arrive(serial, replace(state, done=done, elapsed=ctx.clock() - started))

        try:
            act, ready = await Provisioner(ctx).run(
                act, deadline_at=started + ctx.settings.deadline, progress=progress)
        except DeadlinePassed as late:
            act = await ctx.update(late.activation, status="pending", detail="deadline passed")
            self._arrive(serial, PendingInBackground(act.id, act.reference))
            if self._on_background is not None:
                self._on_background(act)
            return
        if effect.review is not None and effect.review.device.model is not None:  # "your tablet"
            ready = replace(ready, device_type=effect.review.device.model.type)
        self._arrive(serial, ready)
        if ready.sim_type is SimType.ESIM and ready.provider in PROFILE_PROVIDERS and ready.sim_id:
            task = asyncio.ensure_future(self._follow_profile(ready.sim_id, serial))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def _follow_profile(self, sim_id: str, serial: int) -> None:
        """Show `installed`/`enabled` on the ready page when the provider reports it."""
        ctx = self.ctx
        started = ctx.clock()
        schedule = PollSchedule(replace(ctx.settings, poll_initial=1.0), started)
        while ctx.clock() - started < ctx.settings.profile_follow:
            try:
                profile = await ctx.client.esim_profile(sim_id)
            except GigsError:
                profile = None
            state = self._visit.page
            if serial != self._serial or not isinstance(state, Ready):
                return
            if profile is not None and profile.status is not state.profile:
                self._arrive(serial, replace(state, profile=profile.status))
            if profile is not None and profile.status is ESimProfileStatus.ENABLED:
                return  # installed and switched on: nothing more to show
            await ctx.sleep(schedule.wait(ctx.clock()))


def _address_again(review: Review) -> EnteringCustomer:
    """The API refused the address: the form again, with what was typed and the field marked."""
    owner = review.owner
    return EnteringCustomer(review.device, review.choice, review.plan, True, owner,
                            draft=review.customer, problems=tuple(address_refused().items()),
                            needs_name=owner is None or not owner.full_name)


def _failed(exc: Exception, activation_id: str | None, retry_from: FlowState | None) -> Failed:
    if isinstance(exc, KioskError):
        error = exc
    elif isinstance(exc, GigsError):
        error = from_api_error(exc)
    elif isinstance(exc, JournalError):
        error = KioskError("journal_unwritable", detail=str(exc), cause_type="JournalError")
    else:
        log.error("unexpected error in the activation flow", exc_info=exc)
        error = KioskError("unexpected", cause_type=type(exc).__name__)
    log.warning("activation step failed: %s [request %s]", error, error.request_id)
    return Failed(error, error.retryable, activation_id, retry_from)
