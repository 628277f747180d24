"""Which plans a SIM can have, in which order, and which SIM a plan goes on."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from kiosk.flow.states import SimChoice
from kiosk.gigs.models import (
    ActivationTrigger, Device, Plan, PlanStatus, Requirement, SimStatus, SimType, ValidityType,
    ValidityUnit,
)

# ISO 4217 minor units that are not 2 (the API gives amounts in minor units).
_MINOR_UNITS = {"JPY": 0, "KRW": 0, "ISK": 0, "CLP": 0, "VND": 0, "BHD": 3, "KWD": 3,
                "OMR": 3, "JOD": 3, "TND": 3}


@dataclass(frozen=True)
class PlanSummary:
    """A plan's facts for display: `None` allowances mean unlimited, 0 means not included.

    Numbers stay numbers; the GUI formats them for the locale (QLocale), the CLI plainly.
    """

    id: str
    name: str
    description: str
    data_bytes: int | None
    voice_minutes: int | None
    sms: int | None
    price: Decimal | None
    currency: str | None
    validity_days: int | None
    validity_months: int | None
    recurring: bool
    starts_on_first_use: bool
    needs_address: bool
    sim_types: tuple[SimType, ...]


def summary(plan: Plan) -> PlanSummary:
    a, v = plan.allowances, plan.validity
    price = currency = None
    if plan.price is not None:
        currency = plan.price.currency.upper()
        price = Decimal(plan.price.amount).scaleb(-_MINOR_UNITS.get(currency, 2))
    days = months = None
    if v is not None and v.value is not None:
        if v.unit is ValidityUnit.DAY:
            days = v.value
        elif v.unit is ValidityUnit.MONTH:
            months = v.value
    return PlanSummary(
        id=plan.id, name=plan.name or "", description=plan.description or "",
        data_bytes=a.data_bytes, voice_minutes=None if a.voice_seconds is None else a.voice_seconds // 60,
        sms=a.sms_messages, price=price, currency=currency, validity_days=days,
        validity_months=months, recurring=v is not None and v.type is ValidityType.RECURRING,
        starts_on_first_use=plan.activation_trigger is ActivationTrigger.USAGE_STARTED,
        needs_address=plan.requirements.needs_address, sim_types=tuple(plan.sim_types))


def sim_choices(device: Device) -> tuple[SimChoice, ...]:
    """SIMs that can be activated: inactive ones, pSIMs first (already in the box).

    A registered device with no SIM gets a new eSIM (`auto`) if its model supports eSIM.
    """
    usable = [s for s in device.sims if s.status is SimStatus.INACTIVE
              and s.type in (SimType.ESIM, SimType.PSIM)]
    usable.sort(key=lambda s: 0 if s.type is SimType.PSIM else 1)
    if usable:
        return tuple(SimChoice(s, s.type) for s in usable)
    if not device.sims and device.model is not None and device.model.supports_esim:
        return (SimChoice(None, SimType.ESIM),)
    return ()


def sellable(plans: Iterable[Plan], choices: Iterable[SimChoice]) -> tuple[Plan, ...]:
    """Available plans that fit one of the SIMs, cheapest first, then most data."""
    types = {c.type for c in choices}
    fitting = [p for p in plans if p.status is PlanStatus.AVAILABLE and types & set(p.sim_types)]

    def key(plan: Plan) -> tuple[int, float, str]:
        price = plan.price.amount if plan.price else 0
        data = plan.allowances.data_bytes
        return (price, -(float("inf") if data is None else data), plan.name or "")

    return tuple(sorted(fitting, key=key))


def collectable(plan: Plan) -> bool:
    """Whether the kiosk can gather everything the plan requires before subscribing.

    A birthday or a `device` requirement is not collected here (nor is an unknown kind):
    such a plan is not offered, rather than refused by the API after the customer chose it.
    """
    r = plan.requirements
    return (r.user_birthday is Requirement.NONE and r.device is Requirement.NONE
            and r.address is not Requirement.UNKNOWN
            and r.user_full_name is not Requirement.UNKNOWN)


def choice_for(plan: Plan, choices: Iterable[SimChoice]) -> SimChoice | None:
    """The SIM this plan goes on: the first (pSIM-first) choice whose type the plan takes."""
    return next((c for c in choices if c.type in plan.sim_types), None)

