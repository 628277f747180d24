"""Which plans a SIM can have, in which order, and which SIM a plan goes on."""

from __future__ import annotations

from collections.abc import Iterable

from kiosk.flow.states import SimChoice
from kiosk.gigs.models import Device, Plan, PlanStatus, Sim, SimStatus, SimType


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


def choice_for(plan: Plan, choices: Iterable[SimChoice]) -> SimChoice | None:
    """The SIM this plan goes on: the first (pSIM-first) choice whose type the plan takes."""
    return next((c for c in choices if c.type in plan.sim_types), None)


def open_sim(sims: Iterable[Sim]) -> Sim | None:
    """An already active SIM on the device, if any."""
    return next((s for s in sims if s.status is SimStatus.ACTIVE), None)
