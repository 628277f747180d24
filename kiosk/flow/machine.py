"""The visit as a pure state machine: `next_state(visit, intent) -> (visit, effect)`.

No I/O, no awaits, no clock: everything a visit knows is in the `Visit` value, and what
must happen outside (a lookup, an order) is returned as an effect for the engine to run.
The engine feeds each effect's outcome back as an `Arrived` event. Because a transition is
one synchronous call, a second tap on Confirm meets the `Placing` page the first tap
already made, and is ignored.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from kiosk.flow.catalog import choice_for, for_sim
from kiosk.flow.customer import CustomerInput, normalise, validate
from kiosk.flow.errors import KioskError
from kiosk.gigs.models import Requirement
from kiosk.flow.states import (
    INTERACTIVE, AlreadySubscribed, ChoosingPlan, DeviceFound, EnteringCustomer, Failed,
    FlowState, Idle, LookingUp, Placing, Provisioning, Review, Visit,
)
from kiosk.scan.imei import InvalidIdentifier, parse_imei

# -- intents (what the customer asked) -----------------------------------------------------------


@dataclass(frozen=True)
class SubmitImeis:
    texts: tuple[str, ...]


@dataclass(frozen=True)
class ConfirmDevice:
    """It is my device: on to the plans (for a device with several SIMs, each plan goes on the
    first SIM it fits; the kiosk's page asks with `ChooseSim` instead)."""


@dataclass(frozen=True)
class ChooseSim:
    """It is my device, and this is the SIM to activate (`SimChoice.ref`: a SIM id or "auto")."""

    ref: str


@dataclass(frozen=True)
class ChoosePlan:
    plan_id: str


@dataclass(frozen=True)
class EnterCustomer:
    customer: CustomerInput


@dataclass(frozen=True)
class Confirm:
    pass


@dataclass(frozen=True)
class Retry:
    pass


@dataclass(frozen=True)
class Back:
    pass


@dataclass(frozen=True)
class ShowExisting:
    pass


@dataclass(frozen=True)
class Reset:
    pass


@dataclass(frozen=True)
class Arrived:
    """An effect's outcome: the page it leads to (and, once journaled, its activation)."""

    page: FlowState
    activation_id: str | None = None


Intent = (SubmitImeis | ConfirmDevice | ChooseSim | ChoosePlan | EnterCustomer | Confirm | Retry
          | Back | ShowExisting | Reset | Arrived)

# -- effects (what the engine must do) -----------------------------------------------------------


@dataclass(frozen=True)
class LookUp:
    imeis: tuple[str, ...]


@dataclass(frozen=True)
class PlaceOrder:
    """Through the order guard: a new purchase (`review`) or a journaled one (`activation_id`)."""

    review: Review | None = None
    activation_id: str | None = None


@dataclass(frozen=True)
class FollowExisting:
    existing: AlreadySubscribed


Effect = LookUp | PlaceOrder | FollowExisting
#: Pages during which an effect is running: nothing the customer does may start another.
BUSY = (LookingUp, Placing, Provisioning)


def next_state(visit: Visit, intent: Intent) -> tuple[Visit, Effect | None]:
    """The visit after `intent`, and the effect to run (None: nothing to do)."""
    page = visit.page
    if isinstance(intent, Reset):
        return Visit(), None
    if isinstance(intent, Arrived):
        return _arrived(visit, intent), None
    if isinstance(intent, SubmitImeis):
        if isinstance(page, BUSY) or visit.activation_id is not None:
            return visit, None  # never abandon an order by scanning over it
        try:
            imeis = tuple(dict.fromkeys(parse_imei(t) for t in intent.texts))
        except InvalidIdentifier as exc:
            return Visit(Failed(KioskError("invalid_imei", detail=exc.reason))), None
        if not imeis:
            return visit, None
        return Visit(LookingUp(len(imeis)), imeis=imeis), LookUp(imeis)
    if isinstance(intent, ConfirmDevice) and isinstance(page, DeviceFound):
        return _push(visit, ChoosingPlan(page.device, page.choices, page.plans,
                                         page.unsold)), None
    if isinstance(intent, ChooseSim) and isinstance(page, DeviceFound):
        return _choose_sim(visit, page, intent.ref), None
    if isinstance(intent, ChoosePlan) and isinstance(page, ChoosingPlan):
        return _choose_plan(visit, page, intent.plan_id), None
    if isinstance(intent, EnterCustomer) and isinstance(page, EnteringCustomer):
        return _enter_customer(visit, page, intent.customer), None
    if isinstance(intent, Confirm) and isinstance(page, Review):
        return _go(visit, Placing()), PlaceOrder(review=page)
    if isinstance(intent, Back) and isinstance(page, INTERACTIVE) and visit.history:
        return replace(visit, page=visit.history[-1], history=visit.history[:-1]), None
    if isinstance(intent, ShowExisting) and isinstance(page, AlreadySubscribed):
        return _go(visit, LookingUp()), FollowExisting(page)
    if isinstance(intent, Retry) and isinstance(page, Failed) and page.can_retry:
        return _retry(visit, page)
    return visit, None


def _go(visit: Visit, page: FlowState) -> Visit:
    """To a page with no way back (Back works only between the choosing pages)."""
    return replace(visit, page=page, history=())


def _push(visit: Visit, page: FlowState) -> Visit:
    return replace(visit, page=page, history=(*visit.history, visit.page))


def _arrived(visit: Visit, event: Arrived) -> Visit:
    activation_id = event.activation_id or visit.activation_id
    if isinstance(event.page, Failed) and activation_id and event.page.activation_id is None:
        event = replace(event, page=replace(event.page, activation_id=activation_id))
    return replace(visit, page=event.page, history=(), activation_id=activation_id)


def _choose_sim(visit: Visit, page: DeviceFound, ref: str) -> Visit:
    """Plans for that SIM only; a SIM the page did not offer, or one no plan fits, is ignored."""
    choice = next((c for c in page.choices if c.ref == ref), None)
    if choice is None:
        return visit
    plans = for_sim(page.plans, choice)
    if not plans:
        return visit
    return _push(visit, ChoosingPlan(page.device, (choice,), plans, for_sim(page.unsold, choice)))


def _choose_plan(visit: Visit, page: ChoosingPlan, plan_id: str) -> Visit:
    plan = next((p for p in page.plans if p.id == plan_id), None)
    choice = choice_for(plan, page.choices) if plan else None
    if plan is None or choice is None:
        return visit
    owner = page.device.user
    needs_address = plan.requirements.needs_address
    if owner is None:
        return _push(visit, EnteringCustomer(page.device, choice, plan, needs_address))
    # The owner's account is known: ask only for what the plan requires and it lacks.
    name_missing = (plan.requirements.user_full_name is not Requirement.NONE
                    and not owner.full_name)
    if not needs_address and not name_missing:
        return _push(visit, Review(page.device, choice, plan, None, owner))
    return _push(visit, EnteringCustomer(page.device, choice, plan, needs_address, owner,
                                         needs_name=name_missing))


def _enter_customer(visit: Visit, page: EnteringCustomer, customer: CustomerInput) -> Visit:
    customer = normalise(customer)
    problems = validate(customer, needs_address=page.needs_address)
    if page.owner is not None:  # the owner's email is known, and their name unless asked
        asked = ("full_name",) if page.needs_name else ()
        problems = {k: v for k, v in problems.items()
                    if k not in ("email", "full_name") or k in asked}
    if problems:
        return replace(visit, page=replace(page, draft=customer,
                                           problems=tuple(problems.items())))
    return _push(visit, Review(page.device, page.choice, page.plan, customer, page.owner))


def _retry(visit: Visit, page: Failed) -> tuple[Visit, Effect | None]:
    activation_id = page.activation_id or visit.activation_id
    if activation_id is not None:  # an order was journaled: continue it, never a new one
        return _go(visit, Placing(activation_id)), PlaceOrder(activation_id=activation_id)
    origin = page.retry_from
    if isinstance(origin, Review):
        return _go(visit, Placing()), PlaceOrder(review=origin)
    if isinstance(origin, AlreadySubscribed):
        return _go(visit, LookingUp()), FollowExisting(origin)
    if visit.imeis:
        return _go(visit, LookingUp(len(visit.imeis))), LookUp(visit.imeis)
    return _go(visit, Idle()), None
