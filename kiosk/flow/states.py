"""The states of one activation session: immutable values the UI renders.

Transitions are pure (`dataclasses.replace` or a new state); actions live in the engine.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from kiosk.flow.customer import CustomerInput
from kiosk.flow.errors import KioskError
from kiosk.flow.lpa import ActivationCode
from kiosk.gigs.models import (
    Device, DeviceModel, ESimProfileStatus, Plan, Sim, SimType, Subscription, User,
)


@dataclass(frozen=True)
class SimChoice:
    """The SIM to activate: an existing SIM, or `sim is None` for a new eSIM (`auto`)."""

    sim: Sim | None
    type: SimType

    @property
    def ref(self) -> str:
        return self.sim.id if self.sim else "auto"


@dataclass(frozen=True)
class Idle:
    pass


@dataclass(frozen=True)
class LookingUp:
    imei_count: int = 1


@dataclass(frozen=True)
class NotRegistered:
    """No device with these IMEIs; `models` says what the phone is, if the API knows it."""

    models: tuple[DeviceModel, ...] = ()

    @property
    def supports_esim(self) -> bool | None:
        return None if not self.models else any(m.supports_esim for m in self.models)


@dataclass(frozen=True)
class NoUsableSim:
    device: Device
    reason: str  # "no_sim" (and the model has no eSIM), "retired", "no_plans"


@dataclass(frozen=True)
class AlreadySubscribed:
    """The SIM already has a subscription (or an activation we started): never order again."""

    device: Device
    sim: Sim | None
    subscription: Subscription | None
    activation_id: str | None = None  # ours, from the journal

    @property
    def can_show_esim(self) -> bool:
        return self.sim is not None and self.sim.type is SimType.ESIM


@dataclass(frozen=True)
class ChoosingPlan:
    device: Device
    choices: tuple[SimChoice, ...]
    plans: tuple[Plan, ...]


@dataclass(frozen=True)
class EnteringCustomer:
    device: Device
    choice: SimChoice
    plan: Plan
    needs_address: bool
    owner: User | None = None  # the device's owner: only the address is asked for
    draft: CustomerInput | None = None
    problems: tuple[tuple[str, str], ...] = ()  # (field, message)


@dataclass(frozen=True)
class Review:
    device: Device
    choice: SimChoice
    plan: Plan
    customer: CustomerInput | None
    owner: User | None  # the device's owner, used instead of a new customer


class Step(StrEnum):
    ORDER_PLACED = "order_placed"
    SUBSCRIPTION_CREATED = "subscription_created"
    SIM_PROVISIONING = "sim_provisioning"
    ACTIVE = "active"


@dataclass(frozen=True)
class Placing:
    activation_id: str
    reference: str


@dataclass(frozen=True)
class Provisioning:
    activation_id: str
    reference: str
    done: frozenset[Step] = frozenset()
    started: float = 0.0
    elapsed: float = 0.0

    @property
    def current(self) -> Step:
        for step in Step:
            if step not in self.done:
                return step
        return Step.ACTIVE


@dataclass(frozen=True)
class Ready:
    activation_id: str | None
    reference: str | None
    sim_type: SimType
    code: ActivationCode | None = field(default=None, repr=False)  # eSIM only; secret
    activates_on_first_use: bool = False
    profile: ESimProfileStatus = ESimProfileStatus.UNKNOWN
    phone_number: str | None = None
    provider: str | None = None
    sim_id: str | None = None


@dataclass(frozen=True)
class PendingInBackground:
    """The deadline passed: the activation goes on in the background; give the reference."""

    activation_id: str
    reference: str


@dataclass(frozen=True)
class Failed:
    error: KioskError
    can_retry: bool = False


@dataclass(frozen=True)
class Cancelled:
    pass


FlowState = (Idle | LookingUp | NotRegistered | NoUsableSim | AlreadySubscribed | ChoosingPlan
             | EnteringCustomer | Review | Placing | Provisioning | Ready | PendingInBackground
             | Failed | Cancelled)
#: States the customer can go back to.
INTERACTIVE = (ChoosingPlan, EnteringCustomer, Review)
