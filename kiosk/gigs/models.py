"""Typed, tolerant models of the Gigs API objects (reference section 3).

Why pydantic v2 rather than dataclasses: reading must be tolerant (unknown fields ignored,
unknown enum values mapped to an `unknown` member, nulls where the reference allows them)
and hostile JSON must end in one clear error, never a crash deep in the flow. pydantic does
all of this declaratively, in compiled code, and the models stay immutable (`frozen`).
Secrets (activation codes, install URLs, Stripe client secrets) are `SecretStr`, so a model
that is printed or logged by mistake shows `**********`; IMEIs, ICCIDs and emails are left
out of `repr` for the same reason.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Generic, TypeVar

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, SecretStr, model_validator
from pydantic.alias_generators import to_camel

from kiosk.gigs.enums import (  # re-exported: models and their enums come from one place
    SimType, SimStatus, DeviceType, PlanStatus, ActivationTrigger, Requirement, SubscriptionStatus,
    OrderStatus, ESimProfileStatus, UserStatus, PaymentMethodStatus, PaymentMethodType,
    ValidityUnit, ValidityType,
)


def _expand_id(value: Any) -> Any:
    """Accept a bare id where the reference documents an embedded object."""
    return {"id": value} if isinstance(value, str) else value


def _none_as_empty(value: Any) -> Any:
    return {} if value is None else value


def _none_as_list(value: Any) -> Any:
    return [] if value is None else value


Metadata = Annotated[dict[str, Any], BeforeValidator(_none_as_empty)]


class GigsModel(BaseModel):
    """Base of every API object: camelCase on the wire, unknown fields ignored, immutable."""

    model_config = ConfigDict(
        extra="ignore", frozen=True, alias_generator=to_camel, populate_by_name=True
    )


class Money(GigsModel):
    amount: int
    currency: str


class DeviceModel(GigsModel):
    id: str
    brand: str | None = None
    name: str | None = None
    sim_types: Annotated[list[SimType], BeforeValidator(_none_as_list)] = Field(default_factory=list)
    type: DeviceType = DeviceType.UNKNOWN

    @property
    def supports_esim(self) -> bool:
        return SimType.ESIM in self.sim_types


class Sim(GigsModel):
    id: str
    iccid: str | None = Field(default=None, repr=False)
    provider: str | None = None
    status: SimStatus = SimStatus.UNKNOWN
    type: SimType = SimType.UNKNOWN
    metadata: Metadata = Field(default_factory=dict)
    created_at: datetime | None = None


class User(GigsModel):
    id: str
    email: str | None = Field(default=None, repr=False)
    email_verified: bool | None = None
    full_name: str | None = Field(default=None, repr=False)
    birthday: str | None = Field(default=None, repr=False)
    preferred_locale: str | None = None
    status: UserStatus = UserStatus.UNKNOWN
    metadata: Metadata = Field(default_factory=dict)
    created_at: datetime | None = None


class Device(GigsModel):
    id: str
    imei: str | None = Field(default=None, repr=False)
    model: DeviceModel | None = None
    name: str | None = None
    sims: Annotated[list[Sim], BeforeValidator(_none_as_list)] = Field(default_factory=list)
    user: Annotated[User | None, BeforeValidator(_expand_id)] = None
    metadata: Metadata = Field(default_factory=dict)
    created_at: datetime | None = None


class Allowances(GigsModel):
    """Plan allowances; `None` means unlimited."""

    data_bytes: int | None = None
    voice_seconds: int | None = None
    sms_messages: int | None = None


class Limits(GigsModel):
    data_bytes: int | None = None
    bandwidth_bits_per_second: int | None = None


class Coverage(GigsModel):
    id: str | None = None
    name: str | None = None
    countries: Annotated[list[str], BeforeValidator(_none_as_list)] = Field(default_factory=list)


class Validity(GigsModel):
    value: int | None = None
    unit: ValidityUnit = ValidityUnit.UNKNOWN
    type: ValidityType = ValidityType.UNKNOWN
    minimum_periods: int | None = None


class Requirements(GigsModel):
    """What must exist before subscribing. The wire keys are literally dotted."""

    address: Requirement = Requirement.NONE
    user_birthday: Requirement = Field(default=Requirement.NONE, alias="user.birthday")
    user_full_name: Requirement = Field(default=Requirement.NONE, alias="user.fullName")
    device: Requirement = Requirement.NONE

    @property
    def needs_address(self) -> bool:
        return self.address is not Requirement.NONE


class Plan(GigsModel):
    id: str
    name: str | None = None
    description: str | None = None
    status: PlanStatus = PlanStatus.UNKNOWN
    sim_types: Annotated[list[SimType], BeforeValidator(_none_as_list)] = Field(default_factory=list)
    activation_trigger: ActivationTrigger = ActivationTrigger.CREATION
    allowances: Allowances = Field(default_factory=Allowances)
    limits: Limits | None = None
    coverage: Coverage | None = None
    price: Money | None = None
    provider: str | None = None
    requirements: Annotated[Requirements, BeforeValidator(_none_as_empty)] = Field(
        default_factory=Requirements
    )
    validity: Validity | None = None
    image: str | None = None
    metadata: Metadata = Field(default_factory=dict)
    created_at: datetime | None = None

    @model_validator(mode="before")
    @classmethod
    def _legacy_allowances(cls, data: Any) -> Any:
        # Older pages show top-level data/sms/voice where -1 means unlimited.
        if isinstance(data, dict) and "allowances" not in data and any(
            k in data for k in ("data", "sms", "voice")
        ):

            def legacy(key: str) -> Any:
                value = data.get(key)
                return None if value == -1 else value

            data = {
                **data,
                "allowances": {
                    "dataBytes": legacy("data"),
                    "voiceSeconds": legacy("voice"),
                    "smsMessages": legacy("sms"),
                },
            }
        return data


class CurrentPeriod(GigsModel):
    number: int | None = None
    start: datetime | None = None
    end: datetime | None = None


class CancellationDetails(GigsModel):
    cause: str | None = None
    user_reason: str | None = None
    user_comment: str | None = None


class Subscription(GigsModel):
    id: str
    status: SubscriptionStatus = SubscriptionStatus.UNKNOWN
    sim: Annotated[Sim | None, BeforeValidator(_expand_id)] = None
    plan: Annotated[Plan | None, BeforeValidator(_expand_id)] = None
    user: Annotated[User | None, BeforeValidator(_expand_id)] = None
    user_address: str | None = None
    phone_number: str | None = None
    current_period: CurrentPeriod | None = None
    activated_at: datetime | None = None
    canceled_at: datetime | None = None
    ended_at: datetime | None = None
    earliest_end_at: datetime | None = None
    first_usage_at: datetime | None = None
    cancellation_details: CancellationDetails | None = None
    metadata: Metadata = Field(default_factory=dict)
    created_at: datetime | None = None


class SubscriptionDetails(GigsModel):
    sim: str | None = None
    user: str | None = None
    user_address: str | None = None


class Payment(GigsModel):
    id: str | None = None
    amount: Money | None = None
    failed_attempts: int | None = None
    failure_code: str | None = None
    failure_message: str | None = None
    reason: str | None = None


class Order(GigsModel):
    id: str
    status: OrderStatus = OrderStatus.UNKNOWN
    subscription: str | None = None
    subscription_details: SubscriptionDetails | None = None
    plan: Annotated[Plan | None, BeforeValidator(_expand_id)] = None
    price: Money | None = None
    subtotal: Money | None = None
    discount: Money | None = None
    last_payment: Payment | None = None
    user: Annotated[User | None, BeforeValidator(_expand_id)] = None
    metadata: Metadata = Field(default_factory=dict)
    created_at: datetime | None = None

    @model_validator(mode="before")
    @classmethod
    def _subscription_id(cls, data: Any) -> Any:
        # Tolerate an embedded subscription object where the reference documents an id.
        if isinstance(data, dict) and isinstance(data.get("subscription"), dict):
            data = {**data, "subscription": data["subscription"].get("id")}
        return data


class SimCredentials(GigsModel):
    """eSIM install data. Every field but `sim` is a single-use secret."""

    sim: str | None = None
    activation_code: SecretStr | None = None
    qr_code_url: SecretStr | None = None
    ios_install_url: SecretStr | None = None
    android_install_url: SecretStr | None = None


class ESimProfile(GigsModel):
    sim: Annotated[Sim | None, BeforeValidator(_expand_id)] = None
    status: ESimProfileStatus = ESimProfileStatus.UNKNOWN
    updated_at: datetime | None = None


class UserAddress(GigsModel):
    id: str
    line1: str | None = Field(default=None, repr=False)
    line2: str | None = Field(default=None, repr=False)
    city: str | None = None
    state: str | None = None
    postal_code: str | None = None
    country: str | None = None
    user: str | None = None
    created_at: datetime | None = None


class PaymentMethod(GigsModel):
    id: str
    brand: str | None = None
    client_secret: SecretStr | None = None
    last4: str | None = None
    provider: str | None = None
    status: PaymentMethodStatus = PaymentMethodStatus.UNKNOWN
    type: PaymentMethodType = PaymentMethodType.UNKNOWN
    user: str | None = None
    created_at: datetime | None = None


class ErrorObject(GigsModel):
    type: str | None = None
    code: str | None = None
    message: str = "Unknown error"
    hint: str | None = None
    documentation: Annotated[list[str], BeforeValidator(_none_as_list)] = Field(default_factory=list)
    details: Annotated[list[dict[str, Any]], BeforeValidator(_none_as_list)] = Field(
        default_factory=list
    )


T = TypeVar("T", bound=GigsModel)


class ListPage(GigsModel, Generic[T]):
    """One page of a list or search response (cursor pagination)."""

    items: list[T]
    more_items_after: str | None = None
    more_items_before: str | None = None


__all__ = [
    "ActivationTrigger", "Allowances", "CancellationDetails", "Coverage", "CurrentPeriod", "Device",
    "DeviceModel", "DeviceType", "ESimProfile", "ESimProfileStatus", "ErrorObject", "GigsModel",
    "Limits", "ListPage", "Money", "Order", "OrderStatus", "Payment", "PaymentMethod",
    "PaymentMethodStatus", "PaymentMethodType", "Plan", "PlanStatus", "Requirement", "Requirements",
    "Sim", "SimCredentials", "SimStatus", "SimType", "Subscription", "SubscriptionDetails",
    "SubscriptionStatus", "User", "UserAddress", "UserStatus", "Validity", "ValidityType",
    "ValidityUnit",
]
