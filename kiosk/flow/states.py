"""The states of one activation session: immutable values the UI renders.

Transitions are pure (`kiosk.flow.machine.next_state`); effects live in the engine.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from kiosk.flow.customer import CustomerInput
from kiosk.flow.errors import KioskError
from kiosk.flow.lpa import ActivationCode
from kiosk.gigs.models import (
    Device, DeviceModel, DeviceType, ESimProfileStatus, Plan, Sim, SimType, Subscription,
    SubscriptionStatus, User,
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
class DeviceFound:
    """The device can be activated: the customer confirms it is theirs before choosing a plan,
    and, when it has more than one SIM to activate (`choices`), chooses the SIM.

    `plans` are the plans offered for any of the SIMs; `unsold` those that fit but require what
    the kiosk cannot collect (counted for the customer, never offered).
    """

    device: Device
    choices: tuple[SimChoice, ...]
    plans: tuple[Plan, ...]
    unsold: tuple[Plan, ...] = ()

    @property
    def withheld(self) -> int:
        return len(self.unsold)

    @property
    def needs_sim_choice(self) -> bool:
        return len(self.choices) > 1


@dataclass(frozen=True)
class ExistingStatus:
    """What a stranger may learn about a SIM that already has a subscription: its status.

    Never its activation code, QR, phone number, owner or email: whoever holds the box
    is not necessarily whoever bought the line.
    """

    sim_type: SimType | None
    status: SubscriptionStatus | None
    plan_name: str | None = None
    since: datetime | None = None  # when it became active (or was created, while pending)
    reference: str | None = None  # ours, when this kiosk placed the order
    finishing: bool = False  # our activation is still being provisioned (in the background)


@dataclass(frozen=True)
class ChoosingPlan:
    """Plans for the SIM the customer chose (`choices` is that one SIM), or, when nobody chose
    (a caller with no way to ask, such as the command line), for any SIM: each plan then goes
    on the first SIM it fits (`catalog.choice_for`)."""

    device: Device
    choices: tuple[SimChoice, ...]
    plans: tuple[Plan, ...]
    unsold: tuple[Plan, ...] = ()

    @property
    def withheld(self) -> int:
        return len(self.unsold)


@dataclass(frozen=True)
class EnteringCustomer:
    device: Device
    choice: SimChoice
    plan: Plan
    needs_address: bool
    owner: User | None = None  # the device's owner: only what the plan needs is asked for
    draft: CustomerInput | None = None
    problems: tuple[tuple[str, str], ...] = ()  # (field, message)
    needs_name: bool = True  # False for an owner whose name is known (or not required)


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
    """The order is being placed. Entered synchronously on confirm, before any request:
    `activation_id` is None until the intent is in the journal."""

    activation_id: str | None = None
    reference: str | None = None


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
    device_type: DeviceType = DeviceType.UNKNOWN  # for the words: "your tablet", "your watch"


@dataclass(frozen=True)
class PendingInBackground:
    """The deadline passed: the activation goes on in the background; give the reference."""

    activation_id: str
    reference: str


@dataclass(frozen=True)
class Failed:
    """A step failed. After an order attempt `activation_id` is set, and "Try again"
    resumes that activation (never a new checkout); `retry_from` is the page to retry from
    when nothing was ordered yet (a lookup, or a review whose intent was never journaled)."""

    error: KioskError
    can_retry: bool = False
    activation_id: str | None = None
    retry_from: FlowState | None = field(default=None, repr=False)


@dataclass(frozen=True)
class Cancelled:
    pass


FlowState = (Idle | LookingUp | NotRegistered | NoUsableSim | AlreadySubscribed | DeviceFound
             | ExistingStatus | ChoosingPlan | EnteringCustomer | Review | Placing | Provisioning
             | Ready | PendingInBackground | Failed | Cancelled)
#: States the customer can go back to.
INTERACTIVE = (DeviceFound, ChoosingPlan, EnteringCustomer, Review)


@dataclass(frozen=True)
class Visit:
    """Everything one customer's visit knows: the page, the way back, what was scanned, and
    the activation this visit ordered (the only one whose eSIM code it may show)."""

    page: FlowState = field(default_factory=Idle)
    history: tuple[FlowState, ...] = ()
    imeis: tuple[str, ...] = ()
    activation_id: str | None = None
