"""Which plans a SIM can have, in which order, and which SIM a plan goes on.

What the reference documents, and the kiosk relies on (REFERENCE.md §3 plan and deviceModel,
§2.3, §6.2): a plan's `status` (only `available` is sold), its `simTypes` (`eSIM`, `pSIM` or
both) and its `requirements`; a device model's `simTypes` and `type` (`smartphone`, `tablet`,
`smartwatch`, ...). Nothing documented says which kinds of device a plan is for, so the kiosk
reads the plan's own `metadata` (documented as the project's key/value store) for
`deviceTypes`, and a plan that does not say is a phone plan: see `fits_device`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from kiosk.flow.states import SimChoice
from kiosk.gigs.models import (
    ActivationTrigger, Device, DeviceModel, DeviceType, Plan, PlanStatus, Requirement, SimStatus,
    SimType, ValidityType, ValidityUnit,
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
    minimum_periods: int
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
        minimum_periods=max(1, v.minimum_periods or 1) if v is not None else 1,
        starts_on_first_use=plan.activation_trigger is ActivationTrigger.USAGE_STARTED,
        needs_address=plan.requirements.needs_address, sim_types=tuple(plan.sim_types))


def sim_choices(device: Device) -> tuple[SimChoice, ...]:
    """SIMs that can be activated: inactive ones, pSIMs first (already in the box), then a new
    eSIM (`auto`) where the model supports eSIM and the device has no eSIM yet.

    The new eSIM is offered beside a usable pSIM (the customer chooses) or on a registered
    device with no SIM at all; never beside a retired or unknown SIM, which staff must look at.
    """
    usable = [s for s in device.sims if s.status is SimStatus.INACTIVE
              and s.type in (SimType.ESIM, SimType.PSIM)]
    usable.sort(key=lambda s: 0 if s.type is SimType.PSIM else 1)
    choices = [SimChoice(s, s.type) for s in usable]
    has_esim = any(s.type is SimType.ESIM for s in device.sims)
    esim_capable = device.model is not None and device.model.supports_esim
    if esim_capable and not has_esim and len(usable) == len(device.sims):
        choices.append(SimChoice(None, SimType.ESIM))
    return tuple(choices)


#: The plan metadata key in which a plan may list the device types it is for (comma-separated
#: or a list of the reference's deviceModel `type` values, e.g. "smartwatch"). A convention
#: of this kiosk, agreed with whoever sets the plans up: the API documents no such field.
DEVICE_TYPES_KEY = "deviceTypes"
#: The device types a plan that names none is for: phones and tablets.
PHONE_TYPES = frozenset({DeviceType.SMARTPHONE, DeviceType.FEATURE_PHONE, DeviceType.TABLET})


def declared_device_types(plan: Plan) -> frozenset[DeviceType] | None:
    """The device types `plan` says it is for, or None if it says nothing.

    Names the kiosk does not know are dropped; a declaration it cannot read at all (a number,
    or only unknown names) is an empty set, and such a plan fits no device.
    """
    raw = plan.metadata.get(DEVICE_TYPES_KEY)
    if raw is None:
        return None
    items = raw.split(",") if isinstance(raw, str) else raw if isinstance(raw, list) else []
    types = {DeviceType(str(item).strip().lower()) for item in items if str(item).strip()}
    return frozenset(types - {DeviceType.UNKNOWN})


def device_type(device: Device) -> DeviceType:
    """The device's type as the API describes its model; `unknown` without a model."""
    return device.model.type if device.model is not None else DeviceType.UNKNOWN


def fits_device(plan: Plan, kind: DeviceType) -> bool:
    """Whether `plan` may be offered for a device of this type.

    A plan that lists device types (`DEVICE_TYPES_KEY`) is offered for those only (a watch
    plan for watches). A plan that lists none is a phone plan: for smartphones, feature phones
    and tablets, never for a watch or anything else. A device whose type the API does not give
    gets no plan at all: staff can tell what it is, the kiosk cannot.
    """
    declared = declared_device_types(plan)
    if declared is None:
        return kind in PHONE_TYPES
    return kind in declared


def sellable(plans: Iterable[Plan], choices: Iterable[SimChoice], *,
             kind: DeviceType) -> tuple[Plan, ...]:
    """Available plans for this type of device that fit one of its SIMs, cheapest first, then
    most data. Every condition is checked here, whatever filter the server was asked for."""
    types = {c.type for c in choices}
    fitting = [p for p in plans if p.status is PlanStatus.AVAILABLE and types & set(p.sim_types)
               and fits_device(p, kind)]

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


def for_sim(plans: Iterable[Plan], choice: SimChoice) -> tuple[Plan, ...]:
    """The plans (in their order) that go on this SIM: an eSIM-only plan only on an eSIM."""
    return tuple(p for p in plans if choice.type in p.sim_types)


def display_name(model: DeviceModel | None) -> str:
    """"Google Pixel 9", but "Fairphone 5" where the model's name already starts with its brand
    (never "Fairphone Fairphone 5"; "HMD Pulse" for brand "HMD Global")."""
    if model is None:
        return ""
    brand, name = " ".join((model.brand or "").split()), " ".join((model.name or "").split())
    if not brand or not name:
        return brand or name
    same = name.split()[0].casefold() == brand.split()[0].casefold()
    return name if same else f"{brand} {name}"



class DeviceKind(StrEnum):
    """What the customer calls the device, for the words on the pages: "your tablet"."""

    PHONE = "phone"
    TABLET = "tablet"
    WATCH = "watch"
    OTHER = "device"


def kind_of(kind: DeviceType) -> DeviceKind:
    """A smartwatch is a watch, a tablet a tablet; a phone, or a device the API does not
    describe (the kiosk is for phones, as its welcome page says), a phone; the rest (a car, a
    router, a wearable band) is a device."""
    if kind is DeviceType.SMARTWATCH:
        return DeviceKind.WATCH
    if kind is DeviceType.TABLET:
        return DeviceKind.TABLET
    if kind in (DeviceType.SMARTPHONE, DeviceType.FEATURE_PHONE, DeviceType.UNKNOWN):
        return DeviceKind.PHONE
    return DeviceKind.OTHER
