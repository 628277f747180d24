"""One activation session: typed states, intents from the UI or CLI, async actions.

The UI never calls the API: it sends intents (`submit_imei`, `choose_plan`, `enter_customer`,
`confirm`, `back`, `retry`, `show_existing`, `cancel`) and renders `state`.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import replace
from typing import Any

from kiosk.flow import checkout
from kiosk.flow.catalog import choice_for
from kiosk.flow.context import Context, PollSchedule
from kiosk.flow.customer import CustomerInput, normalise, validate
from kiosk.flow.errors import KioskError, from_api_error
from kiosk.flow.lookup import look_up
from kiosk.flow.ordering import Placer
from kiosk.flow.provisioning import DeadlinePassed, Provisioner
from kiosk.flow.states import (
    INTERACTIVE, AlreadySubscribed, Cancelled, ChoosingPlan, EnteringCustomer, Failed,
    FlowState, Idle, LookingUp, PendingInBackground, Placing, Provisioning, Ready, Review,
)
from kiosk.gigs import GigsError
from kiosk.gigs.models import ESimProfileStatus, SimType
from kiosk.journal import Activation
from kiosk.scan.imei import InvalidIdentifier, parse_imei

log = logging.getLogger("kiosk.flow")
PROFILE_PROVIDERS = frozenset({"p3", "p14", "p15"})  # the only ones that report profile status
Listener = Callable[[FlowState], None]


class Flow:
    def __init__(self, ctx: Context, *,
                 on_background: Callable[[Activation], None] | None = None) -> None:
        self.ctx = ctx
        self._state: FlowState = Idle()
        self._history: list[FlowState] = []
        self._listeners: list[Listener] = []
        self._tasks: set[asyncio.Task[Any]] = set()
        self._retry: Callable[[], Coroutine[Any, Any, None]] | None = None
        self._imei: str | None = None
        self._on_background = on_background

    # -- state --------------------------------------------------------------------------------

    @property
    def state(self) -> FlowState:
        return self._state

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    def _set(self, state: FlowState, *, remember: bool = True) -> None:
        if remember and isinstance(self._state, INTERACTIVE) and type(state) is not type(self._state):
            self._history.append(self._state)
        self._state = state
        log.debug("flow -> %s", type(state).__name__)
        for listener in list(self._listeners):
            listener(state)

    # -- running actions ------------------------------------------------------------------------

    async def _run(self, work: Callable[[], Coroutine[Any, Any, None]]) -> None:
        """Run an action as a tracked task; errors become a `Failed` state, never escape."""
        self._retry = work
        task = asyncio.ensure_future(self._guarded(work))
        self._tasks.add(task)
        try:
            await task
        except asyncio.CancelledError:
            if not task.cancelled():
                raise  # our caller was cancelled, not the flow
        finally:
            self._tasks.discard(task)

    async def _guarded(self, work: Callable[[], Coroutine[Any, Any, None]]) -> None:
        try:
            await work()
        except asyncio.CancelledError:
            raise
        except KioskError as exc:
            log.warning("activation step failed: %s [request %s]", exc, exc.request_id)
            self._set(Failed(exc, exc.retryable), remember=False)
        except GigsError as exc:
            error = from_api_error(exc)
            log.warning("activation step failed: %s [request %s]", exc, error.request_id)
            self._set(Failed(error, error.retryable), remember=False)
        except Exception:
            log.exception("unexpected error in the activation flow")
            self._set(Failed(KioskError("unexpected")), remember=False)

    def _spawn(self, coro: Awaitable[Any]) -> None:
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    # -- intents ----------------------------------------------------------------------------------

    async def submit_imei(self, *texts: str) -> None:
        """One IMEI, or both of a dual-SIM box."""
        try:
            imeis = list(dict.fromkeys(parse_imei(t) for t in texts))
        except InvalidIdentifier as exc:
            self._set(Failed(KioskError("invalid_imei", detail=exc.reason)), remember=False)
            return
        if not imeis:
            return
        self._imei = imeis[0]
        self._history.clear()

        async def work() -> None:
            self._set(LookingUp(len(imeis)), remember=False)
            self._set(await look_up(self.ctx, imeis), remember=False)

        await self._run(work)

    async def choose_plan(self, plan_id: str) -> None:
        state = self._state
        if not isinstance(state, ChoosingPlan):
            return
        plan = next((p for p in state.plans if p.id == plan_id), None)
        choice = choice_for(plan, state.choices) if plan else None
        if plan is None or choice is None:
            return
        owner = state.device.user
        if owner is not None and not plan.requirements.needs_address:
            self._set(Review(state.device, choice, plan, None, owner))
        else:
            self._set(EnteringCustomer(state.device, choice, plan,
                                       plan.requirements.needs_address, owner))

    async def enter_customer(self, customer: CustomerInput) -> None:
        state = self._state
        if not isinstance(state, EnteringCustomer):
            return
        customer = normalise(customer)
        problems = validate(customer, needs_address=state.needs_address)
        if state.owner is not None:  # the owner's email and name are known
            problems = {k: v for k, v in problems.items() if k not in ("email", "full_name")}
        if problems:
            self._set(replace(state, draft=customer, problems=tuple(problems.items())),
                      remember=False)
            return
        self._set(Review(state.device, state.choice, state.plan, customer, state.owner))

    async def confirm(self) -> None:
        state = self._state
        if not isinstance(state, Review):
            return

        async def work() -> None:
            ours = None
            if state.choice.sim is not None:
                ours = await self.ctx.record(self.ctx.journal.ordered_for, self.ctx.target,
                                             sim_id=state.choice.sim.id)
            if ours is not None:
                await self._activate(ours)
            else:
                await self._activate(await checkout.begin(self.ctx, state, self._imei), fresh=True)

        await self._run(work)

    async def show_existing(self) -> None:
        """For a SIM that already has a subscription: follow it (never order again)."""
        state = self._state
        if not isinstance(state, AlreadySubscribed):
            return

        async def work() -> None:
            if state.activation_id is not None:
                act = await self.ctx.record(self.ctx.journal.get, state.activation_id)
            else:
                assert state.subscription is not None
                sub = state.subscription
                act = await self.ctx.record(
                    self.ctx.journal.begin, target=self.ctx.target, mode="existing",
                    device_id=state.device.id, sim_id=state.sim.id if state.sim else None,
                    sim_type=state.sim.type.value if state.sim else None,
                    user_id=sub.user.id if sub.user else None,
                    plan_id=sub.plan.id if sub.plan else None)
                act = await self.ctx.update(act, subscription_id=sub.id, status="provisioning",
                                            detail="existing subscription shown")
            await self._activate(act)

        await self._run(work)

    async def resume(self, activation_id: str) -> None:
        """Continue an unfinished activation from the journal (after a restart)."""
        async def work() -> None:
            await self._activate(await self.ctx.record(self.ctx.journal.get, activation_id))

        await self._run(work)

    async def retry(self) -> None:
        if isinstance(self._state, Failed) and self._state.can_retry and self._retry is not None:
            await self._run(self._retry)

    async def back(self) -> None:
        if self._history and isinstance(self._state, INTERACTIVE):
            self._set(self._history.pop(), remember=False)

    async def cancel(self) -> None:
        """Stop everything this session started; no request is sent after this returns."""
        tasks = [t for t in self._tasks if t is not asyncio.current_task()]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        self._tasks.clear()
        self._history.clear()
        self._retry = None
        self._imei = None
        self._set(Cancelled(), remember=False)  # drops the Ready state and its code

    async def reset(self) -> None:
        await self.cancel()
        self._set(Idle(), remember=False)

    # -- the activation itself ----------------------------------------------------------------

    async def _activate(self, act: Activation, *, fresh: bool = False) -> None:
        ctx = self.ctx
        if act.status in ("ordering", "unknown"):
            self._set(Placing(act.id, act.reference), remember=False)
            act = await Placer(ctx).place(act, fresh=fresh)
        if act.status == "failed":
            raise KioskError("order_rejected", detail=f"{act.reference}: {act.outcome}")
        started = ctx.clock()
        state = Provisioning(act.id, act.reference, started=started)
        self._set(state, remember=False)

        def progress(done: frozenset[Any]) -> None:
            self._set(replace(state, done=done, elapsed=ctx.clock() - started), remember=False)

        try:
            act, ready = await Provisioner(ctx).run(
                act, deadline_at=started + ctx.settings.deadline, progress=progress)
        except DeadlinePassed as late:
            act = await ctx.update(late.activation, status="pending", detail="deadline passed")
            self._set(PendingInBackground(act.id, act.reference), remember=False)
            if self._on_background is not None:
                self._on_background(act)
            return
        self._set(ready, remember=False)
        if ready.sim_type is SimType.ESIM and ready.provider in PROFILE_PROVIDERS and ready.sim_id:
            self._spawn(self._follow_profile(ready.sim_id))

    async def _follow_profile(self, sim_id: str) -> None:
        """Show `installed`/`enabled` on the ready page when the provider reports it."""
        ctx = self.ctx
        started = ctx.clock()
        schedule = PollSchedule(replace(ctx.settings, poll_initial=1.0), started)
        while ctx.clock() - started < ctx.settings.profile_follow:
            try:
                profile = await ctx.client.esim_profile(sim_id)
            except GigsError:
                profile = None
            state = self._state
            if not isinstance(state, Ready):
                return
            if profile is not None and profile.status is not state.profile:
                self._set(replace(state, profile=profile.status), remember=False)
            if profile is not None and profile.status is ESimProfileStatus.ENABLED:
                return  # installed and switched on: nothing more to show
            await ctx.sleep(schedule.wait(ctx.clock()))
